package dev.rollbridge.simulator;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.PlaybackTransport;
import dev.rollbridge.stream.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A simulated RollSense ball or roller. It plays a {@link HamstringSessionScript} and sends what
 * the real device would: DATA frames encoded byte for byte by the profile (type 1 batches or type
 * 2 single samples), battery notifications, a device clock and sample counter that do not start at
 * zero (so wraps happen early), sensor noise, and now and then a lost frame.
 *
 * <p>Physics: the tool rolls at {@code ω = v / r} about the horizontal axis across the muscle
 * (strokes along it) or along the muscle (cross-fibre strokes); its orientation is integrated, so
 * the accelerometer sees gravity turn as it would, and a little twist about the contact normal is
 * added (which the speed estimate must ignore). {@code speed} scales sample time to wall time: 1 is real time, 10 ten times
 * faster, 0 as fast as the pipeline takes frames.
 */
public final class SimulatedRollsense extends PlaybackTransport {
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
    private final Options options;
    private final FrameEncoder encoder;
    private final FrameLayout layout;

    public SimulatedRollsense(DeviceProfile profile, HamstringSessionScript script, Options options) {
        if (options.speed() < 0) {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or positive, not " + options.speed());
        }
        this.profile = profile;
        this.script = script;
        this.options = options;
        this.encoder = new FrameEncoder(profile);
        this.layout = profile.frameForMtu(options.mtu());
    }

    @Override
    public String deviceAddress() {
        return options.address();
    }

    @Override
    public String kind() {
        return "simulator";
    }

    @Override
    protected void play(FrameSink sink) throws InterruptedException {
        Random rnd = new Random(options.seed());
        long period = profile.periodMicros();
        // A device that has been on for a while: seq near its wrap, clock well past zero.
        long seq = options.justBooted() ? 0 : 65_000;
        long deviceClockMicros = options.justBooted() ? 0 : 12_345_000;
        // World directions seen from the sensor: gravity (the contact normal) and the axis a stroke
        // along the muscle turns about. Both turn against the sensor's rotation.
        double[] normal = {0, 0, 1};
        double[] axis = {1, 0, 0};
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
                    double pressure = segment.pressureKpa().applyAsDouble(local);
                    double along = pressure > 0 ? segment.velocityCmS().applyAsDouble(local) : 0;
                    double across = pressure > 0 ? segment.crossVelocityCmS().applyAsDouble(local) : 0;
                    double twist = pressure > 0 && (along != 0 || across != 0) ? Math.toRadians(4 * Math.sin(local * 1.3)) : 0;
                    double[] cross = cross(normal, axis);
                    double[] w = new double[3];
                    for (int k = 0; k < 3; k++) {
                        w[k] = along / profile.contactRadiusCm() * axis[k] + across / profile.contactRadiusCm() * cross[k]
                                + twist * normal[k];
                    }
                    turn(normal, w, period / 1e6);
                    turn(axis, w, period / 1e6);
                    double loaded = pressure > 0 ? Math.max(0, pressure + rnd.nextGaussian() * 0.004 * pressure + rnd.nextGaussian() * 0.3)
                            : Math.abs(rnd.nextGaussian() * 0.3);
                    batch.add(new Sample(0, 0, loaded,
                            Math.toDegrees(w[0]) + rnd.nextGaussian() * 0.3,
                            Math.toDegrees(w[1]) + rnd.nextGaussian() * 0.3,
                            Math.toDegrees(w[2]) + rnd.nextGaussian() * 0.3,
                            normal[0] + rnd.nextGaussian() * 0.01, normal[1] + rnd.nextGaussian() * 0.01,
                            normal[2] + rnd.nextGaussian() * 0.01));
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
                        pace(startNanos, simMicros);
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

    private static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** A world-fixed direction seen from a sensor turning at {@code w} (rad/s) for {@code dt} s: v -= (w × v) dt. */
    private static void turn(double[] v, double[] w, double dt) {
        double[] c = cross(w, v);
        double n = 0;
        for (int k = 0; k < 3; k++) {
            v[k] -= c[k] * dt;
            n += v[k] * v[k];
        }
        n = Math.sqrt(n);
        for (int k = 0; k < 3; k++) {
            v[k] /= n;
        }
    }

    private void deliver(FrameSink sink, byte[] bytes, UUID characteristic, long simMicros)
            throws InterruptedException {
        sink.put(new Frame(options.address(), characteristic, bytes, simMicros));
    }

    private void pace(long startNanos, long simMicros) throws InterruptedException {
        if (options.speed() == 0) {
            return;
        }
        long dueNanos = startNanos + (long) (simMicros * 1000 / options.speed());
        long wait = dueNanos - System.nanoTime();
        if (wait > 2_000_000) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
