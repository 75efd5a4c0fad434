package dev.rollbridge.testing.bluez;

import dev.rollbridge.profile.DeviceProfile;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake bluetoothd for tests: the {@code org.bluez} service on a D-Bus bus, exporting what real
 * BlueZ exports for a LE central (ObjectManager, Adapter1, Device1, GattService1,
 * GattCharacteristic1, with the old {@code Characteristics}/{@code Descriptors} properties TinyB
 * reads) and notifying the way BlueZ does: PropertiesChanged on a characteristic's {@code Value}.
 * Devices play the simulated hamstring session, byte for byte as real RollSense devices would.
 * Faults on demand: a device out of range, silent, refusing connections, sending garbage;
 * bluetoothd leaving the bus and coming back.
 *
 * <p>It behaves as BlueZ does where a client could be caught out ({@link Behaviour#strict()}, the
 * default), each behaviour from BlueZ's own source ({@code src/device.c}, {@code src/gatt-client.c},
 * {@code src/adapter.c}) and each an option, so a test can show what depends on it.
 */
public final class FakeBluez implements AutoCloseable {
    static final String ADAPTER_PATH = "/org/bluez/hci0";

    /**
     * How much like BlueZ the fake is.
     *
     * @param gattAfterFirstConnection GATT services and characteristics appear (InterfacesAdded)
     *                                 only once the first connection's service discovery is done,
     *                                 stay after a disconnection, and go with {@code RemoveDevice}
     *                                 (BlueZ keeps GATT objects over disconnects since 5.29)
     * @param servicesResolvedAfter    {@code Connect} returns with {@code Connected}; services are
     *                                 resolved (and {@code ServicesResolved} true) this much later
     * @param absentConnectTimeout     {@code Connect} to a device that does not answer fails only
     *                                 after this (the kernel's LE connection timeout is 20 s)
     * @param keepNotifySessions       a client's {@code StartNotify} session lasts over
     *                                 disconnections and BlueZ turns it back on at the next
     *                                 connection by itself (gatt-client.c {@code btd_gatt_client_connected});
     *                                 a second {@code StartNotify} by the same client is a success;
     *                                 while disconnecting it fails ({@code NotConnected})
     * @param disconnectReplyAfter     {@code Disconnect} answers once the link is down, this later
     * @param mtuProperty              characteristics have {@code MTU} (BlueZ 5.62 and later), and
     *                                 only while connected
     * @param oneDiscoveryPerClient    a second {@code StartDiscovery} by the same client is
     *                                 refused ({@code InProgress})
     * @param writeLatency             a write with response takes this long (a connection event
     *                                 or two: 7.5 to 50 ms each), while notifications keep coming
     */
    public record Behaviour(boolean gattAfterFirstConnection, Duration servicesResolvedAfter, Duration absentConnectTimeout,
                            boolean keepNotifySessions, Duration disconnectReplyAfter, boolean mtuProperty,
                            boolean oneDiscoveryPerClient, Duration writeLatency) {
        /** BlueZ as it is (the controller's connection timeout shortened from 20 s to 3 s to keep tests quick). */
        public static Behaviour strict() {
            return new Behaviour(true, Duration.ofMillis(150), Duration.ofSeconds(3), true, Duration.ofSeconds(2), true, true,
                    Duration.ofMillis(50));
        }

        /** The kind fake this project had before: everything at once, nothing kept. */
        public static Behaviour lenient() {
            return new Behaviour(false, Duration.ZERO, Duration.ZERO, false, Duration.ZERO, true, false, Duration.ZERO);
        }

        public Behaviour withMtuProperty(boolean on) {
            return new Behaviour(gattAfterFirstConnection, servicesResolvedAfter, absentConnectTimeout, keepNotifySessions,
                    disconnectReplyAfter, on, oneDiscoveryPerClient, writeLatency);
        }
    }

    final DBusConnection bus;
    final Behaviour behaviour;
    private final Map<String, FakeDevice> devices = new ConcurrentHashMap<>();
    private final Root root = new Root();
    final FakeAdapter adapter;
    private volatile boolean onBus;

    private FakeBluez(DBusConnection bus, Behaviour behaviour) {
        this.bus = bus;
        this.behaviour = behaviour;
        this.adapter = new FakeAdapter(this);
    }

    /** Connects to the bus at {@code address}, takes the name org.bluez and exports hci0; behaves strictly as BlueZ. */
    public static FakeBluez start(String address) throws DBusException {
        return start(address, Behaviour.strict());
    }

    public static FakeBluez start(String address, Behaviour behaviour) throws DBusException {
        FakeBluez fake = new FakeBluez(connect(address), behaviour);
        fake.appear();
        return fake;
    }

    /**
     * A freshly started embedded bus sometimes drops the very first client during its Hello (seen
     * once in a full suite run: "Disconnected" 17 ms into a test); a second attempt connects.
     */
    private static DBusConnection connect(String address) throws DBusException {
        for (int attempt = 1; ; attempt++) {
            try {
                return DBusConnectionBuilder.forAddress(address).withShared(false).build();
            } catch (DBusException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A device in range, known to the adapter only once a scan has seen it. */
    public FakeDevice addDevice(DeviceProfile profile, String address, String name, int mtu, double speed) throws DBusException {
        FakeDevice d = new FakeDevice(this, profile, address, name, mtu, speed);
        devices.put(address, d);
        if (onBus) {
            d.export();
        }
        return d;
    }

    public FakeDevice device(String address) {
        return devices.get(address);
    }

    public int powerCycles() {
        return adapter.powerCycles.get();
    }

    /** bluetoothd stops (crash, restart): every link drops, the name org.bluez leaves the bus. */
    public synchronized void vanish() throws DBusException {
        for (FakeDevice d : devices.values()) {
            d.linkLost(false);
            d.unexport();
            d.bluetoothdGone();
        }
        adapter.reset();
        adapter.unexport();
        bus.unExportObject("/");
        bus.releaseBusName("org.bluez");
        onBus = false;
    }

    /** bluetoothd starts again: the adapter is back, devices must be found and connected again. */
    public synchronized void appear() throws DBusException {
        bus.exportObject("/", root);
        adapter.export();
        for (FakeDevice d : devices.values()) {
            d.forget();
            d.export();
        }
        bus.requestBusName("org.bluez");
        onBus = true;
    }

    Map<String, FakeDevice> devices() {
        return devices;
    }

    void signal(String path, String iface, Map<String, Object> changed) {
        if (!onBus) {
            return;
        }
        try {
            Map<String, Variant<?>> variants = new LinkedHashMap<>();
            changed.forEach((k, v) -> variants.put(k, variant(v)));
            bus.sendMessage(new Properties.PropertiesChanged(path, iface, variants, List.of()));
        } catch (DBusException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ObjectManager signals, which GDBus clients (TinyB) need to see objects come and go. */
    void objectsAdded(Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects) {
        if (!onBus) {
            return;
        }
        try {
            for (var e : objects.entrySet()) {
                bus.sendMessage(new ObjectManager.InterfacesAdded("/", e.getKey(), e.getValue()));
            }
        } catch (DBusException e) {
            throw new IllegalStateException(e);
        }
    }

    void objectsRemoved(Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects) {
        if (!onBus) {
            return;
        }
        try {
            for (var e : objects.entrySet()) {
                bus.sendMessage(new ObjectManager.InterfacesRemoved("/", e.getKey(), List.copyOf(e.getValue().keySet())));
            }
        } catch (DBusException e) {
            throw new IllegalStateException(e);
        }
    }

    static Variant<?> variant(Object v) {
        if (v instanceof Variant<?> already) {
            return already;
        }
        if (v instanceof DBusPath[] paths) {
            return new Variant<>(paths, "ao");
        }
        if (v instanceof String[] strings) {
            return new Variant<>(strings, "as");
        }
        return new Variant<>(v);
    }

    @Override
    public void close() {
        for (FakeDevice d : devices.values()) {
            d.linkLost(false);
        }
        bus.disconnect();
    }

    /** The ObjectManager at "/": what a client sees of BlueZ in one call. */
    private final class Root implements ObjectManager {
        @Override
        public Map<DBusPath, Map<String, Map<String, Variant<?>>>> GetManagedObjects() {
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> all = new LinkedHashMap<>();
            adapter.describe(all);
            for (FakeDevice d : devices.values()) {
                d.describe(all);
            }
            return all;
        }

        @Override
        public String getObjectPath() {
            return "/";
        }
    }
}
