package dev.rollbridge.bench;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.simulator.SimulatedRollsense;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many hours of sample time through the whole bridge (simulated devices at full speed, history,
 * outbox journal, a real broker) in this JVM, sampling heap after GC, RSS, threads and open file
 * descriptors every simulated hour: what months on a Pi would show as creeping growth.
 */
public final class SoakBench {

    public record Point(double hours, double heapMb, double rssMb, int threads, int fds) {
    }

    private final String brokerUrl;
    private final List<DeviceProfile> profiles;

    public SoakBench(String brokerUrl, List<DeviceProfile> profiles) {
        this.brokerUrl = brokerUrl;
        this.profiles = List.copyOf(profiles);
    }

    /** @param speed sample time per wall time (0: as fast as possible, which builds an MQTT backlog) */
    public List<Point> run(double hours, double speed, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("rollbridge-soak-");
        String base = "soak" + Long.toHexString(System.nanoTime() & 0xFFFFF);
        Topics topics = new Topics(base);
        List<Bridge.Device> devices = new ArrayList<>();
        for (int i = 0; i < profiles.size(); i++) {
            DeviceProfile p = profiles.get(i);
            String address = String.format("C0:FF:EE:00:02:%02X", i + 1);
            devices.add(new Bridge.Device(p.deviceIdFor(address), p, p.thresholds(),
                    new SimulatedRollsense(p, HamstringSessionScript.standard(p.thresholds().pressure().ceilingKpa()),
                            new SimulatedRollsense.Options(address, speed, 23, true, 42 + i))));
        }
        AtomicLong sampleMillis = new AtomicLong();
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(brokerUrl, "soak-" + System.nanoTime(), base), topics, devices)
                .withStorage(new DaemonOptions.Storage(dir, "soak", true, true, false))
                .withExtensions(new Extension() {
                    @Override
                    public String name() {
                        return "soak-progress";
                    }

                    @Override
                    public void onState(String deviceId, DeviceState state) {
                        sampleMillis.accumulateAndGet(state.tMillis(), Math::min);
                    }
                });
        // Progress is the slowest device's sample time: start it high, then every device lowers it.
        RollbridgeDaemon daemon = RollbridgeDaemon.start(options);
        List<Point> points = new ArrayList<>();
        long targetMillis = (long) (hours * 3_600_000);
        long nextHour = 0;
        long startNanos = System.nanoTime();
        while (true) {
            sampleMillis.set(Long.MAX_VALUE);
            Thread.sleep(200);
            long now = sampleMillis.get();
            if (now == Long.MAX_VALUE) {
                continue;
            }
            if (now >= nextHour) {
                System.gc();
                Thread.sleep(50);
                Point p = new Point(now / 3_600_000.0,
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0,
                        ProcessBench.rssKb(ProcessHandle.current().pid()) / 1024.0,
                        ManagementFactory.getThreadMXBean().getThreadCount(), openFds());
                points.add(p);
                progress.printf("  %5.1f h of sample time (%4.0f s wall): heap %.1f MB, RSS %.1f MB, %d threads, %d fds%n",
                        p.hours(), (System.nanoTime() - startNanos) / 1e9, p.heapMb(), p.rssMb(), p.threads(), p.fds());
                nextHour += 3_600_000;
            }
            if (now >= targetMillis) {
                break;
            }
        }
        daemon.stop(Duration.ofSeconds(3));
        return points;
    }

    private static int openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }
}
