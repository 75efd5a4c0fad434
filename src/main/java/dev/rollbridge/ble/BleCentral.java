package dev.rollbridge.ble;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The port a BLE backend implements (BlueZ over D-Bus, TinyB): one adapter, seen as a central.
 * {@link BleLink} builds connections, the reconnect ladder and the watchdog on top of it, the
 * same for every backend. Calls may block (D-Bus round trips); callbacks must not.
 */
public interface BleCentral extends AutoCloseable {

    /** A device the adapter knows: found by a scan, or remembered from before. */
    record Advertisement(String address, String name, Optional<Integer> rssi, List<UUID> serviceUuids) {
    }

    /** Link events, on the backend's thread: must not block. */
    interface Listener {
        /** The device's link went down (out of range, switched off, bluetoothd gone). */
        void disconnected(String address);
    }

    /** {@code bluez} or {@code tinyb}. */
    String backend();

    /** The adapter is there and powered (bluetoothd is running and answers). */
    boolean ready();

    void startDiscovery() throws BleException;

    void stopDiscovery();

    /** Devices the adapter knows now, with what they advertised. */
    List<Advertisement> devices() throws BleException;

    /** Connects and waits until the GATT services are resolved. */
    void connect(String address, Duration timeout) throws BleException;

    void disconnect(String address);

    /** Makes the adapter forget the device, so the next connection starts from a fresh scan. */
    void forget(String address);

    boolean isConnected(String address);

    /** The negotiated ATT MTU for this characteristic; 23 (the BLE default) when the stack does not say. */
    int mtu(String address, UUID service, UUID characteristic);

    /** Turns notifications on; each value goes to {@code onValue} on the backend's thread, in order. */
    void subscribe(String address, UUID service, UUID characteristic, Consumer<byte[]> onValue) throws BleException;

    /** Writes with response. */
    void write(String address, UUID service, UUID characteristic, byte[] value) throws BleException;

    /** Turns the adapter off and on again: the last rung of the ladder for a wedged controller. */
    void powerCycle() throws BleException;

    void setListener(Listener listener);

    @Override
    void close();

    /** Asks a backend whether a connected device's GATT services are resolved yet. */
    @FunctionalInterface
    interface ResolvedCheck {
        boolean resolved() throws BleException;
    }

    /**
     * Polls until the device's services are resolved (BlueZ says Connected first, and
     * ServicesResolved once the GATT database is read); on timeout runs {@code giveUp} and fails.
     */
    static void awaitServicesResolved(String address, Duration timeout, ResolvedCheck check, Runnable giveUp) throws BleException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.resolved()) {
            if (System.nanoTime() > deadline) {
                giveUp.run();
                throw new BleException(address + ": services not resolved within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BleException("interrupted while connecting to " + address);
            }
        }
    }
}
