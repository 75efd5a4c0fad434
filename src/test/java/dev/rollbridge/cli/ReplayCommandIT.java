package dev.rollbridge.cli;

import dev.rollbridge.testing.Mosquitto;
import dev.rollbridge.testing.WithMosquitto;
import dev.rollbridge.testing.ConsoleCapture;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rollbridge replay} end to end against a real Mosquitto. */
class ReplayCommandIT extends WithMosquitto {
    private static final String TRACES = "src/test/resources/traces/";
    private static final String EVENTS = "/rollsense_c0ffee000001/event";
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private String stdout() {
        return console.stdout();
    }

    private String stderr() {
        return console.stderr();
    }

    private List<String> replayEvents(String trace, String base, String speed) throws Exception {
        try (MqttProbe probe = new MqttProbe(broker.url(), base + "/#")) {
            int code = Main.execute("replay", TRACES + trace, "--profile", "rollsense-ball", "--broker", broker.url(),
                    "--speed", speed, "--base-topic", base);
            assertThat(code).as("exit code; stderr: %s", stderr()).isZero();
            probe.await("bridge offline", Duration.ofSeconds(10),
                    m -> m.topic().equals(base + "/bridge/state") && m.payload().contains("offline"));
            return probe.on(base + EVENTS).stream().map(MqttProbe.Received::json)
                    .map(e -> e.path("t_ms").asLong() + " " + e.path("type").asText() + " " + e.path("state").asText())
                    .toList();
        }
    }

    @Test
    void aCsvTraceAtFullSpeedPublishesExactlyItsEventsAndExitsZero() throws Exception {
        List<String> events = replayEvents("hold-30000ms.csv", "replay-csv", "0");
        assertThat(events).containsExactly(
                "0 device_connected instant",
                "0 session_started instant",
                "2000 hold_started instant",
                "2000 warmup_advised instant",
                "30000 hold_target_reached instant",
                "30000 hold_ended instant",
                "31000 session_ended instant");
        assertThat(stdout()).contains("replayed hold-30000ms.csv: 3101 frames, 3101 samples")
                .contains("7 events acknowledged")
                .contains("hold_target_reached");
    }

    @Test
    void aJsonlTraceOfRawNotificationsIsDecodedCountingTheLostAndMalformedFrames() throws Exception {
        List<String> events = replayEvents("notifications-hold-36s.jsonl", "replay-jsonl", "0");
        assertThat(events).containsExactly(
                "0 device_connected instant",
                "0 session_started instant",
                "2000 hold_started instant",
                "2000 warmup_advised instant",
                "30000 hold_target_reached instant",
                "35990 hold_ended instant",
                "37000 session_ended instant");
        assertThat(stdout()).contains("1 lost, 1 malformed");
    }

    @Test
    void theReplaySpeedChangesNothingButTheWallClock() throws Exception {
        List<String> fast = replayEvents("speed-burst-1500ms.csv", "replay-speed0", "0");
        List<String> paced = replayEvents("speed-burst-1500ms.csv", "replay-speed20", "20");
        assertThat(paced).isEqualTo(fast).contains("11320 speed_too_fast raised", "11780 speed_too_fast cleared");
    }

    @Test
    void aBadLineInTheTraceIsNamedAndNothingIsPublished(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "t_ms,pressure_kpa,gx_dps,gy_dps,gz_dps\n0,10,0,0,0\n10,11,0,0,0\n20,abc,0,0,0\n");
        try (MqttProbe probe = new MqttProbe(broker.url(), "replay-bad/#")) {
            int code = Main.execute("replay", bad.toString(), "--profile", "rollsense-ball", "--broker", broker.url(),
                    "--base-topic", "replay-bad");
            assertThat(code).isEqualTo(2);
            assertThat(stderr()).contains("bad.csv:4").contains("'pressure_kpa' is 'abc', not a number");
            Thread.sleep(300);
            assertThat(probe.messages()).isEmpty();
        }
    }

    @Test
    void aTraceGoingBackInTimeOrMissingAColumnIsRefused(@TempDir Path dir) throws Exception {
        Path back = dir.resolve("back.csv");
        Files.writeString(back, "t_ms,pressure_kpa,gx_dps,gy_dps,gz_dps\n0,10,0,0,0\n20,11,0,0,0\n10,11,0,0,0\n");
        assertThat(Main.execute("replay", back.toString(), "--profile", "rollsense-ball", "--broker", broker.url())).isEqualTo(2);
        assertThat(stderr()).contains("back.csv:4").contains("goes back in time");

        Path noColumn = dir.resolve("nocol.csv");
        Files.writeString(noColumn, "t_ms,pressure_kpa,gx_dps,gy_dps\n0,10,0,0\n");
        assertThat(Main.execute("replay", noColumn.toString(), "--profile", "rollsense-ball", "--broker", broker.url())).isEqualTo(2);
        assertThat(stderr()).contains("nocol.csv:1").contains("lacks column 'gz_dps'");

        Path badJson = dir.resolve("bad.jsonl");
        Files.writeString(badJson, "{\"t_us\":0,\"char\":\"7e1a0002-5b2f-4c3a-9d4e-20a6b7c8d9e0\",\"hex\":\"02\"}\n{\"t_us\":1,\n");
        assertThat(Main.execute("replay", badJson.toString(), "--profile", "rollsense-ball", "--broker", broker.url())).isEqualTo(2);
        assertThat(stderr()).contains("bad.jsonl:2").contains("not valid JSON");
    }

    @Test
    void anUnreachableBrokerIsNamedAndExitsOne() throws Exception {
        int closedPort = Mosquitto.freePort();
        int code = Main.execute("replay", TRACES + "hold-29500ms.csv", "--profile", "rollsense-ball",
                "--broker", "tcp://127.0.0.1:" + closedPort);
        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("cannot reach the MQTT broker at tcp://127.0.0.1:" + closedPort);
    }

    @Test
    void anUnknownProfileListsTheKnownOnes() {
        int code = Main.execute("replay", TRACES + "hold-29500ms.csv", "--profile", "rollsense-sock", "--broker", broker.url());
        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("rollsense-sock.yaml").contains("rollsense-ball, rollsense-roller");
    }

    @Test
    void helpExplainsTheCommandsAndOptions() {
        assertThat(Main.execute("--help")).isZero();
        assertThat(stdout()).contains("run").contains("replay");
        assertThat(Main.execute("replay", "--help")).isZero();
        assertThat(stdout()).contains("--speed").contains("--profile").contains("--broker").contains(".jsonl");
    }

    @Test
    void aLoginInTheBrokerUrlIsRefusedWithoutShowingThePassword() {
        // Paho ignores user info in a URL: a login there would silently not be used. It belongs in the config file.
        String url = broker.url().replace("tcp://", "tcp://alice:s3cret@");
        int code = Main.execute("replay", TRACES + "pressure-100ms.csv", "--profile", "rollsense-ball", "--broker", url, "--speed", "0");
        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("broker URL 'tcp://***@127.0.0.1:" + broker.port() + "' must not carry a login")
                .contains("mqtt.username");
        assertThat(stdout() + stderr()).doesNotContain("s3cret");
    }
}
