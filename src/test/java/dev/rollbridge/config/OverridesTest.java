package dev.rollbridge.config;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command-line options over the configuration: a given option wins, an absent one changes nothing. */
class OverridesTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final DeviceProfile ROLLER = new ProfileLoader().builtIn("rollsense-roller");
    private static final RollbridgeConfig DEFAULTS = RollbridgeConfig.defaults(BALL, Path.of("/data"));

    private static RollbridgeConfig fromFile(String yaml) throws Exception {
        Path dir = Files.createTempDirectory("overrides");
        Path file = dir.resolve("rollbridge.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(name -> null, dir).load(file).config();
    }

    @Test
    void nothingGivenChangesNothing() {
        assertThat(Overrides.none().applyTo(DEFAULTS)).isEqualTo(DEFAULTS);
    }

    @Test
    void eachGivenOptionWins() {
        Overrides given = new Overrides(Optional.of("tcp://broker.lan"), Optional.of(0), Optional.of("home/rb"), Optional.of(10),
                Optional.of(false), Optional.of("ha"), Optional.of(ROLLER), Optional.of(0.0), Optional.of(185), Optional.of(false),
                Optional.of(7L), Optional.of(false), Optional.of(0.3), Optional.of(false), Optional.of("22:00-07:00"), Optional.of(-1),
                Optional.of(Path.of("/elsewhere")), Optional.of("ana"));
        RollbridgeConfig c = given.applyTo(DEFAULTS);

        assertThat(c.mqtt().broker()).contains("tcp://broker.lan:1883");
        assertThat(c.mqtt().tls()).isEmpty();
        assertThat(c.mqtt().embeddedPort()).isZero();
        assertThat(c.mqtt().baseTopic()).isEqualTo("home/rb");
        assertThat(c.mqtt().keepAliveSeconds()).isEqualTo(10);
        assertThat(c.homeAssistant()).isEqualTo(new RollbridgeConfig.HomeAssistant(false, "ha"));
        assertThat(c.devices()).singleElement().satisfies(d -> assertThat(d.profile().name()).isEqualTo("rollsense-roller"));
        assertThat(c.simulator()).isEqualTo(new RollbridgeConfig.Simulator(0.0, 185, false, 7));
        assertThat(c.audio().enabled()).isFalse();
        assertThat(c.audio().volume()).isEqualTo(0.3);
        assertThat(c.audio().speech()).isFalse();
        assertThat(c.audio().quietFrom()).isEqualTo(LocalTime.of(22, 0));
        assertThat(c.dashboard().port()).isEqualTo(-1);
        assertThat(c.dataDir()).isEqualTo(Path.of("/elsewhere"));
        assertThat(c.user()).isEqualTo("ana");
        assertThat(c.file()).isEqualTo(DEFAULTS.file());
        assertThat(c.ble()).isEqualTo(DEFAULTS.ble());
    }

    @Test
    void anAbsentOptionKeepsTheFilesValue() throws Exception {
        RollbridgeConfig file = fromFile("""
                mqtt:
                  broker: tcp://127.0.0.1:1884
                  base_topic: gym
                  keepalive_s: 12
                user: ben
                audio:
                  volume: 0.5
                """);
        RollbridgeConfig c = new Overrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("ana")).applyTo(file);

        assertThat(c.mqtt()).isEqualTo(file.mqtt());
        assertThat(c.audio()).isEqualTo(file.audio());
        assertThat(c.user()).isEqualTo("ana");
    }

    @Test
    void anSslBrokerTurnsTlsOnAndAPlainOneRefusesAConfiguredTls() throws Exception {
        Overrides ssl = withBroker("ssl://broker.lan");
        assertThat(ssl.applyTo(DEFAULTS).mqtt().tls()).isPresent();
        assertThat(ssl.applyTo(DEFAULTS).mqtt().broker()).contains("ssl://broker.lan:8883");

        RollbridgeConfig withTls = ssl.applyTo(DEFAULTS);
        assertThatThrownBy(() -> withBroker("tcp://broker.lan").applyTo(withTls))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--broker tcp://broker.lan is not ssl:// but the configuration sets mqtt.tls");
    }

    @Test
    void aBadBaseTopicIsNamedAtOnce() {
        Overrides bad = new Overrides(Optional.empty(), Optional.empty(), Optional.of("rb/#"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThatThrownBy(() -> bad.applyTo(DEFAULTS)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rb/#");
    }

    @Test
    void theCoachIsOffByDefaultOnInTheFileAndTheCommandLineWinsEitherWay() throws Exception {
        RollbridgeConfig on = fromFile("""
                coach:
                  enabled: true
                """);
        assertThat(DEFAULTS.coach().enabled()).isFalse();
        assertThat(on.coach().enabled()).isTrue();
        assertThat(Overrides.none().applyTo(on).coach().enabled()).isTrue();
        assertThat(withCoach(false).applyTo(on).coach().enabled()).isFalse();
        assertThat(withCoach(true).applyTo(DEFAULTS).coach().enabled()).isTrue();
        assertThat(withCoach(true).applyTo(DEFAULTS).withoutSecrets()).containsEntry("coach", java.util.Map.of("enabled", true));
    }

    private static Overrides withCoach(boolean on) {
        Overrides n = Overrides.none();
        return new Overrides(n.broker(), n.embeddedPort(), n.baseTopic(), n.keepAliveSeconds(), n.haDiscovery(), n.haPrefix(),
                n.devicesProfile(), n.speed(), n.mtu(), n.repeat(), n.seed(), n.cue(), n.cueVolume(), n.speech(), n.quietHours(),
                n.dashboardPort(), n.dataDir(), n.user(), Optional.of(on));
    }

    private static Overrides withBroker(String url) {
        return new Overrides(Optional.of(url), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
