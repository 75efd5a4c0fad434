package dev.rollbridge.cli;

import dev.rollbridge.bench.ProcessBench;
import dev.rollbridge.testing.ConsoleCapture;
import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench commands work and report what docs/performance.md quotes. Nothing here judges speed:
 * that is for the benchmarks themselves, on an idle machine.
 */
class BenchCommandIT extends WithMosquitto {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void throughputReportsBothFrameTypesAndTheAllocationPerSample() {
        assertThat(Main.execute("bench", "throughput", "--runs", "1", "--seconds", "0.2")).isZero();
        assertThat(console.stdout()).containsPattern("single frames: median [0-9.]+ M samples/s .*, [0-9]+ bytes allocated per sample")
                .containsPattern("batch frames: median [0-9.]+ M samples/s");
    }

    @Test
    void latencyMeasuresAlertsThroughARealBrokerAndTheBrokersFloor() {
        assertThat(Main.execute("bench", "latency", "--broker", broker.url(), "--seconds", "2", "--devices", "2")).isZero();
        String out = console.stdout();
        Matcher events = Pattern.compile("alert latency, ([0-9]+) events: p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms").matcher(out);
        assertThat(events.find()).as(out).isTrue();
        // Two devices raise and clear pressure_too_high about three times a second each.
        assertThat(Integer.parseInt(events.group(1))).isGreaterThan(5);
        assertThat(out).containsPattern("broker floor \\(bare Paho, TCP_NODELAY, QoS 1\\): p50 [0-9.]+ ms")
                .containsPattern("ratio at p50: [0-9.]+ x the floor");
    }

    @Test
    void theDaemonBenchStartsTheJvmExactlyAsTheSystemdUnitDoes() throws Exception {
        String unit = Files.readString(Path.of("scripts/rollbridge.service"));
        Matcher exec = Pattern.compile("ExecStart=/usr/bin/java ((?:-\\S+\\s+(?:\\\\\\s+)?)+)-jar").matcher(unit);
        assertThat(exec.find()).as(unit).isTrue();
        List<String> flags = Arrays.stream(exec.group(1).replace("\\", " ").trim().split("\\s+"))
                .filter(f -> !f.startsWith("-XX:SharedArchiveFile") && !f.startsWith("-Xshare")).toList();
        assertThat(flags).isEqualTo(ProcessBench.UNIT_FLAGS);
        ProcessBench.UNIT_ENV.forEach((name, value) ->
                assertThat(unit).contains("Environment=" + name + "=" + value));
    }

    @Test
    void thePackageMakesItsArchiveWithTheUnitsFlags() throws Exception {
        String script = Files.readString(Path.of("scripts/debian/make-cds-archive"));
        Matcher flags = Pattern.compile("service_flags=\"([^\"]*)\"").matcher(script);
        assertThat(flags.find()).as("service_flags=\"...\" in scripts/debian/make-cds-archive").isTrue();
        assertThat(List.of(flags.group(1).trim().split("\\s+"))).isEqualTo(ProcessBench.UNIT_FLAGS);
    }

    @Test
    void startUpIsMeasuredWithTheUnitsFlagsPlusTheOnesToTry() {
        assertThat(Main.execute("bench", "startup", "--broker", broker.url(), "--runs", "1",
                "--jvm-option=-XX:MaxHeapFreeRatio=70", "--jvm-option", "-Dprobe=1")).isZero();
        assertThat(console.stdout()).containsPattern("start-up to online: median [0-9.]+ s")
                .contains(String.join(" ", ProcessBench.UNIT_FLAGS) + " -XX:MaxHeapFreeRatio=70 -Dprobe=1)");
    }

    @Test
    void aFlagTheJvmRefusesEndsTheStartUpBenchAtOnceNamingIt() {
        long start = System.nanoTime();
        assertThat(Main.execute("bench", "startup", "--broker", broker.url(), "--runs", "1", "--jvm-option=-XX:NoSuchFlag")).isNotZero();
        assertThat(console.stderr()).contains("before it went online").contains("-XX:NoSuchFlag");
        assertThat(System.nanoTime() - start).as("well before the 60 s timeout").isLessThan(30_000_000_000L);
    }

    @Test
    void everyBenchPrintsItsHelpWithoutPicocliWarnings() {
        for (String bench : List.of("throughput", "latency", "daemon", "startup", "soak")) {
            assertThat(Main.execute("bench", bench, "--help")).as(bench).isZero();
        }
        // A stray '%' in a description makes picocli warn on stderr instead of formatting it.
        assertThat(console.stderr()).doesNotContain("WARN");
        assertThat(console.stdout()).contains("CPU (% of one core)");
    }
}
