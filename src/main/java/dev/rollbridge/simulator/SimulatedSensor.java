package dev.rollbridge.simulator;

import dev.rollbridge.profile.ChannelEncoder;
import dev.rollbridge.profile.ChannelLayout;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.Notification;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated sensor of a channel profile (Thingy:52, Oriori ball, Nano 33 BLE Sense, an ESS
 * sensor): it plays a {@link HamstringSessionScript} through {@link ToolPhysics} and sends each of
 * the profile's notifications at its own rate and phase, encoded byte for byte (or as text) by the
 * profile. What a real radio does to them is there too: they arrive in bursts, one per 15 ms
 * connection event, so receive times are not send times; now and then one is lost. A barometer
 * inside a ball reads the air pressure (101.3 kPa, drifting slowly as the weather and the ball's
 * warmth would) plus the load's rise.
 */
public final class SimulatedSensor extends SimulatedDevice {
    private static final Logger log = LoggerFactory.getLogger(SimulatedSensor.class);
    private static final double LOST_PROBABILITY = 1.0 / 1500;
    static final long CONNECTION_INTERVAL_MICROS = 15_000;
    private static final double AMBIENT_KPA = 101.325;
    /** Air pressure drift: weather and a ball warming in the hand, 0.02 kPa a minute. */
    private static final double DRIFT_KPA_PER_S = 0.02 / 60;

    private final DeviceProfile profile;
    private final ChannelLayout layout;
    private final HamstringSessionScript script;
    private final double loadNoiseKpa;

    private final Map<String, Double> ratesHz;

    /** @param options address, speed, loop, seed and loss as for RollSense (the MTU and boot state do not apply) */
    public SimulatedSensor(DeviceProfile profile, HamstringSessionScript script, SimulatedRollsense.Options options) {
        this(profile, script, options, Map.of());
    }

    /**
     * @param ratesHz the rate of each notification (by name) where the device does not run at the
     *                profile's (a Thingy:52 before its configuration is written: 0.5 Hz pressure, 10 Hz motion)
     */
    public SimulatedSensor(DeviceProfile profile, HamstringSessionScript script, SimulatedRollsense.Options options,
                           Map<String, Double> ratesHz) {
        super(options);
        this.profile = profile;
        this.layout = profile.channels().orElseThrow(() -> new IllegalArgumentException(
                "profile " + profile.name() + " sends frames: simulate it with SimulatedRollsense"));
        for (Notification n : layout.notifications()) {
            if (n.text().isPresent() && n.textFormat().isEmpty()) {
                throw new IllegalArgumentException("profile " + profile.name() + ": notification " + n.name()
                        + " is text with no format, so it cannot be simulated");
            }
        }
        this.script = script;
        double ceiling = HamstringSessionScript.simulatedCeiling(profile.thresholds().pressure().ceilingKpa(),
                profile.thresholds().contact().kpa());
        this.loadNoiseKpa = ceiling * 0.0015;
        this.ratesHz = Map.copyOf(ratesHz);
    }

    private long periodMicros(Notification n) {
        Double hz = ratesHz.get(n.name());
        return hz == null ? n.periodMicros() : Math.round(1_000_000 / hz);
    }

    @Override
    protected void play(FrameSink sink) throws InterruptedException {
        Random rnd = new Random(options.seed());
        List<Notification> notifications = layout.notifications();
        long tick = Math.max(1, notifications.stream().mapToLong(this::periodMicros).min().orElse(10_000));
        ToolPhysics physics = new ToolPhysics(profile.contactRadiusCm(), loadNoiseKpa, rnd);
        ChannelEncoder encoder = new ChannelEncoder();
        long[] due = new long[notifications.size()];
        for (int k = 0; k < due.length; k++) {
            // Each characteristic runs on its own timer, started at its own moment.
            due[k] = (long) (rnd.nextDouble() * periodMicros(notifications.get(k)));
        }
        boolean baseline = layout.pressureBaseline().isPresent();
        int battery = 87;
        long nextBatteryMicros = 0;
        long lastReceived = 0;
        long startNanos = System.nanoTime();
        long simMicros = 0;
        long pacedAt = 0;
        sink.linkChanged(true);
        do {
            for (HamstringSessionScript.Segment segment : script.segments()) {
                long steps = segment.durationMs() * 1000 / tick;
                for (long i = 0; i < steps && running(); i++) {
                    Sample s = physics.step(segment, i * tick / 1e6, tick / 1e6);
                    simMicros += tick;
                    double reading = baseline ? AMBIENT_KPA + DRIFT_KPA_PER_S * simMicros / 1e6 + s.pressureKpa() : s.pressureKpa();
                    int level = battery;
                    for (int k = 0; k < due.length; k++) {
                        if (due[k] > simMicros) {
                            continue;
                        }
                        Notification n = notifications.get(k);
                        long sent = due[k];
                        due[k] += periodMicros(n);
                        if (options.lossy() && rnd.nextDouble() < LOST_PROBABILITY) {
                            continue;
                        }
                        byte[] bytes = encoder.encode(n, channel -> value(channel, s, reading, level));
                        // Delivered at the next connection event, a little later on a busy host.
                        long received = Math.max(lastReceived, (sent / CONNECTION_INTERVAL_MICROS + 1) * CONNECTION_INTERVAL_MICROS
                                + (long) (rnd.nextDouble() * 2_000));
                        lastReceived = received;
                        sink.put(new Frame(options.address(), n.characteristic().uuid(), bytes, received));
                    }
                    if (simMicros >= nextBatteryMicros) {
                        if (profile.battery().isPresent()) {
                            sink.put(new Frame(options.address(), profile.battery().get().uuid(),
                                    ChannelEncoder.battery(profile.batteryLevel(), battery), Math.max(lastReceived, simMicros)));
                            lastReceived = Math.max(lastReceived, simMicros);
                        }
                        battery = Math.max(5, battery - 1);
                        nextBatteryMicros += 60_000_000L;
                    }
                    if (simMicros - pacedAt >= 10_000) {
                        pacedAt = simMicros;
                        pace(startNanos, simMicros, options.speed());
                    }
                }
            }
        } while (options.loop() && running());
        if (running()) {
            sink.endOfStream();
        }
        log.debug("simulator {} stopped", options.address());
    }

    private static double value(String channel, Sample s, double pressureReading, int battery) {
        return switch (channel) {
            case "pressure" -> pressureReading;
            case "gyro_x" -> s.gxDps();
            case "gyro_y" -> s.gyDps();
            case "gyro_z" -> s.gzDps();
            case "accel_x" -> s.axG();
            case "accel_y" -> s.ayG();
            case "accel_z" -> s.azG();
            case "battery" -> battery;
            default -> throw new IllegalArgumentException("unknown channel " + channel);
        };
    }
}
