package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rollbridge run} as a newcomer runs it: its own JVM, embedded broker, simulated ball. */
class RunCommandIT {

    @Test
    void runStartsTheEmbeddedBrokerGoesOnlineCuesAHoldAndStopsCleanlyOnSigterm() throws Exception {
        try (Daemon daemon = Daemon.start("run", "--port", "0", "--speed", "40")) {
            String brokerLine = daemon.awaitLine("broker address", Duration.ofSeconds(30), l -> l.startsWith("MQTT broker: embedded"));
            Matcher m = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)").matcher(brokerLine);
            assertThat(m.find()).as(brokerLine).isTrue();
            String url = "tcp://127.0.0.1:" + m.group(1);

            try (MqttProbe probe = new MqttProbe(url, "rollbridge/#")) {
                MqttProbe.Received online = probe.await("bridge online", Duration.ofSeconds(10),
                        r -> r.topic().equals("rollbridge/bridge/state"));
                assertThat(online.payload()).isEqualTo("{\"state\":\"online\"}");

                // At 40x the 30 s cue of the first hold comes a few seconds in; its sample time is the script's.
                JsonNode cue = probe.await("hold cue", Duration.ofSeconds(30), r -> r.topic().equals("rollbridge/rollsense_c0ffee000001/event")
                        && r.json().path("type").asText().equals("hold_target_reached")).json();
                assertThat(cue.path("severity").asText()).isEqualTo("cue");
                assertThat(cue.path("data").path("hold_s").asDouble()).isEqualTo(30.0);
                assertThat(cue.path("t_ms").asLong()).isBetween(105_000L, 115_000L);
                daemon.awaitLine("the cue printed", Duration.ofSeconds(5), l -> l.contains("hold_target_reached"));

                JsonNode state = probe.await("device state", Duration.ofSeconds(5),
                        r -> r.topic().equals("rollbridge/rollsense_c0ffee000001")).json();
                assertThat(state.path("phase").asText()).isIn("idle", "rolling", "hold");

                int exit = daemon.terminate(Duration.ofSeconds(20));
                assertThat(exit).as("exit code after SIGTERM: a clean stop, as --help says (systemd counts 143 a failure)").isZero();
                daemon.awaitLine("goodbye line", Duration.ofSeconds(5), l -> l.equals("rollbridge stopped"));
                // The session open at the stop is ended, published and recorded before the bridge goes offline.
                JsonNode ended = probe.await("session ended at the stop", Duration.ofSeconds(5),
                        r -> r.topic().equals("rollbridge/rollsense_c0ffee000001/event") && r.json().path("type").asText().equals("session_ended")).json();
                assertThat(ended.path("data").path("reason").asText()).isEqualTo("bridge_stopped");
                JsonNode summary = probe.await("summary", Duration.ofSeconds(5),
                        r -> r.topic().equals("rollbridge/rollsense_c0ffee000001/session")).json();
                assertThat(summary.path("reason").asText()).isEqualTo("bridge_stopped");
                assertThat(summary.path("active_s").asDouble()).isGreaterThan(10);
                List<String> order = probe.messages().stream().map(MqttProbe.Received::topic)
                        .filter(t -> t.endsWith("/session") || t.endsWith("/availability") || t.equals("rollbridge/bridge/state")).toList();
                assertThat(order.lastIndexOf("rollbridge/rollsense_c0ffee000001/session"))
                        .as("the summary before the offline states: %s", order).isLessThan(order.lastIndexOf("rollbridge/bridge/state"));
                assertThat(probe.on("rollbridge/bridge/state")).extracting(MqttProbe.Received::payload)
                        .contains("{\"state\":\"offline\"}");
                assertThat(probe.on("rollbridge/rollsense_c0ffee000001/availability")).extracting(MqttProbe.Received::payload)
                        .containsSubsequence("{\"state\":\"online\"}", "{\"state\":\"offline\"}");
            }
            assertThat(daemon.stderr()).doesNotContain("Exception");
        }
    }

    @Test
    void ctrlCStopsCleanlyWithExitZeroAndTheSessionIsInTheHistory() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-");
        try (Daemon daemon = Daemon.start("run", "--port", "0", "--speed", "40", "--dashboard-port", "-1", "--no-cue",
                "--data-dir", data.toString())) {
            daemon.awaitLine("the first hold", Duration.ofSeconds(30), l -> l.contains("hold_started"));
            assertThat(daemon.signal("INT", Duration.ofSeconds(20))).as("exit code after Ctrl-C").isZero();
            daemon.awaitLine("the session ended by the stop", Duration.ofSeconds(5),
                    l -> l.contains("session_ended") && l.contains("stopped"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("history", "--data-dir", data.toString())).isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rollsense_c0ffee000001").contains("bridge_stopped");
    }

    @Test
    void runOnceWithABadSpeedExplainsTheOption() throws Exception {
        try (Daemon daemon = Daemon.start("run", "--speed", "-3")) {
            assertThat(daemon.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(daemon.stderr()).contains("--speed must be 0 (as fast as possible) or positive, not -3.0");
        }
    }
}
