package dev.rollbridge.mqtt.outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * QoS 1 messages that must arrive (events, session summaries), kept until the broker acknowledges
 * them and sent in the order they were submitted, so per device in {@code seq} order.
 *
 * <ul>
 *   <li>A window of in-flight messages keeps Paho's own limit from ever refusing a publish.</li>
 *   <li>When the connection drops, everything unacknowledged goes out again, in order, once it is
 *   back; so do the messages acknowledged in the last {@link Bounds#resendWindow} before the drop,
 *   because a broker killed right after its PUBACK may never have passed them on (consumers
 *   de-duplicate on the event id).</li>
 *   <li>With a {@link OutboxJournal} everything pending is on disk and survives a restart.</li>
 *   <li>Bounded: past {@link Bounds#maxMessages} (or {@link Bounds#maxAge}) the oldest info
 *   messages go first, then cue, then warning; danger is never dropped. Drops are counted.</li>
 *   <li>A watchdog asks for a new connection when messages wait, the link says it is connected,
 *   and nothing has been acknowledged for {@link Bounds#stallTimeout} (Paho can stall like that).</li>
 * </ul>
 * A message is journaled and handed to Paho on the thread that submits it (an alert waits for no
 * other thread before it leaves); acknowledgements, reconnects and the heartbeat run on the
 * outbox's own thread. All bookkeeping happens under one lock.
 */
public final class EventOutbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);
    private static final List<String> DROP_ORDER = List.of("info", "cue", "warning");

    /**
     * One message waiting for its PUBACK. {@code console}: an event a person sees in the console
     * once delivered (its line is made from the payload then, not on the way out);
     * {@code seq} the device's event number (-1 for other messages); {@code wallMillis} when it
     * was submitted.
     */
    public record Message(String topic, byte[] payload, boolean retained, boolean console,
                          String device, long seq, String severity, long wallMillis) {
    }

    /** Limits and timings of the outbox. */
    public record Bounds(int maxMessages, Duration maxAge, Duration resendWindow, Duration stallTimeout) {
        public static Bounds defaults() {
            return new Bounds(10_000, Duration.ofDays(7), Duration.ofSeconds(5), Duration.ofSeconds(30));
        }
    }

    /** Told about each message once the broker has it. */
    @FunctionalInterface
    public interface DeliveryListener {
        void delivered(Message message);
    }

    private record Acked(long order, Message message, long atMillis) {
    }

    private final OutboxLink link;
    private final int window;
    private final DeliveryListener listener;
    private final Optional<OutboxJournal> journal;
    private final Bounds bounds;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService syncer;
    private final TreeMap<Long, Message> pending = new TreeMap<>();
    private final Set<Long> inflight = new HashSet<>();
    private final Deque<Acked> recentlyAcked = new ArrayDeque<>();
    /** First acknowledgement time of messages taken back for a resend: the window runs from there, once. */
    private final Map<Long, Long> firstAck = new HashMap<>();
    private final AtomicLong nextOrder;
    /** Each device's last event number; guarded by {@link #lock}. */
    private final Map<String, Long> sequences = new HashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Submitted (or recovered, or taken back for a resend) and not yet acknowledged or dropped. */
    private final AtomicLong outstanding = new AtomicLong();
    private final Object drained = new Object();
    private final Object lock = new Object();
    private boolean closed;
    private volatile int size;
    private long lastProgressMillis;
    private final Runnable onStall;

    public EventOutbox(OutboxLink link, int window, DeliveryListener listener) {
        this(link, window, listener, Optional.empty(), Bounds.defaults(), Clock.systemUTC(), () -> { });
    }

    /**
     * @param onStall called (on the outbox thread) when messages wait on a link that claims to be
     *                connected but acknowledges nothing
     */
    public EventOutbox(OutboxLink link, int window, DeliveryListener listener, Optional<OutboxJournal> journal, Bounds bounds,
                       Clock clock, Runnable onStall) {
        this.link = link;
        this.window = window;
        this.listener = listener;
        this.journal = journal;
        this.bounds = bounds;
        this.clock = clock;
        this.onStall = onStall;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-outbox");
            t.setDaemon(true);
            return t;
        });
        long first = journal.map(OutboxJournal::nextOrder).orElse(0L);
        this.nextOrder = new AtomicLong(first);
        journal.ifPresent(j -> {
            pending.putAll(j.recovered());
            sequences.putAll(j.lastSeqs());
        });
        size = pending.size();
        outstanding.set(size);
        lastProgressMillis = clock.millis();
        // Failed sends are retried by this heartbeat, as well as on every reconnect.
        worker.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
        // Batched fsync: at most 50 ms of messages at risk from a power cut, never one per message.
        // On a thread of its own: an fsync takes milliseconds, and alerts must not wait behind it.
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-outbox-fsync");
            t.setDaemon(true);
            return t;
        });
        // Scheduled by the first write after each fsync: nothing written, no wake-up.
        journal.ifPresent(j -> j.onSyncWanted(() -> {
            try {
                syncer.schedule(j::sync, 50, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // close() syncs the journal itself
            }
        }));
    }

    /** The last seq each device has reached (in this run or, from the journal, a previous one). */
    public Map<String, Long> lastSeqs() {
        synchronized (lock) {
            return new HashMap<>(sequences);
        }
    }

    /** An event's messages, made once its per-device number is known (under the outbox's lock: keep it quick). */
    @FunctionalInterface
    public interface EventMessages {
        List<Message> forSeq(long seq);
    }

    /**
     * Numbers an event for its device and queues its messages, under the one lock that orders
     * delivery: events submitted from several threads (a pipeline, the history worker) leave in
     * {@code seq} order, and no number is used twice, even across restarts.
     *
     * @return the event's seq
     * @throws IllegalStateException after {@link #close()}
     */
    public long submitEvent(String device, EventMessages messages) {
        synchronized (lock) {
            checkOpen(device);
            long seq = sequences.merge(device, 1L, Long::sum);
            for (Message m : messages.forSeq(seq)) {
                queue(m);
            }
            return seq;
        }
    }

    /**
     * Journals the message and, when the window allows, hands it to Paho, on the calling thread.
     * A journal that cannot be written does not stop delivery (see {@link OutboxJournal}).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void submit(Message message) {
        synchronized (lock) {
            checkOpen(message.topic());
            queue(message);
        }
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new IllegalStateException("the outbox is closed; message for " + what + " not taken");
        }
    }

    private void queue(Message message) {
        long order = nextOrder.getAndIncrement();
        outstanding.incrementAndGet();
        journal.ifPresent(j -> j.put(order, message));
        pending.put(order, message);
        enforceBounds();
        size = pending.size();
        pump();
    }

    /** Call when the link (re)connects: sends everything still pending. */
    public void connected() {
        worker.execute(() -> {
            synchronized (lock) {
                lastProgressMillis = clock.millis();
                pump();
            }
        });
    }

    /** Call when the link drops: what the broker acknowledged just before may be lost with it. */
    public void connectionLost() {
        worker.execute(() -> resendRecentlyAcknowledged());
    }

    private void resendRecentlyAcknowledged() {
        synchronized (lock) {
            long since = clock.millis() - bounds.resendWindow().toMillis();
            for (Acked a : recentlyAcked) {
                if (a.atMillis() >= since && !pending.containsKey(a.order())) {
                    pending.put(a.order(), a.message());
                    firstAck.put(a.order(), a.atMillis());
                    journal.ifPresent(j -> j.put(a.order(), a.message()));
                    resent.incrementAndGet();
                    outstanding.incrementAndGet();
                }
            }
            recentlyAcked.clear();
            size = pending.size();
        }
    }

    public int size() {
        return size;
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long resentCount() {
        return resent.get();
    }

    public long droppedCount() {
        return dropped.get();
    }

    /** Waits until every submitted message has been acknowledged or dropped; false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (outstanding.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    private void heartbeat() {
        boolean stalled;
        synchronized (lock) {
            stalled = beat();
        }
        if (stalled) {
            onStall.run(); // rebuilding the connection may block: never while submitters wait for the lock
        }
    }

    /** Drops what is too old, compacts the journal, resends; true when the link looks stalled. */
    private boolean beat() {
        long now = clock.millis();
        long oldest = now - bounds.maxAge().toMillis();
        for (Iterator<Map.Entry<Long, Message>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Message> e = it.next();
            if (e.getValue().wallMillis() < oldest && !e.getValue().severity().equals("danger") && !inflight.contains(e.getKey())) {
                drop(it, e.getKey());
            }
        }
        size = pending.size();
        journal.ifPresent(j -> j.compactIfLarge(pending.entrySet(), lastSeqsOfPending()));
        if (!pending.isEmpty() && link.isConnected() && now - lastProgressMillis > bounds.stallTimeout().toMillis()) {
            log.warn("outbox: {} message(s) waiting and nothing acknowledged for {} s while connected; rebuilding the connection",
                    pending.size(), bounds.stallTimeout().toSeconds());
            lastProgressMillis = now;
            return true;
        }
        pump();
        return false;
    }

    private Map<String, Long> lastSeqsOfPending() {
        Map<String, Long> seqs = new HashMap<>(sequences);
        pending.values().forEach(m -> seqs.merge(m.device(), m.seq(), Math::max));
        return seqs;
    }

    private void enforceBounds() {
        for (String severity : DROP_ORDER) {
            for (Iterator<Map.Entry<Long, Message>> it = pending.entrySet().iterator(); pending.size() > bounds.maxMessages() && it.hasNext(); ) {
                Map.Entry<Long, Message> e = it.next();
                if (e.getValue().severity().equals(severity) && !inflight.contains(e.getKey())) {
                    drop(it, e.getKey());
                }
            }
        }
    }

    private void drop(Iterator<Map.Entry<Long, Message>> it, long order) {
        it.remove();
        journal.ifPresent(j -> j.dropped(order));
        long n = dropped.incrementAndGet();
        outstanding.decrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn("outbox full or too old: dropped {} message(s) so far (never a danger event)", n);
        }
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    private void pump() {
        if (!link.isConnected()) {
            return;
        }
        for (Map.Entry<Long, Message> entry : pending.entrySet()) {
            if (inflight.size() >= window) {
                return;
            }
            long order = entry.getKey();
            if (inflight.add(order)) {
                Message m = entry.getValue();
                link.publish(m.topic(), m.payload(), 1, m.retained())
                        .whenComplete((ok, err) -> worker.execute(() -> completed(order, err)));
            }
        }
    }

    private void completed(long order, Throwable err) {
        Message delivered;
        synchronized (lock) {
            delivered = acknowledged(order, err);
        }
        if (delivered != null) {
            // Outside the lock (a listener prints, and may be slow), on this one thread (so in order),
            // and before the message stops counting as outstanding (awaitDrained sees it printed).
            try {
                listener.delivered(delivered);
            } catch (RuntimeException e) {
                log.warn("delivery listener failed: {}", e.toString());
            }
            outstanding.decrementAndGet();
        }
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    /** The bookkeeping of a PUBACK (or a failed send); returns the message now delivered, if any. */
    private Message acknowledged(long order, Throwable err) {
        inflight.remove(order);
        if (err != null) {
            // Stays pending; goes out again on the next pump, still in order.
            log.debug("publish of outbox message {} failed ({}); will resend", order, err.getMessage());
            return null;
        }
        Message m = pending.remove(order);
        size = pending.size();
        lastProgressMillis = clock.millis();
        if (m != null) {
            journal.ifPresent(j -> j.acknowledged(order));
            Long first = firstAck.remove(order);
            recentlyAcked.addLast(new Acked(order, m, first != null ? first : lastProgressMillis));
            while (!recentlyAcked.isEmpty() && recentlyAcked.peekFirst().atMillis() < lastProgressMillis - bounds.resendWindow().toMillis()) {
                recentlyAcked.removeFirst();
            }
            delivered.incrementAndGet();
        }
        pump();
        return m;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        syncer.shutdown();
        worker.shutdown();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.ifPresent(OutboxJournal::close);
    }
}
