package dev.rollbridge.mqtt;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outbox on disk: an append-only journal ({@code outbox.journal}, JSON lines) of messages put,
 * acknowledged and dropped, so undelivered events survive a broker outage and a {@code kill -9}
 * of the daemon. Writes go to the OS at once (a killed process loses nothing it wrote); the fsync
 * that guards against power loss is batched by {@link #sync}. When the file grows past a limit it
 * is rewritten with only what is still pending (write, fsync, atomic rename). A torn last line
 * (a crash mid-write) is ignored. A write that fails (disk full, I/O error) is logged and the
 * message stays in memory: delivery never waits for the disk. Used under the outbox's lock.
 */
public final class OutboxJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxJournal.class);
    private static final long COMPACT_BYTES = 4L * 1024 * 1024;

    private final Path file;
    // Written by the outbox thread; fsync'd by another (sync and compaction hold syncLock).
    private volatile FileChannel channel;
    private final java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();
    private final Object syncLock = new Object();
    private volatile Runnable syncWanted = () -> { };
    private final TreeMap<Long, EventOutbox.Message> recovered = new TreeMap<>();
    private final Map<String, Long> lastSeqs = new HashMap<>();
    private long nextOrder;
    private long failedWrites;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(512);

    private OutboxJournal(Path file) {
        this.file = file;
    }

    /** Opens (or creates) {@code dir/outbox.journal} and reads back what was still pending. */
    public static OutboxJournal open(Path dir) {
        OutboxJournal j = new OutboxJournal(dir.resolve("outbox.journal"));
        try {
            Files.createDirectories(dir);
            if (Files.exists(j.file)) {
                j.replay(Files.readAllLines(j.file, StandardCharsets.UTF_8));
            }
            j.channel = FileChannel.open(j.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the outbox journal " + j.file + ": " + e.getMessage(), e);
        }
        if (!j.recovered.isEmpty()) {
            log.info("outbox: {} undelivered message(s) recovered from {}", j.recovered.size(), j.file);
        }
        return j;
    }

    private void replay(List<String> lines) {
        int torn = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.read(line);
            } catch (IOException e) {
                torn++;
                continue;
            }
            long order = n.path("order").asLong(-1);
            switch (n.path("op").asText()) {
                case "put" -> {
                    EventOutbox.Message m = new EventOutbox.Message(n.path("topic").asText(),
                            Base64.getDecoder().decode(n.path("payload").asText()), n.path("retained").asBoolean(),
                            consoleFlag(n), n.path("device").asText(),
                            n.path("seq").asLong(), n.path("severity").asText("info"), n.path("time").asLong());
                    recovered.put(order, m);
                    lastSeqs.merge(m.device(), m.seq(), Math::max);
                }
                case "ack", "drop" -> recovered.remove(order);
                case "seq" -> lastSeqs.merge(n.path("device").asText(), n.path("seq").asLong(), Math::max);
                default -> torn++;
            }
            nextOrder = Math.max(nextOrder, order + 1);
        }
        if (torn > 0) {
            log.warn("outbox journal {}: skipped {} unreadable line(s) (a crash mid-write)", file, torn);
        }
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
            line.write('\n');
            ByteBuffer b = ByteBuffer.wrap(line.toByteArray());
            while (b.hasRemaining()) {
                channel.write(b);
            }
            if (!dirty.getAndSet(true)) {
                syncWanted.run();
            }
        } catch (IOException e) {
            failedWrites++;
            if (failedWrites == 1 || failedWrites % 1000 == 0) {
                log.warn("outbox journal {}: {} write(s) failed ({}); those messages are kept in memory only",
                        file, failedWrites, e.getMessage());
            }
        }
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
                channel.force(false);
            } catch (IOException e) {
                dirty.set(true);
                log.warn("outbox journal {}: fsync failed: {}", file, e.getMessage());
                syncWanted.run();
            }
        }
    }

    /** Rewrites the journal with only {@code pending} when it has grown past a few MB. */
    public void compactIfLarge(Collection<Map.Entry<Long, EventOutbox.Message>> pending, Map<String, Long> seqs) {
        try {
            if (channel.size() < COMPACT_BYTES) {
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
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            FileChannel saved = channel;
            long failedBefore = failedWrites;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel = out;
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
            }
            if (failedWrites != failedBefore) {
                // An incomplete copy must never replace the journal.
                Files.deleteIfExists(tmp);
                throw new IOException("writing the compacted copy failed");
            }
            channel.close();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            dirty.set(false);
        } catch (IOException e) {
            log.warn("outbox journal {}: compaction failed ({}); it keeps growing", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        sync();
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing {}: {}", file, e.getMessage());
        }
    }
}
