package dev.rollbridge.mqtt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * QoS 1 messages that must arrive (events), kept until the broker acknowledges them and sent in
 * the order they were submitted. A window of in-flight messages keeps Paho's own limit from ever
 * refusing a publish; when the connection drops, everything unacknowledged is sent again, in
 * order, once it is back (consumers de-duplicate on the event id).
 *
 * <p>All bookkeeping runs on one thread, so there are no locks on the state. This outbox lives in
 * memory; a durable journal underneath it is a later step.
 */
public final class EventOutbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);

    /** One message waiting for its PUBACK. {@code label} is what a person reads in the console (null: nothing to print). */
    public record Message(String topic, byte[] payload, boolean retained, String label) {
    }

    /** Told about each message once the broker has it. */
    @FunctionalInterface
    public interface DeliveryListener {
        void delivered(Message message);
    }

    private final MqttLink link;
    private final int window;
    private final DeliveryListener listener;
    private final ScheduledExecutorService worker;
    private final TreeMap<Long, Message> pending = new TreeMap<>();
    private final Set<Long> inflight = new HashSet<>();
    private final AtomicLong nextOrder = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final Object drained = new Object();
    private volatile int size;

    public EventOutbox(MqttLink link, int window, DeliveryListener listener) {
        this.link = link;
        this.window = window;
        this.listener = listener;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-outbox");
            t.setDaemon(true);
            return t;
        });
        // Failed sends are retried by this heartbeat, as well as on every reconnect.
        worker.scheduleWithFixedDelay(this::pump, 1, 1, TimeUnit.SECONDS);
    }

    public void submit(Message message) {
        long order = nextOrder.getAndIncrement();
        worker.execute(() -> {
            pending.put(order, message);
            size = pending.size();
            pump();
        });
    }

    /** Call when the link (re)connects: sends everything still pending. */
    public void connected() {
        worker.execute(this::pump);
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

    /** Waits until every submitted message has been acknowledged; false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (size > 0 || nextOrder.get() > delivered.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
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
        inflight.remove(order);
        if (err != null) {
            // Stays pending; goes out again on the next pump, still in order.
            resent.incrementAndGet();
            log.debug("publish of outbox message {} failed ({}); will resend", order, err.getMessage());
            return;
        }
        Message m = pending.remove(order);
        size = pending.size();
        if (m != null) {
            delivered.incrementAndGet();
            try {
                listener.delivered(m);
            } catch (RuntimeException e) {
                log.warn("delivery listener failed: {}", e.toString());
            }
        }
        synchronized (drained) {
            drained.notifyAll();
        }
        pump();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
