package dev.rollbridge.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.Mosquitto;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of the broker and of the daemon itself, with the daemon in its own JVM and a subscriber
 * holding a persistent session (as a dashboard or Home Assistant would): no event may be lost,
 * and after de-duplication by id they must come in seq order with no gap.
 */
class BrokerFaultsIT {
    private static final String EVENTS = "/rollsense_c0ffee000001/event";

    /** Events by id, first copy kept, in arrival order. */
    private static List<JsonNode> unique(MqttProbe probe, String topic) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        probe.on(topic).forEach(m -> byId.putIfAbsent(m.json().path("id").asText(), m.json()));
        return List.copyOf(byId.values());
    }

    private static void assertNoGap(List<JsonNode> events, long last) {
        List<Long> seqs = events.stream().map(e -> e.path("seq").asLong()).toList();
        assertThat(seqs).as("seq after de-duplication (types %s)", events.stream().map(e -> e.path("type").asText()).toList())
                .isSorted().doesNotHaveDuplicates();
        assertThat(seqs).first().isEqualTo(1L);
        assertThat(seqs).hasSize((int) last).last().isEqualTo(last);
    }

    private static Path dataDir() throws Exception {
        return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-");
    }

    @Test
    void twentySigtermAndTwentySigkillCyclesOfTheBrokerLoseNoEvent() throws Exception {
        try (Mosquitto broker = Mosquitto.start();
             MqttProbe subscriber = new MqttProbe(broker.url(), "cycles" + EVENTS, true)) {
            Thread.sleep(1_500); // let the broker's autosave keep the subscriber's session
            try (Daemon daemon = Daemon.start("run", "--broker", broker.url(), "--base-topic", "cycles", "--speed", "4",
                    "--once", "--keepalive", "5", "--dashboard-port", "-1", "--no-cue")) {
                subscriber.await("first event", Duration.ofSeconds(30), m -> true);
                for (int cycle = 0; cycle < 40; cycle++) {
                    if (cycle < 20) {
                        broker.stop();
                    } else {
                        broker.kill();
                    }
                    Thread.sleep(300);
                    broker.begin();
                    Thread.sleep(1_500);
                }
                assertThat(daemon.waitFor(Duration.ofSeconds(120))).as("the daemon ends once every event is acknowledged").isZero();
            }
            JsonNode ended = subscriber.await("session_ended", Duration.ofSeconds(30),
                    m -> m.json().path("type").asText().equals("session_ended")).json();
            List<JsonNode> events = unique(subscriber, "cycles" + EVENTS);
            assertNoGap(events, ended.path("seq").asLong());
            assertThat(events).extracting(e -> e.path("type").asText())
                    .contains("hold_target_reached", "hold_max_reached", "friction_limit_reached", "leg_target_reached");
            System.out.printf("broker cycles: %d events, %d copies received, %d duplicates%n", events.size(),
                    subscriber.on("cycles" + EVENTS).size(), subscriber.on("cycles" + EVENTS).size() - events.size());
        }
    }

    @Test
    void eventsRaisedWhileTheBrokerIsAbsentAtStartArriveWhenItComes() throws Exception {
        // The subscriber's session exists before the daemon starts (kept by the broker's autosave over
        // its stop), so nothing the daemon publishes when the broker comes back can be missed, however
        // the daemon's retry and the subscriber's reconnection race.
        try (Mosquitto broker = Mosquitto.start();
             MqttProbe subscriber = new MqttProbe(broker.url(), "absent/#", true)) {
            Thread.sleep(1_500);
            broker.stop();
            try (Daemon daemon = Daemon.start("run", "--broker", broker.url(), "--base-topic", "absent", "--speed", "10",
                    "--dashboard-port", "-1", "--no-cue")) {
                Thread.sleep(5_000);
                broker.begin();
                subscriber.await("the first hold", Duration.ofSeconds(30), m -> m.topic().endsWith("/event")
                        && m.json().path("type").asText().equals("hold_started"));
                List<JsonNode> events = unique(subscriber, "absent" + EVENTS);
                assertNoGap(events, events.get(events.size() - 1).path("seq").asLong());
                assertThat(events.get(0).path("type").asText()).isEqualTo("device_connected");
                assertThat(subscriber.on("absent/bridge/state")).extracting(MqttProbe.Received::payload).contains("{\"state\":\"online\"}");
                assertThat(daemon.stderr()).contains("cannot reach the MQTT broker");
            }
        }
    }

    @Test
    void aBrokerThatStopsAnsweringIsNoticedAndItsEventsGoOutWhenItAnswersAgain() throws Exception {
        try (Mosquitto broker = Mosquitto.start();
             MqttProbe subscriber = new MqttProbe(broker.url(), "stopped" + EVENTS, true);
             Daemon daemon = Daemon.start("run", "--broker", broker.url(), "--base-topic", "stopped", "--speed", "10",
                     "--keepalive", "2", "--dashboard-port", "-1", "--no-cue")) {
            subscriber.await("first event", Duration.ofSeconds(30), m -> true);
            broker.pause();
            Thread.sleep(8_000); // 80 s of session: the first hold starts and reaches its cue meanwhile
            broker.resume();
            subscriber.await("the cue raised during the silence", Duration.ofSeconds(30),
                    m -> m.json().path("type").asText().equals("hold_target_reached"));
            List<JsonNode> events = unique(subscriber, "stopped" + EVENTS);
            assertNoGap(events, events.get(events.size() - 1).path("seq").asLong());
            assertThat(daemon.stderr()).contains("lost").contains("reconnected");
        }
    }

    @Test
    void aDaemonKilledWithUndeliveredEventsDeliversThemAfterRestart() throws Exception {
        Path data = dataDir();
        try (Mosquitto broker = Mosquitto.unstarted()) {
            try (Daemon first = Daemon.start("run", "--broker", broker.url(), "--base-topic", "crash", "--speed", "20",
                    "--data-dir", data.toString(), "--dashboard-port", "-1", "--no-cue")) {
                // With no broker, events pile up in the journal; wait for the first hold (82 s in, ~4 s here).
                org.awaitility.Awaitility.await("journaled events").atMost(Duration.ofSeconds(30)).until(() ->
                        journaledPayloads(data).stream().anyMatch(p -> p.contains("\"hold_started\"")));
                first.kill();
            }
            long journaled = Files.readAllLines(data.resolve("outbox.journal")).stream()
                    .filter(l -> l.contains("\"op\":\"put\"") && l.contains("/event\"")).count();
            assertThat(journaled).isGreaterThanOrEqualTo(3);

            broker.begin();
            try (MqttProbe subscriber = new MqttProbe(broker.url(), "crash" + EVENTS, true);
                 Daemon second = Daemon.start("run", "--broker", broker.url(), "--base-topic", "crash", "--speed", "0",
                         "--once", "--data-dir", data.toString(), "--dashboard-port", "-1", "--no-cue")) {
                assertThat(second.waitFor(Duration.ofSeconds(60))).isZero();
                JsonNode ended = subscriber.await("session_ended", Duration.ofSeconds(10),
                        m -> m.json().path("type").asText().equals("session_ended")).json();
                List<JsonNode> events = unique(subscriber, "crash" + EVENTS);
                assertNoGap(events, ended.path("seq").asLong());
                // The first run's events came first, with their own times; numbering went on after them.
                assertThat(events.get(0).path("type").asText()).isEqualTo("device_connected");
                long secondRunStart = events.stream().filter(e -> e.path("type").asText().equals("device_connected"))
                        .skip(1).findFirst().orElseThrow().path("seq").asLong();
                assertThat(secondRunStart).isEqualTo(journaled + 1);
            }
        }
    }

    /** The payloads put into the outbox journal so far (they are stored Base64-encoded). */
    private static List<String> journaledPayloads(Path data) throws IOException {
        Path journal = data.resolve("outbox.journal");
        if (!Files.exists(journal)) {
            return List.of();
        }
        List<String> payloads = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) {
            try {
                JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                if (n.path("op").asText().equals("put")) {
                    payloads.add(new String(Base64.getDecoder().decode(n.path("payload").asText()),
                            StandardCharsets.UTF_8));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException torn) {
                // the line being written right now
            }
        }
        return payloads;
    }
}
