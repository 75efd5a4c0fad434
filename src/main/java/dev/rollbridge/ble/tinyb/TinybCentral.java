package dev.rollbridge.ble.tinyb;

import dev.rollbridge.ble.BleCentral;
import dev.rollbridge.ble.BleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tinyb.BluetoothAdapter;
import tinyb.BluetoothDevice;
import tinyb.BluetoothException;
import tinyb.BluetoothGattCharacteristic;
import tinyb.BluetoothGattService;
import tinyb.BluetoothManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * TinyB (Intel's C++ BlueZ binding with JNI, as bundled by sputnikdev for linux x86_64, x86_32
 * and 32-bit ARM). It talks to bluetoothd over the D-Bus system bus with the older BlueZ GATT API
 * and does not report the ATT MTU, so devices stream the small frame type. The library is a
 * process-wide singleton with native code: {@link #open} loads it once, from a private temporary
 * folder it deletes right away, and every caller shares that one instance.
 */
public final class TinybCentral implements BleCentral {
    private static final Logger log = LoggerFactory.getLogger(TinybCentral.class);
    private static TinybCentral instance;

    private final BluetoothManager manager;
    private final Optional<String> adapterName;
    private final Map<String, BluetoothDevice> connected = new ConcurrentHashMap<>();
    /**
     * The notifying characteristics of each connected device, each with its callback's switch.
     * TinyB's Java objects free their native object when collected, and with it the notification
     * callback: a characteristic nobody holds stops notifying at the next garbage collection (with
     * the unit's 2 MB young generation, within a second of streaming: the watchdog then reconnected
     * every few seconds). So they are held here while the device is connected. TinyB also frees a
     * callback ({@code disableValueNotifications}) while its GLib thread may be inside it: the JVM
     * then crashes (SIGSEGV in {@code search_class}, seen at every few stops while a device
     * streamed). So a callback is never taken back from TinyB, only switched off; once the device
     * is disconnected no more notifications come for it, and the characteristic is let go.
     */
    private final Map<String, List<Subscription>> notifying = new ConcurrentHashMap<>();

    private record Subscription(AtomicBoolean on, BluetoothGattCharacteristic characteristic) {
    }

    private volatile Listener listener = address -> {
    };

    private TinybCentral(BluetoothManager manager, Optional<String> adapterName) {
        this.manager = manager;
        this.adapterName = adapterName;
    }

    /**
     * The process's TinyB, loaded on first use.
     *
     * @throws BleException on an architecture TinyB has no native library for (64-bit ARM among
     *                      them), or when BlueZ cannot be reached
     */
    public static synchronized BleCentral open(Optional<String> adapter) throws BleException {
        if (instance == null) {
            BluetoothManager manager;
            PrintStream err = System.err;
            try {
                // TinyB's static initialiser (run when its JNI library loads) calls System.loadLibrary
                // itself, which cannot find the libraries we loaded from our own folder, and prints a
                // misleading "failed to load" with a stack trace. Nothing else runs yet at this point
                // of start-up, so muting stderr for these few calls hides only that.
                System.setErr(new PrintStream(OutputStream.nullOutputStream()));
                loadNativeLibraries();
                // BluetoothObject has such an initialiser too: run it now, while stderr is muted.
                Class.forName("tinyb.BluetoothObject", true, TinybCentral.class.getClassLoader());
                checkPackageVersion();
                manager = BluetoothManager.getBluetoothManager();
            } catch (ClassNotFoundException e) {
                throw new BleException("TinyB's classes are missing from the jar", e);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new BleException(startFailure(e), e);
            } finally {
                System.setErr(err);
            }
            instance = new TinybCentral(manager, adapter);
        }
        return instance;
    }

    /**
     * TinyB compares its Java package's Specification-Version (from the jar's manifest) with its
     * native library's before anything else, and with none it fails on a null: say so plainly.
     */
    private static void checkPackageVersion() throws BleException {
        Package p = BluetoothManager.class.getPackage();
        if (p == null || p.getSpecificationVersion() == null) {
            throw new BleException("this rollbridge jar does not carry TinyB's package version (the 'tinyb/' section of its "
                    + "manifest), without which TinyB will not start: a packaging fault; use ble.backend: bluez, or a jar built "
                    + "by the project's pom");
        }
    }

    /** What really failed when TinyB would not start, in words that point at the cause. */
    static String startFailure(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof UnsatisfiedLinkError) {
            return "TinyB's native library would not load (" + m + "); it needs libglib2.0-0 (sudo apt-get install libglib2.0-0)";
        }
        if (m.contains("Could not connect") || m.contains("object manager")) {
            return "TinyB cannot reach the D-Bus system bus (" + m + "): is dbus running, and may this user use it?";
        }
        if (m.contains("No adapter")) {
            return "TinyB found no Bluetooth adapter through BlueZ (" + m + "): is bluetoothd running (systemctl status bluetooth), "
                    + "the adapter powered (bluetoothctl show), and this user in the group bluetooth?";
        }
        if (m.contains("out of date")) {
            return "TinyB's Java classes and native library do not match (" + m + "): a packaging fault; use ble.backend: bluez";
        }
        return "TinyB failed to start: " + e.getClass().getSimpleName() + ": " + m;
    }

    /** The folder of TinyB's native libraries inside the jar for this machine, or why there is none. */
    static String nativeFolder(String osName, String osArch) throws BleException {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new BleException("TinyB works on Linux only, not " + osName);
        }
        return switch (osArch) {
            case "amd64", "x86_64" -> "native/linux/x86_64";
            case "i386", "i486", "i586", "i686", "x86" -> "native/linux/x86_32";
            case "arm", "armv6l", "armv7l", "armhf" -> "native/arm/armv6";
            default -> throw new BleException("TinyB has no native library for " + osArch
                    + " (it ships x86_64, x86_32 and 32-bit ARM); on 64-bit Raspberry Pi OS use ble.backend: bluez");
        };
    }

    private static void loadNativeLibraries() throws BleException {
        String folder = nativeFolder(System.getProperty("os.name"), System.getProperty("os.arch"));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rollbridge-tinyb-");
            for (String lib : List.of("libtinyb.so", "libjavatinyb.so")) {
                Path file = dir.resolve(lib);
                try (InputStream in = TinybCentral.class.getResourceAsStream("/" + folder + "/" + lib)) {
                    if (in == null) {
                        throw new BleException("TinyB's " + lib + " is missing from the jar (" + folder + ")");
                    }
                    Files.copy(in, file);
                }
                System.load(file.toString());
            }
        } catch (IOException e) {
            throw new BleException("cannot unpack TinyB's native libraries: " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw new BleException("cannot load TinyB's native libraries (" + e.getMessage()
                    + "); it needs libglib2.0-0 (apt-get install libglib2.0-0)", e);
        } finally {
            // Loaded libraries stay mapped: the files are not needed any more, and nothing is left in /tmp.
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.debug("cleaning {}: {}", dir, e.getMessage());
        }
    }

    @Override
    public String backend() {
        return "tinyb";
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    private BluetoothAdapter adapter() throws BleException {
        try {
            List<BluetoothAdapter> adapters = manager.getAdapters();
            // TinyB does not show object paths: hciN is the N-th adapter BlueZ lists.
            int index = adapterName.map(n -> Integer.parseInt(n.substring(3))).orElse(0);
            if (index < adapters.size()) {
                return adapters.get(index);
            }
        } catch (RuntimeException e) {
            throw new BleException("TinyB: BlueZ does not answer (" + e.getMessage() + ")", e);
        }
        throw new BleException("no Bluetooth adapter" + adapterName.map(n -> " " + n).orElse("") + " (is bluetoothd running?)");
    }

    @Override
    public boolean ready() {
        try {
            return adapter().getPowered();
        } catch (BleException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void startDiscovery() throws BleException {
        try {
            adapter().startDiscovery();
        } catch (BluetoothException e) {
            if (!String.valueOf(e.getMessage()).contains("InProgress")) {
                throw new BleException("TinyB: cannot start a scan: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void stopDiscovery() {
        try {
            adapter().stopDiscovery();
        } catch (BleException | RuntimeException e) {
            log.debug("stopping the scan: {}", e.getMessage());
        }
    }

    @Override
    public List<Advertisement> devices() throws BleException {
        List<Advertisement> out = new ArrayList<>();
        for (BluetoothDevice d : adapter().getDevices()) {
            List<UUID> uuids = new ArrayList<>();
            String[] advertised = d.getUUIDs();
            if (advertised != null) {
                for (String u : advertised) {
                    uuids.add(UUID.fromString(u));
                }
            }
            String name = d.getName();
            out.add(new Advertisement(d.getAddress().toUpperCase(Locale.ROOT), name == null ? "" : name, Optional.of((int) d.getRSSI()), uuids));
        }
        return out;
    }

    private BluetoothDevice device(String address) throws BleException {
        for (BluetoothDevice d : adapter().getDevices()) {
            if (d.getAddress().equalsIgnoreCase(address)) {
                return d;
            }
        }
        throw new BleException(address + " is not known to the adapter (scan first)");
    }

    @Override
    public void connect(String address, Duration timeout) throws BleException {
        BluetoothDevice d = device(address);
        String key = address.toUpperCase(Locale.ROOT);
        // A connection whose set-up failed half-way left its subscriptions: they go now, not on top of the new ones.
        switchOff(notifying.remove(key));
        try {
            d.enableConnectedNotifications(up -> {
                if (!up && connected.remove(key) != null) {
                    switchOff(notifying.remove(key));
                    listener.disconnected(key);
                }
            });
            if (!d.connect()) {
                throw new BleException("TinyB: connecting to " + address + " failed");
            }
        } catch (BluetoothException e) {
            throw new BleException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        BleCentral.awaitServicesResolved(address, timeout, d::getServicesResolved, () -> disconnect(address));
        connected.put(key, d);
    }

    @Override
    public void disconnect(String address) {
        String key = address.toUpperCase(Locale.ROOT);
        BluetoothDevice d = connected.remove(key);
        switchOff(notifying.remove(key));
        try {
            if (d != null) {
                d.disableConnectedNotifications();
                d.disconnect();
            }
        } catch (RuntimeException e) {
            log.debug("disconnecting {}: {}", address, e.getMessage());
        }
    }

    private static void switchOff(List<Subscription> subscriptions) {
        if (subscriptions != null) {
            subscriptions.forEach(s -> s.on().set(false));
        }
    }

    @Override
    public void forget(String address) {
        try {
            disconnect(address);
            device(address).remove();
        } catch (BleException | RuntimeException e) {
            log.debug("forgetting {}: {}", address, e.getMessage());
        }
    }

    @Override
    public boolean isConnected(String address) {
        return connected.containsKey(address.toUpperCase(Locale.ROOT));
    }

    private BluetoothGattCharacteristic characteristic(String address, UUID service, UUID characteristic) throws BleException {
        BluetoothDevice d = connected.get(address.toUpperCase(Locale.ROOT));
        if (d == null) {
            throw new BleException(address + " is not connected");
        }
        for (BluetoothGattService s : d.getServices()) {
            if (s.getUUID().equalsIgnoreCase(service.toString())) {
                for (BluetoothGattCharacteristic c : s.getCharacteristics()) {
                    if (c.getUUID().equalsIgnoreCase(characteristic.toString())) {
                        return c;
                    }
                }
            }
        }
        throw new BleException(address + " has no characteristic " + characteristic + " in service " + service
                + " (wrong profile for this device?)");
    }

    /** TinyB does not say: assume the BLE default, which every device supports. */
    @Override
    public int mtu(String address, UUID service, UUID characteristic) {
        return 23;
    }

    @Override
    public void subscribe(String address, UUID service, UUID characteristic, Consumer<byte[]> onValue) throws BleException {
        BluetoothGattCharacteristic c = characteristic(address, service, characteristic);
        AtomicBoolean on = new AtomicBoolean(true);
        notifying.computeIfAbsent(address.toUpperCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>()).add(new Subscription(on, c));
        try {
            c.enableValueNotifications(value -> {
                if (on.get()) {
                    onValue.accept(value);
                }
            });
        } catch (BluetoothException e) {
            // BlueZ may still be turning this client's kept session back on after a reconnection.
            if (!String.valueOf(e.getMessage()).contains("In Progress") && !String.valueOf(e.getMessage()).contains("InProgress")) {
                on.set(false);
                throw new BleException("cannot turn on notifications of " + characteristic + " on " + address + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void write(String address, UUID service, UUID characteristic, byte[] value) throws BleException {
        try {
            if (!characteristic(address, service, characteristic).writeValue(value)) {
                throw new BleException("TinyB: writing " + characteristic + " on " + address + " failed");
            }
        } catch (BluetoothException e) {
            throw new BleException("cannot write " + characteristic + " on " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void powerCycle() throws BleException {
        BluetoothAdapter a = adapter();
        try {
            a.setPowered(false);
            Thread.sleep(500);
            a.setPowered(true);
            log.warn("power-cycled the Bluetooth adapter {}", a.getAddress());
        } catch (RuntimeException e) {
            throw new BleException("cannot power-cycle the adapter: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BleException("interrupted while power-cycling the adapter");
        }
    }

    /** The library stays loaded for the life of the process; only our links are let go. */
    @Override
    public void close() {
        connected.keySet().forEach(this::disconnect);
    }
}
