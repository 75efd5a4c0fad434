package dev.rollbridge.testing.bluez;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code dbus-daemon} (Debian's) of type "system" with an allow-all policy on a private
 * unix socket: what TinyB's GDBus client needs to find the fake BlueZ, through
 * {@code DBUS_SYSTEM_BUS_ADDRESS}. Stopped (SIGTERM) on close.
 */
public final class DbusDaemon implements AutoCloseable {
    private final Path dir;
    private final String address;
    private final long pid;

    private DbusDaemon(Path dir, String address, long pid) {
        this.dir = dir;
        this.address = address;
        this.pid = pid;
    }

    public static DbusDaemon start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rb-sysbus-");
        Path socket = dir.resolve("bus");
        Path conf = dir.resolve("system.conf");
        Files.writeString(conf, String.join("\n",
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"",
                " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">",
                "<busconfig>",
                "  <type>system</type>",
                "  <listen>unix:path=" + socket + "</listen>",
                "  <auth>EXTERNAL</auth>",
                "  <policy context=\"default\">",
                "    <allow user=\"*\"/>",
                "    <allow own=\"*\"/>",
                "    <allow send_type=\"method_call\"/>",
                "    <allow send_type=\"signal\"/>",
                "    <allow send_type=\"method_return\"/>",
                "    <allow send_type=\"error\"/>",
                "    <allow receive_type=\"method_call\"/>",
                "    <allow receive_type=\"signal\"/>",
                "    <allow receive_type=\"method_return\"/>",
                "    <allow receive_type=\"error\"/>",
                "  </policy>",
                "</busconfig>", ""));
        Process p = new ProcessBuilder("dbus-daemon", "--config-file=" + conf, "--fork", "--print-address=1", "--print-pid=1")
                .redirectErrorStream(true).start();
        String address;
        long pid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            address = out.readLine();
            String pidLine = out.readLine();
            if (address == null || pidLine == null || !address.startsWith("unix:")) {
                throw new IllegalStateException("dbus-daemon did not start: " + address + " " + pidLine);
            }
            pid = Long.parseLong(pidLine.strip());
        }
        p.waitFor(10, TimeUnit.SECONDS);
        return new DbusDaemon(dir, "unix:path=" + socket, pid);
    }

    public String address() {
        return address;
    }

    @Override
    public void close() throws IOException {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
