package dev.rollbridge.mqtt.outbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxJournalTest {
    /** A broker that is not there: the outbox keeps everything. */
    private static final OutboxLink OFFLINE = new OutboxLink() {
        @Override
        public boolean isConnected() {
            return false;
        }

        @Override
        public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
            return CompletableFuture.failedFuture(new IllegalStateException("offline"));
        }
    };

    @TempDir
    Path dir;

    private static EventOutbox.Message message(long seq, String severity) {
        return new EventOutbox.Message("rollbridge/dev/event", ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8), false,
                seq % 2 == 0, "dev", seq, severity, 1_000 + seq);
    }

    @Test
    void whatWasPutAndNotAcknowledgedComesBackInOrderWithTheSeqNumbering() {
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            for (long i = 0; i < 5; i++) {
                j.put(i, message(i + 1, "info"));
            }
            j.acknowledged(0);
            j.acknowledged(2);
            j.dropped(3);
        }
        // A crash mid-write leaves a torn last line: it is skipped.
        try {
            Files.writeString(dir.resolve("outbox.journal"), "{\"op\":\"put\",\"ord", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().keySet()).containsExactly(1L, 4L);
            assertThat(j.recovered().get(4L).payload()).isEqualTo("{\"seq\":5}".getBytes(StandardCharsets.UTF_8));
            assertThat(j.recovered().get(1L).console()).isTrue();
            assertThat(j.recovered().get(4L).console()).isFalse();
            assertThat(j.lastSeqs()).isEqualTo(Map.of("dev", 5L));
            assertThat(j.nextOrder()).isEqualTo(5);
        }
    }

    @Test
    void aJournalOfTheEarlierFormatIsStillRead() throws Exception {
        // Earlier versions stored the console line itself under "label" (null for summaries).
        Files.writeString(dir.resolve("outbox.journal"), """
                {"op":"put","order":0,"device":"dev","seq":1,"topic":"t","payload":"e30=","retained":false,"severity":"info","time":1,"label":"dev  info ..."}
                {"op":"put","order":1,"device":"dev","seq":-1,"topic":"s","payload":"e30=","retained":true,"severity":"info","time":1,"label":null}
                """);
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().get(0L).console()).isTrue();
            assertThat(j.recovered().get(1L).console()).isFalse();
            assertThat(j.recovered().get(1L).payload()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anFsyncIsAskedForOnceAfterWritesAndNeverWhileIdle() {
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            AtomicInteger requests = new AtomicInteger();
            j.onSyncWanted(requests::incrementAndGet);
            j.sync();
            assertThat(requests).as("nothing written").hasValue(0);
            j.put(0, message(1, "info"));
            j.put(1, message(2, "info"));
            j.acknowledged(0);
            assertThat(requests).as("one fsync for a burst of writes").hasValue(1);
            j.sync();
            j.sync();
            assertThat(requests).hasValue(1);
            j.acknowledged(1);
            assertThat(requests).as("the next write after the fsync").hasValue(2);
        }
    }

    @Test
    void aJournalThatCannotBeWrittenDoesNotStopTheCaller() {
        OutboxJournal j = OutboxJournal.open(dir);
        j.close(); // every write now fails with ClosedChannelException
        org.assertj.core.api.Assertions.assertThatCode(() -> {
            j.put(0, message(1, "danger"));
            j.acknowledged(0);
        }).doesNotThrowAnyException();
    }

    @Test
    void compactionKeepsOnlyThePendingAndTheSeqNumbering() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            byte[] big = new byte[2_000];
            for (long i = 0; i < 3_000; i++) {
                j.put(i, new EventOutbox.Message("t", big, false, false, "dev", i + 1, "info", 0));
                if (i != 1_234) {
                    j.acknowledged(i);
                }
            }
            long before = Files.size(dir.resolve("outbox.journal"));
            j.compactIfLarge(List.copyOf(Map.of(1_234L, new EventOutbox.Message("t", big, false, false, "dev", 1_235, "info", 0))
                    .entrySet()), Map.of("dev", 3_000L));
            assertThat(Files.size(dir.resolve("outbox.journal"))).isLessThan(before / 100);
            j.put(3_000, message(3_001, "danger"));
        }
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().keySet()).containsExactly(1_234L, 3_000L);
            assertThat(j.lastSeqs()).containsEntry("dev", 3_001L);
        }
    }

    @Test
    void aFullOutboxDropsTheOldestInfoFirstAndNeverDanger() throws Exception {
        OutboxLink offline = OFFLINE;
        EventOutbox.Bounds bounds = new EventOutbox.Bounds(3, Duration.ofDays(7), Duration.ofSeconds(5), Duration.ofSeconds(30));
        OutboxJournal journal = OutboxJournal.open(dir);
        EventOutbox outbox = new EventOutbox(offline, 16, m -> { }, Optional.of(journal), bounds, Clock.systemUTC(), () -> { });
        outbox.submit(message(1, "danger"));
        outbox.submit(message(2, "info"));
        outbox.submit(message(3, "warning"));
        outbox.submit(message(4, "info"));
        outbox.submit(message(5, "danger"));
        outbox.submit(message(6, "danger"));
        outbox.submit(message(7, "danger"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> outbox.droppedCount() == 3);
        outbox.close();
        try (OutboxJournal reopened = OutboxJournal.open(dir)) {
            // Info went first (2, then 4), then the warning (3); the four danger events stay, over the bound.
            assertThat(reopened.recovered().values()).extracting(EventOutbox.Message::seq).containsExactly(1L, 5L, 6L, 7L);
        }
    }

    private static String line(Path file, int index) throws IOException {
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1).get(index);
    }

    /**
     * A journal with one byte that is not UTF-8 used to stop the daemon from starting (every good
     * pending event stuck); a bad Base64 payload threw out of open(). Each bad record is skipped and
     * counted, every good one kept, and the damaged file set aside for a person to look at.
     */
    @Test
    void aDamagedRecordIsSkippedEveryGoodOneKeptAndTheFileSetAside() throws Exception {
        Path file = dir.resolve("outbox.journal");
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            for (long i = 0; i < 6; i++) {
                j.put(i, message(i + 1, i == 5 ? "danger" : "info"));
            }
            j.acknowledged(0);
        }
        List<byte[]> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            lines.add(l.getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] notUtf8 = lines.get(2).clone();
        notUtf8[notUtf8.length / 2] = (byte) 0xFF;                                        // put of seq 2
        lines.set(2, notUtf8);
        lines.set(3, new String(lines.get(3), StandardCharsets.ISO_8859_1)                  // put of seq 3
                .replaceFirst("\"payload\":\"[^\"]*\"", "\"payload\":\"!!not base64!!\"").getBytes(StandardCharsets.ISO_8859_1));
        lines.add(4, "{\"op\":\"put\"".getBytes(StandardCharsets.ISO_8859_1));           // not JSON
        lines.add(5, "{\"op\":\"explode\",\"order\":99}".getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            damaged.write(l);
            damaged.write('\n');
        }
        Files.write(file, damaged.toByteArray());

        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.skippedRecords()).isEqualTo(4);
            assertThat(j.recovered().values()).extracting(EventOutbox.Message::seq).containsExactly(2L, 5L, 6L);
            assertThat(j.lastSeqs()).containsEntry("dev", 6L);
            j.put(6, message(7, "warning"));
        }
        try (var aside = Files.list(dir)) {
            Path kept = aside.filter(p -> p.getFileName().toString().startsWith("outbox.journal.damaged-")).findFirst().orElseThrow();
            assertThat(Files.readAllBytes(kept)).isEqualTo(damaged.toByteArray());
        }
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.skippedRecords()).as("the clean journal has no damage left").isZero();
            assertThat(j.recovered().values()).extracting(EventOutbox.Message::seq).containsExactly(2L, 5L, 6L, 7L);
        }
    }

    /**
     * After a crash mid-write the next run appended its first record onto the fragment, and that
     * record was lost at the following start. The fragment is cut off first.
     */
    @Test
    void aTornLastLineIsCutOffSoTheNextRecordStandsOnItsOwnLine() throws Exception {
        Path file = dir.resolve("outbox.journal");
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            j.put(0, message(1, "info"));
            j.put(1, message(2, "warning"));
        }
        String whole = Files.readString(file);
        Files.writeString(file, whole + "{\"op\":\"put\",\"order\":2,\"device\":\"dev\",\"seq\":3,\"topic\":\"rollb");
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().keySet()).containsExactly(0L, 1L);
            assertThat(Files.readString(file)).as("the fragment is gone").isEqualTo(whole);
            j.put(2, message(3, "danger"));
        }
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().values()).extracting(EventOutbox.Message::seq).containsExactly(1L, 2L, 3L);
        }

        // A last record that is whole but lost its newline is kept, and only gets the newline.
        Files.writeString(file, Files.readString(file).stripTrailing());
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().values()).extracting(EventOutbox.Message::seq).containsExactly(1L, 2L, 3L);
            j.put(3, message(4, "info"));
        }
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered().values()).extracting(EventOutbox.Message::seq).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    /**
     * While the disk is full nothing reaches the journal, yet events are numbered and delivered
     * from memory. The next start used to resume from the last journaled number, handing out
     * numbers already delivered. A real ENOSPC here: the journal is /dev/full.
     */
    @Test
    void eventNumbersGoOnAfterADiskFullPeriod() throws Exception {
        OutboxLink offline = OFFLINE;
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            j.put(0, message(1, "info"));
        }
        Path journalFile = dir.resolve("outbox.journal");
        Files.delete(journalFile);
        Files.createSymbolicLink(journalFile, Path.of("/dev/full"));
        OutboxJournal full = OutboxJournal.open(dir);
        EventOutbox outbox = new EventOutbox(offline, 16, m -> { }, Optional.of(full), EventOutbox.Bounds.defaults(),
                Clock.systemUTC(), () -> { });
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            numbers.add(outbox.submitEvent("dev", seq -> List.of(message(seq, "warning"))));
        }
        outbox.close();
        assertThat(numbers).containsExactly(1L, 2L, 3L, 4L, 5L);

        // Space again (the full journal's writes are gone with it); the next start goes on from 6.
        Files.delete(journalFile);
        OutboxJournal after = OutboxJournal.open(dir);
        EventOutbox next = new EventOutbox(offline, 16, m -> { }, Optional.of(after), EventOutbox.Bounds.defaults(),
                Clock.systemUTC(), () -> { });
        assertThat(next.submitEvent("dev", seq -> List.of(message(seq, "info")))).isEqualTo(6L);
        assertThat(next.submitEvent("other", seq -> List.of(message(seq, "info")))).isEqualTo(1L);
        next.close();
    }

    /**
     * The journal reads back no line over its limit, so it must not write one: such a record used to
     * be written whole, then skipped as damaged at the next start (found by JournalCrashIT, whose
     * records were over the limit). It is kept in memory only, and the records around it survive.
     */
    @Test
    void aRecordOverTheLineLimitIsNotWrittenAndTheOthersSurvive() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            j.put(0, message(1, "warning"));
            j.put(1, new EventOutbox.Message("rollbridge/dev/event", new byte[OutboxJournal.MAX_LINE_BYTES], false, true,
                    "dev", 2, "info", 2));
            j.put(2, message(3, "danger"));
        }
        assertThat(Files.size(dir.resolve("outbox.journal"))).isLessThan(OutboxJournal.MAX_LINE_BYTES);
        try (OutboxJournal j = OutboxJournal.open(dir)) {
            assertThat(j.recovered()).containsOnlyKeys(0L, 2L);
            assertThat(j.skippedRecords()).isZero();
            assertThat(j.lastSeqs()).containsEntry("dev", 3L);
        }
    }
}
