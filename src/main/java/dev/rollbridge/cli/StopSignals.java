package dev.rollbridge.cli;

import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Ctrl-C (SIGINT) and {@code systemctl stop} (SIGTERM) as a request to stop cleanly. Left to the
 * JVM, either signal runs the shutdown hooks and then exits 130 or 143, which systemd counts as a
 * failure and which contradicts "exit 0: stopped". Handled here, the command stops the daemon on
 * its own thread and returns 0. A second signal while stopping means "now": the process ends at
 * once with the usual 128 + signal.
 */
final class StopSignals {
    private final CountDownLatch requested = new CountDownLatch(1);

    private StopSignals() {
    }

    /** Takes over SIGINT and SIGTERM (where the JVM lets it: not under {@code -Xrs}). */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (signals.requested.getCount() == 0) {
                        Runtime.getRuntime().halt(128 + signal.getNumber());
                    }
                    signals.requested.countDown();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // The JVM keeps this signal (e.g. -Xrs): its shutdown hook still stops the daemon cleanly.
            }
        }
        return signals;
    }

    /** Waits for a stop signal (or {@link #request}). */
    void await() throws InterruptedException {
        requested.await();
    }

    /** Stops as a signal would: a finite session that has ended. */
    void request() {
        requested.countDown();
    }

    /**
     * Runs the command's stop (also its shutdown hook) on this thread, once: if the JVM is already
     * exiting, the hook is running and this waits for it instead.
     */
    static void stopOnce(Thread hook) throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            hook.join();
            return;
        }
        hook.run();
    }
}
