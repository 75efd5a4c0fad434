package dev.rollbridge.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Calibration;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.testing.ManualTransport;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands on {@code <device>/set} through a real Mosquitto: answers on set/response, events, bad
 * input refused without a state change, calibration stored and used again after a restart.
 */
class CommandsOverMqttIT extends WithMosquitto {
    private static final String BASE = "cmd";
    private static final String DEVICE = "rollsense_c0ffee000001";
    private static final String SET = BASE + "/" + DEVICE + "/set";
    private static final String HISTORY = BASE + "/" + DEVICE + "/history";
    @TempDir
    Path dataDir;

    private record Running(RollbridgeDaemon bridge, ManualTransport device) implements AutoCloseable {
        @Override
        public void close() {
            bridge.stop(Duration.ofSeconds(5));
        }
    }

    /** Starts a bridge and waits until it is online: from then on it hears commands (a command sent earlier is lost). */
    private Running start(MqttProbe probe) throws Exception {
        long onlineBefore = onlineStates(probe);
        Running running = start();
        probe.await("bridge online", Duration.ofSeconds(10), m -> onlineStates(probe) > onlineBefore);
        return running;
    }

    private static long onlineStates(MqttProbe probe) {
        return probe.on(BASE + "/bridge/state").stream().filter(m -> m.payload().contains("\"online\"")).count();
    }

    private Running start() throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        Topics topics = new Topics(BASE);
        ManualTransport device = new ManualTransport(ball, "C0:FF:EE:00:00:01");
        RollbridgeDaemon bridge = RollbridgeDaemon.start(DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-" + System.nanoTime(), BASE),
                        topics, List.of(new Bridge.Device(DEVICE, ball, ball.thresholds(), device)))
                .withStorage(DaemonOptions.Storage.historyOnly(dataDir, "ana")));
        return new Running(bridge, device);
    }

    private static void send(MqttClient client, String topic, String payload) throws Exception {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static JsonNode response(MqttProbe probe, int index) {
        org.awaitility.Awaitility.await("response " + index).atMost(Duration.ofSeconds(10))
                .until(() -> responses(probe).size() > index);
        return responses(probe).get(index).json();
    }

    private static List<MqttProbe.Received> responses(MqttProbe probe) {
        return probe.messages().stream().filter(m -> m.topic().endsWith("/set/response")).toList();
    }

    private static List<String> eventTypes(MqttProbe probe) {
        return probe.on(BASE + "/" + DEVICE + "/event").stream().map(m -> m.json().path("type").asText()).toList();
    }

    @Test
    void commandsAreAnsweredBadOnesChangeNothingAndACalibrationSurvivesARestart() throws Exception {
        MqttClient user = new MqttClient(broker.url(), "user-" + System.nanoTime(), new MemoryPersistence());
        user.connect();
        try (MqttProbe probe = new MqttProbe(broker.url(), BASE + "/#")) {
            try (Running r = start(probe)) {
                r.device().press(100, 60, 1_000);
                send(user, SET, "{\"pain\":9,\"transaction\":\"t1\"}");
                JsonNode ok = response(probe, 0);
                assertThat(ok.path("ok").asBoolean()).isTrue();
                assertThat(ok.path("transaction").asText()).isEqualTo("t1");
                probe.await("reduce_pressure", Duration.ofSeconds(5), m -> m.payload().contains("\"reduce_pressure\""));
                // The history summary goes out at start, and again with the pain report in it.
                probe.await("history with the pain report", Duration.ofSeconds(5), m -> m.topic().equals(HISTORY)
                        && m.json().path("pain").size() == 1 && m.json().path("pain").get(0).path("max").asInt() == 9);

                int eventsBefore = eventTypes(probe).size();
                send(user, SET, "{pain:");
                send(user, SET, "{\"pain\":11}");
                send(user, SET, "{\"calibrate\":\"mark\",\"pain\":5}");
                send(user, BASE + "/rollsense_nobody/set", "{\"pain\":3}");
                response(probe, 4);
                // Answers come in the order each was decided (the unknown device at once, a mark after the samples before it).
                List<JsonNode> refusals = List.of(response(probe, 1), response(probe, 2), response(probe, 3), response(probe, 4));
                assertThat(refusals).allSatisfy(j -> assertThat(j.path("ok").asBoolean()).isFalse());
                assertThat(refusals).extracting(j -> j.path("error").asText()).anySatisfy(e -> assertThat(e).startsWith("invalid JSON"))
                        .anySatisfy(e -> assertThat(e).contains("from 0 to 10, got 11"))
                        .anySatisfy(e -> assertThat(e).contains("no calibration is running"))
                        .anySatisfy(e -> assertThat(e).contains("unknown device 'rollsense_nobody'"));
                assertThat(eventTypes(probe)).as("refused commands change nothing").hasSize(eventsBefore);

                // Calibration: press slowly harder, mark 3, 5 and 7.
                send(user, SET, "{\"calibrate\":\"start\"}");
                response(probe, 5);
                r.device().press(60, 60, 600);
                send(user, SET, "{\"calibrate\":\"mark\",\"pain\":3}");
                response(probe, 6);
                r.device().press(100, 60, 600);
                send(user, SET, "{\"calibrate\":\"mark\",\"pain\":5}");
                response(probe, 7);
                r.device().press(150, 60, 600);
                send(user, SET, "{\"calibrate\":\"mark\",\"pain\":7}");
                assertThat(response(probe, 8).path("message").asText()).isEqualTo("calibration done");
                JsonNode done = probe.await("calibration_done", Duration.ofSeconds(5),
                        m -> m.payload().contains("\"calibration_done\"")).json();
                assertThat(done.path("data").path("ceiling_kpa").asDouble()).isEqualTo(135.0);
                probe.await("bridge/info with the calibration", Duration.ofSeconds(5), m -> m.topic().equals(BASE + "/bridge/info")
                        && m.json().path("devices").get(0).path("calibration").path("ceiling_kpa").asDouble() == 135.0);

                // A red flag ends the session with a danger event that says why.
                send(user, SET, "{\"symptom\":\"tingling\"}");
                response(probe, 9);
                JsonNode stop = probe.await("stop_and_seek_care", Duration.ofSeconds(5),
                        m -> m.payload().contains("\"stop_and_seek_care\"")).json();
                assertThat(stop.path("severity").asText()).isEqualTo("danger");
                assertThat(stop.path("message").asText()).contains("tingling").contains("medical attention");
                JsonNode summary = probe.await("session summary", Duration.ofSeconds(5),
                        m -> m.topic().equals(BASE + "/" + DEVICE + "/session")).json();
                assertThat(summary.path("reason").asText()).isEqualTo("symptom");
                assertThat(summary.path("pain_reports").get(0).asInt()).isEqualTo(9);
                JsonNode history = probe.await("history with the session", Duration.ofSeconds(5), m -> m.topic().equals(HISTORY)
                        && m.json().path("days").size() == 1).json();
                assertThat(history.path("days").get(0).path("sessions").asInt()).isEqualTo(1);
                assertThat(history.path("weeks")).hasSize(8);
                try (MqttProbe late = new MqttProbe(broker.url(), HISTORY)) {
                    assertThat(late.await("retained history", Duration.ofSeconds(5), m -> true).retained()).isTrue();
                }
                assertThat(r.bridge().awaitFinished(Duration.ofMillis(1))).as("a live device never ends by itself").isFalse();
            }

            try (HistoryStore store = HistoryStore.open(dataDir)) {
                assertThat(store.calibration("ana", DEVICE)).contains(new Calibration(60, 100, 150));
                assertThat(store.sessions(DEVICE, Instant.EPOCH)).singleElement()
                        .satisfies(s -> assertThat(s.maxPain()).isEqualTo(9))
                        .satisfies(s -> assertThat(s.reason()).isEqualTo("symptom"));
                assertThat(store.pains(DEVICE, Instant.EPOCH)).hasSize(1);
            }

            // After a restart the stored calibration is in force at once: 140 kPa is over its 135 kPa ceiling.
            int pressureAlerts = (int) eventTypes(probe).stream().filter("pressure_too_high"::equals).count();
            try (Running r = start(probe)) {
                probe.await("bridge/info after restart", Duration.ofSeconds(5), m -> m.topic().equals(BASE + "/bridge/info")
                        && m.json().path("devices").get(0).path("calibration").path("ceiling_kpa").asDouble() == 135.0
                        && probe.on(BASE + "/bridge/info").indexOf(m) > 1);
                r.device().press(140, 60, 500);
                probe.await("pressure alert at the calibrated ceiling", Duration.ofSeconds(5),
                        m -> eventTypes(probe).stream().filter("pressure_too_high"::equals).count() > pressureAlerts);
            }
        } finally {
            user.disconnect();
            user.close();
        }
    }
}
