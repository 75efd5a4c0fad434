package dev.rollbridge.mqtt.link;

import org.eclipse.paho.client.mqttv3.internal.CommsCallback;
import org.eclipse.paho.client.mqttv3.internal.CommsReceiver;
import org.eclipse.paho.client.mqttv3.internal.CommsSender;

import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The threads Paho runs a connection on: a new thread per task, as Paho makes them without an
 * executor, but without the 100 ms naps that made every connect take ~300 ms.
 *
 * <p>Paho 1.2.5 starts its receiver, sender and callback loops one after the other on its connect
 * thread, and after each waits with {@code while (!loop.isRunning()) Thread.sleep(100)}
 * (eclipse-paho/paho.mqtt.java#945, open). The loop cannot report running before that first
 * check (it needs a lock the starter holds while handing it over), so the connect thread slept
 * three times: a third of the daemon's start-up, and of every reconnect after a broker restart.
 * Here, once a loop reports running, a short-lived watcher wakes the starter from that nap with an
 * interrupt, which Paho's loop catches and answers by checking again. Only a starter that is still
 * sleeping inside Paho is woken; anything else is left alone. The check and the interrupt are two
 * steps, so a wake can land just after the starter woke by itself: Paho's starter is its own
 * connect thread (a task of this executor), which only hands the CONNECT packet over and ends,
 * so the flag goes with it.
 *
 * <p>Give one to each {@code MqttAsyncClient} (with a {@code TimerPingSender}, as Paho's default)
 * and shut it down after closing the client.
 */
public final class PahoThreads extends AbstractExecutorService implements ScheduledExecutorService {
    /** How long a watcher waits for a loop to report running before leaving the starter to its naps. */
    private static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /** Paho's loops, which say when they run; any other task (connect, disconnect) needs no watching. */
    static final Function<Runnable, BooleanSupplier> PAHO_LOOPS = task -> {
        if (task instanceof CommsReceiver r) {
            return r::isRunning;
        }
        if (task instanceof CommsSender s) {
            return s::isRunning;
        }
        if (task instanceof CommsCallback c) {
            return c::isRunning;
        }
        return null;
    };

    private final Function<Runnable, BooleanSupplier> loops;
    private final String sleeperPackage;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger loopsWatched = new AtomicInteger();
    private volatile boolean shutdown;
    private ScheduledThreadPoolExecutor timer;

    public PahoThreads() {
        this(PAHO_LOOPS, "org.eclipse.paho.");
    }

    /**
     * @param loops          for a task, how to tell that its loop runs (null: not a loop)
     * @param sleeperPackage the starter is woken only while it sleeps in code of this package
     */
    PahoThreads(Function<Runnable, BooleanSupplier> loops, String sleeperPackage) {
        this.loops = loops;
        this.sleeperPackage = sleeperPackage;
    }

    @Override
    public Future<?> submit(Runnable task) {
        FutureTask<Void> future = new FutureTask<>(task, null);
        execute(future);
        BooleanSupplier running = loops.apply(task);
        if (running != null) {
            loopsWatched.incrementAndGet();
            wakeWhenRunning(Thread.currentThread(), running);
        }
        return future;
    }

    private void wakeWhenRunning(Thread starter, BooleanSupplier running) {
        Thread watcher = new Thread(() -> {
            long deadline = System.nanoTime() + WATCH_NANOS;
            while (!running.getAsBoolean()) {
                if (System.nanoTime() > deadline || !starter.isAlive()) {
                    return;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            // The starter may not have reached its nap yet: give it until the watch ends.
            while (System.nanoTime() < deadline && starter.isAlive()) {
                if (sleepingInside(starter)) {
                    starter.interrupt();
                    return;
                }
                if (starter.getState() == Thread.State.RUNNABLE || starter.getState() == Thread.State.BLOCKED) {
                    LockSupport.parkNanos(POLL_NANOS);
                    continue;
                }
                return; // waiting on something else: it has moved on
            }
        }, "mqtt-start-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Loops handed over so far (three per connect: receiver, sender, callback). */
    int loopsWatched() {
        return loopsWatched.get();
    }

    /** True while {@code thread} sleeps in {@code Thread.sleep} called from the sleeper package's code. */
    boolean sleepingInside(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        StackTraceElement[] stack = thread.getStackTrace();
        for (int i = 0; i + 1 < stack.length; i++) {
            if (stack[i].getClassName().equals("java.lang.Thread") && stack[i].getMethodName().equals("sleep")) {
                return stack[i + 1].getClassName().startsWith(sleeperPackage);
            }
        }
        return false;
    }

    @Override
    public void execute(Runnable command) {
        if (shutdown) {
            throw new RejectedExecutionException("the MQTT client's threads are shut down");
        }
        // Named by Paho once running ("MQTT Snd: ..."); until then, by us.
        Thread t = new Thread(() -> {
            try {
                command.run();
            } finally {
                live.remove(Thread.currentThread());
            }
        }, "mqtt-paho");
        live.add(t);
        t.start();
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "mqtt-paho-timer");
                t.setDaemon(true);
                return t;
            });
        }
        return timer;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return timer().schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return timer().schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return timer().scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return timer().scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
        shutdown = true;
        synchronized (this) {
            if (timer != null) {
                timer.shutdown();
            }
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        live.forEach(Thread::interrupt);
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && live.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread t : live) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
        return isTerminated();
    }
}
