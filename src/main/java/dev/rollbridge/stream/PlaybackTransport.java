package dev.rollbridge.stream;

import java.util.concurrent.TimeUnit;

/**
 * A transport that produces its frames on a thread of its own (the simulator, a replay): start
 * runs {@link #play} on that thread; stop asks it to end and waits briefly for it.
 */
public abstract class PlaybackTransport implements Transport {
    private volatile boolean running;
    private volatile long startedNanos;
    private Thread thread;

    /** Sends frames to the sink until done or until {@link #running()} turns false. */
    protected abstract void play(FrameSink sink) throws InterruptedException;

    /**
     * Sleeps until {@code simMicros} of the recording's time is due at {@code speed} (1 real time,
     * 10 ten times faster, 0 not at all), counted from {@code startNanos}.
     */
    protected static void pace(long startNanos, long simMicros, double speed) throws InterruptedException {
        if (speed == 0) {
            return;
        }
        long dueNanos = startNanos + (long) (simMicros * 1000 / speed);
        long wait = dueNanos - System.nanoTime();
        if (wait > 2_000_000) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    protected final boolean running() {
        return running;
    }

    @Override
    public final synchronized void start(FrameSink sink) {
        if (thread != null && thread.isAlive()) {
            throw new IllegalStateException(kind() + " " + deviceAddress() + " already started");
        }
        running = true;
        startedNanos = System.nanoTime();
        thread = new Thread(() -> {
            try {
                play(sink);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, kind() + "-" + deviceAddress());
        thread.setDaemon(true);
        thread.start();
    }

    /** {@link System#nanoTime} when it was last started (0: never): how long a playback took is measured from here. */
    public final long startedNanos() {
        return startedNanos;
    }

    @Override
    public final void stop() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            thread = null; // a stopped transport can be started again (a device restart)
        }
    }
}
