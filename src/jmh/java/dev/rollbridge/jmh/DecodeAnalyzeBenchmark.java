package dev.rollbridge.jmh;

import dev.rollbridge.bench.ThroughputBench;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.profile.ProfileLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;

/**
 * Decode + analysis of the simulated session's real frames on one thread (the pipeline thread's
 * work), the same pass as {@code rollbridge bench throughput}. Scores are samples per second
 * (about: the session has ~30,000 samples, the operations per invocation). Run with
 * {@code -prof gc} for the allocation per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class DecodeAnalyzeBenchmark {
    /** Samples in the scripted session (about 5 minutes at 100 Hz). */
    static final int SESSION_SAMPLES = 30_000;

    @Param({"23", "185"})
    int mtu;

    private ThroughputBench bench;
    private List<Frame> frames;

    @Setup(Level.Trial)
    public void record() throws InterruptedException {
        bench = new ThroughputBench(new ProfileLoader().builtIn("rollsense-ball"));
        frames = bench.record(mtu);
    }

    @Benchmark
    @OperationsPerInvocation(SESSION_SAMPLES)
    public long session(Blackhole events) {
        return bench.pass(frames, events::consume);
    }
}
