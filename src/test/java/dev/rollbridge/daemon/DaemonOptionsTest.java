package dev.rollbridge.daemon;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonOptionsTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final MqttSettings MQTT = MqttSettings.of("tcp://127.0.0.1:1883", "test", "rb");

    private static Bridge.Device device(String id, String address) {
        return new Bridge.Device(id, BALL, BALL.thresholds(), new ManualTransport(BALL, address));
    }

    @Test
    void twoDevicesWithOneIdAreRefusedNamingThem() {
        assertThatThrownBy(() -> DaemonOptions.of(MQTT, new Topics("rb"), List.of(device("ball", "C0:FF:EE:00:00:01"),
                device("ball", "C0:FF:EE:00:00:02"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same id").hasMessageContaining("[ball, ball]");
    }

    @Test
    void eachWithMakesANewRecordAndLeavesTheOldOneAsItWas() {
        DaemonOptions plain = DaemonOptions.of(MQTT, new Topics("rb"), List.of(device("ball", "C0:FF:EE:00:00:01")));
        DaemonOptions full = plain.connecting(DaemonOptions.Connect.IN_BACKGROUND)
                .withStorage(DaemonOptions.Storage.daemon(Path.of("/var/lib/rollbridge"), "ana"))
                .withFeatures(DaemonOptions.Features.none().withHomeAssistant("ha").withHealthInterval(Duration.ofSeconds(5)))
                .withConfigInfo(Map.of("file", "x.yaml"));

        assertThat(plain.connect()).isEqualTo(DaemonOptions.Connect.FIRST);
        assertThat(plain.storage()).isEmpty();
        assertThat(plain.features()).isEqualTo(DaemonOptions.Features.none());
        assertThat(plain.configInfo()).isEmpty();
        assertThat(full.connect()).isEqualTo(DaemonOptions.Connect.IN_BACKGROUND);
        assertThat(full.storage()).hasValueSatisfying(s -> assertThat(s.history() && s.journal() && s.degrade()).isTrue());
        assertThat(full.features().homeAssistantPrefix()).contains("ha");
        assertThat(full.features().healthInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(full.devices()).isEqualTo(plain.devices());
        assertThatThrownBy(() -> full.configInfo().put("more", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(DaemonOptions.Storage.historyOnly(Path.of("d"), "ana"))
                .satisfies(s -> assertThat(s.history()).isTrue())
                .satisfies(s -> assertThat(s.journal() || s.degrade()).isFalse());
    }
}
