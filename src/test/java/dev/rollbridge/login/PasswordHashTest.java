package dev.rollbridge.login;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHashTest {

    @Test
    void theRightPasswordMatchesAndNothingElseDoes() {
        char[] password = "k7mq-x9pw-2abc-defg-hjkm".toCharArray();
        PasswordHash hash = PasswordHash.of(password);
        assertThat(hash.matches(password)).isTrue();
        assertThat(hash.matches("k7mq-x9pw-2abc-defg-hjkn".toCharArray())).isFalse();
        assertThat(hash.matches("K7MQ-X9PW-2ABC-DEFG-HJKM".toCharArray())).isFalse();
        assertThat(hash.matches(new char[0])).isFalse();
        assertThat(hash.matches(null)).isFalse();
        assertThat(hash.matches("x".repeat(10_000).toCharArray())).as("an absurd length is refused before hashing").isFalse();
    }

    @Test
    void whatIsStoredParsesBackAndHoldsNoPassword() {
        char[] password = PasswordHash.newPassword();
        PasswordHash hash = PasswordHash.of(password);
        String stored = hash.encoded();
        assertThat(stored).startsWith("sha256$").doesNotContain(new String(password));
        PasswordHash back = PasswordHash.parse(stored).orElseThrow();
        assertThat(back.matches(password)).isTrue();
        assertThat(back.encoded()).isEqualTo(stored);
        assertThat(hash.toString()).doesNotContain(stored.substring(stored.lastIndexOf('$') + 1));
        assertThat(PasswordHash.of(password).encoded()).as("a fresh salt each time").isNotEqualTo(stored);
    }

    @Test
    void anythingElseIsNotAHash() {
        String good = PasswordHash.of("secret-secret".toCharArray()).encoded();
        assertThat(PasswordHash.parse(null)).isEmpty();
        assertThat(PasswordHash.parse("")).isEmpty();
        assertThat(PasswordHash.parse("hunter2")).as("a password pasted where its hash goes").isEmpty();
        assertThat(PasswordHash.parse(good.replace("sha256", "md5"))).isEmpty();
        assertThat(PasswordHash.parse(good.substring(0, good.length() - 1))).as("a hash cut short").isEmpty();
        assertThat(PasswordHash.parse(good + "x")).isEmpty();
        assertThat(PasswordHash.parse("  " + good + "\n")).as("surrounding space is forgiven").isPresent();
    }

    @Test
    void newPasswordsAreFiveGroupsOfFourUnambiguousCharactersAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String p = new String(PasswordHash.newPassword());
            assertThat(p).matches("[a-z2-9]{4}(-[a-z2-9]{4}){4}").doesNotContain("0", "1", "o", "l", "i");
            seen.add(p);
        }
        assertThat(seen).hasSize(200);
    }
}
