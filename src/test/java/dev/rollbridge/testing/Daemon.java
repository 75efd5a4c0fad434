package dev.rollbridge.testing;

import dev.rollbridge.bench.ProcessBench;
import org.awaitility.Awaitility;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The rollbridge command line in its own JVM, as a user runs it, with stdout captured line by line. */
public final class Daemon implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final Path stderr;

    private Daemon(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    stdout.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "daemon-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public static Daemon start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** With these variables added to its environment. */
    public static Daemon start(Map<String, String> environment, String... args) throws IOException {
        Path stderr = Files.createTempFile(Path.of("target").toAbsolutePath(), "daemon-", ".stderr.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A JVM crash report goes under target/ (not the working tree), where a test can look for it.
                "-XX:ErrorFile=" + Path.of("target").toAbsolutePath().resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"),
                "dev.rollbridge.cli.Main"));
        command.addAll(List.of(args));
        if (args.length > 0 && args[0].equals("run") && !command.contains("--data-dir")) {
            // Never the tester's own history: each daemon gets a fresh data directory under target/.
            command.addAll(List.of("--data-dir", Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-").toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        return new Daemon(p, stderr);
    }

    /**
     * The jar users get ({@code target/rollbridge.jar}, made by {@code package}: integration tests
     * only) in a JVM with the systemd unit's flags and environment, as the service runs it.
     */
    public static Daemon shipped(Map<String, String> environment, String... args) throws IOException {
        // -Drollbridge.jar=FILE runs another build (an earlier one, to show a test fails before its fix).
        Path jar = Path.of(System.getProperty("rollbridge.jar", "target/rollbridge.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run this as an integration test, after 'package'");
        }
        Path stderr = Files.createTempFile(Path.of("target").toAbsolutePath(), "daemon-", ".stderr.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ProcessBench.UNIT_FLAGS);
        command.add("-XX:ErrorFile=" + Path.of("target").toAbsolutePath().resolve("hs_err_pid%p.log"));
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        if (args.length > 0 && args[0].equals("run") && !command.contains("--data-dir")) {
            command.addAll(List.of("--data-dir", Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-").toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // as the unit
        builder.environment().putAll(environment);
        return new Daemon(builder.start(), stderr);
    }

    /** Any command line (an installed program as its service runs it), with these variables added to its environment. */
    public static Daemon exec(List<String> command, Map<String, String> environment) throws IOException {
        Path stderr = Files.createTempFile(Path.of("target").toAbsolutePath(), "daemon-", ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        return new Daemon(builder.start(), stderr);
    }

    /** A value of /proc/PID/status, such as {@code Threads} or {@code VmRSS} (kB). */
    public long procStatus(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid() + "/status");
    }

    /** A signal by name (INT, TERM, ...), as a person or systemd sends it; returns the exit code. */
    public int signal(String name, Duration timeout) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        kill.waitFor();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("rollbridge did not stop within " + timeout + " of SIG" + name);
        }
        assertNoCrash();
        return process.exitValue();
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    public String awaitLine(String what, Duration timeout, Predicate<String> condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> stdout.stream().anyMatch(condition) || !process.isAlive() && stdout.stream().anyMatch(condition));
        return stdout.stream().filter(condition).findFirst().orElseThrow();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, what Ctrl-C and systemd send; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() also closes our end of its stdout, losing the last lines.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("rollbridge did not stop within " + timeout + " of SIGTERM");
        }
        assertNoCrash();
        return process.exitValue();
    }

    /** The JVM did not crash (a crash report names the process). */
    public void assertNoCrash() {
        Path report = Path.of("target").toAbsolutePath().resolve("hs_err_pid" + process.pid() + ".log");
        if (Files.exists(report)) {
            throw new AssertionError("rollbridge's JVM crashed (exit " + (process.isAlive() ? "-" : process.exitValue())
                    + "): see " + report);
        }
    }

    /** SIGKILL: no shutdown hook, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("rollbridge did not exit within " + timeout);
        }
        assertNoCrash();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
