package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.mqtt.outbox.EventOutbox;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A disk that fills up and a data directory that turns read-only, for real: a small tmpfs mounted
 * for the test (so the test runs as root, as scripts/test and CI do).
 */
class DiskFaultsIT extends WithMosquitto {
    private Path mount;

    @BeforeEach
    void aSmallFileSystem() throws Exception {
        assertThat(new ProcessBuilder("id", "-u").start().inputReader().readLine())
                .as("DiskFaultsIT mounts a tmpfs and must run as root (scripts/test does on CI)").isEqualTo("0");
        mount = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tmpfs-");
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", "-l", mount.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", command) + ": " + out).isTrue();
    }

    private static EventOutbox.Message message(long seq, String severity, int size) {
        return new EventOutbox.Message("rollbridge/dev/event", ("x".repeat(size) + seq).getBytes(StandardCharsets.UTF_8), false,
                true, "dev", seq, severity, seq);
    }

    /**
     * When the disk fills mid-record the write stops part-way; the next record written once there
     * is space again used to continue that fragment, and was skipped as damage at the next start.
     */
    @Test
    void aRecordWrittenAfterTheDiskFilledMidRecordIsNotLost() throws Exception {
        Path dir = mount.resolve("data");
        Path filler = mount.resolve("filler");
        OutboxJournal journal = OutboxJournal.open(dir);
        long order = 0;
        for (int i = 0; i < 3; i++) {
            journal.put(order++, message(order, "info", 100));
        }
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[512];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // the disk is full
        }
        List<Long> lost = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long seq = order + 1;
            journal.put(order++, message(seq, "warning", 300)); // the first is cut short; the rest fail
            lost.add(seq);
        }
        Files.delete(filler);
        journal.put(order, message(1_000, "danger", 10));
        journal.close();

        try (OutboxJournal reopened = OutboxJournal.open(dir)) {
            assertThat(reopened.skippedRecords()).as("damaged records at the next start").isZero();
            List<Long> seqs = reopened.recovered().values().stream().map(EventOutbox.Message::seq).toList();
            assertThat(seqs).startsWith(1L, 2L, 3L).endsWith(1_000L);
            assertThat(reopened.lastSeqs()).containsEntry("dev", 1_000L);
        }
    }

    /**
     * A journal that could not be opened for writing (a read-only data directory) used to be
     * dropped whole: its pending alerts were never sent and the next events reused their numbers.
     */
    @Test
    void aReadOnlyDataDirectoryStillDeliversThePendingEventsAndNumbersOn() throws Exception {
        String device = "rollsense_c0ffee000001";
        Path data = mount.resolve("data");
        Files.createDirectories(data);
        StringBuilder journal = new StringBuilder();
        for (int seq = 1; seq <= 2; seq++) {
            String event = "{\"id\":\"read-only-" + seq + "\",\"seq\":" + seq + ",\"type\":\"pressure_too_high\",\"severity\":\"warning\","
                    + "\"state\":\"raised\",\"t_ms\":" + seq + ",\"ts\":\"2026-11-30T10:00:00.000Z\",\"device\":\"" + device + "\","
                    + "\"session_id\":null,\"message\":\"pending\",\"data\":{}}";
            journal.append("{\"op\":\"put\",\"order\":").append(seq - 1).append(",\"device\":\"").append(device).append("\",\"seq\":")
                    .append(seq).append(",\"topic\":\"rollbridge/").append(device).append("/event\",\"payload\":\"")
                    .append(Base64.getEncoder().encodeToString(event.getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"retained\":false,\"severity\":\"warning\",\"time\":").append(System.currentTimeMillis())
                    .append(",\"console\":true}\n");
        }
        Files.writeString(data.resolve("outbox.journal"), journal.toString());
        // Numbers 3 to 5 went out while the journal could not be written (a disk-full period before).
        Files.writeString(data.resolve("outbox.seq"), "{\"" + device + "\":5}" + " ".repeat(100));
        run("mount", "-o", "remount,ro", mount.toString());

        try (MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/" + device + "/event");
             Daemon daemon = Daemon.shipped(Map.of(), "run", "--broker", broker.url(), "--speed", "1", "--no-cue",
                     "--dashboard-port", "-1", "--data-dir", data.toString())) {
            probe.await("read-only-1", Duration.ofSeconds(30), m -> m.json().path("id").asText().equals("read-only-1"));
            probe.await("read-only-2", Duration.ofSeconds(30), m -> m.json().path("id").asText().equals("read-only-2"));
            JsonNode next = probe.await("the next event", Duration.ofSeconds(30),
                    m -> m.json().path("type").asText().equals("device_connected")).json();
            assertThat(next.path("seq").asLong()).as("numbering goes on after the highest handed out").isEqualTo(6);
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            assertThat(daemon.stderr()).contains("cannot be written").contains("running without history");
        }
    }
}
