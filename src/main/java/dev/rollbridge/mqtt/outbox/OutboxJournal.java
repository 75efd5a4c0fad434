package dev.rollbridge.mqtt.outbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outbox on disk: an append-only journal ({@code outbox.journal}, JSON lines) of messages put,
 * acknowledged and dropped, so undelivered events survive a broker outage and a {@code kill -9}
 * of the daemon. Writes go to the OS at once (a killed process loses nothing it wrote); the fsync
 * that guards against power loss is batched by {@link #sync}. When the file grows past a limit it
 * is rewritten with only what is still pending (write, fsync, atomic rename). A write that fails
 * (disk full, I/O error) is logged and the message stays in memory: delivery never waits for the
 * disk. Used under the outbox's lock.
 *
 * <p>The file is read as hostile input: a record that is not UTF-8, not JSON, or carries a bad
 * payload is skipped and counted, every good one is kept, and a damaged file is moved aside
 * ({@code outbox.journal.damaged-<time>}) and replaced by a clean one. A torn last line (a crash
 * mid-write) is cut off before anything is appended, so the next record never joins it.
 *
 * <p>Event numbers go on across restarts even when journal writes failed: when an event's record
 * cannot be written, its number is written in place into {@code outbox.seq}, a small file padded
 * to a fixed size when the journal is opened, so that overwriting it needs no new disk space.
 */
public final class OutboxJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxJournal.class);
    private static final long COMPACT_BYTES = 4L * 1024 * 1024;
    /** No record we write comes near this; a longer line is damage. */
    static final int MAX_LINE_BYTES = 1024 * 1024;
    /** Pending messages read back at most; past it the oldest that are not danger are left behind. */
    static final int MAX_RECOVERED = 20_000;
    private static final int SEQ_FILE_BYTES = 4096;

    private final Path file;
    private final Path seqFile;
    // Written by the outbox thread; fsync'd by another (sync and compaction hold syncLock).
    private volatile FileChannel channel;
    /** Length of the journal up to the end of its last whole record, and whether a fragment follows it. */
    private long goodLength;
    private boolean fragmentLeft;
    private FileChannel seqChannel;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private volatile boolean closed;
    private final Object syncLock = new Object();
    private volatile Runnable syncWanted = () -> { };
    private final TreeMap<Long, EventOutbox.Message> recovered = new TreeMap<>();
    private final Map<String, Long> lastSeqs = new HashMap<>();
    private final Map<String, Long> stampedSeqs = new TreeMap<>();
    private long nextOrder;
    private long failedWrites;
    private long failedSeqWrites;
    /** How much of outbox.seq the last write's text took (0: not written yet in this run, pad the whole file). */
    private int seqTextLength;
    private int skippedRecords;
    private boolean tornTail;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);

    private OutboxJournal(Path file) {
        this.file = file;
        this.seqFile = file.resolveSibling("outbox.seq");
    }

    /** Opens (or creates) {@code dir/outbox.journal} and reads back what was still pending. */
    public static OutboxJournal open(Path dir) {
        OutboxJournal j = new OutboxJournal(dir.resolve("outbox.journal"));
        long validBytes = -1;
        try {
            Files.createDirectories(dir);
            j.readSeqMarks();
            if (Files.exists(j.file)) {
                if (Files.isRegularFile(j.file)) {
                    validBytes = j.replay();
                } else {
                    log.warn("outbox journal {} is not a regular file: not read", j.file);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the outbox journal " + j.file + ": " + describe(e), e);
        }
        // What was read is kept whatever happens from here: a journal that cannot be repaired or
        // written (a read-only or full disk) still hands back its pending messages and numbers.
        try {
            if (j.skippedRecords > 0) {
                j.setAside();
            } else if (j.tornTail) {
                j.endTornTail(validBytes);
            }
        } catch (IOException e) {
            log.warn("outbox journal {}: cannot repair it ({}); its pending messages are held in memory", j.file, describe(e));
        }
        try {
            j.channel = FileChannel.open(j.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            j.goodLength = j.channel.size();
        } catch (IOException e) {
            log.warn("outbox journal {} cannot be written ({}): events are kept in memory only until the daemon restarts "
                    + "with a writable data directory", j.file, describe(e));
        }
        j.openSeqFile();
        if (!j.recovered.isEmpty()) {
            log.info("outbox: {} undelivered message(s) recovered from {}", j.recovered.size(), j.file);
        }
        return j;
    }

    /**
     * Reads every record, line by line with a bound on each; returns the length of the part that
     * ends with a complete line (what stays when a torn tail is cut off).
     */
    private long replay() throws IOException {
        long validBytes = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            ByteArrayOutputStream current = new ByteArrayOutputStream(512);
            boolean tooLong = false;
            long position = 0;
            for (int b = in.read(); b != -1; b = in.read()) {
                position++;
                if (b != '\n') {
                    if (current.size() < MAX_LINE_BYTES) {
                        current.write(b);
                    } else {
                        tooLong = true;
                    }
                    continue;
                }
                record(current, tooLong);
                current.reset();
                tooLong = false;
                validBytes = position;
            }
            if (current.size() > 0 || tooLong) {
                // No newline after the last record: a crash cut it short (or it is complete but
                // unterminated). Either way keep what it says if it says something whole.
                tornTail = true;
                if (!tooLong && parse(current.toByteArray()) instanceof Record r) {
                    apply(r);
                    validBytes = position; // whole, only its newline is missing
                }
            }
        }
        if (skippedRecords > 0) {
            log.warn("outbox journal {}: skipped {} damaged record(s); kept every readable one", file, skippedRecords);
        }
        return validBytes;
    }

    /**
     * The last line has no newline: a fragment is cut off (that needs no disk space); a whole
     * record only gets its newline. Either way the next record starts on a line of its own.
     */
    private void endTornTail(long validBytes) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (validBytes < c.size()) {
                c.truncate(validBytes);
                log.warn("outbox journal {}: cut off a torn last record (a crash mid-write); every complete record kept", file);
            } else {
                c.write(ByteBuffer.wrap(new byte[]{'\n'}), validBytes);
            }
        }
    }

    private void record(ByteArrayOutputStream bytes, boolean tooLong) {
        if (bytes.size() == 0 && !tooLong) {
            return;
        }
        Object parsed = tooLong ? "longer than " + MAX_LINE_BYTES + " bytes" : parse(bytes.toByteArray());
        if (parsed instanceof Record r) {
            apply(r);
        } else {
            skippedRecords++;
            if (skippedRecords <= 3) {
                log.warn("outbox journal {}: a damaged record skipped: {}", file, parsed);
            }
        }
    }

    /** One line's record, or the reason it cannot be read. */
    private record Record(String op, long order, String device, long seq, EventOutbox.Message message) {
    }

    private static Object parse(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            JsonNode n = Json.read(text);
            if (!n.isObject()) {
                return "not a JSON object";
            }
            long order = n.path("order").asLong(-1);
            String op = n.path("op").asText();
            return switch (op) {
                case "put" -> {
                    if (order < 0 || !n.path("topic").isTextual() || !n.path("payload").isTextual()) {
                        yield "a put without order, topic or payload";
                    }
                    EventOutbox.Message m = new EventOutbox.Message(n.path("topic").asText(),
                            Base64.getDecoder().decode(n.path("payload").asText()), n.path("retained").asBoolean(),
                            consoleFlag(n), n.path("device").asText(),
                            n.path("seq").asLong(), n.path("severity").asText("info"), n.path("time").asLong());
                    yield new Record(op, order, m.device(), m.seq(), m);
                }
                case "ack", "drop" -> order < 0 ? "an " + op + " without order" : new Record(op, order, null, 0, null);
                case "seq" -> new Record(op, -1, n.path("device").asText(), n.path("seq").asLong(), null);
                default -> "unknown op '" + Json.excerpt(op, 20) + "'";
            };
        } catch (CharacterCodingException e) {
            return "not UTF-8";
        } catch (IOException e) {
            return "not JSON";
        } catch (IllegalArgumentException e) {
            return "a payload that is not Base64";
        }
    }

    private void apply(Record r) {
        switch (r.op()) {
            case "put" -> {
                recovered.put(r.order(), r.message());
                lastSeqs.merge(r.device(), r.seq(), Math::max);
                if (recovered.size() > MAX_RECOVERED) {
                    leaveOldestBehind();
                }
            }
            case "ack", "drop" -> recovered.remove(r.order());
            default -> lastSeqs.merge(r.device(), r.seq(), Math::max);
        }
        if (r.order() >= 0) {
            nextOrder = Math.max(nextOrder, r.order() + 1);
        }
    }

    /** A journal that says more is pending than the outbox ever holds is damage: the oldest non-danger goes. */
    private void leaveOldestBehind() {
        for (Iterator<EventOutbox.Message> it = recovered.values().iterator(); it.hasNext(); ) {
            if (!it.next().severity().equals("danger")) {
                it.remove();
                skippedRecords++;
                return;
            }
        }
    }

    /** Moves the damaged file aside and writes a clean one with every good pending record. */
    private void setAside() throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
        Files.move(file, aside);
        Map<String, Long> seqs = new TreeMap<>(lastSeqs);
        try {
            writeClean(recovered.entrySet(), seqs);
            log.warn("outbox journal {}: {} damaged record(s); the file is kept as {} and a clean journal holds the {} pending message(s)",
                    file, skippedRecords, aside, recovered.size());
        } catch (IOException e) {
            log.warn("outbox journal {}: {} damaged record(s), moved to {}; a clean copy could not be written ({}): "
                    + "the {} pending message(s) are held in memory", file, skippedRecords, aside, e.getMessage(), recovered.size());
        }
    }

    /** Seq marks: the highest number handed out per device, whether or not its record reached the journal. */
    private void readSeqMarks() {
        if (!Files.isRegularFile(seqFile)) {
            return;
        }
        try (InputStream in = Files.newInputStream(seqFile)) {
            byte[] bytes = in.readNBytes(64 * 1024);
            JsonNode marks = Json.read(new String(bytes, StandardCharsets.UTF_8).strip());
            if (marks.isObject()) {
                marks.properties().forEach(e -> {
                    if (e.getValue().canConvertToLong()) {
                        stampedSeqs.put(e.getKey(), e.getValue().asLong());
                        lastSeqs.merge(e.getKey(), e.getValue().asLong(), Math::max);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            log.warn("outbox: cannot read {} ({}); event numbers go on from the journal alone", seqFile, e.getMessage());
        }
    }

    private void openSeqFile() {
        try {
            seqChannel = FileChannel.open(seqFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            stampedSeqs.putAll(lastSeqs);
            writeSeqMarks();
        } catch (IOException e) {
            log.warn("outbox: cannot open {} ({}); after a disk-full period event numbers could repeat", seqFile, e.getMessage());
        }
    }


    private void writeSeqMarks() {
        if (seqChannel == null) {
            return;
        }
        try {
            byte[] json = Json.bytes(stampedSeqs);
            // In place, over what was there: the file was padded to its size when it was opened, so
            // on a full disk this still succeeds. Spaces cover the rest of a longer earlier text.
            int length = Math.max(json.length, seqTextLength);
            ByteBuffer b = ByteBuffer.allocate(seqTextLength == 0 ? Math.max(SEQ_FILE_BYTES, json.length) : length);
            b.put(json);
            while (b.hasRemaining()) {
                b.put((byte) ' ');
            }
            b.flip();
            long at = 0;
            while (b.hasRemaining()) {
                at += seqChannel.write(b, at);
            }
            seqTextLength = json.length;
            // Written only when the journal could not take the record: make it durable now, not with the journal's fsync.
            seqChannel.force(false);
        } catch (IOException e) {
            failedSeqWrites++;
            if (failedSeqWrites == 1 || failedSeqWrites % 1000 == 0) {
                log.warn("outbox: {} write(s) of {} failed ({})", failedSeqWrites, seqFile, describe(e));
            }
        }
    }

    /** How many records the last open skipped as damaged. */
    public int skippedRecords() {
        return skippedRecords;
    }

    /** Journals of earlier versions kept the console line itself ({@code label}); any line meant yes. */
    private static boolean consoleFlag(JsonNode n) {
        return n.has("console") ? n.path("console").asBoolean() : n.hasNonNull("label");
    }

    /** Messages that were put and neither acknowledged nor dropped, by order. */
    public Map<Long, EventOutbox.Message> recovered() {
        return recovered;
    }

    /** The highest event seq each device reached, so numbering goes on after a restart. */
    public Map<String, Long> lastSeqs() {
        return lastSeqs;
    }

    public long nextOrder() {
        return nextOrder;
    }

    public void put(long order, EventOutbox.Message m) {
        long failedBefore = failedWrites;
        write(g -> {
            g.writeStringField("op", "put");
            g.writeNumberField("order", order);
            g.writeStringField("device", m.device());
            g.writeNumberField("seq", m.seq());
            g.writeStringField("topic", m.topic());
            g.writeFieldName("payload");
            g.writeBinary(m.payload()); // standard Base64, as replay decodes it
            g.writeBooleanField("retained", m.retained());
            g.writeStringField("severity", m.severity());
            g.writeNumberField("time", m.wallMillis());
            g.writeBooleanField("console", m.console());
        });
        nextOrder = Math.max(nextOrder, order + 1);
        if (m.seq() > 0 && stampedSeqs.getOrDefault(m.device(), 0L) < m.seq()) {
            stampedSeqs.put(m.device(), m.seq());
            if (failedWrites != failedBefore) {
                // The record did not reach the journal (disk full): the number must still be known at the next start.
                writeSeqMarks();
            }
        }
    }

    public void acknowledged(long order) {
        write(g -> {
            g.writeStringField("op", "ack");
            g.writeNumberField("order", order);
        });
    }

    public void dropped(long order) {
        write(g -> {
            g.writeStringField("op", "drop");
            g.writeNumberField("order", order);
        });
    }

    /** The fields of one journal line. */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * One JSON line through Jackson's streaming writer: this runs on the way out of every alert,
     * usually as code the JIT has not compiled yet, and a tree of nodes cost several times more.
     */
    private void write(Fields fields) {
        try {
            line.reset();
            try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
                g.writeStartObject();
                fields.write(g);
                g.writeEndObject();
            }
            if (line.size() >= MAX_LINE_BYTES) {
                // replay skips a line this long: writing it would only lose the message at the next start
                throw new IOException("a record of " + line.size() + " bytes is over the journal's limit of "
                        + MAX_LINE_BYTES + " bytes per line");
            }
            line.write('\n');
            ByteBuffer b = ByteBuffer.wrap(line.toByteArray());
            append(b);
            if (!dirty.getAndSet(true)) {
                syncWanted.run();
            }
        } catch (IOException e) {
            failedWrites++;
            if (failedWrites == 1 || failedWrites % 1000 == 0) {
                log.warn("outbox journal {}: {} write(s) failed ({}); those messages are kept in memory only",
                        file, failedWrites, describe(e));
            }
        }
    }

    /**
     * Appends one whole record. A write cut short (the disk filled mid-record) is cut off again at
     * once, or before the next record if that failed too, so no record ever continues a fragment.
     */
    private void append(ByteBuffer b) throws IOException {
        FileChannel ch = channel;
        if (ch == null) {
            throw new IOException("the journal could not be opened for writing");
        }
        if (fragmentLeft) {
            ch.truncate(goodLength); // needs no disk space; if it fails, this record is not written either
            fragmentLeft = false;
        }
        int length = b.remaining();
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (ClosedChannelException e) {
            // An interrupt that reached a writing thread closes the channel for everyone: open it again, once.
            if (closed || b.position() != 0) {
                throw e;
            }
            log.warn("outbox journal {} was closed under a writer ({}); opening it again", file, describe(e));
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            channel = ch;
            goodLength = ch.size();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            if (b.position() > 0) {
                fragmentLeft = true;
                try {
                    ch.truncate(goodLength);
                    fragmentLeft = false;
                } catch (IOException again) {
                    // cut off before the next record instead
                }
            }
            throw e;
        }
        goodLength += length;
    }

    /** An I/O error in words: some (a closed channel) carry no message of their own. */
    static String describe(IOException e) {
        if (e instanceof ClosedByInterruptException) {
            return "the file was closed: a writing thread was interrupted";
        }
        if (e instanceof ClosedChannelException) {
            return "the file is closed";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Called at the first write after an fsync (and after a failed fsync), so the owner can schedule
     * {@link #sync} a little later: an idle daemon then never wakes up for the disk.
     */
    public void onSyncWanted(Runnable request) {
        this.syncWanted = request;
    }

    /** fsync if anything was written since the last one (called every few tens of ms, not per message). */
    public void sync() {
        synchronized (syncLock) {
            if (!dirty.getAndSet(false)) {
                return;
            }
            try {
                if (channel != null) {
                    channel.force(false);
                }
            } catch (IOException e) {
                dirty.set(true);
                log.warn("outbox journal {}: fsync failed: {}", file, describe(e));
                syncWanted.run();
            }
        }
    }

    /** Rewrites the journal with only {@code pending} when it has grown past a few MB. */
    public void compactIfLarge(Collection<Map.Entry<Long, EventOutbox.Message>> pending, Map<String, Long> seqs) {
        try {
            if (channel == null || channel.size() < COMPACT_BYTES) {
                return; // checked before taking syncLock: this runs under the outbox's lock, never wait for an fsync here
            }
        } catch (IOException e) {
            return;
        }
        synchronized (syncLock) {
            compact(pending, seqs);
        }
    }

    private void compact(Collection<Map.Entry<Long, EventOutbox.Message>> pending, Map<String, Long> seqs) {
        try {
            if (channel.size() < COMPACT_BYTES) {
                return;
            }
            channel.close();
            writeClean(pending, seqs);
            dirty.set(false);
        } catch (IOException e) {
            log.warn("outbox journal {}: compaction failed ({}); it keeps growing", file, describe(e));
        } finally {
            if (!channel.isOpen()) {
                try {
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                    goodLength = channel.size();
                    fragmentLeft = false;
                } catch (IOException e) {
                    log.warn("outbox journal {}: cannot open it again after compaction ({})", file, describe(e));
                }
            }
        }
    }

    /**
     * Writes a journal of only {@code pending} (and the seq numbering) to a temporary file, fsyncs
     * it and renames it over the journal; an incomplete copy never replaces anything.
     */
    private void writeClean(Collection<Map.Entry<Long, EventOutbox.Message>> pending, Map<String, Long> seqs) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        FileChannel saved = channel;
        long savedLength = goodLength;
        boolean savedFragment = fragmentLeft;
        long failedBefore = failedWrites;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel = out;
            goodLength = 0;
            fragmentLeft = false;
            seqs.forEach((device, seq) -> write(g -> {
                g.writeStringField("op", "seq");
                g.writeStringField("device", device);
                g.writeNumberField("seq", seq);
            }));
            for (Map.Entry<Long, EventOutbox.Message> e : new ArrayList<>(pending)) {
                put(e.getKey(), e.getValue());
            }
            out.force(false);
        } finally {
            channel = saved;
            goodLength = savedLength;
            fragmentLeft = savedFragment;
        }
        if (failedWrites != failedBefore) {
            Files.deleteIfExists(tmp);
            throw new IOException("writing the clean copy failed");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        sync();
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
            if (seqChannel != null) {
                seqChannel.close();
            }
        } catch (IOException e) {
            log.debug("closing {}: {}", file, describe(e));
        }
    }
}
