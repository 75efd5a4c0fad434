package dev.rollbridge.simulator;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A simulated RollSense ball or roller. It plays a {@link HamstringSessionScript} and sends what
 * the real device would: DATA frames encoded byte for byte by the profile (type 1 batches or type
 * 2 single samples), battery notifications, a device clock and sample counter that do not start at
 * zero (so wraps happen early), sensor noise, and now and then a lost frame.
 *
 * <p>Physics: {@link ToolPhysics}. {@code speed} scales sample time to wall time: 1 is real time, 10 ten times
 * faster, 0 as fast as the pipeline takes frames.
 */
public final class SimulatedRollsense extends SimulatedDevice {
    private static final Logger log = LoggerFactory.getLogger(SimulatedRollsense.class);
    private static final double LOST_FRAME_PROBABILITY = 1.0 / 1500;

    /**
     * How the simulation runs.
     *
     * @param lossy      now and then a frame is not sent (1 in 1,500), as over a real radio
     * @param justBooted its counter and clock start at zero (a device just switched on); otherwise
     *                   they start as on a device that has been on a while, near their wrap
     */
    public record Options(String address, double speed, int mtu, boolean loop, long seed, boolean lossy, boolean justBooted) {
        public Options(String address, double speed, int mtu, boolean loop, long seed) {
            this(address, speed, mtu, loop, seed, true, false);
        }

        public static Options defaults() {
            return new Options("C0:FF:EE:00:00:01", 1.0, 23, true, 42);
        }
    }

    private final DeviceProfile profile;
    private final HamstringSessionScript script;
    private final FrameEncoder encoder;
    private final FrameLayout layout;

    public SimulatedRollsense(DeviceProfile profile, HamstringSessionScript script, Options options) {
        super(options);
        this.profile = profile;
        this.script = script;
        this.encoder = new FrameEncoder(profile);
        this.layout = profile.frameForMtu(options.mtu());
    }

    @Override
    protected void play(FrameSink sink) throws InterruptedException {
        Random rnd = new Random(options.seed());
        long period = profile.periodMicros();
        // A device that has been on for a while: seq near its wrap, clock well past zero.
        long seq = options.justBooted() ? 0 : 65_000;
        long deviceClockMicros = options.justBooted() ? 0 : 12_345_000;
        ToolPhysics physics = new ToolPhysics(profile.contactRadiusCm(), 0.3, rnd);
        int battery = 87;
        long nextBatteryMicros = 0;
        long startNanos = System.nanoTime();
        long simMicros = 0;
        sink.linkChanged(true);
        do {
            for (HamstringSessionScript.Segment segment : script.segments()) {
                long samples = segment.durationMs() * 1000 / period;
                List<Sample> batch = new ArrayList<>(layout.maxSamples());
                long batchSeq = seq;
                long batchClock = deviceClockMicros;
                for (long i = 0; i < samples && running(); i++) {
                    double local = i * period / 1e6;
                    batch.add(physics.step(segment, local, period / 1e6));
                    seq++;
                    deviceClockMicros += period;
                    simMicros += period;
                    if (batch.size() == layout.maxSamples() || i == samples - 1) {
                        if (rnd.nextDouble() >= LOST_FRAME_PROBABILITY || !options.lossy()) {
                            deliver(sink, encoder.encode(layout, batchSeq, batchClock, batch), profile.data().uuid(), simMicros);
                        }
                        batch.clear();
                        batchSeq = seq;
                        batchClock = deviceClockMicros;
                        pace(startNanos, simMicros, options.speed());
                    }
                    if (simMicros >= nextBatteryMicros && profile.battery().isPresent()) {
                        deliver(sink, encoder.encodeBattery(battery), profile.battery().get().uuid(), simMicros);
                        battery = Math.max(5, battery - 1);
                        nextBatteryMicros += 60_000_000L;
                    }
                }
            }
        } while (options.loop() && running());
        if (running()) {
            sink.endOfStream();
        }
        log.debug("simulator {} stopped", options.address());
    }

    private void deliver(FrameSink sink, byte[] bytes, UUID characteristic, long simMicros)
            throws InterruptedException {
        sink.put(new Frame(options.address(), characteristic, bytes, simMicros));
    }
}
