package dev.rollbridge.login;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stored password: PBKDF2-HMAC-SHA256 with a random salt, written as
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (base64, no padding). The configuration holds only
 * this, never the password: a copied or pasted configuration does not give the login away.
 *
 * <p>The passwords rollbridge makes are 20 random characters of a 32-letter alphabet (100 bits):
 * unguessable whatever the iteration count; the count slows down a person's own weaker choice.
 */
public final class PasswordHash {
    /** ~0.1 s on a Raspberry Pi 4, a few ms on a desktop: cheap for a login, costly for a guesser. */
    public static final int ITERATIONS = 100_000;
    /** Lower case letters and digits without 0/o, 1/l/i: read from a screen and typed on a phone. */
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("pbkdf2-sha256\\$([0-9]{4,7})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{43})");
    private static final int MAX_PASSWORD_CHARS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** The hash of {@code password} with a fresh salt. */
    public static PasswordHash of(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, derive(password, salt, ITERATIONS));
    }

    /** Parses a stored hash; empty when it is not one (the message is the caller's: it knows the key). */
    public static Optional<PasswordHash> parse(String stored) {
        Matcher m = FORMAT.matcher(stored == null ? "" : stored.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        int iterations = Integer.parseInt(m.group(1));
        if (iterations < 10_000) {
            return Optional.empty();
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return Optional.of(new PasswordHash(iterations, b64.decode(m.group(2)), b64.decode(m.group(3))));
    }

    /** What to store. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code password} is the one; in time that does not depend on how much of it is right. */
    public boolean matches(char[] password) {
        if (password == null || password.length == 0 || password.length > MAX_PASSWORD_CHARS) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    /** A new password: five groups of four, e.g. {@code k7mq-x9pw-…}, 100 bits. */
    public static char[] newPassword() {
        char[] out = new char[24];
        int at = 0;
        for (int group = 0; group < 5; group++) {
            if (group > 0) {
                out[at++] = '-';
            }
            for (int i = 0; i < 4; i++) {
                out[at++] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
            }
        }
        return Arrays.copyOf(out, at);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Never the hash itself: a log line does not need it. */
    @Override
    public String toString() {
        return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]";
    }
}
