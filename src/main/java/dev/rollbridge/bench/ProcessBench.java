package dev.rollbridge.bench;

import dev.rollbridge.mqtt.link.NoDelaySocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole daemon as its own process, started the way the systemd unit starts it (same JVM
 * flags, optionally the AppCDS archive): CPU and RSS from /proc while it serves simulated
 * devices, and start-up time to a retained {@code bridge/state} online seen by a subscriber.
 */
public final class ProcessBench {
    /** The JVM flags of scripts/rollbridge.service. */
    public static final List<String> UNIT_FLAGS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmn2m", "-Xmx48m", "-Xss256k",
            "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");
    /** The environment scripts/rollbridge.service sets for the JVM. */
    public static final Map<String, String> UNIT_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * @param cpuByThread CPU (% of one core) per thread group (threads named alike, e.g. the four
     *                    devices' pipeline threads, count together), largest first
     */
    public record Usage(double cpuPercentOfOneCore, double rssMedianMb, double rssMaxMb, Map<String, Double> cpuByThread) {
        /** The simulated devices' own threads: a stand-in for the radio, which on a Pi is BlueZ's work. */
        public double simulatedDevicesPercent() {
            return cpuByThread.getOrDefault(SIMULATOR_GROUP, 0.0);
        }
    }

    /** The thread group of the simulated devices (their threads are named {@code simulator-<address>}). */
    public static final String SIMULATOR_GROUP = "simulator";

    private final String java;
    private final List<String> launch;
    private final String brokerUrl;

    /** @param launch how to start rollbridge after the JVM flags: {@code -jar FILE} or {@code -cp PATH dev.rollbridge.cli.Main} */
    public ProcessBench(String java, List<String> launch, String brokerUrl) {
        this.java = java;
        this.launch = List.copyOf(launch);
        this.brokerUrl = brokerUrl;
    }

    private Process start(List<String> jvmExtra, Path config, Path dataDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(UNIT_FLAGS);
        command.addAll(jvmExtra);
        command.addAll(launch);
        command.addAll(List.of("run", "--config", config.toString(), "--data-dir", dataDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(UNIT_ENV);
        return builder.start();
    }

    private Path config(Path dir, String base, int devices, double speed, int mtu, boolean dashboard) throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("mqtt: {broker: '").append(brokerUrl).append("', base_topic: ").append(base).append("}\n");
        yaml.append("devices:\n");
        for (int i = 0; i < devices; i++) {
            yaml.append("  - {profile: ").append(i % 2 == 0 ? "rollsense-ball" : "rollsense-roller")
                    .append(", address: 'C0:FF:EE:00:01:").append(String.format("%02X", i + 1)).append("'}\n");
        }
        yaml.append("simulator: {speed: ").append(speed).append(", mtu: ").append(mtu).append("}\n");
        yaml.append("audio: {enabled: false}\n");
        yaml.append("dashboard: {port: ").append(dashboard ? 0 : -1).append("}\n");
        Path file = dir.resolve(base + ".yaml");
        Files.writeString(file, yaml.toString());
        return file;
    }

    /** {@code devices} simulated devices at {@code speed} × 100 Hz, measured for {@code seconds} after a warm-up. */
    public Usage usage(int devices, double speed, int mtu, boolean dashboard, int warmUpSeconds, int seconds, List<String> jvmExtra,
                       PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("rollbridge-bench-");
        Process p = start(jvmExtra, config(dir, "benchd", devices, speed, mtu, dashboard), dir.resolve("data"));
        try {
            progress.printf("  daemon pid %d: %d devices at %.0f Hz%s, warm-up %d s, measuring %d s ...%n", p.pid(), devices,
                    speed * 100, dashboard ? ", dashboard on" : "", warmUpSeconds, seconds);
            Thread.sleep(warmUpSeconds * 1000L);
            long ticks0 = cpuTicks(p.pid());
            Map<String, Long> threadTicks0 = threadTicks(p.pid());
            long t0 = System.nanoTime();
            List<Double> rss = new ArrayList<>();
            for (int i = 0; i < seconds; i++) {
                Thread.sleep(1000);
                rss.add(rssKb(p.pid()) / 1024.0);
            }
            long ticks = cpuTicks(p.pid()) - ticks0;
            Map<String, Long> threadTicks = threadTicks(p.pid());
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double perTick = 100.0 / clockTicksPerSecond() / elapsed;
            return new Usage(ticks * perTick, Stats.median(rss), rss.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    byGroup(threadTicks0, threadTicks, perTick));
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Process start → the retained {@code bridge/state} online, seen by a subscriber already connected. */
    public double startupSeconds(List<String> jvmExtra) throws Exception {
        Path dir = Files.createTempDirectory("rollbridge-bench-");
        String base = "benchs" + Long.toHexString(System.nanoTime() & 0xFFFFF);
        Path config = config(dir, base, 1, 1, 23, false);
        CountDownLatch online = new CountDownLatch(1);
        long[] seen = {0};
        MqttClient sub = new MqttClient(brokerUrl, "bench-startup-" + System.nanoTime(), new MemoryPersistence());
        sub.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (new String(message.getPayload(), StandardCharsets.UTF_8).contains("online")) {
                    seen[0] = System.nanoTime();
                    online.countDown();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(new NoDelaySocketFactory());
        sub.connect(o);
        sub.subscribe(base + "/bridge/state", 1);
        long t0 = System.nanoTime();
        Process p = start(jvmExtra, config, dir.resolve("data"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!online.await(50, TimeUnit.MILLISECONDS)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the daemon exited with status " + p.exitValue() + " before it went online "
                            + "(JVM flags: " + String.join(" ", jvmExtra) + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the daemon did not go online within 60 s");
                }
            }
            return (seen[0] - t0) / 1e9;
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            // Leave nothing retained behind on the broker.
            sub.publish(base + "/bridge/state", new byte[0], 1, true);
            sub.publish(base + "/bridge/info", new byte[0], 1, true);
            sub.disconnect();
            sub.close();
        }
    }

    /**
     * Makes the class data archive as the package does (scripts/debian/make-cds-archive), with the unit's flags and
     * {@code jvmExtra}: the classes one session played at full speed loads, less the embedded
     * broker's, in a static archive (the JDK's default archive is not used beside it). Returns the
     * JVM flags that use it. Needs rollbridge as a jar ({@code -jar FILE}): the JVM archives no
     * classes from a directory.
     */
    public List<String> appCds(Path archive, List<String> jvmExtra) throws Exception {
        Path dir = Files.createTempDirectory("rollbridge-bench-");
        Path loaded = dir.resolve("loaded.classlist");
        List<String> listRun = new ArrayList<>(List.of(java));
        listRun.addAll(UNIT_FLAGS);
        listRun.addAll(jvmExtra);
        listRun.add("-XX:DumpLoadedClassList=" + loaded);
        listRun.addAll(launch);
        listRun.addAll(List.of("run", "--once", "--speed", "0", "--port", "0", "--dashboard-port", "-1", "--no-cue",
                "--no-ha-discovery", "--data-dir", dir.resolve("data").toString()));
        runToEnd(listRun, dir.resolve("classlist.log"), "listing the classes a session loads");

        Path service = dir.resolve("service.classlist");
        Files.write(service, serviceClassList(Files.readAllLines(loaded)));
        Files.deleteIfExists(archive);
        List<String> dump = new ArrayList<>(List.of(java));
        dump.addAll(UNIT_FLAGS);
        dump.addAll(jvmExtra);
        dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + service, "-XX:SharedArchiveFile=" + archive,
                "-cp", classPath()));
        runToEnd(dump, dir.resolve("dump.log"), "making the archive");
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }

    /** A loaded-class list without the embedded broker's classes (Moquette, Netty): the service uses an external broker. */
    static List<String> serviceClassList(List<String> loaded) {
        return loaded.stream().filter(line -> !line.contains("io/netty/") && !line.contains("io/moquette/")).toList();
    }

    private String classPath() {
        int flag = launch.indexOf("-jar") >= 0 ? launch.indexOf("-jar") : launch.indexOf("-cp");
        return launch.get(flag + 1);
    }

    private static void runToEnd(List<String> command, Path log, String what) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " took over 120 s: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + String.join(" ", command) + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
    }

    static long cpuTicks(long pid) throws IOException {
        return ticksOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    private static long ticksOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU ticks (user + system) of each live thread, by thread id and name: {@code "tid name"}. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    ticks.put(task.getFileName() + " " + name, ticksOf(stat));
                } catch (IOException gone) {
                    // The thread ended between listing and reading.
                }
            }
        }
        return ticks;
    }

    /**
     * Per thread group, the ticks used between two snapshots in % of one core. Threads that ended
     * in between are not counted (their time is in the process total); new ones count from zero.
     */
    static Map<String, Double> byGroup(Map<String, Long> before, Map<String, Long> after, double percentPerTick) {
        Map<String, Double> groups = new HashMap<>();
        after.forEach((thread, ticks) -> groups.merge(group(thread.substring(thread.indexOf(' ') + 1)),
                (ticks - before.getOrDefault(thread, 0L)) * percentPerTick, Double::sum));
        Map<String, Double> sorted = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Threads named alike count together: {@code pipeline-<device>}, {@code MQTT Snd: <client>}, {@code GC Thread#0}. */
    static String group(String threadName) {
        int cut = threadName.length();
        for (String separator : List.of("-", ": ", "#")) {
            int i = threadName.indexOf(separator);
            if (i > 0 && i < cut) {
                cut = i;
            }
        }
        String head = threadName.substring(0, cut);
        if (head.startsWith("C1 Compiler") || head.startsWith("C2 Compiler")) {
            return "JIT compiler";
        }
        return head.replaceAll("[0-9]+$", "").strip();
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
