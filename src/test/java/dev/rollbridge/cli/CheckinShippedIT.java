package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.SessionRecord;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.Mosquitto;
import dev.rollbridge.testing.MqttProbe;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * Tomorrow's check-in in the jar users get, with the unit's JVM flags, against Mosquitto (issue
 * 20): a history with a session yesterday (in the machine's zone, here Europe/Berlin) and a good
 * morning before it; the check-in time already passed today. The bridge asks once, takes the
 * answer over MQTT, lowers the next session and says so; a bad answer is refused; after a
 * restart the lowering is still in force and nothing is asked again.
 */
class CheckinShippedIT {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String DEVICE = "rollsense_c0ffee000001";
    private static final String BASE = "rollbridge/" + DEVICE;

    private static Daemon bridge(Mosquitto broker, Path data, Path config) throws Exception {
        return Daemon.shipped(Map.of("TZ", "Europe/Berlin"), "run", "--config", config.toString(), "--broker", broker.url(),
                "--speed", "1", "--no-cue", "--no-ha-discovery", "--dashboard-port", "-1", "--data-dir", data.toString());
    }

    @Test
    void theMorningAfterASessionTheBridgeAsksTakesTheAnswerAndEasesTheNextSession() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "checkin-data-");
        Path config = data.resolve("config.yaml");
        Files.writeString(config, "checkin:\n  enabled: true\n  time: \"00:00\"\n  factor: 0.8\n");
        LocalDate today = LocalDate.now(BERLIN);
        try (HistoryStore store = HistoryStore.open(data)) {
            store.recordCheckin(DEVICE, today.minusDays(2), today.minusDays(2).atTime(8, 0).atZone(BERLIN).toInstant(), 2);
            store.recordSession(new SessionRecord(DEVICE, "s-1", "left", today.minusDays(1).atTime(19, 0).atZone(BERLIN).toInstant(),
                    "idle", 420, 360, 3, 2, 90, 150, 0, 20, 4, "{}"));
        }
        try (Mosquitto broker = Mosquitto.start()) {
            try (MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/#");
                 Daemon daemon = bridge(broker, data, config)) {
                JsonNode due = probe.await("checkin_due", Duration.ofSeconds(60), m -> m.topic().equals(BASE + "/event")
                        && m.json().path("type").asText().equals("checkin_due")).json();
                assertThat(due.path("data").path("session_day").asText()).isEqualTo(today.minusDays(1).toString());
                assertThat(due.path("data").path("question").asText()).isEqualTo("How does the back of your thigh feel today, 0-10?");
                MqttProbe.Received state = probe.await("the due state", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/checkin")
                        && m.json().path("due").asBoolean());
                assertThat(state.retained() || state.qos() == 1).isTrue();
                assertThat(state.json().path("day").asText()).isEqualTo(today.toString());
                JsonNode info = probe.await("bridge/info", Duration.ofSeconds(10), m -> m.topic().equals("rollbridge/bridge/info")).json();
                assertThat(info.path("checkin").path("time").asText()).isEqualTo("00:00");

                MqttClient phone = new MqttClient(broker.url(), "phone-" + System.nanoTime(), null);
                phone.connect();
                phone.publish(BASE + "/set", "{\"checkin\": 11}".getBytes(StandardCharsets.UTF_8), 1, false);
                JsonNode refused = probe.await("the refusal", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/set/response")).json();
                assertThat(refused.path("ok").asBoolean()).isFalse();
                assertThat(refused.path("error").asText()).contains("\"checkin\" must be a whole number from 0 to 10, got 11");

                phone.publish(BASE + "/set", "{\"checkin\": 7, \"transaction\": \"k1\"}".getBytes(StandardCharsets.UTF_8), 1, false);
                JsonNode ok = probe.await("the answer's response", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/set/response")
                        && m.json().path("transaction").asText().equals("k1")).json();
                assertThat(ok.path("ok").asBoolean()).as(ok.toString()).isTrue();
                probe.await("checkin_recorded", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/event")
                        && m.json().path("type").asText().equals("checkin_recorded") && m.json().path("data").path("soreness").asInt() == 7);
                JsonNode adapted = probe.await("session_adapted", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/event")
                        && m.json().path("type").asText().equals("session_adapted")).json();
                assertThat(adapted.path("data").path("lowered").asBoolean()).isTrue();
                assertThat(adapted.path("data").path("factor").asDouble()).isEqualTo(0.8);
                assertThat(adapted.path("message").asText()).contains("7/10, up from 2/10").contains("20 % lower");
                probe.await("the answered state", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/checkin")
                        && m.json().path("answer").asInt(-1) == 7 && !m.json().path("due").asBoolean()
                        && m.json().path("adaptation").path("lowered").asBoolean());
                probe.await("bridge/info with the lowering", Duration.ofSeconds(10), m -> m.topic().equals("rollbridge/bridge/info")
                        && m.json().path("checkin").path("devices").path(DEVICE).path("lowered").asBoolean());
                probe.await("history with the check-in", Duration.ofSeconds(10), m -> m.topic().equals(BASE + "/history")
                        && m.payload().contains("\"checkin\":7"));
                phone.disconnect();
                phone.close();
                assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            }

            // A restart the same day: the lowering is read back and in force; nothing is asked again.
            try (MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/#");
                 Daemon daemon = bridge(broker, data, config)) {
                probe.await("bridge/info after the restart", Duration.ofSeconds(60), m -> m.topic().equals("rollbridge/bridge/info")
                        && m.json().path("checkin").path("devices").path(DEVICE).path("lowered").asBoolean());
                // In force before the first sample: the device's first state already shows the lowered ceiling.
                double ceiling = new ProfileLoader().builtIn("rollsense-ball").thresholds().pressure().ceilingKpa();
                JsonNode firstState = probe.await("the device's state", Duration.ofSeconds(30), m -> m.topic().equals(BASE)).json();
                assertThat(firstState.path("ceiling_kpa").asDouble()).isCloseTo(ceiling * 0.8, offset(0.1));
                JsonNode firstEvent = probe.await("the device's first event", Duration.ofSeconds(30), m -> m.topic().equals(BASE + "/event")
                        && m.json().path("type").asText().equals("device_connected")).json();
                assertThat(firstEvent.path("type").asText()).isEqualTo("device_connected");
                assertThat(probe.on(BASE + "/event")).noneMatch(m -> m.json().path("type").asText().equals("checkin_due"))
                        .noneMatch(m -> m.json().path("type").asText().equals("session_adapted"));
                assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            }
        }
    }
}
