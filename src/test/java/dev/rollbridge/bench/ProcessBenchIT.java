package dev.rollbridge.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProcessBenchIT {

    @Test
    void threadsNamedAlikeCountTogether() {
        assertThat(ProcessBench.group("pipeline-C0:FF:EE:00:01:01")).isEqualTo("pipeline");
        assertThat(ProcessBench.group("simulator-C0:FF")).isEqualTo(ProcessBench.SIMULATOR_GROUP);
        assertThat(ProcessBench.group("MQTT Snd: rollbridge-1")).isEqualTo("MQTT Snd");
        assertThat(ProcessBench.group("GC Thread#0")).isEqualTo("GC Thread");
        assertThat(ProcessBench.group("C1 CompilerThre")).isEqualTo("JIT compiler");
        assertThat(ProcessBench.group("mqtt-outbox-fsy")).isEqualTo("mqtt");
        assertThat(ProcessBench.group("VM Thread")).isEqualTo("VM Thread");
    }

    @Test
    void groupsAreTheTicksUsedBetweenSnapshotsLargestFirst() {
        Map<String, Long> before = Map.of("10 pipeline-a", 100L, "11 pipeline-b", 50L, "12 mqtt-state", 7L, "13 gone-thread", 9L);
        Map<String, Long> after = Map.of("10 pipeline-a", 104L, "11 pipeline-b", 52L, "12 mqtt-state", 17L, "14 simulator-x", 3L);

        Map<String, Double> groups = ProcessBench.byGroup(before, after, 0.5);

        assertThat(groups.keySet()).containsExactly("mqtt", "pipeline", "simulator");
        assertThat(groups.get("mqtt")).isCloseTo(5.0, within(1e-9));
        assertThat(groups.get("pipeline")).isCloseTo(3.0, within(1e-9));
        assertThat(groups.get("simulator")).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void theServiceArchiveLeavesOutTheEmbeddedBrokersClasses() {
        List<String> loaded = List.of(
                "# NOTE: Do not modify this file.",
                "java/lang/Object id: 0",
                "io/netty/channel/nio/NioEventLoop id: 1",
                "io/moquette/broker/Server id: 2",
                "dev/rollbridge/cli/Main id: 3",
                "@lambda-proxy io/netty/util/internal/ObjectCleaner run ()Ljava/lang/Runnable;",
                "@lambda-proxy dev/rollbridge/Bridge run ()Ljava/lang/Runnable;");

        assertThat(ProcessBench.serviceClassList(loaded)).containsExactly(
                "# NOTE: Do not modify this file.",
                "java/lang/Object id: 0",
                "dev/rollbridge/cli/Main id: 3",
                "@lambda-proxy dev/rollbridge/Bridge run ()Ljava/lang/Runnable;");
    }

    @Test
    void readsTheLiveThreadsOfARealProcess() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        Thread probe = new Thread(() -> {
            running.countDown(); // the JVM names the native thread before run() starts
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "probe-thread-1");
        probe.start();
        running.await();
        try {
            Map<String, Long> ticks = ProcessBench.threadTicks(ProcessHandle.current().pid());
            assertThat(ticks.keySet()).anyMatch(k -> k.endsWith(" probe-thread-1"));
            assertThat(ticks.values()).allMatch(t -> t >= 0);
        } finally {
            stop.countDown();
            probe.join();
        }
    }
}
