package dev.rollbridge.testing.bluez;

import org.freedesktop.dbus.bin.EmbeddedDBusDaemon;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private D-Bus bus inside the test JVM (dbus-java's embedded daemon) on a unix socket, so the
 * bridge and the fake BlueZ talk over a real bus with no system bus and no root. Other processes
 * (a daemon under test) reach it through {@code DBUS_SYSTEM_BUS_ADDRESS=}{@link #address()}.
 */
public final class EmbeddedBus implements AutoCloseable {
    private final EmbeddedDBusDaemon daemon;
    private final Path socket;
    private final String address;

    private EmbeddedBus(EmbeddedDBusDaemon daemon, Path socket, String address) {
        this.daemon = daemon;
        this.socket = socket;
        this.address = address;
    }

    /**
     * A fresh embedded daemon sometimes drops its very first client during {@code Hello}, and then
     * stops listening (its socket file goes: later clients get "No such file or directory"). So
     * the first client is ours: a bus that does not take it is closed and started again.
     */
    public static EmbeddedBus start() throws Exception {
        for (int attempt = 1; ; attempt++) {
            // Unix socket paths are limited to 108 bytes: keep it short, under /tmp.
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "rb-dbus-");
            Path socket = dir.resolve("bus");
            String address = "unix:path=" + socket;
            EmbeddedDBusDaemon daemon = new EmbeddedDBusDaemon(address + ",listen=true");
            try {
                daemon.startInBackgroundAndWait(10_000);
                try (DBusConnection first = DBusConnectionBuilder.forAddress(address).withShared(false).build()) {
                    first.getUniqueName();
                }
                if (!Files.exists(socket)) {
                    throw new IllegalStateException("the embedded D-Bus daemon stopped listening on " + socket);
                }
                return new EmbeddedBus(daemon, socket, address);
            } catch (Exception e) {
                daemon.close();
                Files.deleteIfExists(socket);
                Files.deleteIfExists(dir);
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    public String address() {
        return address;
    }

    @Override
    public void close() throws IOException {
        daemon.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socket.getParent());
    }
}
