package dev.rollbridge.cli;

import dev.rollbridge.config.ConfigLoader;
import dev.rollbridge.config.RollbridgeConfig;
import dev.rollbridge.login.PasswordHash;
import dev.rollbridge.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rollbridge lan}: the file the daemon reads afterwards, the passwords shown once, the Avahi file. */
class LanCommandTest {
    private static final Pattern SHOWN = Pattern.compile("dashboard password:\\s+(\\S+)[\\s\\S]*broker login:\\s+rollbridge / (\\S+)");

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path dir;

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("avahi"));
        return file;
    }

    private int lan(Path file, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "lan";
        System.arraycopy(more, 0, args, 1, more.length);
        System.arraycopy(new String[]{"--config", file.toString(), "--avahi-dir", dir.resolve("avahi").toString()}, 0, args, 1 + more.length, 4);
        return Main.execute(args);
    }

    private RollbridgeConfig load(Path file) {
        return new ConfigLoader(Map.<String, String>of()::get, dir.resolve("data")).load(file).config();
    }

    @Test
    void onMakesTwoLoginsShowsThemOnceKeepsTheRestOfTheFileAndAnnouncesBoth() throws Exception {
        Path file = config("# my Pi\nmqtt:\n  embedded_port: 1884   # not the usual\ndashboard:\n  port: 8081\n");
        assertThat(lan(file, "on")).isZero();
        Matcher shown = SHOWN.matcher(console.stdout());
        assertThat(shown.find()).as(console.stdout()).isTrue();
        String text = Files.readString(file);
        assertThat(text).startsWith("# my Pi\nmqtt:\n  embedded_port: 1884   # not the usual\ndashboard:\n  port: 8081\n")
                .doesNotContain(shown.group(1)).doesNotContain(shown.group(2));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        RollbridgeConfig config = load(file);
        assertThat(config.lan().enabled()).isTrue();
        assertThat(config.dashboard().bind()).isEqualTo("0.0.0.0");
        assertThat(config.embeddedBrokerHost()).isEqualTo("0.0.0.0");
        assertThat(config.dashboardLogin().orElseThrow().matches(shown.group(1).toCharArray())).isTrue();
        assertThat(config.lan().brokerLogin().orElseThrow().password().matches(shown.group(2).toCharArray())).isTrue();
        assertThat(config.lan().brokerLogin().get().username()).isEqualTo("rollbridge");
        String avahi = Files.readString(dir.resolve("avahi/rollbridge.service"));
        assertThat(avahi).contains("<type>_http._tcp</type>\n    <port>8081</port>").contains("<type>_mqtt._tcp</type>\n    <port>1884</port>");

        // Again: the same logins, nothing shown; the section is replaced, not added twice.
        console.resetStdout();
        assertThat(lan(file, "on")).isZero();
        assertThat(console.stdout()).doesNotContain("dashboard password:").contains("logins made before are kept");
        assertThat(Files.readString(file).split("\nlan:", -1)).hasSize(2);
        assertThat(load(file).dashboardLogin().orElseThrow().matches(shown.group(1).toCharArray())).isTrue();

        // New passwords: the old ones stop working.
        console.resetStdout();
        assertThat(lan(file, "on", "--new-passwords")).isZero();
        assertThat(load(file).dashboardLogin().orElseThrow().matches(shown.group(1).toCharArray())).isFalse();
    }

    @Test
    void offPutsBothBackOnLoopbackKeepsTheLoginsAndWithdrawsTheAnnouncement() throws Exception {
        Path file = config("dashboard:\n  port: 8080\n");
        assertThat(lan(file, "on")).isZero();
        String hash = load(file).lan().dashboardLogin().orElseThrow().encoded();
        assertThat(lan(file, "off")).isZero();
        RollbridgeConfig config = load(file);
        assertThat(config.lan().enabled()).isFalse();
        assertThat(config.dashboard().bind()).isEqualTo("127.0.0.1");
        assertThat(config.embeddedBrokerHost()).isEqualTo("127.0.0.1");
        assertThat(config.dashboardLogin()).isEmpty();
        assertThat(config.lan().dashboardLogin().orElseThrow().encoded()).isEqualTo(hash);
        assertThat(dir.resolve("avahi/rollbridge.service")).doesNotExist();
        console.resetStdout();
        assertThat(lan(file, "status")).isZero();
        assertThat(console.stdout()).contains("LAN mode off").contains("dashboard login: set").doesNotContain(hash);
    }

    @Test
    void aFileWithOtherProblemsOrNoneAtAllIsLeftAlone() throws Exception {
        Path file = config("dashboard:\n  prot: 8080\n");
        assertThat(lan(file, "on")).isEqualTo(1);
        assertThat(console.stderr()).contains("fix " + file + " first").contains("dashboard.prot");
        assertThat(Files.readString(file)).isEqualTo("dashboard:\n  prot: 8080\n");
        assertThat(lan(dir.resolve("nope.yaml"), "on")).isEqualTo(1);
        assertThat(console.stderr()).contains("nope.yaml: no such file");
        Path huge = dir.resolve("huge.yaml");
        Files.writeString(huge, "# " + "x".repeat(300 * 1024) + "\n");
        assertThat(lan(huge, "on")).isEqualTo(1);
        assertThat(console.stderr()).contains("huge.yaml is larger than 256 kB");
        Path deep = dir.resolve("deep.yaml");
        Files.writeString(deep, "[".repeat(50_000));
        assertThat(lan(deep, "on")).isEqualTo(1);
        assertThat(console.stderr()).contains("deep.yaml is not a valid configuration");
    }

    @Test
    void withoutAvahiItSaysHowToGetItAndStillTurnsLanModeOn() throws Exception {
        Path file = config("");
        Files.delete(dir.resolve("avahi"));
        assertThat(lan(file, "on")).isZero();
        assertThat(console.stdout()).contains("Not announced over mDNS").contains("apt install avahi-daemon");
        assertThat(load(file).lan().enabled()).isTrue();
    }

    @Test
    void aBrokenHashIsNamedButNeverShown() throws Exception {
        String almost = PasswordHash.of("x-secret-x".toCharArray()).encoded().replace("$", "#");
        Path file = config("lan:\n  enabled: true\n  dashboard_password_hash: \"" + almost + "\"\n");
        assertThat(Main.execute("check-config", file.toString(), "--data-dir", dir.resolve("data").toString())).isEqualTo(1);
        assertThat(console.stdout()).contains("lan.dashboard_password_hash").contains("rollbridge lan on --new-passwords")
                .contains("lan.broker_password_hash").doesNotContain(almost);
    }
}
