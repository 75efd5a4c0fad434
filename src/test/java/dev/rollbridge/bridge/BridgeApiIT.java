package dev.rollbridge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** bridge/health and bridge/request → bridge/response against a real Mosquitto. */
class BridgeApiIT {
    private static final String DEVICE = "rollsense_c0ffee000001";

    @Test
    void healthIsPublishedAndRequestsAreAnsweredWithTheirTransaction() throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        try (Mosquitto broker = Mosquitto.start(); MqttProbe probe = new MqttProbe(broker.url(), "api/#")) {
            Topics topics = new Topics("api");
            ManualTransport device = new ManualTransport(ball, "C0:FF:EE:00:00:01");
            RollbridgeDaemon bridge = RollbridgeDaemon.start(DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-api", "api"), topics,
                            List.of(new Bridge.Device(DEVICE, ball, ball.thresholds(), device)))
                    .withFeatures(DaemonOptions.Features.none().withHealthInterval(Duration.ofMillis(300))));
            MqttClient user = new MqttClient(broker.url(), "api-user");
            user.connect();
            try {
                device.press(100, 60, 1_000);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> probe.on("api/bridge/health").size() >= 2);
                MqttProbe.Received health = probe.on("api/bridge/health").get(1);
                assertThat(health.qos()).isZero();
                assertThat(health.retained()).isFalse();
                assertThat(health.json().path("devices").path(DEVICE).path("samples").asLong()).isEqualTo(100);
                for (String field : List.of("uptime_s", "mqtt_connected", "reconnects", "outbox_depth", "delivered", "dropped",
                        "decode_errors", "heap_used_mb")) {
                    assertThat(health.json().has(field)).as(field).isTrue();
                }

                user.publish("api/bridge/request/health_check", "{\"transaction\":7}".getBytes(StandardCharsets.UTF_8), 1, false);
                JsonNode check = probe.await("health_check", Duration.ofSeconds(5),
                        m -> m.topic().equals("api/bridge/response/health_check")).json();
                assertThat(check.path("status").asText()).isEqualTo("ok");
                assertThat(check.path("transaction").asInt()).isEqualTo(7);
                assertThat(check.path("data").path("mqtt_connected").asBoolean()).isTrue();

                user.publish("api/bridge/request/devices", new byte[0], 1, false);
                JsonNode list = probe.await("devices", Duration.ofSeconds(5), m -> m.topic().equals("api/bridge/response/devices")).json();
                assertThat(list.path("data").get(0).path("id").asText()).isEqualTo(DEVICE);
                assertThat(list.path("data").get(0).path("transport").asText()).isEqualTo("manual");

                user.publish("api/bridge/request/device/restart", ("{\"id\":\"" + DEVICE + "\",\"transaction\":\"r1\"}")
                        .getBytes(StandardCharsets.UTF_8), 1, false);
                JsonNode restart = probe.await("restart", Duration.ofSeconds(5),
                        m -> m.topic().equals("api/bridge/response/device/restart")).json();
                assertThat(restart.path("status").asText()).isEqualTo("ok");
                assertThat(restart.path("transaction").asText()).isEqualTo("r1");
                probe.await("reconnected device", Duration.ofSeconds(5), m -> m.topic().equals("api/" + DEVICE + "/event")
                        && m.json().path("type").asText().equals("device_connected") && m.json().path("seq").asLong() > 1);
                assertThat(probe.on("api/" + DEVICE + "/event")).extracting(m -> m.json().path("type").asText())
                        .containsSubsequence("device_connected", "device_disconnected", "device_connected");

                user.publish("api/bridge/request/device/restart", "{\"id\":\"nobody\"}".getBytes(StandardCharsets.UTF_8), 1, false);
                user.publish("api/bridge/request/reboot", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
                user.publish("api/bridge/request/devices", "{nope".getBytes(StandardCharsets.UTF_8), 1, false);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                        probe.messages().stream().filter(m -> m.topic().startsWith("api/bridge/response/")
                                && m.json().path("status").asText().equals("error")).count() == 3);
                assertThat(probe.messages().stream().filter(m -> m.topic().startsWith("api/bridge/response/"))
                        .map(m -> m.json().path("error").asText()).toList())
                        .anySatisfy(e -> assertThat(e).contains("unknown device 'nobody'"))
                        .anySatisfy(e -> assertThat(e).contains("unknown request 'reboot' (known: health_check, devices, device/restart)"))
                        .anySatisfy(e -> assertThat(e).startsWith("invalid JSON"));
            } finally {
                user.disconnect();
                user.close();
                bridge.stop(Duration.ofSeconds(2));
            }
        }
    }
}
