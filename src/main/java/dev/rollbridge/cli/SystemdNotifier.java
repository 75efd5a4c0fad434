package dev.rollbridge.cli;

import com.sun.jna.Library;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * sd_notify for a service started by systemd with {@code Type=notify}: READY=1 once the daemon is
 * up, STATUS= lines, and WATCHDOG=1 every half watchdog period while the daemon is healthy (a
 * wedged daemon stops pinging and systemd restarts it). The message goes to the unix datagram
 * socket named by {@code NOTIFY_SOCKET}; Java cannot open those, so libc is called through JNA.
 * Without {@code NOTIFY_SOCKET} (not under systemd) there is nothing to do.
 */
final class SystemdNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;

    /** The libc calls used, nothing more. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int sendto(int fd, byte[] buffer, long length, int flags, SockaddrUn address, int addressLength) throws LastErrorException;

        int close(int fd);
    }

    /** struct sockaddr_un. */
    @Structure.FieldOrder({"family", "path"})
    public static final class SockaddrUn extends Structure {
        public short family;
        public byte[] path = new byte[108];
    }

    private final String socketPath;
    private final long watchdogMicros;
    private LibC libc;
    private Thread watchdog;
    private volatile boolean closed;

    private SystemdNotifier(String socketPath, long watchdogMicros) {
        this.socketPath = socketPath;
        this.watchdogMicros = watchdogMicros;
    }

    /** A notifier when systemd asked for one ({@code NOTIFY_SOCKET} set), else empty. */
    static Optional<SystemdNotifier> fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        long usec = 0;
        String watchdogUsec = System.getenv("WATCHDOG_USEC");
        String watchdogPid = System.getenv("WATCHDOG_PID");
        if (watchdogUsec != null && (watchdogPid == null || watchdogPid.equals(Long.toString(ProcessHandle.current().pid())))) {
            try {
                usec = Long.parseLong(watchdogUsec);
            } catch (NumberFormatException e) {
                log.warn("ignoring WATCHDOG_USEC={}: not a number", watchdogUsec);
            }
        }
        return Optional.of(new SystemdNotifier(socket, usec));
    }

    void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    void status(String status) {
        send("STATUS=" + status);
    }

    /** Pings every half watchdog period while {@code healthy} says so. */
    synchronized void startWatchdog(BooleanSupplier healthy) {
        if (watchdogMicros <= 0 || watchdog != null) {
            return;
        }
        long periodMillis = Math.max(100, watchdogMicros / 2_000);
        watchdog = new Thread(() -> {
            boolean wasHealthy = true;
            while (!closed) {
                boolean ok = healthy.getAsBoolean();
                if (ok) {
                    send("WATCHDOG=1");
                } else if (wasHealthy) {
                    log.error("the daemon is not healthy (a device pipeline stopped): no more watchdog pings, systemd will restart it");
                }
                wasHealthy = ok;
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "systemd-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private synchronized void send(String message) {
        if (closed) {
            return;
        }
        try {
            if (libc == null) {
                libc = Native.load("c", LibC.class);
            }
            SockaddrUn address = new SockaddrUn();
            address.family = AF_UNIX;
            byte[] path = socketPath.getBytes(StandardCharsets.UTF_8);
            if (path.length >= address.path.length) {
                throw new IllegalArgumentException("NOTIFY_SOCKET path too long");
            }
            System.arraycopy(path, 0, address.path, 0, path.length);
            int length = 2 + path.length;
            if (path[0] == '@') {
                address.path[0] = 0; // an abstract socket: no file, a leading NUL
            } else {
                length++; // with the terminating NUL
            }
            int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            try {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                libc.sendto(fd, bytes, bytes.length, 0, address, length);
            } finally {
                libc.close(fd);
            }
        } catch (LastErrorException | UnsatisfiedLinkError | IllegalArgumentException e) {
            log.warn("cannot notify systemd at {}: {}", socketPath, e.getMessage());
        }
    }

    /** Says STOPPING=1 and ends the pings. */
    @Override
    public void close() {
        send("STOPPING=1");
        closed = true;
        Thread t = watchdog;
        if (t != null) {
            t.interrupt();
        }
    }
}
