package dev.rollbridge.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker for one test class, on a free loopback port, with its own config,
 * persistence file and log under target/. Needs the Debian package {@code mosquitto} (scripts/test installs it).
 */
public final class Mosquitto implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;
    private List<String> leadingConfig = List.of();
    private List<String> extraConfig = List.of();

    private Mosquitto(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static Mosquitto start() throws IOException, InterruptedException {
        Mosquitto m = unstarted();
        m.launch();
        return m;
    }

    /** A broker with its port and folder chosen but not running yet (for "broker absent at start"). */
    public static Mosquitto unstarted() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mosquitto-");
        return new Mosquitto(freePort(), dir);
    }

    /**
     * Adds configuration: {@code leading} lines go before everything (e.g. per_listener_settings),
     * {@code trailing} after the default listener (e.g. more listeners). Call before {@link #begin}.
     */
    public Mosquitto configure(List<String> leading, List<String> trailing) {
        this.leadingConfig = List.copyOf(leading);
        this.extraConfig = List.copyOf(trailing);
        return this;
    }

    /** The broker's folder, for files its configuration names (certificates, password file). */
    public Path dir() {
        return dir;
    }

    /** What the broker logged so far (connections at notice level). */
    public String log() throws IOException {
        Path log = dir.resolve("mosquitto.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGHUP: the broker reloads its configuration, including the password file. */
    public void reload() throws IOException, InterruptedException {
        signal("-HUP");
    }

    public void begin() throws IOException, InterruptedException {
        launch();
    }

    /** SIGKILL: no goodbye, nothing saved since the last autosave. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the broker keeps its sockets open and answers nothing. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String which) throws IOException, InterruptedException {
        new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("mosquitto is not installed: run scripts/test, which installs it (apt-get install mosquitto)");
    }

    private void launch() throws IOException, InterruptedException {
        Path conf = dir.resolve("mosquitto.conf");
        List<String> lines = new ArrayList<>(leadingConfig);
        lines.addAll(List.of(
                "listener " + port + " 127.0.0.1",
                // Started as root, mosquitto would drop to its own user, which may not reach this
                // folder (a clone under a private temp dir): stay the user who runs the tests.
                "user " + System.getProperty("user.name"),
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + dir + "/",
                "autosave_interval 1",
                "log_dest file " + dir.resolve("mosquitto.log"),
                "log_type error",
                "log_type warning",
                "log_type notice"));
        lines.addAll(extraConfig);
        lines.add("");
        Files.writeString(conf, String.join("\n", lines));
        process = new ProcessBuilder(binary(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + "; see " + dir);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on port " + port + " within 10 s; see " + dir);
    }

    /** Stops the broker (SIGTERM: it saves sessions) and starts it again on the same port. */
    public void restart(Duration down) throws IOException, InterruptedException {
        stop();
        Thread.sleep(down.toMillis());
        launch();
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                resume(); // a paused broker ignores SIGTERM until it runs again
            } catch (IOException e) {
                // fall through to the kill
            }
        }
        stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
