package dev.rollbridge.testing.bluez;

/**
 * A fake bluetoothd on the bus a backend can reach: for bluez, dbus-java's embedded bus inside
 * this JVM; for tinyb, Debian's dbus-daemon, because TinyB's GDBus client cannot use the embedded
 * one. Closing stops both.
 */
public final class BluezForBackend implements AutoCloseable {
    private final AutoCloseable bus;
    private final String address;
    private final FakeBluez bluez;

    private BluezForBackend(AutoCloseable bus, String address, FakeBluez bluez) {
        this.bus = bus;
        this.address = address;
        this.bluez = bluez;
    }

    public static BluezForBackend start(String backend) throws Exception {
        AutoCloseable bus;
        String address;
        if (backend.equals("tinyb")) {
            DbusDaemon daemon = DbusDaemon.start();
            bus = daemon;
            address = daemon.address();
        } else {
            EmbeddedBus embedded = EmbeddedBus.start();
            bus = embedded;
            address = embedded.address();
        }
        try {
            return new BluezForBackend(bus, address, FakeBluez.start(address));
        } catch (Exception | Error e) {
            bus.close();
            throw e;
        }
    }

    /** For DBUS_SYSTEM_BUS_ADDRESS. */
    public String busAddress() {
        return address;
    }

    public FakeBluez bluez() {
        return bluez;
    }

    @Override
    public void close() throws Exception {
        try {
            bluez.close();
        } finally {
            bus.close();
        }
    }
}
