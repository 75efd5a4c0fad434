package dev.rollbridge.cli;

import dev.rollbridge.bench.LatencyBench;
import dev.rollbridge.bench.ProcessBench;
import dev.rollbridge.bench.SoakBench;
import dev.rollbridge.bench.ThroughputBench;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rollbridge bench ...}: the performance budgets measured on this machine, with medians and
 * percentiles (docs/performance.md has the numbers and the commands).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measure throughput, alert latency, CPU/RSS, start-up and a long soak.",
        description = {"Benchmarks, not tests: run them on an otherwise idle machine.",
                "docs/performance.md lists the budgets, the figures and these commands."},
        subcommands = {BenchCommand.Throughput.class, BenchCommand.Latency.class, BenchCommand.Daemon.class,
                BenchCommand.Startup.class, BenchCommand.Soak.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static DeviceProfile ball() {
        return new ProfileLoader().builtIn("rollsense-ball");
    }

    /** How to start this same rollbridge as a process: the jar it runs from, or its class path. */
    static List<String> launch() {
        String classPath = System.getProperty("java.class.path");
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            return List.of("-jar", classPath);
        }
        return List.of("-cp", classPath, "dev.rollbridge.cli.Main");
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true,
            description = "Decode + analysis on one thread, samples/s: both RollSense frame types and the fused notifications of channel profiles (no broker needed).")
    static final class Throughput implements Callable<Integer> {
        @Option(names = "--runs", defaultValue = "5", description = "Measured runs per frame type (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--seconds", defaultValue = "2", description = "Length of each run (default ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            ThroughputBench bench = new ThroughputBench(ball());
            out.println("decode + analysis, one thread, rollsense-ball session frames:");
            double single = 0;
            for (int mtu : new int[]{23, 185}) {
                ThroughputBench.Result r = bench.run(mtu, runs, seconds, out);
                print(out, r);
                single = mtu == 23 ? r.medianSamplesPerCpuSecond() : single;
            }
            // The fused path: each notification one sample, as a single-sample RollSense frame is.
            for (String name : fused) {
                out.println("decode + analysis, one thread, " + name + " session notifications:");
                ThroughputBench.Result r = new ThroughputBench(new ProfileLoader().builtIn(name)).run(23, runs, seconds, out);
                print(out, r);
                // Per CPU second: on a shared machine the thread's own time is the steadier figure.
                out.printf("  %s: %.2f x the single-sample RollSense frames (per CPU second)%n", name, r.medianSamplesPerCpuSecond() / single);
            }
            return 0;
        }

        @Option(names = "--fused", split = ",", paramLabel = "PROFILE", defaultValue = "thingy52-ball,oriori-ball",
                description = "Channel profiles whose fused notifications are measured too (default ${DEFAULT-VALUE}).")
        List<String> fused;

        private static void print(PrintStream out, ThroughputBench.Result r) {
            out.printf("%s frames: median %.2f M samples/s (runs %s M), %.2f M per CPU second (runs %s M), "
                            + "%.0f bytes allocated per sample%n", r.frameType(), r.medianSamplesPerSecond() / 1e6, rangeOf(r.runs()),
                    r.medianSamplesPerCpuSecond() / 1e6, rangeOf(r.cpuRuns()), r.bytesPerSample());
        }
    }

    private static String rangeOf(List<Double> rates) {
        double min = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0) / 1e6;
        double max = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0) / 1e6;
        return String.format("%.2f–%.2f", min, max);
    }

    /** The load the latency and daemon benches put on the bridge, and the broker they use. */
    static final class Load {
        @Option(names = "--broker", required = true, paramLabel = "URL",
                description = "A broker on this machine, e.g. tcp://127.0.0.1:1883 (Mosquitto).")
        String broker;

        @Option(names = "--devices", defaultValue = "4", description = "Simulated devices (default ${DEFAULT-VALUE}).")
        int devices;

        @Option(names = "--rate", defaultValue = "200", description = "Samples per second per device (default ${DEFAULT-VALUE}).")
        double rate;
    }

    @Command(name = "latency", mixinStandardHelpOptions = true,
            description = "Frame handed to the transport → event at a separate subscriber, vs the broker's own floor.")
    static final class Latency implements Callable<Integer> {
        @Mixin
        Load load;

        @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--together", description = "All devices alert in the same instant (the worst case); "
                + "by default their pressure cycles are 150 ms apart, like independent people.")
        boolean together;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            LatencyBench.Result r = new LatencyBench(load.broker, ball())
                    .run(load.devices, load.rate, together, Duration.ofSeconds(seconds), Duration.ofSeconds(5), out);
            out.printf("alert latency, %d events: %s%n", r.events(), percentiles(r.bridge()));
            out.printf("broker floor (bare Paho, TCP_NODELAY, QoS 1): %s%n", percentiles(r.floor()));
            out.printf("ratio at p50: %.2f x the floor%n", r.ratioP50());
            return 0;
        }
    }

    static String percentiles(Histogram h) {
        return String.format("p50 %.3f ms, p99 %.3f ms, max %.3f ms", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    @Command(name = "daemon", mixinStandardHelpOptions = true,
            description = "CPU (%% of one core) and RSS of the whole daemon, started with the service's JVM flags.")
    static final class Daemon implements Callable<Integer> {
        @Mixin
        Load load;

        @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--dashboard", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "With the dashboard (its own MQTT subscriber) as shipped (default on).")
        boolean dashboard;

        @Mixin
        Jvm jvm;

        @Option(names = "--mtu", defaultValue = "23", description = "The simulated link's MTU (default ${DEFAULT-VALUE}: one "
                + "notification per sample; 185: batches of 10, as a BLE 4.2+ link negotiates).")
        int mtu;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            ProcessBench bench = new ProcessBench(java(), launch(), load.broker);
            List<String> extra = jvm.flags(bench);
            ProcessBench.Usage u = bench.usage(load.devices, load.rate / 100, mtu, dashboard, 10, seconds, extra, out);
            out.printf("daemon, %d devices at %.0f Hz, MTU %d: CPU %.2f %% of one core, RSS median %.1f MB, max %.1f MB (flags: %s)%n",
                    load.devices, load.rate, mtu, u.cpuPercentOfOneCore(), u.rssMedianMb(), u.rssMaxMb(), String.join(" ", flags(extra)));
            out.printf("  without the simulated devices' own threads (on a Pi the radio is BlueZ's work): CPU %.2f %% of one core%n",
                    u.cpuPercentOfOneCore() - u.simulatedDevicesPercent());
            out.println("  by thread (% of one core):");
            u.cpuByThread().forEach((group, percent) -> {
                if (percent >= 0.005) {
                    out.printf("    %6.2f  %s%n", percent, group);
                }
            });
            return 0;
        }
    }

    /** How the daemon's JVM is started, beyond the unit's flags. */
    static final class Jvm {
        @Option(names = "--appcds", description = "Make and use an AppCDS archive, as the Pi install does.")
        boolean appCds;

        @Option(names = "--jvm-option", paramLabel = "FLAG",
                description = "A JVM flag to add to the service's (repeatable), to try one before it goes into the unit.")
        List<String> options = new ArrayList<>();

        /** The flags after the unit's: these options, then the archive's (made with the same options). */
        List<String> flags(ProcessBench bench) throws Exception {
            List<String> all = new ArrayList<>(options);
            if (appCds) {
                all.addAll(bench.appCds(Files.createTempDirectory("rollbridge-bench-").resolve("rollbridge.jsa"), options));
            }
            return all;
        }
    }

    static List<String> flags(List<String> extra) {
        List<String> all = new ArrayList<>(ProcessBench.UNIT_FLAGS);
        all.addAll(extra);
        return all;
    }

    @Command(name = "startup", mixinStandardHelpOptions = true,
            description = "Process start → retained bridge/state online at a subscriber (external broker).")
    static final class Startup implements Callable<Integer> {
        @Option(names = "--broker", required = true, paramLabel = "URL", description = "An external broker, e.g. tcp://127.0.0.1:1883.")
        String broker;

        @Option(names = "--runs", defaultValue = "5", description = "Runs (default ${DEFAULT-VALUE}).")
        int runs;

        @Mixin
        Jvm jvm;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            ProcessBench bench = new ProcessBench(java(), launch(), broker);
            List<String> extra = jvm.flags(bench);
            List<Double> times = new ArrayList<>();
            bench.startupSeconds(extra); // the first start warms the OS file cache
            for (int i = 0; i < runs; i++) {
                times.add(bench.startupSeconds(extra));
                out.printf("  run %d/%d: %.3f s%n", i + 1, runs, times.get(i));
            }
            List<Double> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            out.printf("start-up to online: median %.3f s (%.3f–%.3f s; flags: %s)%n", sorted.get(sorted.size() / 2), sorted.get(0),
                    sorted.get(sorted.size() - 1), String.join(" ", flags(extra)));
            return 0;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"Hours of sample time through the whole bridge, accelerated: heap, RSS, threads, files.",
                    "Heap after GC, RSS, threads and open files per simulated hour. Run it with the service's flags:",
                    "java -XX:+UseSerialGC -Xmx48m -jar ..."})
    static final class Soak implements Callable<Integer> {
        @Option(names = "--broker", required = true, paramLabel = "URL", description = "A broker, e.g. tcp://127.0.0.1:1883.")
        String broker;

        @Option(names = "--hours", defaultValue = "24", description = "Simulated hours (default ${DEFAULT-VALUE}).")
        double hours;

        @Option(names = "--devices", defaultValue = "4", description = "Simulated devices (default ${DEFAULT-VALUE}).")
        int devices;

        @Option(names = "--speed", defaultValue = "200",
                description = "Sample time per wall time (default ${DEFAULT-VALUE}: 24 h in 7.2 min; 0 = as fast as possible).")
        double speed;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            List<DeviceProfile> profiles = new ArrayList<>();
            ProfileLoader loader = new ProfileLoader();
            for (int i = 0; i < devices; i++) {
                profiles.add(loader.builtIn(i % 2 == 0 ? "rollsense-ball" : "rollsense-roller"));
            }
            List<SoakBench.Point> points = new SoakBench(broker, profiles).run(hours, speed, out);
            List<SoakBench.Point> after = points.subList(Math.min(points.size() - 1, Math.max(1, points.size() / 10)), points.size());
            double heapMin = after.stream().mapToDouble(SoakBench.Point::heapMb).min().orElse(0);
            double heapMax = after.stream().mapToDouble(SoakBench.Point::heapMb).max().orElse(0);
            SoakBench.Point first = after.get(0);
            SoakBench.Point last = after.get(after.size() - 1);
            out.printf("after warm-up (from %.1f h): heap after GC %.1f–%.1f MB (spread %.1f MB); RSS %.1f → %.1f MB; threads %d → %d;"
                            + " fds %d → %d%n", first.hours(), heapMin, heapMax, heapMax - heapMin, first.rssMb(), last.rssMb(),
                    first.threads(), last.threads(), first.fds(), last.fds());
            return 0;
        }
    }
}
