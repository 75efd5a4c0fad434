package dev.rollbridge.mqtt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class OutboxJournalTest {
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
        } catch (java.io.IOException e) {
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
            java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
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
        MqttLink offline = mock(MqttLink.class);
        when(offline.isConnected()).thenReturn(false);
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
}
