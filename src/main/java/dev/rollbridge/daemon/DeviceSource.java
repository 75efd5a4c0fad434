package dev.rollbridge.daemon;

import dev.rollbridge.ble.BleException;
import dev.rollbridge.bridge.Bridge;

import java.util.List;

/**
 * Where a daemon's devices come from. Opened once, while the link to the broker is already
 * connecting (a Bluetooth scan can take seconds), and closed after the bridge has stopped.
 */
public interface DeviceSource extends AutoCloseable {

    /** The devices, each with its transport (not started). */
    List<Bridge.Device> open() throws BleException;

    /** Frees what {@link #open} took (a radio). */
    @Override
    default void close() {
    }

    /** These devices, as they are. */
    static DeviceSource of(List<Bridge.Device> devices) {
        List<Bridge.Device> fixed = checked(devices);
        return () -> fixed;
    }

    /** The devices, refused if two have the same id. */
    static List<Bridge.Device> checked(List<Bridge.Device> devices) {
        List<String> ids = devices.stream().map(Bridge.Device::id).toList();
        if (ids.stream().distinct().count() != ids.size()) {
            throw new IllegalArgumentException("two devices have the same id: " + ids);
        }
        return List.copyOf(devices);
    }
}
