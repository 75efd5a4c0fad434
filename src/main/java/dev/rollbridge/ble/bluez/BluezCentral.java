package dev.rollbridge.ble.bluez;

import dev.rollbridge.ble.BleCentral;
import dev.rollbridge.ble.BleException;
import org.bluez.Adapter1;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * BlueZ over D-Bus, pure Java (dbus-java, with the {@code org.bluez} interfaces of bluez-dbus):
 * works wherever bluetoothd runs, 32- or 64-bit. Objects are found through BlueZ's
 * ObjectManager; notifications arrive as PropertiesChanged on a characteristic's {@code Value}.
 * A vanished {@code org.bluez} (bluetoothd stopped or crashed) reports every connected device as
 * disconnected, and every call fails with a clear message until it is back.
 */
public final class BluezCentral implements BleCentral {
    private static final Logger log = LoggerFactory.getLogger(BluezCentral.class);
    private static final String BLUEZ = "org.bluez";
    private static final String ADAPTER = "org.bluez.Adapter1";
    private static final String DEVICE = "org.bluez.Device1";
    private static final String SERVICE = "org.bluez.GattService1";
    private static final String CHARACTERISTIC = "org.bluez.GattCharacteristic1";

    private final DBusConnection bus;
    private final Optional<String> adapterName;
    private final Map<String, Consumer<byte[]>> valueHandlers = new ConcurrentHashMap<>();
    private final Map<String, String> connectedDevices = new ConcurrentHashMap<>();
    private final List<AutoCloseable> handlers = new ArrayList<>();
    private volatile Listener listener = address -> {
    };

    /**
     * @param busAddress  a D-Bus address, or empty for the system bus (which honours
     *                    {@code DBUS_SYSTEM_BUS_ADDRESS})
     * @param adapterName {@code hci0}, or empty for the first adapter
     */
    public BluezCentral(Optional<String> busAddress, Optional<String> adapterName) throws BleException {
        this.adapterName = adapterName;
        String address = busAddress.orElseGet(() -> System.getenv("DBUS_SYSTEM_BUS_ADDRESS"));
        failFastWithoutSocket(address == null ? SYSTEM_BUS : address);
        try {
            bus = address != null ? DBusConnectionBuilder.forAddress(address).withShared(false).build()
                    : DBusConnectionBuilder.forSystemBus().withShared(false).build();
            handlers.add(bus.addSigHandler(Properties.PropertiesChanged.class, propertiesChanged()));
            handlers.add(bus.addSigHandler(DBus.NameOwnerChanged.class, nameOwnerChanged()));
        } catch (DBusException | RuntimeException e) {
            throw new BleException("cannot open the D-Bus system bus (" + e.getMessage()
                    + "); is dbus running, and may this user talk to org.bluez (group bluetooth)?", e);
        }
    }

    /** Where the system bus listens when DBUS_SYSTEM_BUS_ADDRESS does not say (the D-Bus specification's default). */
    static final String SYSTEM_BUS = "unix:path=/var/run/dbus/system_bus_socket";

    /**
     * dbus-java tries a missing socket for about ten seconds before giving up: a bus whose socket
     * is not there is said at once (no dbus-daemon, a container without it).
     */
    static void failFastWithoutSocket(String address) throws BleException {
        for (String part : address.split(";")) {
            if (!part.startsWith("unix:")) {
                return; // another transport: dbus-java decides
            }
            for (String kv : part.substring(5).split(",")) {
                if (kv.startsWith("path=") && Files.exists(Path.of(kv.substring(5)))) {
                    return;
                }
                if (kv.startsWith("abstract=")) {
                    return;
                }
            }
        }
        throw new BleException("cannot open the D-Bus system bus (no socket at " + address
                + "); is dbus running, and may this user talk to org.bluez (group bluetooth)?");
    }

    @Override
    public String backend() {
        return "bluez";
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    private DBusSigHandler<Properties.PropertiesChanged> propertiesChanged() {
        return signal -> {
            String path = signal.getPath();
            if (CHARACTERISTIC.equals(signal.getInterfaceName())) {
                Variant<?> value = signal.getPropertiesChanged().get("Value");
                Consumer<byte[]> handler = value == null ? null : valueHandlers.get(path);
                if (handler != null) {
                    handler.accept(bytes(value.getValue()));
                }
            } else if (DEVICE.equals(signal.getInterfaceName())) {
                Variant<?> connected = signal.getPropertiesChanged().get("Connected");
                String address = connectedDevices.get(path);
                if (connected != null && Boolean.FALSE.equals(connected.getValue()) && address != null) {
                    dropped(path, address);
                }
            }
        };
    }

    private DBusSigHandler<DBus.NameOwnerChanged> nameOwnerChanged() {
        return signal -> {
            if (BLUEZ.equals(signal.name) && signal.newOwner.isEmpty()) {
                log.warn("bluetoothd left the bus: every device is disconnected until it is back");
                connectedDevices.forEach(this::dropped);
            }
        };
    }

    /**
     * The link dropped. Value handlers stay: BlueZ keeps this client's notification sessions and
     * turns them back on by itself at the next connection, and a device may stream at once, before
     * {@link #subscribe} is called again; those first frames must not be thrown away.
     */
    private void dropped(String devicePath, String address) {
        connectedDevices.remove(devicePath);
        listener.disconnected(address);
    }

    /** Everything BlueZ exports: path → interface → property → value. */
    private Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects() throws BleException {
        try {
            return bus.getRemoteObject(BLUEZ, "/", ObjectManager.class).GetManagedObjects();
        } catch (DBusException | DBusExecutionException e) {
            throw new BleException("BlueZ does not answer on D-Bus (" + e.getMessage() + "); is bluetoothd running?", e);
        }
    }

    private String adapterPath(Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects) throws BleException {
        List<String> adapters = objects.entrySet().stream().filter(e -> e.getValue().containsKey(ADAPTER))
                .map(e -> e.getKey().getPath()).sorted().toList();
        if (adapters.isEmpty()) {
            throw new BleException("BlueZ has no Bluetooth adapter (is one plugged in and not blocked by rfkill?)");
        }
        if (adapterName.isEmpty()) {
            return adapters.get(0);
        }
        return adapters.stream().filter(p -> p.endsWith("/" + adapterName.get())).findFirst()
                .orElseThrow(() -> new BleException("no Bluetooth adapter " + adapterName.get() + " (BlueZ has "
                        + String.join(", ", adapters.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList()) + ")"));
    }

    @Override
    public boolean ready() {
        try {
            var objects = objects();
            Variant<?> powered = objects.get(new DBusPath(adapterPath(objects))).get(ADAPTER).get("Powered");
            return powered != null && Boolean.TRUE.equals(powered.getValue());
        } catch (BleException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void startDiscovery() throws BleException {
        String adapter = adapterPath(objects());
        try {
            Adapter1 a = bus.getRemoteObject(BLUEZ, adapter, Adapter1.class);
            a.SetDiscoveryFilter(Map.of("Transport", new Variant<>("le")));
            a.StartDiscovery();
        } catch (DBusException | DBusExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("InProgress")) {
                throw new BleException("cannot start a scan on " + adapter + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void stopDiscovery() {
        try {
            bus.getRemoteObject(BLUEZ, adapterPath(objects()), Adapter1.class).StopDiscovery();
        } catch (BleException | DBusException | DBusExecutionException e) {
            log.debug("stopping the scan: {}", e.getMessage());
        }
    }

    @Override
    public List<Advertisement> devices() throws BleException {
        var objects = objects();
        String adapter = adapterPath(objects);
        List<Advertisement> out = new ArrayList<>();
        for (var e : objects.entrySet()) {
            Map<String, Variant<?>> d = e.getValue().get(DEVICE);
            if (d == null || !adapter.equals(pathValue(d.get("Adapter")))) {
                continue;
            }
            String address = String.valueOf(value(d.get("Address")));
            Object name = value(d.get("Name"));
            if (name == null) {
                name = value(d.get("Alias"));
            }
            Object rssi = value(d.get("RSSI"));
            List<UUID> uuids = new ArrayList<>();
            Object list = value(d.get("UUIDs"));
            if (list instanceof Object[] array) {
                for (Object u : array) {
                    uuids.add(UUID.fromString(u.toString()));
                }
            } else if (list instanceof List<?> l) {
                for (Object u : l) {
                    uuids.add(UUID.fromString(u.toString()));
                }
            }
            out.add(new Advertisement(address.toUpperCase(Locale.ROOT), name == null ? "" : name.toString(),
                    rssi instanceof Number n ? Optional.of(n.intValue()) : Optional.empty(), uuids));
        }
        return out;
    }

    private String devicePath(String address) throws BleException {
        var objects = objects();
        String adapter = adapterPath(objects);
        for (var e : objects.entrySet()) {
            Map<String, Variant<?>> d = e.getValue().get(DEVICE);
            if (d != null && adapter.equals(pathValue(d.get("Adapter"))) && address.equalsIgnoreCase(String.valueOf(value(d.get("Address"))))) {
                return e.getKey().getPath();
            }
        }
        throw new BleException(address + " is not known to the adapter (scan first)");
    }

    @Override
    public void connect(String address, Duration timeout) throws BleException {
        String path = devicePath(address);
        try {
            bus.getRemoteObject(BLUEZ, path, Device1.class).Connect();
        } catch (DBusException | DBusExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("AlreadyConnected")) {
                throw new BleException("cannot connect to " + address + ": " + e.getMessage(), e);
            }
        }
        BleCentral.awaitServicesResolved(address, timeout, () -> {
            try {
                Object resolved = bus.getRemoteObject(BLUEZ, path, Properties.class).Get(DEVICE, "ServicesResolved");
                return Boolean.TRUE.equals(resolved instanceof Variant<?> v ? v.getValue() : resolved);
            } catch (DBusException | DBusExecutionException e) {
                throw new BleException("lost " + address + " while resolving its services: " + e.getMessage(), e);
            }
        }, () -> disconnect(address));
        connectedDevices.put(path, address.toUpperCase(Locale.ROOT));
    }

    @Override
    public void disconnect(String address) {
        try {
            String path = devicePath(address);
            connectedDevices.remove(path);
            valueHandlers.keySet().removeIf(p -> p.startsWith(path + "/"));
            bus.getRemoteObject(BLUEZ, path, Device1.class).Disconnect();
        } catch (BleException | DBusException | DBusExecutionException e) {
            log.debug("disconnecting {}: {}", address, e.getMessage());
        }
    }

    @Override
    public void forget(String address) {
        try {
            var objects = objects();
            String adapter = adapterPath(objects);
            String path = devicePath(address);
            connectedDevices.remove(path);
            bus.getRemoteObject(BLUEZ, adapter, Adapter1.class).RemoveDevice(new DBusPath(path));
        } catch (BleException | DBusException | DBusExecutionException e) {
            log.debug("forgetting {}: {}", address, e.getMessage());
        }
    }

    @Override
    public boolean isConnected(String address) {
        return connectedDevices.containsValue(address.toUpperCase(Locale.ROOT));
    }

    private String characteristicPath(String address, UUID service, UUID characteristic) throws BleException {
        var objects = objects();
        String device = devicePath(address);
        for (var e : objects.entrySet()) {
            Map<String, Variant<?>> c = e.getValue().get(CHARACTERISTIC);
            if (c == null || !characteristic.toString().equalsIgnoreCase(String.valueOf(value(c.get("UUID"))))) {
                continue;
            }
            String servicePath = pathValue(c.get("Service"));
            Map<String, Map<String, Variant<?>>> s = servicePath == null ? null : objects.get(new DBusPath(servicePath));
            Map<String, Variant<?>> sp = s == null ? null : s.get(SERVICE);
            if (sp != null && device.equals(pathValue(sp.get("Device"))) && service.toString().equalsIgnoreCase(String.valueOf(value(sp.get("UUID"))))) {
                return e.getKey().getPath();
            }
        }
        throw new BleException(address + " has no characteristic " + characteristic + " in service " + service
                + " (wrong profile for this device?)");
    }

    @Override
    public int mtu(String address, UUID service, UUID characteristic) {
        try {
            Object mtu = bus.getRemoteObject(BLUEZ, characteristicPath(address, service, characteristic), Properties.class)
                    .Get(CHARACTERISTIC, "MTU");
            Object v = mtu instanceof Variant<?> variant ? variant.getValue() : mtu;
            return v instanceof Number n ? n.intValue() : 23;
        } catch (BleException | DBusException | DBusExecutionException e) {
            return 23; // BlueZ before 5.62 does not export MTU: assume the BLE default
        }
    }

    @Override
    public void subscribe(String address, UUID service, UUID characteristic, Consumer<byte[]> onValue) throws BleException {
        String path = characteristicPath(address, service, characteristic);
        valueHandlers.put(path, onValue);
        try {
            bus.getRemoteObject(BLUEZ, path, GattCharacteristic1.class).StartNotify();
        } catch (DBusException | DBusExecutionException e) {
            if (String.valueOf(e.getMessage()).contains("In Progress") || e.getClass().getSimpleName().contains("InProgress")) {
                // BlueZ is turning this client's kept session back on after a reconnection: it is ours already.
                return;
            }
            valueHandlers.remove(path);
            throw new BleException("cannot turn on notifications of " + characteristic + " on " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String address, UUID service, UUID characteristic, byte[] value) throws BleException {
        String path = characteristicPath(address, service, characteristic);
        try {
            bus.getRemoteObject(BLUEZ, path, GattCharacteristic1.class).WriteValue(value, Map.of("type", new Variant<>("request")));
        } catch (DBusException | DBusExecutionException e) {
            throw new BleException("cannot write " + characteristic + " on " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void powerCycle() throws BleException {
        String adapter = adapterPath(objects());
        try {
            Properties p = bus.getRemoteObject(BLUEZ, adapter, Properties.class);
            p.Set(ADAPTER, "Powered", new Variant<>(false));
            Thread.sleep(500);
            p.Set(ADAPTER, "Powered", new Variant<>(true));
            log.warn("power-cycled the Bluetooth adapter {}", adapter);
        } catch (DBusException | DBusExecutionException e) {
            throw new BleException("cannot power-cycle " + adapter + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BleException("interrupted while power-cycling " + adapter);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable h : handlers) {
            try {
                h.close();
            } catch (Exception e) {
                log.debug("removing a D-Bus handler: {}", e.getMessage());
            }
        }
        try {
            bus.close();
        } catch (IOException e) {
            log.debug("closing D-Bus: {}", e.getMessage());
        }
    }

    private static Object value(Variant<?> v) {
        return v == null ? null : v.getValue();
    }

    private static String pathValue(Variant<?> v) {
        Object o = value(v);
        return o instanceof DBusPath p ? p.getPath() : o == null ? null : o.toString();
    }

    /** D-Bus "ay" arrives as byte[] or, inside a variant in a signal, as a list of bytes. */
    static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof List<?> list) {
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).byteValue();
            }
            return out;
        }
        return new byte[0];
    }
}
