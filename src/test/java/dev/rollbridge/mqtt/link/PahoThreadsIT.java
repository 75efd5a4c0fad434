package dev.rollbridge.mqtt.link;

import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter of a loop is woken from a Paho-style nap once the loop runs, and never otherwise.
 * The loop here copies the shape of Paho 1.2.5's CommsSender/Receiver/Callback.start, with a nap of
 * a minute instead of 100 ms: a starter that is not woken makes the test time out.
 */
class PahoThreadsIT extends WithMosquitto {

    /** Paho's start: hand the loop over while holding the lock it needs to say it runs, then nap until it does. */
    static final class Loop implements Runnable {
        private final Object lifecycle = new Object();
        private final CountDownLatch stop = new CountDownLatch(1);
        private boolean running;
        final AtomicInteger wokenEarly = new AtomicInteger();

        void start(ExecutorService threads, long napMillis) {
            synchronized (lifecycle) {
                threads.submit(this);
            }
            while (!isRunning()) {
                try {
                    Thread.sleep(napMillis);
                } catch (Exception e) {
                    wokenEarly.incrementAndGet(); // Paho swallows it too, and looks again
                }
            }
        }

        boolean isRunning() {
            synchronized (lifecycle) {
                return running;
            }
        }

        @Override
        public void run() {
            synchronized (lifecycle) {
                running = true;
            }
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static PahoThreads threads() {
        return new PahoThreads(task -> task instanceof Loop loop ? (BooleanSupplier) loop::isRunning : null,
                PahoThreadsIT.class.getName());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void threeLoopsStartedInARowDoNotWaitOutTheirNaps() throws Exception {
        PahoThreads threads = threads();
        Loop[] loops = {new Loop(), new Loop(), new Loop()};
        // As in Paho, the starter is a short-lived thread of its own (its connect thread): a wake-up
        // can land just after it woke by itself (the check and the interrupt are two steps), and
        // must then cost nothing but that thread's flag.
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                for (Loop loop : loops) {
                    loop.start(threads, 60_000);
                    assertThat(loop.isRunning()).isTrue();
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "starter");
        try {
            starter.start();
            starter.join();
            assertThat(failed.get()).isNull();
        } finally {
            for (Loop loop : loops) {
                loop.stop.countDown();
            }
            threads.shutdown();
            assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void pahosOwnLoopsAreRecognisedOnARealConnectAndReconnect() throws Exception {
        PahoThreads threads = new PahoThreads();
        org.eclipse.paho.client.mqttv3.MqttAsyncClient client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(broker.url(),
                "paho-threads", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence(),
                new org.eclipse.paho.client.mqttv3.TimerPingSender(), threads);
        try {
            client.connect().waitForCompletion(10_000);
            assertThat(client.isConnected()).isTrue();
            // Receiver, sender and callback: if Paho renamed them, they would no longer be recognised.
            assertThat(threads.loopsWatched()).isEqualTo(3);
            client.disconnect().waitForCompletion(10_000);
            client.connect().waitForCompletion(10_000);
            assertThat(client.isConnected()).isTrue();
            assertThat(threads.loopsWatched()).isEqualTo(6);
        } finally {
            client.disconnect().waitForCompletion(10_000);
            client.close(true);
            threads.shutdown();
        }
    }

    @Test
    void aStarterWaitingOnSomethingElseIsNotInterrupted() throws Exception {
        PahoThreads threads = threads();
        Loop loop = new Loop();
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch neverOpened = new CountDownLatch(1);
        Thread starter = new Thread(() -> {
            threads.submit(loop); // no lock held: the loop runs at once
            try {
                // A timed wait outside the loop's package while the watcher looks.
                neverOpened.await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        starter.start();
        starter.join(10_000);
        loop.stop.countDown();
        threads.shutdown();
        assertThat(loop.isRunning()).isTrue();
        assertThat(interrupted).isFalse();
    }

    @Test
    void otherTasksSimplyRunOnAThreadOfTheirOwnUntilShutDown() throws Exception {
        PahoThreads threads = threads();
        AtomicBoolean ran = new AtomicBoolean();
        Future<?> done = threads.submit(() -> ran.set(true));
        done.get(10, TimeUnit.SECONDS);
        assertThat(ran).isTrue();
        assertThat(threads.schedule(() -> 42, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS)).isEqualTo(42);
        threads.shutdown();
        assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.isTerminated()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> threads.execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("shut down");
    }
}
