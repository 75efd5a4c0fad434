package dev.rollbridge.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.outbox.EventOutbox;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.replay.ReplayTransport;
import dev.rollbridge.replay.TraceReader;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.MqttProbe.Received;
import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The MQTT contract of design §5 against a real Mosquitto: topics, retained flags, QoS, payloads. */
class MqttContractIT extends WithMosquitto {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEVICE = "rollsense_c0ffee000001";

    @Test
    void aReplayedHoldPublishesTheContractsTopicsFlagsAndPayloads() throws Exception {
        String base = "contract";
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
        ReplayTransport transport = new ReplayTransport("C0:FF:EE:00:00:01",
                new TraceReader(ball, "C0:FF:EE:00:00:01").read(Path.of("src/test/resources/traces/hold-30000ms.csv")), 0);
        Topics topics = new Topics(base);
        List<String> printed = new ArrayList<>();

        try (MqttProbe live = new MqttProbe(broker.url(), base + "/#")) {
            RollbridgeDaemon bridge = RollbridgeDaemon.start(DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-under-test", base),
                            topics, List.of(new Bridge.Device(DEVICE, ball,
                            // One number changed as a configuration would: bridge/info names the user as its source.
                            Thresholds.fromFlat(ball.thresholds(), Map.of("calibration_timeout_ms", 90_000)), transport)))
                    .withClock(clock)
                    .withExtensions(new Extension() {
                        @Override
                        public String name() {
                            return "console";
                        }

                        @Override
                        public void onDelivered(EventOutbox.Message m) {
                            if (m.console()) {
                                printed.add(new String(m.payload(), StandardCharsets.UTF_8));
                            }
                        }
                    }));
            assertThat(bridge.awaitFinished(Duration.ofSeconds(30))).isTrue();
            // Let the 2 Hz state publisher catch the final state before going offline.
            live.await("final state", Duration.ofSeconds(5), m -> m.topic().equals(base + "/" + DEVICE)
                    && m.json().path("phase").asText().equals("idle") && m.json().path("t_ms").asLong() >= 31_000);
            bridge.stop(Duration.ofSeconds(5));
            live.await("bridge offline", Duration.ofSeconds(5),
                    m -> m.topic().equals(base + "/bridge/state") && m.payload().equals("{\"state\":\"offline\"}"));

            // bridge/state: online first, then offline on a clean stop; QoS 1.
            List<Received> state = live.on(base + "/bridge/state");
            assertThat(state).extracting(Received::payload).containsSubsequence("{\"state\":\"online\"}", "{\"state\":\"offline\"}");
            assertThat(state).allSatisfy(m -> assertThat(m.qos()).isEqualTo(1));

            // bridge/info: version, devices, profiles, broker without secrets.
            JsonNode info = live.on(base + "/bridge/info").get(0).json();
            assertThat(info.path("version").asText()).isNotBlank();
            assertThat(info.path("base_topic").asText()).isEqualTo(base);
            assertThat(info.path("broker").asText()).isEqualTo(broker.url());
            assertThat(info.path("devices").get(0).path("id").asText()).isEqualTo(DEVICE);
            assertThat(info.path("devices").get(0).path("profile").asText()).isEqualTo("rollsense-ball");
            assertThat(info.path("devices").get(0).path("transport").asText()).isEqualTo("replay");
            assertThat(info.path("devices").get(0).path("thresholds").path("hold_target_ms").asLong()).isEqualTo(30_000);
            assertThat(info.path("profiles").get(0).asText()).isEqualTo("rollsense-ball");
            // Every number's reason, once; per device, who set the numbers that are not the rules' own defaults.
            JsonNode reasons = info.path("threshold_reasons");
            assertThat(reasons.size()).isEqualTo(Thresholds.names().size());
            assertThat(reasons.path("hold_target_ms").path("rule").asText()).isEqualTo("hold");
            assertThat(reasons.path("hold_target_ms").path("advice").asText()).contains("30 to 60 seconds");
            assertThat(reasons.path("friction_limit_ms").path("reference").asText()).startsWith("Chaves et al., Appl Sci 2020");
            JsonNode setBy = info.path("devices").get(0).path("threshold_set_by");
            assertThat(setBy.path("calibration_timeout_ms").asText()).isEqualTo("user");
            assertThat(setBy.path("contact_kpa").asText()).isEqualTo("profile");
            assertThat(setBy.has("hold_target_ms")).as("a rules' default is not listed").isFalse();

            // Availability: online while streaming, offline after the stop; QoS 1.
            List<Received> availability = live.on(base + "/" + DEVICE + "/availability");
            assertThat(availability).extracting(Received::payload).containsSubsequence("{\"state\":\"online\"}", "{\"state\":\"offline\"}");
            assertThat(availability).allSatisfy(m -> assertThat(m.qos()).isEqualTo(1));

            // Events: QoS 1, not retained, seq +1 per event from 1, unique ids, every field of the contract.
            List<Received> events = live.on(base + "/" + DEVICE + "/event");
            assertThat(events).extracting(m -> m.json().path("type").asText())
                    .containsExactly("device_connected", "session_started", "hold_started", "warmup_advised",
                            "hold_target_reached", "hold_ended", "session_ended");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < events.size(); i++) {
                Received m = events.get(i);
                JsonNode e = m.json();
                assertThat(m.qos()).isEqualTo(1);
                assertThat(m.retained()).isFalse();
                assertThat(e.path("seq").asLong()).isEqualTo(i + 1);
                assertThat(ids.add(e.path("id").asText())).as("id %s is unique", e.path("id")).isTrue();
                List<String> fields = new ArrayList<>();
                e.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).containsExactly("id", "seq", "type", "severity", "state", "t_ms", "ts", "device",
                        "session_id", "message", "data");
                assertThat(e.path("severity").asText()).isIn("info", "cue", "warning", "danger");
                assertThat(e.path("device").asText()).isEqualTo(DEVICE);
            }
            ObjectNode cue = (ObjectNode) events.get(4).json();
            assertThat(cue.remove("id").asText()).matches("[0-9a-f-]{36}");
            assertThat(cue).isEqualTo(JSON.readTree(Files.readString(Path.of("src/test/resources/golden/event-hold_target_reached.json"))));
            assertThat(events.get(5).json().path("data").path("target_met").asBoolean()).isTrue();

            // The session summary: retained on <device>/session, QoS 1, the session_ended data with who and when.
            List<Received> sessions = live.on(base + "/" + DEVICE + "/session");
            assertThat(sessions).singleElement().satisfies(m -> assertThat(m.qos()).isEqualTo(1));
            JsonNode summary = sessions.get(0).json();
            assertThat(summary.path("device").asText()).isEqualTo(DEVICE);
            assertThat(summary.path("session_id").asText()).isEqualTo(events.get(6).json().path("session_id").asText());
            assertThat(summary.path("holds").asInt()).isEqualTo(1);
            assertThat(summary.path("holds_met_target").asInt()).isEqualTo(1);
            assertThat(summary.path("hold_durations_s").get(0).asDouble()).isEqualTo(30.0);
            assertThat(summary.path("max_pressure_kpa").asDouble()).isEqualTo(100.0);
            assertThat(summary.path("alerts").path("hold_target_reached").asInt()).isEqualTo(1);

            // Device state: retained QoS 0, the contract's fields, never faster than 2 Hz.
            List<Received> states = live.on(base + "/" + DEVICE);
            assertThat(states).isNotEmpty().allSatisfy(m -> assertThat(m.qos()).isZero());
            JsonNode s = states.get(states.size() - 1).json();
            for (String field : List.of("pressure_kpa", "speed_cm_s", "phase", "hold_s", "leg", "leg_active_s", "battery", "last_seen")) {
                assertThat(s.has(field)).as("state has %s: %s", field, s).isTrue();
            }
            for (int i = 1; i < states.size(); i++) {
                long gapMs = (states.get(i).arrivedNanos() - states.get(i - 1).arrivedNanos()) / 1_000_000;
                assertThat(gapMs).as("gap between state updates").isGreaterThanOrEqualTo(350);
            }
            assertThat(printed).hasSize(events.size())
                    .anySatisfy(l -> assertThat(l).contains("hold_target_reached"));
        }

        // A subscriber that comes later gets the retained truth, and no stale events.
        try (MqttProbe late = new MqttProbe(broker.url(), base + "/#")) {
            late.await("retained state", Duration.ofSeconds(5), m -> m.topic().equals(base + "/" + DEVICE));
            late.await("retained info", Duration.ofSeconds(5), m -> m.topic().equals(base + "/bridge/info"));
            late.await("retained session summary", Duration.ofSeconds(5), m -> m.topic().equals(base + "/" + DEVICE + "/session"));
            assertThat(late.on(base + "/bridge/state")).singleElement()
                    .satisfies(m -> assertThat(m.retained()).isTrue())
                    .satisfies(m -> assertThat(m.payload()).isEqualTo("{\"state\":\"offline\"}"));
            assertThat(late.on(base + "/" + DEVICE + "/availability")).singleElement()
                    .satisfies(m -> assertThat(m.retained()).isTrue());
            assertThat(late.on(base + "/" + DEVICE)).singleElement().satisfies(m -> assertThat(m.retained()).isTrue());
            assertThat(late.on(base + "/" + DEVICE + "/event")).isEmpty();
        }
    }

    @Test
    void aKilledDaemonIsMarkedOfflineByItsLastWill() throws Exception {
        String base = "will";
        try (MqttProbe probe = new MqttProbe(broker.url(), base + "/bridge/state");
             Daemon daemon = Daemon.start("run", "--broker", broker.url(), "--base-topic", base, "--speed", "5")) {
            probe.await("online", Duration.ofSeconds(30), m -> m.payload().equals("{\"state\":\"online\"}"));
            daemon.kill();
            Received will = probe.await("last will", Duration.ofSeconds(10), m -> m.payload().equals("{\"state\":\"offline\"}"));
            assertThat(will.qos()).isEqualTo(1);
        }
        try (MqttProbe late = new MqttProbe(broker.url(), base + "/bridge/state")) {
            Received retained = late.await("retained will", Duration.ofSeconds(5), m -> true);
            assertThat(retained.retained()).isTrue();
            assertThat(retained.payload()).isEqualTo("{\"state\":\"offline\"}");
        }
    }
}
