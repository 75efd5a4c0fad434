package dev.rollbridge.testing.bluez;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.simulator.SimulatedRollsense;
import dev.rollbridge.simulator.SimulatedSensor;
import dev.rollbridge.stream.PlaybackTransport;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.profile.ChannelLayout;
import dev.rollbridge.profile.Characteristic;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameLayout;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.bluez.GattService1;
import org.bluez.datatypes.TwoTuple;
import org.bluez.exceptions.BluezFailedException;
import org.bluez.exceptions.BluezNotConnectedException;
import org.bluez.exceptions.BluezNotPermittedException;
import org.bluez.exceptions.BluezNotSupportedException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A RollSense ball or roller behind the fake BlueZ. Once connected, notifying and told "start"
 * on CONTROL, it plays the simulated session as DATA notifications in the frame type asked for.
 * A sensor of a channel profile (a Thingy:52, an Oriori ball) streams as soon as any of its
 * notifications is on, each at the rate its {@link SensorFirmware} runs it at, and takes or
 * refuses writes as that firmware does.
 * Options a real device may have: {@link #streamOnNotify} (it streams as soon as notifications
 * are on, no CONTROL write needed) and {@link #keepCountersOverDrops} (its sample counter and
 * clock run on while the link is down, instead of starting again at the next connection).
 */
public final class FakeDevice extends FakeNode implements Device1 {
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-bluez-later");
        t.setDaemon(true);
        return t;
    });

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
    private final AtomicLong framesNotified = new AtomicLong();
    private final AtomicLong notifyFailures = new AtomicLong();
    private volatile String lastNotifyFailure = "none";
    private final List<String> linkLog = new CopyOnWriteArrayList<>();
    private final long createdNanos = System.nanoTime();
    private volatile boolean known;
    private volatile boolean gattExported;
    private volatile boolean disconnecting;
    private volatile boolean inRange = true;
    private volatile boolean silent;
    private volatile long outOfRangeAtMicros = -1;
    private volatile boolean streamOnNotify;
    private volatile boolean keepCountersOverDrops;
    private volatile boolean lossless;
    private volatile long seed = 42;
    private volatile int connection;
    private PlaybackTransport stream;
    private volatile SensorFirmware firmware = SensorFirmware.plain();
    private volatile HamstringSessionScript script;
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private int streamMtu;
    /** Streams started so far: every one after the first is a device that rebooted (counter and clock from zero). */
    private int streams;

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
        List<Characteristic> all = new ArrayList<>();
        if (profile.isFramed()) {
            all.addAll(List.of(profile.data(), profile.control()));
        } else {
            ChannelLayout wire = profile.channels().orElseThrow();
            wire.notifications().forEach(n -> all.add(n.characteristic()));
            wire.connectWrites().forEach(w -> all.add(w.characteristic()));
            wire.stopWrites().forEach(w -> all.add(w.characteristic()));
            streamOnNotify = true;
        }
        profile.battery().ifPresent(all::add);
        for (Characteristic c : all) {
            if (characteristics.containsKey(c.uuid())) {
                continue;
            }
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
        gattExported = !bluez.behaviour.gattAfterFirstConnection();
    }

    public String address() {
        return address;
    }

    /** How many times a client asked to connect. */
    public int connectCalls() {
        return connectCalls.get();
    }

    /** What the device's stream did, for a failing test to show: frames sent as signals, and sends that failed. */
    public String streamReport() {
        return "frames notified " + framesNotified.get() + ", failed sends " + notifyFailures.get() + " (last: " + lastNotifyFailure
                + "), streams started " + streams + ", connect calls " + connectCalls.get() + ", link " + linkLog;
    }

    public List<byte[]> controlWrites() {
        return List.copyOf(controlWrites);
    }

    /** Every write the device took, as {@code uuid=hex}, in order. */
    public List<String> writes() {
        return List.copyOf(writes);
    }

    /** How a channel profile's sensor treats writes and what rates it runs at. */
    public FakeDevice firmware(SensorFirmware f) {
        firmware = f;
        return this;
    }

    /** The session the device plays (default: the one that fits the tool). */
    public FakeDevice script(HamstringSessionScript s) {
        script = s;
        return this;
    }

    public boolean connected() {
        return Boolean.TRUE.equals(props.get("Connected"));
    }

    /** Whether its GATT services and characteristics are on the bus now. */
    public boolean gattExported() {
        return gattExported;
    }

    /** Refuse the next {@code n} connection attempts (le-connection-abort-by-local). */
    public void refuseConnections(int n) {
        refusals.set(n);
    }

    /**
     * Out of range: the link drops (supervision timeout) and connecting fails, after the
     * controller's connection timeout, until {@link #backInRange}.
     */
    public void goOutOfRange() {
        inRange = false;
        linkLost(true);
    }

    /**
     * Goes out of range when its own session reaches {@code sampleMillis} (the stream's sample time),
     * however far behind the bridge is: a test that means "a drop mid-hold" gets one on a loaded
     * machine too.
     */
    public void goOutOfRangeAt(long sampleMillis) {
        outOfRangeAtMicros = sampleMillis * 1000;
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

    /** Streams as soon as a client's notifications are on (re-enabled by BlueZ at a reconnection too), before any CONTROL write. */
    public FakeDevice streamOnNotify(boolean on) {
        streamOnNotify = on;
        return this;
    }

    /** Its counter and clock run on over a drop (a device that did not reboot); otherwise each connection starts them again. */
    public FakeDevice keepCountersOverDrops(boolean on) {
        keepCountersOverDrops = on;
        return this;
    }

    /** Never loses a frame on its own (the simulator otherwise drops 1 in 1,500, as a radio does). */
    public FakeDevice lossless(boolean on) {
        lossless = on;
        return this;
    }

    /** One DATA notification with these bytes, as if the device sent it. */
    public void notifyData(byte[] bytes) {
        characteristics.get(profile.data().uuid()).notifyValue(bytes);
    }

    /** One notification on a characteristic of the device, as if it sent it. */
    public void notifyOn(UUID characteristic, byte[] bytes) {
        characteristics.get(characteristic).notifyValue(bytes);
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

    /** RemoveDevice (or bluetoothd restarting): the device, its GATT objects and every notification session go. */
    void forget() {
        for (FakeCharacteristic c : characteristics.values()) {
            c.sessions.clear();
        }
        if (known) {
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
            describe(objects);
            known = false;
            bluez.objectsRemoved(objects);
        }
        if (bluez.behaviour.gattAfterFirstConnection()) {
            gattExported = false;
        }
    }

    void bluetoothdGone() {
        for (FakeCharacteristic c : characteristics.values()) {
            c.sessions.clear();
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
        describeGatt(into);
    }

    private void describeGatt(Map<DBusPath, Map<String, Map<String, Variant<?>>>> into) {
        if (!gattExported) {
            return;
        }
        for (FakeNode s : services) {
            s.describe(into);
        }
        for (FakeCharacteristic c : characteristics.values()) {
            c.describe(into);
        }
    }

    @Override
    public void Connect() throws BluezFailedException {
        connectCalls.incrementAndGet();
        note("Connect");
        if (!known) {
            throw new BluezFailedException("Device not available");
        }
        if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new BluezFailedException("le-connection-abort-by-local");
        }
        if (!inRange) {
            // Nobody answers: the controller gives up only after its connection timeout.
            sleep(bluez.behaviour.absentConnectTimeout().toMillis());
            throw new BluezFailedException("le-connection-abort-by-local");
        }
        int number;
        synchronized (this) {
            if (connected()) {
                return;
            }
            props.put("Connected", true);
            number = ++connection;
        }
        bluez.signal(path, iface, Map.of("Connected", true));
        long after = bluez.behaviour.servicesResolvedAfter().toMillis();
        if (after <= 0) {
            servicesResolved(number);
        } else {
            LATER.schedule(() -> servicesResolved(number), after, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Service discovery is done: the first time, the GATT objects appear; every time, BlueZ turns
     * the kept notification sessions back on, then says ServicesResolved.
     */
    private void servicesResolved(int number) {
        synchronized (this) {
            if (!connected() || connection != number) {
                return;
            }
            if (!gattExported) {
                gattExported = true;
                Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
                describeGatt(objects);
                bluez.objectsAdded(objects);
            }
            for (FakeCharacteristic c : characteristics.values()) {
                c.linkUp();
            }
            props.put("ServicesResolved", true);
        }
        bluez.signal(path, iface, Map.of("ServicesResolved", true));
        maybeStreamOnNotify();
    }

    @Override
    public void Disconnect() throws BluezNotConnectedException {
        if (!connected()) {
            throw new BluezNotConnectedException("Not Connected");
        }
        disconnecting = true;
        note("Disconnect");
        try {
            sleep(bluez.behaviour.disconnectReplyAfter().toMillis());
            linkLost(true);
        } finally {
            disconnecting = false;
        }
    }

    /** The link is gone: the stream stops (or runs on unheard), and (when {@code tell}) clients see Connected go false. */
    private void note(String what) {
        if (linkLog.size() < 100) {
            linkLog.add((System.nanoTime() - createdNanos) / 1_000_000 + " ms " + what);
        }
    }

    synchronized void linkLost(boolean tell) {
        note("link lost" + (tell ? ", told" : ""));
        if (keepCountersOverDrops && stream != null) {
            // The device goes on sampling; nothing reaches anyone while the link is down.
        } else {
            stopStream();
        }
        for (FakeCharacteristic c : characteristics.values()) {
            c.linkDown();
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
            if (stream != null && streamMtu == layout.minMtu()) {
                return; // already streaming this frame type (it streamed on notify, or ran on over a drop)
            }
            startStream(layout.minMtu());
        }
    }

    /** A device that streams as soon as DATA notifications are on: the frame type its MTU allows. */
    private synchronized void maybeStreamOnNotify() {
        if (!profile.isFramed()) {
            boolean anyOn = profile.channels().orElseThrow().notifications().stream()
                    .anyMatch(n -> characteristics.get(n.characteristic().uuid()).notifying());
            if (connected() && anyOn && stream == null) {
                startSensorStream();
            }
            return;
        }
        FakeCharacteristic data = characteristics.get(profile.data().uuid());
        if (streamOnNotify && connected() && data.notifying() && stream == null) {
            startStream(profile.frameForMtu(mtu).minMtu());
        }
    }

    /** A channel profile's sensor: the session at the rates its firmware runs now (started again when they change). */
    private synchronized void startSensorStream() {
        stopStream();
        silent = false;
        HamstringSessionScript s = script != null ? script : HamstringSessionScript.forTool(profile.has(Capability.MOTION),
                profile.thresholds().pressure().ceilingKpa(), profile.thresholds().contact().kpa());
        stream = new SimulatedSensor(profile, s, new SimulatedRollsense.Options(address, speed, mtu, true, seed, !lossless, streams > 0),
                firmware.ratesHz());
        streams++;
        stream.start(deliveringSink());
    }

    private synchronized void written(UUID characteristic, byte[] value) throws BluezNotPermittedException {
        Map<String, Double> before = firmware.ratesHz();
        firmware.write(characteristic, value);
        writes.add(characteristic + "=" + HexFormat.of().formatHex(value));
        if (stream != null && !before.equals(firmware.ratesHz())) {
            startSensorStream();
        }
    }

    private void startStream(int frameMtu) {
        stopStream();
        silent = false;
        streamMtu = frameMtu;
        stream = new SimulatedRollsense(profile, script != null ? script : HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa()),
                new SimulatedRollsense.Options(address, speed, frameMtu, true, seed, !lossless, streams > 0));
        streams++;
        stream.start(deliveringSink());
    }

    private FrameSink deliveringSink() {
        return new FrameSink() {
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
        };
    }

    private void deliver(Frame frame) {
        if (outOfRangeAtMicros >= 0 && frame.receivedMicros() >= outOfRangeAtMicros) {
            outOfRangeAtMicros = -1;
            goOutOfRange();
            return;
        }
        FakeCharacteristic c = characteristics.get(frame.characteristic());
        if (c != null && !silent && connected()) {
            try {
                c.notifyValue(frame.bytes());
                framesNotified.incrementAndGet();
            } catch (RuntimeException e) {
                // A radio drops a notification now and then; the device itself streams on.
                notifyFailures.incrementAndGet();
                lastNotifyFailure = String.valueOf(e);
            }
        }
    }

    private synchronized void stopStream() {
        if (stream != null) {
            stream.stop();
            stream = null;
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /**
     * A characteristic: notifications as PropertiesChanged on Value, for as long as some client's
     * notification session is on; writes to CONTROL start the stream. Sessions are per client
     * (its unique bus name), as BlueZ keeps them.
     */
    private final class FakeCharacteristic extends FakeNode implements GattCharacteristic1 {
        final String service;
        final Characteristic spec;
        /** Clients that called StartNotify and not StopNotify. */
        final Set<String> sessions = ConcurrentHashMap.newKeySet();

        FakeCharacteristic(String path, String service, Characteristic spec) {
            super(path, "org.bluez.GattCharacteristic1");
            this.service = service;
            this.spec = spec;
            props.put("UUID", spec.uuid().toString());
            props.put("Service", new DBusPath(service));
            props.put("Value", new byte[0]);
            props.put("Notifying", false);
            props.put("Flags", writable() ? new String[]{"write"} : new String[]{"read", "notify"});
            props.put("Descriptors", new DBusPath[0]);
        }

        private boolean writable() {
            return spec.access().equals("write");
        }

        boolean notifying() {
            return Boolean.TRUE.equals(props.get("Notifying"));
        }

        /** A connection is up: BlueZ re-enables the kept sessions; MTU exists again. */
        void linkUp() {
            if (bluez.behaviour.mtuProperty()) {
                props.put("MTU", new UInt16(mtu));
            }
            if (!sessions.isEmpty()) {
                setNotifying(true);
            }
        }

        void linkDown() {
            props.remove("MTU"); // characteristic_mtu_exists: only with a GATT client, i.e. while connected
            if (!bluez.behaviour.keepNotifySessions()) {
                sessions.clear();
            }
            props.put("Notifying", false);
        }

        private void setNotifying(boolean on) {
            props.put("Notifying", on);
            bluez.signal(path, iface, Map.of("Notifying", on));
        }

        void notifyValue(byte[] bytes) {
            if (!notifying()) {
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
        public void WriteValue(byte[] value, Map<String, Variant<?>> options) throws BluezFailedException, BluezNotPermittedException {
            if (!connected()) {
                throw new BluezFailedException("Not connected");
            }
            sleep(bluez.behaviour.writeLatency().toMillis());
            if (!profile.isFramed()) {
                written(spec.uuid(), value);
            } else if (spec.uuid().equals(profile.control().uuid())) {
                control(value);
            }
        }

        @Override
        public TwoTuple<FileDescriptor, UInt16> AcquireWrite(Map<String, Variant<?>> options) {
            throw new DBusExecutionException("not supported");
        }

        @Override
        public TwoTuple<FileDescriptor, UInt16> AcquireNotify(Map<String, Variant<?>> options) {
            throw new DBusExecutionException("not supported");
        }

        /** gatt-client.c characteristic_start_notify, as far as a client can tell. */
        @Override
        public void StartNotify() throws BluezNotConnectedException, BluezNotSupportedException {
            if (disconnecting) {
                throw new BluezNotConnectedException("Not connected"); // StartNotify is not allowed while disconnecting
            }
            if (writable()) {
                throw new BluezNotSupportedException("Operation is not supported");
            }
            if (!bluez.behaviour.keepNotifySessions() && !connected()) {
                throw new BluezNotConnectedException("Not connected");
            }
            // One session per client; a second StartNotify from it is a success. While disconnected
            // the session is kept and turned on at the next connection.
            if (sessions.add(sender()) && connected()) {
                setNotifying(true);
                if (!profile.isFramed() || spec.uuid().equals(profile.data().uuid())) {
                    maybeStreamOnNotify();
                }
            }
        }

        @Override
        public void StopNotify() throws BluezFailedException {
            if (!sessions.remove(sender())) {
                throw new BluezFailedException("No notify session started");
            }
            if (sessions.isEmpty() && notifying()) {
                setNotifying(false);
            }
        }

        @Override
        public void Confirm() {
        }
    }
}
