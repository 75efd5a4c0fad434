package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollbridge run --coach} in its own JVM (issue 20): bridge/info says the coach is on, the
 * console prints the simulated session's prompts in the guide's order, and they go out on the
 * device's event topic with their step and text.
 */
class RunCoachIT {

    @Test
    void runWithTheCoachPublishesAndPrintsItsPromptsInTheGuidesOrder() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "coach-data-");
        try (Daemon daemon = Daemon.start("run", "--coach", "--once", "--port", "0", "--speed", "20", "--dashboard-port", "-1",
                "--no-cue", "--no-ha-discovery", "--data-dir", data.toString())) {
            String brokerLine = daemon.awaitLine("broker address", Duration.ofSeconds(30), l -> l.startsWith("MQTT broker: embedded"));
            Matcher m = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)").matcher(brokerLine);
            assertThat(m.find()).as(brokerLine).isTrue();
            try (MqttProbe probe = new MqttProbe("tcp://127.0.0.1:" + m.group(1), "rollbridge/#")) {
                JsonNode info = probe.await("bridge info", Duration.ofSeconds(10), r -> r.topic().equals("rollbridge/bridge/info")).json();
                assertThat(info.path("coach").path("enabled").asBoolean()).isTrue();
                // leg_done comes at 303 s of sample time: about 15 s in at 20x, long after the probe subscribed.
                JsonNode legDone = probe.await("leg_done prompt", Duration.ofSeconds(60), r -> r.topic().equals("rollbridge/rollsense_c0ffee000001/event")
                        && r.json().path("type").asText().equals("coach_prompt")
                        && r.json().path("data").path("step").asText().equals("leg_done")).json();
                assertThat(legDone.path("severity").asText()).isEqualTo("info");
                assertThat(legDone.path("message").asText()).isEqualTo(legDone.path("data").path("text").asText())
                        .isEqualTo("That's enough for this leg: switch legs or finish.");
            }
            daemon.awaitLine("leg_done printed", Duration.ofSeconds(5), l -> l.contains("coach_prompt") && l.contains("switch legs"));
            List<String> printed = daemon.stdout().stream().filter(l -> l.contains("coach_prompt")).toList();
            assertThat(printed).hasSize(6);
            assertThat(printed.get(0)).contains("Warm up first");
            assertThat(printed.get(1)).contains("numbness");
            assertThat(printed.get(2)).contains("tight spot");
            assertThat(printed.get(3)).contains("ease off slowly");
            assertThat(printed.get(4)).contains("cross-fibre");
            assertThat(printed.get(5)).contains("switch legs or finish");
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
    }
}
