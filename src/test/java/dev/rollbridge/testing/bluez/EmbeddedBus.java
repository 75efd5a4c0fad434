package dev.rollbridge.testing.bluez;

import org.freedesktop.dbus.bin.EmbeddedDBusDaemon;

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

    public static EmbeddedBus start() throws Exception {
        // Unix socket paths are limited to 108 bytes: keep it short, under /tmp.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rb-dbus-");
        Path socket = dir.resolve("bus");
        String address = "unix:path=" + socket;
        EmbeddedDBusDaemon daemon = new EmbeddedDBusDaemon(address + ",listen=true");
        try {
            daemon.startInBackgroundAndWait(10_000);
        } catch (RuntimeException e) {
            daemon.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
            throw e;
        }
        return new EmbeddedBus(daemon, socket, address);
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
