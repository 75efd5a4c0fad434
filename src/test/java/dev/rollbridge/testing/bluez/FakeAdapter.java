package dev.rollbridge.testing.bluez;

import org.bluez.Adapter1;
import org.bluez.exceptions.BluezFailedException;
import org.bluez.exceptions.BluezInProgressException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.Variant;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** hci0: scans, forgets devices, powers off and on. */
final class FakeAdapter extends FakeNode implements Adapter1 {
    private final FakeBluez bluez;
    final AtomicInteger powerCycles = new AtomicInteger();
    final AtomicInteger scans = new AtomicInteger();

    FakeAdapter(FakeBluez bluez) {
        super(FakeBluez.ADAPTER_PATH, "org.bluez.Adapter1");
        this.bluez = bluez;
        props.put("Address", "00:1A:7D:DA:71:13");
        props.put("Name", "rollbridge-test");
        props.put("Alias", "rollbridge-test");
        props.put("Powered", true);
        props.put("Discovering", false);
    }

    void export() throws DBusException {
        bluez.bus.exportObject(path, this);
    }

    void unexport() {
        bluez.bus.unExportObject(path);
    }

    /** Clients scanning now (adapter.c: one discovery session per client). */
    private final Set<String> discovering = ConcurrentHashMap.newKeySet();

    @Override
    public void StartDiscovery() throws BluezInProgressException {
        if (!discovering.add(FakeNode.sender()) && bluez.behaviour.oneDiscoveryPerClient()) {
            throw new BluezInProgressException("Operation already in progress");
        }
        scans.incrementAndGet();
        props.put("Discovering", true);
        for (FakeDevice d : bluez.devices().values()) {
            d.seenByScan();
        }
        bluez.signal(path, iface, Map.of("Discovering", true));
    }

    @Override
    public void StopDiscovery() throws BluezFailedException {
        if (!discovering.remove(FakeNode.sender()) && bluez.behaviour.oneDiscoveryPerClient()) {
            throw new BluezFailedException("No discovery started");
        }
        if (discovering.isEmpty()) {
            props.put("Discovering", false);
            bluez.signal(path, iface, Map.of("Discovering", false));
        }
    }

    /** bluetoothd restarted: nobody is scanning. */
    void reset() {
        discovering.clear();
        props.put("Discovering", false);
    }

    @Override
    public void RemoveDevice(DBusPath device) {
        for (FakeDevice d : bluez.devices().values()) {
            if (d.path.equals(device.getPath())) {
                d.linkLost(true);
                d.forget(); // its GATT objects and notification sessions go with it
            }
        }
    }

    @Override
    public void SetDiscoveryFilter(Map<String, Variant<?>> properties) {
    }

    @Override
    public String[] GetDiscoveryFilters() {
        return new String[]{"UUIDs", "RSSI", "Transport"};
    }

    @Override
    public DBusPath ConnectDevice(Map<String, Variant<?>> properties) {
        throw new org.freedesktop.dbus.exceptions.DBusExecutionException("not supported");
    }

    @Override
    void set(String name, Object value) {
        if (!name.equals("Powered")) {
            super.set(name, value);
        }
        boolean on = Boolean.TRUE.equals(value);
        if (!on) {
            powerCycles.incrementAndGet();
            for (FakeDevice d : bluez.devices().values()) {
                d.linkLost(true);
            }
        }
        props.put("Powered", on);
        bluez.signal(path, iface, Map.of("Powered", on));
    }
}
