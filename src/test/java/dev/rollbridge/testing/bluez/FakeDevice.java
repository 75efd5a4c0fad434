package dev.rollbridge.testing.bluez;

import dev.rollbridge.ble.Frame;
import dev.rollbridge.ble.FrameSink;
import dev.rollbridge.ble.HamstringSessionScript;
import dev.rollbridge.ble.SimulatedRollsense;
import dev.rollbridge.profile.Characteristic;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameLayout;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.bluez.GattService1;
import org.bluez.datatypes.TwoTuple;
import org.bluez.exceptions.BluezFailedException;
import org.bluez.exceptions.BluezNotConnectedException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A RollSense ball or roller behind the fake BlueZ. Once connected, notifying and told "start"
 * on CONTROL, it plays the simulated session as DATA notifications in the frame type asked for.
 */
public final class FakeDevice extends FakeNode implements Device1 {
    private final FakeBluez bluez;
    private final DeviceProfile profile;
    private final String address;
    private final int mtu;
    private final double speed;
    private final Map<UUID, FakeCharacteristic> characteristics = new LinkedHashMap<>();
    private final List<FakeNode> services = new ArrayList<>();
    private final AtomicInteger connectCalls = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<byte[]> controlWrites = new CopyOnWriteArrayList<>();
    private volatile boolean known;
    private volatile boolean inRange = true;
    private volatile boolean silent;
    private volatile long seed = 42;
    private SimulatedRollsense stream;

    FakeDevice(FakeBluez bluez, DeviceProfile profile, String address, String name, int mtu, double speed) {
        super(FakeBluez.ADAPTER_PATH + "/dev_" + address.replace(':', '_'), "org.bluez.Device1");
        this.bluez = bluez;
        this.profile = profile;
        this.address = address;
        this.mtu = mtu;
        this.speed = speed;
        props.put("Address", address);
        props.put("AddressType", "random");
        props.put("Name", name);
        props.put("Alias", name);
        props.put("Adapter", new DBusPath(FakeBluez.ADAPTER_PATH));
        props.put("RSSI", (short) -58);
        props.put("UUIDs", profile.serviceUuids().stream().map(UUID::toString).toArray(String[]::new));
        props.put("Connected", false);
        props.put("ServicesResolved", false);
        props.put("Paired", false);
        props.put("Trusted", false);
        int handle = 0x10;
        Map<UUID, FakeNode> byService = new LinkedHashMap<>();
        List<Characteristic> all = new ArrayList<>(List.of(profile.data(), profile.control()));
        profile.battery().ifPresent(all::add);
        for (Characteristic c : all) {
            FakeNode service = byService.get(c.service());
            if (service == null) {
                service = new FakeService(String.format("%s/service%04x", path, handle), c.service());
                handle += 0x10;
                byService.put(c.service(), service);
                services.add(service);
            }
            FakeCharacteristic ch = new FakeCharacteristic(String.format("%s/char%04x", service.path, handle++), service.path, c);
            characteristics.put(c.uuid(), ch);
        }
        for (FakeNode s : services) {
            List<DBusPath> chars = characteristics.values().stream().filter(c -> c.service.equals(s.path))
                    .map(c -> new DBusPath(c.path)).toList();
            s.props.put("Characteristics", chars.toArray(DBusPath[]::new));
        }
    }

    public String address() {
        return address;
    }

    /** How many times a client asked to connect. */
    public int connectCalls() {
        return connectCalls.get();
    }

    public List<byte[]> controlWrites() {
        return List.copyOf(controlWrites);
    }

    public boolean connected() {
        return Boolean.TRUE.equals(props.get("Connected"));
    }

    /** Refuse the next {@code n} connection attempts (le-connection-abort-by-local). */
    public void refuseConnections(int n) {
        refusals.set(n);
    }

    /** Out of range: the link drops (supervision timeout) and connecting fails until {@link #backInRange}. */
    public void goOutOfRange() {
        inRange = false;
        linkLost(true);
    }

    public void backInRange() {
        inRange = true;
    }

    /** Stays connected but stops sending (a wedged device or controller). */
    public void goSilent() {
        silent = true;
    }

    /** The next session the device plays uses another noise seed. */
    public void seed(long s) {
        seed = s;
    }

    /** One DATA notification with these bytes, as if the device sent it. */
    public void notifyData(byte[] bytes) {
        characteristics.get(profile.data().uuid()).notifyValue(bytes);
    }

    void seenByScan() {
        if (inRange && !known) {
            known = true;
            props.put("RSSI", (short) -58);
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
            describe(objects);
            bluez.objectsAdded(objects);
        }
    }

    void forget() {
        if (known) {
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
            describe(objects);
            known = false;
            bluez.objectsRemoved(objects);
        }
    }

    void export() throws DBusException {
        bluez.bus.exportObject(path, this);
        for (FakeNode s : services) {
            bluez.bus.exportObject(s.path, s);
        }
        for (FakeCharacteristic c : characteristics.values()) {
            bluez.bus.exportObject(c.path, c);
        }
    }

    void unexport() {
        for (FakeCharacteristic c : characteristics.values()) {
            bluez.bus.unExportObject(c.path);
        }
        for (FakeNode s : services) {
            bluez.bus.unExportObject(s.path);
        }
        bluez.bus.unExportObject(path);
    }

    @Override
    void describe(Map<DBusPath, Map<String, Map<String, Variant<?>>>> into) {
        if (!known) {
            return;
        }
        super.describe(into);
        for (FakeNode s : services) {
            s.describe(into);
        }
        for (FakeCharacteristic c : characteristics.values()) {
            c.describe(into);
        }
    }

    @Override
    public synchronized void Connect() throws BluezFailedException {
        connectCalls.incrementAndGet();
        if (!known) {
            throw new BluezFailedException("Device not available");
        }
        if (!inRange || refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new BluezFailedException("le-connection-abort-by-local");
        }
        props.put("Connected", true);
        bluez.signal(path, iface, Map.of("Connected", true));
        props.put("ServicesResolved", true);
        bluez.signal(path, iface, Map.of("ServicesResolved", true));
    }

    @Override
    public void Disconnect() {
        linkLost(true);
    }

    /** The link is gone: the stream stops, and (when {@code tell}) clients see Connected go false. */
    synchronized void linkLost(boolean tell) {
        stopStream();
        for (FakeCharacteristic c : characteristics.values()) {
            c.props.put("Notifying", false);
        }
        boolean was = connected();
        props.put("Connected", false);
        props.put("ServicesResolved", false);
        if (was && tell) {
            bluez.signal(path, iface, Map.of("ServicesResolved", false));
            bluez.signal(path, iface, Map.of("Connected", false));
        }
    }

    private synchronized void control(byte[] value) {
        controlWrites.add(value.clone());
        byte[] start = profile.controlCommands().get("start");
        if (value.length == start.length + 1 && Arrays.equals(Arrays.copyOf(value, start.length), start)) {
            int frameType = value[start.length] & 0xFF;
            FrameLayout layout = profile.frame(frameType).orElseThrow();
            if (layout.minMtu() > mtu) {
                return; // a real device ignores a frame type its link cannot carry
            }
            startStream(layout.minMtu());
        }
    }

    private void startStream(int streamMtu) {
        stopStream();
        silent = false;
        stream = new SimulatedRollsense(profile, HamstringSessionScript.standard(profile.thresholds().pressureCeilingKpa()),
                new SimulatedRollsense.Options(address, speed, streamMtu, true, seed));
        stream.start(new FrameSink() {
            @Override
            public boolean offer(Frame frame) {
                deliver(frame);
                return true;
            }

            @Override
            public void put(Frame frame) {
                deliver(frame);
            }

            @Override
            public void linkChanged(boolean up) {
            }

            @Override
            public void endOfStream() {
            }
        });
    }

    private void deliver(Frame frame) {
        FakeCharacteristic c = characteristics.get(frame.characteristic());
        if (c != null && !silent && connected()) {
            c.notifyValue(frame.bytes());
        }
    }

    private void stopStream() {
        if (stream != null) {
            stream.stop();
            stream = null;
        }
    }

    @Override
    public void ConnectProfile(String uuid) {
    }

    @Override
    public void DisconnectProfile(String uuid) {
    }

    @Override
    public void Pair() {
    }

    @Override
    public void CancelPairing() {
    }

    /** A primary GATT service. */
    private final class FakeService extends FakeNode implements GattService1 {
        FakeService(String path, UUID uuid) {
            super(path, "org.bluez.GattService1");
            props.put("UUID", uuid.toString());
            props.put("Primary", true);
            props.put("Device", new DBusPath(FakeDevice.this.path));
        }
    }

    /** A characteristic: notifications as PropertiesChanged on Value; writes to CONTROL start the stream. */
    private final class FakeCharacteristic extends FakeNode implements GattCharacteristic1 {
        final String service;
        final Characteristic spec;

        FakeCharacteristic(String path, String service, Characteristic spec) {
            super(path, "org.bluez.GattCharacteristic1");
            this.service = service;
            this.spec = spec;
            props.put("UUID", spec.uuid().toString());
            props.put("Service", new DBusPath(service));
            props.put("Value", new byte[0]);
            props.put("Notifying", false);
            props.put("Flags", spec.access().equals("write") ? new String[]{"write"} : new String[]{"read", "notify"});
            props.put("MTU", new UInt16(mtu));
            props.put("Descriptors", new DBusPath[0]);
        }

        void notifyValue(byte[] bytes) {
            if (!Boolean.TRUE.equals(props.get("Notifying"))) {
                return;
            }
            props.put("Value", bytes);
            bluez.signal(path, iface, Map.of("Value", bytes));
        }

        @Override
        public byte[] ReadValue(Map<String, Variant<?>> options) {
            return (byte[]) props.get("Value");
        }

        @Override
        public void WriteValue(byte[] value, Map<String, Variant<?>> options) throws BluezFailedException {
            if (!connected()) {
                throw new BluezFailedException("Not connected");
            }
            if (spec.uuid().equals(profile.control().uuid())) {
                control(value);
            }
        }

        @Override
        public TwoTuple<FileDescriptor, UInt16> AcquireWrite(Map<String, Variant<?>> options) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("not supported");
        }

        @Override
        public TwoTuple<FileDescriptor, UInt16> AcquireNotify(Map<String, Variant<?>> options) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("not supported");
        }

        @Override
        public void StartNotify() throws BluezNotConnectedException {
            if (!connected()) {
                throw new BluezNotConnectedException("Not connected");
            }
            props.put("Notifying", true);
            bluez.signal(path, iface, Map.of("Notifying", true));
        }

        @Override
        public void StopNotify() {
            props.put("Notifying", false);
        }

        @Override
        public void Confirm() {
        }
    }
}
