package dev.rollbridge.jmh;

import dev.rollbridge.analysis.Analyzer;
import dev.rollbridge.ble.Frame;
import dev.rollbridge.ble.FrameSink;
import dev.rollbridge.ble.HamstringSessionScript;
import dev.rollbridge.ble.SimulatedRollsense;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.profile.Sample;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Decode + analysis of the simulated session's real frames, one thread: the pipeline thread's
 * work. Scores are sessions per second; multiply by {@code SESSION_SAMPLES} (reported as the
 * operations per invocation) for samples per second. Run with {@code -prof gc} for allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class DecodeAnalyzeBenchmark {
    /** Samples in the scripted session (about 5 minutes at 100 Hz). */
    static final int SESSION_SAMPLES = 30_000;

    @Param({"23", "185"})
    int mtu;

    private DeviceProfile profile;
    private List<Frame> frames;

    @Setup(Level.Trial)
    public void record() throws InterruptedException {
        profile = new ProfileLoader().builtIn("rollsense-ball");
        frames = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        SimulatedRollsense sim = new SimulatedRollsense(profile, HamstringSessionScript.standard(profile.thresholds().pressureCeilingKpa()),
                new SimulatedRollsense.Options("C0:FF:EE:00:00:01", 0, mtu, false, 42));
        sim.start(new FrameSink() {
            @Override
            public boolean offer(Frame frame) {
                frames.add(frame);
                return true;
            }

            @Override
            public void put(Frame frame) {
                frames.add(frame);
            }

            @Override
            public void linkChanged(boolean up) {
            }

            @Override
            public void endOfStream() {
                done.countDown();
            }
        });
        done.await();
        sim.stop();
    }

    @Benchmark
    @OperationsPerInvocation(SESSION_SAMPLES)
    public void session(Blackhole events) {
        Analyzer analyzer = new Analyzer(profile.thresholds(), profile.contactRadiusCm(), events::consume);
        FrameDecoder decoder = new FrameDecoder(profile, new FrameDecoder.Listener() {
            @Override
            public void onSample(Sample sample) {
                analyzer.onSample(sample);
            }

            @Override
            public void onBattery(long tMillis, int percent) {
                analyzer.onBattery(percent);
            }

            @Override
            public void onMalformed(Frame frame, String reason) {
            }
        });
        for (Frame f : frames) {
            decoder.decode(f);
        }
        events.consume(analyzer.state());
    }
}
