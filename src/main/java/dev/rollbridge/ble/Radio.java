package dev.rollbridge.ble;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One adapter shared by every {@link BleLink}: the backend, the lock that keeps scanning and
 * connecting apart (adapters wedge when asked to do both), and adapter-wide counters.
 */
public final class Radio implements AutoCloseable {
    private final BleCentral central;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicLong powerCycles = new AtomicLong();
    private final AtomicLong scans = new AtomicLong();

    private final Map<String, BleLink> links = new ConcurrentHashMap<>();

    public Radio(BleCentral central) {
        this.central = central;
        central.setListener(address -> {
            BleLink link = links.get(address.toUpperCase(Locale.ROOT));
            if (link != null) {
                link.onDisconnected();
            }
        });
    }

    /** Routes the backend's link events for this link's device to it. */
    void attach(BleLink link) {
        links.put(link.deviceAddress().toUpperCase(Locale.ROOT), link);
    }

    public BleCentral central() {
        return central;
    }

    /** Runs a scan or a connect with the adapter to itself. */
    <T> T exclusive(BleAction<T> action) throws BleException {
        lock.lock();
        try {
            return action.run();
        } finally {
            lock.unlock();
        }
    }

    void countPowerCycle() {
        powerCycles.incrementAndGet();
    }

    void countScan() {
        scans.incrementAndGet();
    }

    public long powerCycles() {
        return powerCycles.get();
    }

    public long scans() {
        return scans.get();
    }

    @FunctionalInterface
    interface BleAction<T> {
        T run() throws BleException;
    }

    @Override
    public void close() {
        central.close();
    }
}
