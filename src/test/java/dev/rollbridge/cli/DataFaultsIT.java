package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged files on disk, met by the daemon users run (the shipped jar, the unit's JVM flags): the
 * alerts are the safety function, and a bad history or journal must not keep them from going out.
 */
class DataFaultsIT extends WithMosquitto {
    private static final String DEVICE = "rollsense_c0ffee000001";

    /**
     * A history.db that is not a database kept the bridge down (exit 2 at every start, a restart
     * loop under systemd, pending alerts waiting for ever), and 'rollbridge history' printed a stack trace.
     */
    @Test
    void aCorruptHistoryLeavesTheBridgeRunningWithoutHistoryAndSaysSo() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-");
        Files.write(data.resolve("history.db"), "this is not a database, it was a disk error".repeat(200).getBytes(StandardCharsets.UTF_8));
        try (MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/#");
             Daemon daemon = Daemon.shipped(Map.of(), "run", "--broker", broker.url(), "--speed", "40", "--no-cue",
                     "--dashboard-port", "-1", "--data-dir", data.toString())) {
            probe.await("an alert goes out", Duration.ofSeconds(40), m -> m.topic().equals("rollbridge/" + DEVICE + "/event")
                    && m.json().path("type").asText().equals("hold_target_reached"));
            MqttClient asker = new MqttClient(broker.url(), "asker-" + System.nanoTime());
            asker.connect();
            asker.publish("rollbridge/bridge/request/health_check", "{\"transaction\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
            JsonNode health = probe.await("health", Duration.ofSeconds(10),
                    m -> m.topic().equals("rollbridge/bridge/response/health_check")).json();
            asker.disconnect();
            asker.close();
            JsonNode history = health.path("data").path("history");
            assertThat(history.path("state").asText()).isEqualTo("unavailable");
            assertThat(history.path("problem").asText()).contains("history.db").contains("not a database");
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            assertThat(daemon.stderr()).contains("running without history").doesNotContain("Exception");
        }
        try (Daemon history = Daemon.shipped(Map.of(), "history", "--data-dir", data.toString())) {
            assertThat(history.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(history.stderr()).contains("rollbridge history: cannot read the history database").contains("not a database")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    /**
     * One byte that is not UTF-8 in outbox.journal stopped the daemon from starting ("Input length
     * = 1", exit 2) with every valid pending event stuck in it.
     */
    @Test
    void aJournalWithABadByteStillDeliversEveryGoodPendingEvent() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-");
        ByteArrayOutputStream journal = new ByteArrayOutputStream();
        for (int seq = 1; seq <= 3; seq++) {
            String event = "{\"id\":\"pending-" + seq + "\",\"seq\":" + seq + ",\"type\":\"pressure_too_high\",\"severity\":\"warning\","
                    + "\"state\":\"raised\",\"t_ms\":" + seq * 1000 + ",\"ts\":\"2026-11-30T10:00:00.000Z\",\"device\":\"" + DEVICE + "\","
                    + "\"session_id\":null,\"message\":\"Pressing too hard (from the last run)\",\"data\":{}}";
            journal.writeBytes(("{\"op\":\"put\",\"order\":" + (seq - 1) + ",\"device\":\"" + DEVICE + "\",\"seq\":" + seq
                    + ",\"topic\":\"rollbridge/" + DEVICE + "/event\",\"payload\":\""
                    + Base64.getEncoder().encodeToString(event.getBytes(StandardCharsets.UTF_8))
                    + "\",\"retained\":false,\"severity\":\"warning\",\"time\":" + System.currentTimeMillis() + ",\"console\":true}\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (seq == 1) {
                journal.writeBytes(new byte[]{'{', '"', 'o', 'p', '"', ':', (byte) 0xFF, '}', '\n'});
                journal.writeBytes("{\"op\":\"put\",\"order\":7,\"payload\":\"%%%not base64%%%\",\"topic\":\"t\"}\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.write(data.resolve("outbox.journal"), journal.toByteArray());
        try (MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/" + DEVICE + "/event");
             Daemon daemon = Daemon.shipped(Map.of(), "run", "--broker", broker.url(), "--speed", "1", "--no-cue",
                     "--dashboard-port", "-1", "--data-dir", data.toString())) {
            for (int seq = 1; seq <= 3; seq++) {
                String id = "pending-" + seq;
                probe.await(id, Duration.ofSeconds(30), m -> m.json().path("id").asText().equals(id));
            }
            JsonNode next = probe.await("the next event goes on numbering", Duration.ofSeconds(30),
                    m -> m.json().path("type").asText().equals("device_connected")).json();
            assertThat(next.path("seq").asLong()).isEqualTo(4);
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            assertThat(daemon.stderr()).contains("2 damaged record(s)").contains("outbox.journal.damaged-");
        }
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("outbox.journal.damaged-"));
        }
    }

    /** A configuration over the size limit, or not a file at all, is one line under the service's 48 MB heap. */
    @Test
    void aHugeConfigurationIsOneLineNeverAStackTraceUnderTheServiceHeap() throws Exception {
        Path big = Files.createTempFile(Path.of("target").toAbsolutePath(), "huge-", ".yaml");
        try (var out = Files.newOutputStream(big)) {
            byte[] line = ("- " + "x".repeat(1_000) + "\n").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 200_000; i++) {
                out.write(line); // 200 MB
            }
        }
        for (String file : new String[]{big.toString(), "/dev/zero", "/dev/urandom"}) {
            for (String command : new String[]{"check-config", "run"}) {
                try (Daemon daemon = Daemon.shipped(Map.of(), command.equals("run") ? new String[]{"run", "--config", file}
                        : new String[]{"check-config", file})) {
                    int exit = daemon.waitFor(Duration.ofSeconds(60));
                    String said = daemon.stderr() + String.join("\n", daemon.stdout());
                    assertThat(exit).as(command + " " + file + ": " + said).isIn(1, 2);
                    assertThat(said).as(command + " " + file).contains("larger than 256 kB").doesNotContain("Exception")
                            .doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
                }
            }
        }
        Files.delete(big);
    }
}
