package dev.rollbridge.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.rollbridge.testing.Daemon;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The daemon under a systemd-like supervisor: a real unix datagram NOTIFY_SOCKET, as systemd gives it. */
class SystemdNotifyIT {

    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, SystemdNotifier.SockaddrUn address, int length) throws LastErrorException;

        int recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int close(int fd);
    }

    @Test
    void theDaemonSaysReadyPingsTheWatchdogAndSaysStopping() throws Exception {
        LibC libc = Native.load("c", LibC.class);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rb-notify-");
        Path socketPath = dir.resolve("notify");
        int fd = libc.socket(1, 2, 0);
        SystemdNotifier.SockaddrUn address = new SystemdNotifier.SockaddrUn();
        address.family = 1;
        byte[] path = socketPath.toString().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(path, 0, address.path, 0, path.length);
        libc.bind(fd, address, 2 + path.length + 1);
        List<String> messages = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                while (true) {
                    int n = libc.recv(fd, buffer, buffer.length, 0);
                    messages.add(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (LastErrorException closed) {
                // the socket was closed: done
            }
        });
        reader.setDaemon(true);
        reader.start();
        try (Daemon daemon = Daemon.start(Map.of("NOTIFY_SOCKET", socketPath.toString(), "WATCHDOG_USEC", "400000"),
                "run", "--port", "0", "--dashboard-port", "-1", "--no-cue", "--speed", "10")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> messages.stream().anyMatch(m -> m.startsWith("READY=1")));
            await().atMost(Duration.ofSeconds(10)).until(() -> messages.stream().filter(m -> m.equals("WATCHDOG=1")).count() >= 5);
            assertThat(messages).anyMatch(m -> m.startsWith("STATUS=running 1 device(s)"));
            daemon.terminate(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(5)).until(() -> messages.contains("STOPPING=1"));
        } finally {
            libc.close(fd);
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(dir);
        }
    }
}
