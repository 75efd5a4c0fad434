package dev.rollbridge.ble;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.Transport;
import dev.rollbridge.profile.ChannelLayout;
import dev.rollbridge.profile.Characteristic;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.profile.GattWrite;
import dev.rollbridge.profile.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One real BLE device as a {@link Transport}, on any {@link BleCentral}: find it, connect, pick the
 * frame type the negotiated MTU allows, subscribe to DATA and battery, start the stream — and keep
 * it up. The self-healing ladder: reconnect with exponential backoff and jitter; after
 * {@code rediscoverAfter} failures in a row forget the device and find it again by scanning; after
 * {@code powerCycleAfter} power-cycle the adapter. A watchdog rebuilds a link that is connected
 * but silent. Scans and connects hold the {@link Radio} to themselves. Every step is counted for
 * {@code bridge/health} and logged once per change of state.
 */
public final class BleLink implements Transport {
    private static final Logger log = LoggerFactory.getLogger(BleLink.class);

    private final Radio radio;
    private final BleCentral central;
    private final DeviceProfile profile;
    private final String address;
    private final LinkPolicy policy;
    private final Object monitor = new Object();
    private volatile boolean running;
    private volatile boolean linkDown;
    private volatile long lastFrameNanos;
    private volatile long firstHeardNanos = -1;
    private volatile String state = "stopped";
    private volatile String lastProblem = "";
    private volatile int mtu;
    private volatile int frameType;
    private Thread thread;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong rediscoveries = new AtomicLong();
    private final AtomicLong watchdogTrips = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();

    public BleLink(Radio radio, DeviceProfile profile, String address, LinkPolicy policy) {
        this.radio = radio;
        this.central = radio.central();
        this.profile = profile;
        this.address = address;
        this.policy = policy;
        radio.attach(this);
    }

    @Override
    public String deviceAddress() {
        return address;
    }

    @Override
    public String kind() {
        return central.backend();
    }

    @Override
    public synchronized void start(FrameSink sink) {
        if (thread != null && thread.isAlive()) {
            throw new IllegalStateException("BLE link to " + address + " already started");
        }
        running = true;
        thread = new Thread(() -> run(sink), "ble-" + address);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state = "stopped";
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", central.backend());
        m.put("state", state);
        m.put("mtu", mtu);
        m.put("frame_type", frameType);
        m.put("frames", frames.get());
        m.put("connects", connects.get());
        m.put("drops", drops.get());
        m.put("failed_attempts", failedAttempts.get());
        m.put("rediscoveries", rediscoveries.get());
        m.put("watchdog_resets", watchdogTrips.get());
        m.put("adapter_power_cycles", radio.powerCycles());
        m.put("last_problem", lastProblem);
        return m;
    }

    /**
     * The device refused what its profile has the bridge write: its firmware or the profile is not
     * what the other expects. No adapter power cycle or re-discovery mends that (and a power cycle
     * would drop every other device too); the bridge tries again at the longest backoff.
     */
    static final class RefusedWrite extends BleException {
        RefusedWrite(String message) {
            super(message);
        }
    }

    /** The ladder. Runs on the link's own thread until {@link #stop}. */
    private void run(FrameSink sink) {
        int failures = 0;
        while (running) {
            boolean refused = false;
            try {
                connectAndStream(sink);
                failures = 0;
            } catch (RefusedWrite e) {
                refused = true;
                failedAttempts.incrementAndGet();
                problem(e.getMessage());
            } catch (BleException e) {
                failures++;
                failedAttempts.incrementAndGet();
                problem(e.getMessage());
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                // A backend bug must not end the link for good: count it as a failed attempt.
                failures++;
                failedAttempts.incrementAndGet();
                problem("unexpected " + e);
            }
            if (!running) {
                break;
            }
            try {
                if (refused) {
                    // Not the radio's fault: nothing on the ladder applies.
                } else if (failures > 0 && failures % policy.powerCycleAfter() == 0) {
                    setState("power-cycling the adapter after " + failures + " failures");
                    radio.exclusive(() -> {
                        central.powerCycle();
                        return null;
                    });
                    radio.countPowerCycle();
                } else if (failures >= policy.rediscoverAfter()) {
                    setState("re-discovering after " + failures + " failures");
                    central.forget(address);
                    rediscoveries.incrementAndGet();
                }
            } catch (BleException e) {
                problem(e.getMessage());
            }
            Duration wait = refused ? policy.backoff(Integer.MAX_VALUE / 2, ThreadLocalRandom.current().nextDouble())
                    : policy.backoff(failures, ThreadLocalRandom.current().nextDouble());
            setState("waiting " + wait.toMillis() + " ms before reconnecting");
            if (!pause(wait)) {
                break;
            }
        }
        central.disconnect(address);
    }

    private void connectAndStream(FrameSink sink) throws BleException, InterruptedException {
        if (!central.ready()) {
            throw new BleException("the Bluetooth adapter is not available (is bluetoothd running and the adapter powered?)");
        }
        ensureKnown();
        setState("connecting");
        radio.exclusive(() -> {
            central.connect(address, policy.connectTimeout());
            return null;
        });
        if (profile.channels().isPresent()) {
            connectChannels(sink, profile.channels().get());
            return;
        }
        Characteristic data = profile.data();
        FrameLayout layout;
        try {
            mtu = central.mtu(address, data.service(), data.uuid());
            try {
                layout = profile.frameForMtu(mtu);
            } catch (IllegalArgumentException e) {
                throw new BleException(address + ": " + e.getMessage());
            }
            frameType = layout.id();
            linkDown = false;
            lastFrameNanos = System.nanoTime();
            setUp(sink, data, layout);
        } catch (BleException | RuntimeException e) {
            // Half set up: let the device go, so the next attempt starts clean (and no callback is left on).
            central.disconnect(address);
            throw e;
        }
        connects.incrementAndGet();
        setState("streaming");
        log.info("{}: connected via {}, ATT MTU {}, frame type {} ({})", address, central.backend(), mtu, layout.id(), layout.name());
        sink.linkChanged(true);
        stream(sink);
    }

    /** A channel profile: every notification on, then its connect writes (configuration, start) in order. */
    private void connectChannels(FrameSink sink, ChannelLayout wire) throws BleException, InterruptedException {
        Characteristic first = wire.notifications().get(0).characteristic();
        try {
            mtu = central.mtu(address, first.service(), first.uuid());
            frameType = 0;
            linkDown = false;
            lastFrameNanos = System.nanoTime();
            for (Notification n : wire.notifications()) {
                Characteristic c = n.characteristic();
                central.subscribe(address, c.service(), c.uuid(), bytes -> deliver(sink, c, bytes));
            }
            subscribeBattery(sink);
            for (GattWrite w : wire.connectWrites()) {
                try {
                    central.write(address, w.characteristic().service(), w.characteristic().uuid(), w.value());
                } catch (BleException e) {
                    throw new RefusedWrite(address + ": writing " + w.characteristicName() + " was refused (" + e.getMessage()
                            + "); the device may not run the firmware profile " + profile.name() + " expects");
                }
            }
        } catch (BleException | RuntimeException e) {
            central.disconnect(address);
            throw e;
        }
        connects.incrementAndGet();
        setState("streaming");
        log.info("{}: connected via {}, ATT MTU {}, {} notification(s) on, {} write(s) made", address, central.backend(), mtu,
                wire.notifications().size(), wire.connectWrites().size());
        sink.linkChanged(true);
        stream(sink);
    }

    private void subscribeBattery(FrameSink sink) {
        if (profile.battery().isPresent()) {
            Characteristic battery = profile.battery().get();
            try {
                central.subscribe(address, battery.service(), battery.uuid(), bytes -> deliver(sink, battery, bytes));
            } catch (BleException e) {
                log.info("{}: no battery notifications ({})", address, e.getMessage());
            }
        }
    }

    /** The profile's stop writes, when the bridge stops and the link is still up: best effort. */
    private void writeStop() {
        if (profile.channels().isEmpty() || linkDown || profile.channels().get().stopWrites().isEmpty()) {
            return;
        }
        // stop() interrupts this thread; a D-Bus call made while interrupted returns no reply at once.
        boolean interrupted = Thread.interrupted();
        try {
            for (GattWrite w : profile.channels().get().stopWrites()) {
                try {
                    central.write(address, w.characteristic().service(), w.characteristic().uuid(), w.value());
                } catch (BleException | RuntimeException e) {
                    log.debug("{}: stop write to {} failed: {}", address, w.characteristicName(), e.getMessage());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Notifications on, then the rate and start writes. */
    private void setUp(FrameSink sink, Characteristic data, FrameLayout layout) throws BleException {
        central.subscribe(address, data.service(), data.uuid(), bytes -> deliver(sink, data, bytes));
        subscribeBattery(sink);
        Characteristic control = profile.control();
        byte[] rate = profile.controlCommands().get("rate");
        if (rate != null) {
            int hz = (int) Math.round(profile.sampleRateHz());
            central.write(address, control.service(), control.uuid(), concat(rate, new byte[]{(byte) hz, (byte) (hz >>> 8)}));
        }
        byte[] start = profile.controlCommands().get("start");
        if (start != null) {
            central.write(address, control.service(), control.uuid(), concat(start, new byte[]{(byte) layout.id()}));
        }
    }

    private void stream(FrameSink sink) throws InterruptedException {
        try {
            while (running && !linkDown) {
                synchronized (monitor) {
                    monitor.wait(100);
                }
                if (System.nanoTime() - lastFrameNanos > policy.watchdog().toNanos()) {
                    watchdogTrips.incrementAndGet();
                    problem("connected but no data for " + policy.watchdog().toSeconds() + " s; reconnecting");
                    break;
                }
            }
        } finally {
            if (running) {
                drops.incrementAndGet();
                if (linkDown) {
                    log.warn("{}: link lost (out of range, switched off, or bluetoothd gone); reconnecting", address);
                    lastProblem = "link lost";
                }
            }
            if (!running) {
                writeStop();
            }
            sink.linkChanged(false);
            central.disconnect(address);
        }
    }

    /** The link went down (called by the backend's listener, on its thread). */
    public void onDisconnected() {
        linkDown = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void ensureKnown() throws BleException, InterruptedException {
        if (knows()) {
            return;
        }
        setState("scanning");
        radio.exclusive(() -> {
            radio.countScan();
            central.startDiscovery();
            try {
                long deadline = System.nanoTime() + policy.scanTime().toNanos();
                while (System.nanoTime() < deadline && running) {
                    if (knows()) {
                        return null;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new BleException("interrupted while scanning");
                    }
                }
            } finally {
                central.stopDiscovery();
            }
            return null;
        });
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        if (!knows()) {
            throw new BleException(address + " not found in a " + policy.scanTime().toSeconds() + " s scan (out of range or switched off?)");
        }
    }

    private boolean knows() throws BleException {
        return central.devices().stream().anyMatch(a -> a.address().equalsIgnoreCase(address));
    }

    private void deliver(FrameSink sink, Characteristic c, byte[] bytes) {
        long now = System.nanoTime();
        if (firstHeardNanos < 0) {
            firstHeardNanos = now;
        }
        lastFrameNanos = now;
        frames.incrementAndGet();
        // Sample times are measured from when the bridge first heard from the device (design §5).
        sink.offer(new Frame(address, c.uuid(), bytes, (now - firstHeardNanos) / 1_000));
    }

    private boolean pause(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (monitor) {
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    monitor.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private void setState(String s) {
        state = s;
    }

    private void problem(String p) {
        if (!p.equals(lastProblem)) {
            log.warn("{}: {}", address, p);
            lastProblem = p;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
