package dev.rollbridge.mqtt.homeassistant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;
import dev.rollbridge.testing.Mosquitto;
import dev.rollbridge.testing.MqttProbe;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Home Assistant discovery against a real Mosquitto: the golden payload, the re-send, the removal. */
class HomeAssistantDiscoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BALL = "rollsense_c0ffee000001";
    /** The second device: an Oriori ball, which measures a load and no motion. */
    private static final String ORIORI = "oriori_c0ffee000002";
    @TempDir
    Path data;

    private RollbridgeDaemon bridge(Mosquitto broker, boolean withRoller) throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        DeviceProfile roller = new ProfileLoader().builtIn("oriori-ball");
        Topics topics = new Topics("ha");
        List<Bridge.Device> devices = withRoller
                ? List.of(new Bridge.Device(BALL, ball, ball.thresholds(), new ManualTransport(ball, "C0:FF:EE:00:00:01")),
                new Bridge.Device(ORIORI, roller, roller.thresholds(), new ManualTransport(roller, "C0:FF:EE:00:00:02")))
                : List.of(new Bridge.Device(BALL, ball, ball.thresholds(), new ManualTransport(ball, "C0:FF:EE:00:00:01")));
        // Only the file of announced devices is kept in the data directory.
        return RollbridgeDaemon.start(DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-ha-" + System.nanoTime(), "ha"), topics, devices)
                .withStorage(new DaemonOptions.Storage(data, "default", false, false, false))
                .withFeatures(DaemonOptions.Features.none().withHomeAssistant("homeassistant")));
    }

    @Test
    void devicesAreAnnouncedResentWhenHomeAssistantComesOnlineAndWithdrawnWhenRemoved() throws Exception {
        try (Mosquitto broker = Mosquitto.start(); MqttProbe probe = new MqttProbe(broker.url(), "homeassistant/#")) {
            RollbridgeDaemon first = bridge(broker, true);
            MqttProbe.Received config = probe.await("ball config", Duration.ofSeconds(5),
                    m -> m.topic().equals("homeassistant/device/rollbridge_" + BALL + "/config"));
            assertThat(config.qos()).isEqualTo(1);
            JsonNode expected = JSON.readTree(Files.readString(Path.of("src/test/resources/golden/ha-discovery-" + BALL + ".json"))
                    .replace("VERSION", Bridge.version()));
            assertThat(config.json()).isEqualTo(expected);
            JsonNode oriori = probe.await("oriori config", Duration.ofSeconds(5), m -> m.topic().equals("homeassistant/device/rollbridge_" + ORIORI + "/config")
                    && m.json().path("cmps").path("pressure").path("uniq_id").asText().equals("rollbridge_c0ffee000002_pressure")).json();
            assertThat(oriori.path("cmps").has("speed")).as("no motion sensor: no dead speed entity").isFalse();
            assertThat(oriori.path("cmps").has("phase")).isTrue();
            assertThat(oriori.path("dev").path("mf").asText()).isEqualTo("Oriori");
            assertThat(oriori.path("dev").path("mdl").asText()).isEqualTo("oriori-ball");

            // Home Assistant restarts and says so: every device is announced again, after a short random delay.
            int before = probe.on("homeassistant/device/rollbridge_" + BALL + "/config").size();
            MqttClient ha = new MqttClient(broker.url(), "home-assistant");
            ha.connect();
            long sent = System.nanoTime();
            ha.publish("homeassistant/status", "online".getBytes(StandardCharsets.UTF_8), 1, false);
            probe.await("re-sent config", Duration.ofSeconds(10),
                    m -> probe.on("homeassistant/device/rollbridge_" + BALL + "/config").size() > before);
            long afterMs = (System.nanoTime() - sent) / 1_000_000;
            assertThat(afterMs).as("re-sent after a short delay").isBetween(400L, 4_000L);
            ha.disconnect();
            ha.close();
            first.stop(Duration.ofSeconds(2));

            // The roller leaves the configuration: its config is withdrawn with an empty retained payload.
            RollbridgeDaemon second = bridge(broker, false);
            probe.await("roller withdrawn", Duration.ofSeconds(5),
                    m -> m.topic().equals("homeassistant/device/rollbridge_" + ORIORI + "/config") && m.payload().isEmpty());
            second.stop(Duration.ofSeconds(2));
        }
    }
}
