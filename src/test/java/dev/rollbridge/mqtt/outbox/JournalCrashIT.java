package dev.rollbridge.mqtt.outbox;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real process killed (SIGKILL) while it writes the journal, until a kill lands mid-record and
 * leaves a torn last line. The next run used to append its first record onto that fragment, and
 * the record was lost at the start after: every complete record must survive, and so must the
 * first one written after the crash.
 */
class JournalCrashIT {

    /**
     * The process that gets killed: writes records of {@code args[1]} bytes to the journal in
     * {@code args[0]} for ever. Large (Base64 makes a line 4/3 of the payload, within the journal's
     * limit per line) so that a kill often lands mid-record.
     */
    public static final class Writer {
        public static void main(String[] args) {
            OutboxJournal journal = OutboxJournal.open(Path.of(args[0]));
            byte[] payload = new byte[Integer.parseInt(args[1])];
            long order = journal.nextOrder();
            System.out.println("writing");
            System.out.flush();
            for (long seq = order + 1; ; seq++, order++) {
                journal.put(order, new EventOutbox.Message("rollbridge/dev/event", payload, false, true, "dev", seq, "warning", seq));
            }
        }
    }

    private static Process writer(Path dir) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString(), Integer.toString(OutboxJournal.MAX_LINE_BYTES / 2))
                .redirectErrorStream(true).start();
    }

    private static boolean endsTorn(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() == 0) {
                return false;
            }
            f.seek(f.length() - 1);
            return f.read() != '\n';
        }
    }

    private static long completeLines(Path file) throws IOException {
        long lines = 0;
        for (byte b : Files.readAllBytes(file)) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }

    @Test
    void aRecordWrittenAfterACrashMidRecordIsNotLost() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "journal-crash-");
        Path file = dir.resolve("outbox.journal");
        SplittableRandom random = new SplittableRandom(7);
        boolean torn = false;
        int kills = 0;
        try {
            while (!torn && kills < 200) {
                Process p = writer(dir);
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("writing");
                Thread.sleep(5 + random.nextInt(60));
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                kills++;
                torn = endsTorn(file);
                if (!torn) {
                    Files.delete(file); // killed between two records: start over with a fresh journal
                }
            }
            assertThat(torn).as("a kill landed mid-record in %d tries", kills).isTrue();
            System.out.println("JournalCrashIT: a record torn by the kill after " + kills + " kill(s)");
            long complete = completeLines(file);

            try (OutboxJournal j = OutboxJournal.open(dir)) {
                assertThat(j.recovered()).as("every complete record").hasSize((int) complete);
                j.put(j.nextOrder(), new EventOutbox.Message("rollbridge/dev/event", "after the crash".getBytes(StandardCharsets.UTF_8),
                        false, true, "dev", 1_000_000, "danger", 0));
            }
            try (OutboxJournal j = OutboxJournal.open(dir)) {
                assertThat(j.recovered()).hasSize((int) complete + 1);
                List<EventOutbox.Message> all = new ArrayList<>(j.recovered().values());
                assertThat(new String(all.get(all.size() - 1).payload(), StandardCharsets.UTF_8)).isEqualTo("after the crash");
                assertThat(j.skippedRecords()).isZero();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
