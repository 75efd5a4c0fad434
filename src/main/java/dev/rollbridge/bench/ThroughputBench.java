package dev.rollbridge.bench;

import dev.rollbridge.analysis.Analyzer;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.EventSink;
import dev.rollbridge.analysis.SensorRange;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.SampleDecoder;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.simulator.SimulatedRollsense;
import dev.rollbridge.simulator.SimulatedSensor;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameRecorder;
import dev.rollbridge.stream.PlaybackTransport;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Decode + analysis on one thread, samples per second, for one frame type (or a channel profile's
 * fused notifications): the simulated
 * session's real frames (recorded once) through a fresh decoder and analyzer per pass, as the
 * pipeline thread runs them. Also bytes allocated per sample (the JVM's per-thread counter).
 *
 * <p>Samples per second of wall time and per second of the thread's own CPU time ("per core"
 * literally: time the JVM's compiler and GC threads take is not in it). On this project's shared
 * VMs the two agree; the host's noise is in both.
 */
public final class ThroughputBench {

    /**
     * @param medianSamplesPerSecond    of wall time
     * @param medianSamplesPerCpuSecond of the measuring thread's CPU time
     */
    public record Result(String frameType, double medianSamplesPerSecond, List<Double> runs, double medianSamplesPerCpuSecond,
                         List<Double> cpuRuns, double bytesPerSample) {
    }

    private final DeviceProfile profile;

    public ThroughputBench(DeviceProfile profile) {
        this.profile = profile;
    }

    /**
     * The frames of one scripted session at this MTU (the JMH benchmark uses them too); for a
     * channel profile, its notifications at their rates (the MTU does not apply).
     */
    public List<Frame> record(int mtu) throws InterruptedException {
        FrameRecorder recorder = new FrameRecorder();
        SimulatedRollsense.Options options = new SimulatedRollsense.Options("C0:FF:EE:00:00:01", 0, mtu, false, 42);
        PlaybackTransport sim = profile.isFramed()
                ? new SimulatedRollsense(profile, HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa()), options)
                : new SimulatedSensor(profile, HamstringSessionScript.forTool(profile.has(Capability.MOTION),
                profile.thresholds().pressure().ceilingKpa(), profile.thresholds().contact().kpa()), options);
        sim.start(recorder);
        recorder.awaitEnd(5, TimeUnit.MINUTES);
        sim.stop();
        return recorder.frames();
    }

    /** One pass over the session through a fresh decoder and analyzer; returns the samples analysed. */
    public long pass(List<Frame> frames, EventSink events) {
        Analyzer analyzer = new Analyzer(profile.thresholds(), profile.contactRadiusCm(), SensorRange.UNKNOWN, profile.capabilities(),
                Optional.empty(), events);
        SampleDecoder decoder = SampleDecoder.of(profile, FrameDecoder.Listener.of(analyzer::onSample, analyzer::onBattery));
        for (Frame f : frames) {
            decoder.decode(f);
        }
        return decoder.stats().samples();
    }

    public Result run(int mtu, int runs, double secondsPerRun, PrintStream progress) throws InterruptedException {
        List<Frame> frames = record(mtu);
        String type = profile.isFramed() ? profile.frameForMtu(mtu).name() : "fused " + profile.name();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] eventCount = {0};
        EventSink events = e -> eventCount[0]++;
        // Warm-up: let the JIT compile the hot path before anything is measured.
        long warmEnd = System.nanoTime() + (long) (secondsPerRun * 1e9);
        while (System.nanoTime() < warmEnd) {
            pass(frames, events);
        }
        List<Double> rates = new ArrayList<>();
        List<Double> cpuRates = new ArrayList<>();
        double bytesPerSample = 0;
        for (int r = 0; r < runs; r++) {
            long samples = 0;
            long allocated0 = threads.getCurrentThreadAllocatedBytes();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + (long) (secondsPerRun * 1e9);
            while (System.nanoTime() < end) {
                samples += pass(frames, events);
            }
            long elapsed = System.nanoTime() - start;
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
            rates.add(samples / (elapsed / 1e9));
            cpuRates.add(samples / (cpu / 1e9));
            bytesPerSample = (double) allocated / samples;
            progress.printf("  %s run %d/%d: %.2f M samples/s, %.2f M per CPU second, %.0f bytes allocated per sample%n", type,
                    r + 1, runs, rates.get(r) / 1e6, cpuRates.get(r) / 1e6, bytesPerSample);
        }
        return new Result(type, Stats.median(rates), rates, Stats.median(cpuRates), cpuRates, bytesPerSample);
    }
}
