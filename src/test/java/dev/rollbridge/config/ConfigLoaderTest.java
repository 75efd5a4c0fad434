package dev.rollbridge.config;

import dev.rollbridge.analysis.EventType;
import dev.rollbridge.mqtt.link.MqttSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env::get, dir.resolve("data"));
    }

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void theShippedExampleIsValidAndDescribesABallAndARollerWithTheirOverrides() {
        ConfigLoader.Loaded loaded = loader(Map.of()).load(Path.of("rollbridge.example.yaml"));
        RollbridgeConfig c = loaded.config();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(c.mqtt().broker()).isEmpty();
        assertThat(c.devices()).extracting(d -> d.profile().name()).containsExactly("rollsense-ball", "rollsense-roller");
        assertThat(c.devices().get(0).thresholds().hold().targetMs()).isEqualTo(30_000);
        assertThat(c.devices().get(1).address()).contains("C0:FF:EE:00:00:02");
        assertThat(c.audio().events()).contains(EventType.HOLD_TARGET_REACHED, EventType.PRESSURE_TOO_HIGH);
        assertThat(c.dashboard().bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void anEmptyFileMeansTheDefaults() throws IOException {
        RollbridgeConfig c = loader(Map.of()).load(write("empty.yaml", "")).config();
        assertThat(c.mqtt().broker()).isEmpty();
        assertThat(c.mqtt().embeddedPort()).isEqualTo(1883);
        assertThat(c.devices()).singleElement().satisfies(d -> assertThat(d.profile().name()).isEqualTo("rollsense-ball"));
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(c.homeAssistant().discovery()).isTrue();
    }

    @Test
    void aCoachThatIsNotABooleanOrAnUnknownCoachKeyIsNamed() throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(write("coach.yaml", """
                coach:
                  enabled: loud
                  voice: robot
                """)));
        assertThat(e.getMessage()).contains("coach.enabled").contains("coach.voice");
    }

    @Test
    void everyProblemInTheFileIsNamedWithItsPathValueAndWhatIsAllowed() throws IOException {
        Path file = write("bad.yaml", String.join("\n",
                "mqtt:",
                "  broker: tcp://broker.lan",
                "  base_topc: x",
                "  keepalive_s: 0",
                "  password: hunter2-secret",
                "  tls:",
                "    ca_file: missing/ca.pem",
                "ble:",
                "  backend: bluetooth",
                "devices:",
                "  - profile: rollsense-bal",
                "    address: C0:FF:EE:00:00",
                "  - profile: rollsense-roller",
                "    thresholds:",
                "      hold_target_ms: 90000",
                "      hold_tagret_ms: 5",
                "      speed_limit_cm_s: fast",
                "audio:",
                "  volume: 2",
                "  quiet_hours: 22-7",
                "  events: [hold_target_reached, nope]",
                "dashboard:",
                "  port: 70000",
                "colour: blue",
                ""));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(file));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "colour", "mqtt.base_topc", "mqtt.keepalive_s", "mqtt.username", "mqtt.tls.ca_file", "mqtt.broker",
                "ble.backend", "devices[0].address", "devices[0].profile",
                "devices[1].thresholds.hold_target_ms", "devices[1].thresholds.hold_tagret_ms", "devices[1].thresholds.speed_limit_cm_s",
                "audio.volume", "audio.quiet_hours", "audio.events[1]", "dashboard.port");
        assertThat(e.problems()).extracting(ConfigProblem::toString).contains(
                "mqtt.base_topc = x: unknown key (allowed here: broker, embedded_port, client_id, base_topic, keepalive_s, username, "
                        + "password, password_file, password_env, tls); did you mean 'base_topic'?",
                "mqtt.keepalive_s = 0: out of range: allowed 1 to 3600",
                "ble.backend = bluetooth: allowed: simulated, bluez, tinyb",
                "devices[0].address = C0:FF:EE:00:00: a BLE address like C0:FF:EE:00:00:01",
                "devices[0].profile = rollsense-bal: no such profile (built in: rollsense-ball, rollsense-roller, thingy52-ball, thingy52-roller, oriori-ball, nano33-ble-sense, ess-pressure)",
                "devices[1].thresholds.hold_target_ms = 90000: hold_target_ms 90000 must not exceed hold_max_ms 60000",
                "audio.volume = 2: out of range: allowed 0.0 to 1.0",
                "dashboard.port = 70000: out of range: allowed -1 to 65535");
        assertThat(e.problems()).filteredOn(p -> p.path().equals("devices[1].thresholds.hold_tagret_ms"))
                .singleElement().satisfies(p -> assertThat(p.reason()).contains("did you mean 'hold_target_ms'?"));
        assertThat(e.getMessage()).contains("16 problems").doesNotContain("hunter2-secret");
    }

    @Test
    void aSecretIsNeverEchoedEvenInAProblem() throws IOException {
        Path file = write("url.yaml", "mqtt:\n  broker: tcp://bob:hunter2-secret@broker.lan:1883\n  password: [1, 2]\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(file));
        assertThat(e.getMessage()).doesNotContain("hunter2-secret").contains("mqtt.broker = <redacted>").contains("mqtt.password = <redacted>");
    }

    @Test
    void passwordFromAFileIsReadTrimmedAndAWorldReadableFileIsWarnedAbout() throws IOException {
        Path secret = dir.resolve("pw");
        Files.writeString(secret, "  correct horse \n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = write("pw.yaml", "mqtt:\n  broker: tcp://127.0.0.1:1883\n  username: ann\n  password_file: pw\n");
        ConfigLoader.Loaded loaded = loader(Map.of()).load(file);
        assertThat(new String(loaded.config().mqtt().password().orElseThrow().reveal())).isEqualTo("correct horse");
        assertThat(loaded.warnings()).singleElement().asString()
                .contains(secret + " is readable by every user of this machine").contains("chmod 600 " + secret);

        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(loader(Map.of()).load(file).warnings()).isEmpty();
    }

    @Test
    void passwordFromTheEnvironmentAndSettingsThatNeverPrintIt() throws IOException {
        Path file = write("env.yaml", "mqtt:\n  broker: ssl://broker.lan\n  username: ann\n  password_env: MQTT_PW\n");
        RollbridgeConfig c = loader(Map.of("MQTT_PW", "hunter2-secret")).load(file).config();
        MqttSettings s = c.mqtt().settings(c.mqtt().broker().orElseThrow(), "id");
        assertThat(s.brokerUrl()).isEqualTo("ssl://broker.lan:8883");
        assertThat(s.tls()).isPresent();
        assertThat(new String(s.credentials().orElseThrow().password().orElseThrow().reveal())).isEqualTo("hunter2-secret");
        assertThat(s.toString()).doesNotContain("hunter2-secret").contains("environment variable MQTT_PW");
        assertThat(c.withoutSecrets().toString()).doesNotContain("hunter2-secret")
                .contains("login=username and password from environment variable MQTT_PW");

        assertThatThrownBy(() -> loader(Map.of()).load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.password_env = MQTT_PW: the environment variable MQTT_PW is not set");
    }

    @Test
    void onlyOnePasswordSourceAndAPasswordNeedsAUser() throws IOException {
        Path file = write("two.yaml", "mqtt:\n  broker: tcp://127.0.0.1\n  password: a\n  password_env: B\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of("B", "b")).load(file));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("mqtt.password_env");
        assertThat(e.problems().get(0).reason()).contains("give only one of password, password_file, password_env");
    }

    @Test
    void aPlainPasswordToAnotherHostIsWarnedAbout() throws IOException {
        Path file = write("plain.yaml", "mqtt:\n  broker: tcp://broker.lan:1883\n  username: ann\n  password: pw\n");
        assertThat(loader(Map.of()).load(file).warnings()).singleElement().asString().contains("unencrypted; use ssl://");
    }

    @Test
    void relativePathsAreRelativeToTheFileAndDevicesGetTheirIdsAndAudioItsQuietHours() throws IOException {
        Files.createDirectories(dir.resolve("profiles"));
        Files.copy(Path.of("device-profiles/rollsense-roller.yaml"), dir.resolve("profiles/my-roller.yaml"));
        Path file = write("rel.yaml", String.join("\n",
                "profiles_dir: profiles",
                "data_dir: state",
                "devices:",
                "  - {profile: my-roller, id: left_roller, thresholds: {speed_limit_cm_s: 5.0, speed_rearm_cm_s: 4}}",
                "audio: {quiet_hours: '22:00-07:00', events: [hold_max_reached]}",
                ""));
        RollbridgeConfig c = loader(Map.of()).load(file).config();
        assertThat(c.dataDir()).isEqualTo(dir.resolve("state"));
        assertThat(c.profilesDir()).contains(dir.resolve("profiles"));
        RollbridgeConfig.DeviceConfig d = c.devices().get(0);
        assertThat(d.id()).contains("left_roller");
        assertThat(d.thresholds().speed().limitCmS()).isEqualTo(5.0);
        assertThat(d.thresholds().speed().rearmCmS()).isEqualTo(4.0);
        assertThat(c.audio().quietAt(LocalTime.of(23, 0))).isTrue();
        assertThat(c.audio().events()).containsExactly(EventType.HOLD_MAX_REACHED);
    }

    @Test
    void twoDevicesMayNotShareAnAddressOrAnId() throws IOException {
        Path file = write("dup.yaml", String.join("\n",
                "devices:",
                "  - {profile: rollsense-ball, address: 'C0:FF:EE:00:00:07'}",
                "  - {profile: rollsense-ball, address: 'c0:ff:ee:00:00:07'}",
                "  - {profile: rollsense-roller, id: x}",
                "  - {profile: rollsense-ball, id: x}",
                ""));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(file));
        assertThat(e.problems()).extracting(ConfigProblem::toString).contains(
                "devices[1].address = c0:ff:ee:00:00:07: listed twice",
                "devices[3].id = x: two devices would share the MQTT id x");
    }

    @Test
    void yamlThatDoesNotParseSaysWhere() throws IOException {
        Path file = write("broken.yaml", "mqtt:\n  broker: [tcp://x\n");
        assertThatThrownBy(() -> loader(Map.of()).load(file)).isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML")
                .hasMessageContaining("line ");
    }

    /**
     * The README promises the password is never in an error message. A misspelt key, a password in
     * the wrong section and a line that does not parse all used to print it.
     */
    @Test
    void aPasswordUnderAMisspeltKeyInTheWrongSectionOrOnABrokenLineIsRedacted() throws IOException {
        String secret = "hunter2-secret";
        for (String yaml : new String[]{
                "mqtt:\n  broker: tcp://broker.lan:1883\n  username: bob\n  passwrd: " + secret + "\n",
                "mqtt:\n  broker: tcp://broker.lan:1883\n  pasword: " + secret + "\n",
                "mqtt:\n  broker: tcp://broker.lan:1883\n  pw: " + secret + "\n",
                "password: " + secret + "\n",
                "dashboard:\n  password: " + secret + "\n",
                "ble:\n  mqtt_password: " + secret + "\n",
                "dashboard:\n  token: " + secret + "\n",
                "mqtt:\n  credentials: {user: bob, secret: " + secret + "}\n",
                "mqtt: [password: " + secret + "]\n",
                "mqtt:\n  tls: {client_key: " + secret + "}\n",
                "mqtt:\n  username: bob\n  password: \"" + secret + "\n",      // an unterminated quote
                "mqtt:\n  username: bob\n  password: " + secret + ": more\n",  // a second colon
                "mqtt:\n\tpassword: " + secret + "\n",                        // a tab
                "mqtt:\n  password: *" + secret + "\n",                        // an alias that does not exist
                "mqtt:\n  password:" + secret + "\n",                          // no space after the colon: one text
                "mqtt:\n  password " + secret + "\n",                          // no colon at all
                "password:" + secret + "\n",                                    // the whole file one text
                "mqtt:\n  username: [bob, " + secret + "]\n",                  // a list where text belongs
                "mqtt:\n  keepalive_s: pw=" + secret + "\n",
                "root:$6$" + secret + ":19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n", // check-config /etc/shadow: lines are keys
                "mqtt:\n  root:$6$" + secret + ":19000: x\n",
        }) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(write("s.yaml", yaml)));
            assertThat(e).as(yaml).isNotNull();
            assertThat(e.getMessage()).as(yaml).doesNotContain(secret).doesNotContain("hunter2");
        }
        ConfigException misspelt = catchThrowableOfType(ConfigException.class, () -> loader(Map.of())
                .load(write("s.yaml", "mqtt:\n  broker: tcp://broker.lan:1883\n  username: bob\n  passwrd: " + secret + "\n")));
        assertThat(misspelt.getMessage()).contains("mqtt.passwrd = <redacted>: unknown key").contains("did you mean 'password'?");
        ConfigException broken = catchThrowableOfType(ConfigException.class, () -> loader(Map.of())
                .load(write("s.yaml", "mqtt:\n  username: bob\n  password: \"" + secret + "\n")));
        assertThat(broken.getMessage()).as("where, and what went wrong, in one position")
                .matches("(?s).*not valid YAML at line \\d+, column \\d+: .*");
        // Other values are still shown, so a typo elsewhere remains easy to find.
        ConfigException other = catchThrowableOfType(ConfigException.class, () -> loader(Map.of())
                .load(write("s.yaml", "mqtt:\n  base_topc: house\n")));
        assertThat(other.getMessage()).contains("mqtt.base_topc = house");
    }

    @Test
    void aFileTooLargeNotUtf8OrUnreadableIsOneLineNotAStackTrace() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, ("# " + "x".repeat(1_000) + "\n").repeat(300).getBytes());
        assertThatThrownBy(() -> loader(Map.of()).load(big)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("larger than 256 kB");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[]{'u', 's', 'e', 'r', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> loader(Map.of()).load(latin1)).isInstanceOf(ConfigException.class).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> loader(Map.of()).load(Path.of("/dev/zero"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("larger than 256 kB");
        Path deep = write("deep.yaml", "a: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n");
        assertThatThrownBy(() -> loader(Map.of()).load(deep)).isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThat(ConfigNode.looksSecret("base_topic")).isFalse();
        assertThat(ConfigNode.looksSecret("keepalive_s")).isFalse();
        assertThat(ConfigNode.looksSecret("Passwort")).isTrue();
    }

    /** One position, in words: "line 3 ... (while parsing a block mapping that begins at line 1)" read as two answers (issue 19). */
    @Test
    void aYamlMistakeIsOnePlaceAndSaysWhatToFix() throws IOException {
        String[][] cases = {
                {"mqtt:\n  broker: tcp://x:1883\n ble: [\n", "line 3, column 2: this line is indented differently"},
                {"mqtt:\n  broker: \"tcp://x\n", "the file ends inside a quote or a bracket (the quote opened at line 2, column 11)"},
                {"mqtt:\n\tbroker: x\n", "line 2, column 1: a tab: indent with spaces"},
                {"devices: [ {profile: a}\n", "a bracket is not closed, or a ',' is missing between its items (the bracket opened at line 1, column 10)"},
                {"mqtt: broker: x\n", "a ': ' where no key can start"},
        };
        for (String[] c : cases) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(write("y.yaml", c[0])));
            assertThat(e.getMessage()).as(c[0]).contains(c[1]).doesNotContain("begins at");
        }
    }

    /** A Thingy:52 in a ball and another in a roller advertise alike: found by scanning, they could be swapped. */
    @Test
    void twoProfilesThatAdvertiseAlikeNeedAddresses() throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(write("t.yaml",
                "ble: {backend: bluez}\ndevices:\n  - {profile: thingy52-ball}\n  - {profile: thingy52-roller}\n")));
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("devices[1].address");
        assertThat(e.problems().get(0).reason()).contains("advertise alike").contains("rollbridge scan");
        // A ball and a roller of RollSense share a service, never a name: that is fine.
        assertThat(loader(Map.of()).load(write("r.yaml",
                "ble: {backend: bluez}\ndevices:\n  - {profile: rollsense-ball}\n  - {profile: rollsense-roller}\n")).config().devices()).hasSize(2);
    }
}
