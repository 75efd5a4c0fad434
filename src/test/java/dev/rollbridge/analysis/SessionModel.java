package dev.rollbridge.analysis;

import dev.rollbridge.stream.Sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Realistic sessions with their ground truth, from three parts a reader can see:
 * <ul>
 * <li>the <b>person</b> ({@link Act}s): resting the tool, holds with breathing, small weight
 * shifts and optionally a tremor, strokes along the muscle with a human speed profile and a twist
 * about the contact point, cross-fibre friction, lifting;</li>
 * <li>the <b>tool and sensor</b> ({@link Tool}): radius, the gyro's axes at any angle to the rolling
 * axis (the orientation is integrated as the tool turns), gyro offset and its drift, noise,
 * pressure offset and noise, quantisation, single-sample glitches;</li>
 * <li>the <b>link</b> ({@link Link}): sample rate, samples per frame, bursts of lost frames.</li>
 * </ul>
 * Ground truth is what the person did ({@link Truth}), never what the program makes of it.
 */
final class SessionModel {

    /** What the person does, in order. */
    sealed interface Act permits Rest, Hold, Roll, Friction, Swivel {
        long ms();
    }

    /** The tool lies unloaded and still. */
    record Rest(long ms) implements Act {
    }

    /**
     * Static pressure on one spot: breathing ({@code breathFraction} of the pressure) and the tool
     * still; optionally a reflexive tightening: a tremor of {@code tremorFraction} of the pressure
     * at {@code tremorHz}, from {@code tremorAtMs} into the hold for {@code tremorMs}.
     */
    record Hold(long ms, double kpa, double breathFraction, long tremorAtMs, long tremorMs, double tremorHz, double tremorFraction)
            implements Act {
        Hold(long ms, double kpa, double breathFraction) {
            this(ms, kpa, breathFraction, -1, 0, 0, 0);
        }
    }

    /** Strokes along the muscle: each {@code strokeCm} long, peak speed {@code peakCmS} (its sign: which way first), there and back. */
    record Roll(long ms, double kpa, double peakCmS, double strokeCm) implements Act {
    }

    /** The tool turned in place about its contact point by {@code degrees}, under load: the spot does not move. */
    record Swivel(long ms, double kpa, double degrees) implements Act {
    }

    /** Short strokes across the fibres on one spot, {@code hz} back-and-forth cycles a second. */
    record Friction(long ms, double kpa, double strokeCm, double hz) implements Act {
    }

    /**
     * The tool and its sensor.
     *
     * @param normal       gravity (the contact normal) in the sensor's frame at the start, any direction
     * @param angleDeg     the rolling axis's angle about the normal, from an arbitrary reference
     * @param biasDps      the gyro's zero-rate offset per axis
     * @param driftDpsPerMin how fast each axis's offset wanders (temperature)
     */
    record Tool(double radiusCm, double[] normal, double angleDeg, double[] biasDps, double[] driftDpsPerMin,
                double gyroNoiseDps, double pressureOffsetKpa, double pressureNoiseKpa, double pressureStepKpa,
                double glitchesPerMinute) {
        static Tool clean(double radiusCm) {
            return new Tool(radiusCm, new double[]{0, 0, 1}, 0, new double[3], new double[3], 0.3, 0, 0.2, 0, 0);
        }

        Tool withBias(double x, double y, double z) {
            return new Tool(radiusCm, normal, angleDeg, new double[]{x, y, z}, driftDpsPerMin, gyroNoiseDps, pressureOffsetKpa,
                    pressureNoiseKpa, pressureStepKpa, glitchesPerMinute);
        }

        Tool withDrift(double x, double y, double z) {
            return new Tool(radiusCm, normal, angleDeg, biasDps, new double[]{x, y, z}, gyroNoiseDps, pressureOffsetKpa,
                    pressureNoiseKpa, pressureStepKpa, glitchesPerMinute);
        }

        Tool oriented(double[] normal, double angleDeg) {
            return new Tool(radiusCm, normal, angleDeg, biasDps, driftDpsPerMin, gyroNoiseDps, pressureOffsetKpa, pressureNoiseKpa,
                    pressureStepKpa, glitchesPerMinute);
        }
    }

    /** The radio: sample period, samples per frame, and bursts of lost frames (Gilbert–Elliott). */
    record Link(long periodMs, int samplesPerFrame, double enterBurst, double leaveBurst) {
        static Link clean(long periodMs) {
            return new Link(periodMs, 1, 0, 1);
        }
    }

    /** One stretch of what the person did, in true sample time. */
    record Span(Act act, long fromMs, long toMs) {
    }

    /**
     * What really happened, and the samples the bridge receives. The true signals are kept at every
     * sample step (lost ones too): {@code trueKpa} the pressure without noise, offset or glitches,
     * {@code trueSpeedCmS} the contact point's speed, {@code inFriction} whether the person was
     * doing cross-fibre friction, {@code lost} whether the sample was lost on the link.
     */
    record Truth(List<Span> spans, List<Sample> samples, int samplesLost, long periodMs, double[] trueKpa, double[] trueSpeedCmS,
                 boolean[] inFriction, boolean[] lost) {
        List<Span> of(Class<? extends Act> kind) {
            return spans.stream().filter(s -> kind.isInstance(s.act())).toList();
        }

        /** The sample times at which a tremor began. */
        java.util.Set<Long> tremorStarts() {
            java.util.Set<Long> out = new java.util.HashSet<>();
            for (Span s : spans) {
                if (s.act() instanceof Hold h && h.tremorAtMs() >= 0) {
                    out.add(s.fromMs() + (h.tremorAtMs() + periodMs - 1) / periodMs * periodMs);
                }
            }
            return out;
        }
    }

    private static final double PRESSURE_TIME_CONSTANT_S = 0.25;
    /** The twist: ±4 degrees about the normal at 1.3 rad/s, as the simulator's ball. */
    private static final double TWIST_PEAK_DPS = 4 * 1.3;
    private static final double TWIST_RAD_S = 1.3;

    private SessionModel() {
    }

    static Truth generate(List<Act> acts, Tool tool, Link link, long seed) {
        Random rnd = new Random(seed);
        double[] n = unit(tool.normal());
        // The rolling axis: perpendicular to the normal, at angleDeg about it; the cross axis completes the frame.
        double[] ref = Math.abs(n[0]) < 0.9 ? new double[]{1, 0, 0} : new double[]{0, 1, 0};
        double[] u = unit(cross(n, ref));
        double[] v = cross(n, u);
        double angle = Math.toRadians(tool.angleDeg());
        double[] axis = unit(add(scale(u, Math.cos(angle)), scale(v, Math.sin(angle))));
        List<Span> spans = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        long t = 0;
        long seq = 0;
        int lost = 0;
        long totalMs = acts.stream().mapToLong(Act::ms).sum();
        int steps = (int) ((totalMs + acts.size() * link.periodMs()) / link.periodMs()) + 1;
        double[] trueKpa = new double[steps];
        double[] trueSpeed = new double[steps];
        boolean[] inFriction = new boolean[steps];
        boolean[] lostAt = new boolean[steps];
        int step = 0;
        double pressed = 0;
        boolean inBurst = false;
        int inFrame = 0;
        boolean frameLost = false;
        double dt = link.periodMs() / 1000.0;
        for (Act act : acts) {
            long from = t;
            long end = t + act.ms();
            double breathPeriod = 3.5 + rnd.nextDouble() * 2;
            double shift = (rnd.nextDouble() - 0.5) * 0.1;
            for (; t < end; t += link.periodMs()) {
                double local = (t - from) / 1000.0;
                double kpa = 0;
                double tremor = 0;
                double along = 0;
                double across = 0;
                if (act instanceof Hold h) {
                    long into = t - from;
                    if (h.tremorAtMs() >= 0 && into >= h.tremorAtMs() && into < h.tremorAtMs() + h.tremorMs()) {
                        tremor = h.kpa() * h.tremorFraction() * Math.sin(2 * Math.PI * h.tremorHz() * (into - h.tremorAtMs()) / 1000.0);
                    }
                    kpa = h.kpa() * (1 + h.breathFraction() * Math.sin(2 * Math.PI * local / breathPeriod) + shift * local / (h.ms() / 1000.0));
                } else if (act instanceof Roll r) {
                    kpa = r.kpa() * (1 + 0.05 * Math.sin(2 * Math.PI * local / breathPeriod));
                    // Strokes of strokeCm with a sine speed profile: each direction takes pi * strokeCm / (2 * peak).
                    double half = Math.PI * r.strokeCm() / (2 * Math.abs(r.peakCmS()));
                    along = r.peakCmS() * Math.sin(Math.PI * local / half);
                } else if (act instanceof Swivel sw) {
                    kpa = sw.kpa();
                } else if (act instanceof Friction f) {
                    kpa = f.kpa() * (1 + 0.05 * Math.sin(2 * Math.PI * local / breathPeriod));
                    // Displacement (strokeCm/2) sin(2 pi hz t): peak speed pi hz strokeCm.
                    across = Math.PI * f.hz() * f.strokeCm() * Math.cos(2 * Math.PI * f.hz() * local);
                }
                // A body changes its weight on the tool over a few hundred ms, not in one sample.
                if (kpa > 0 && pressed > 0) {
                    pressed += (kpa - pressed) * dt / (PRESSURE_TIME_CONSTANT_S + dt);
                } else {
                    pressed = kpa;
                }
                // A tremor is the muscle, not the body's weight: it is not smoothed.
                kpa = pressed + tremor;
                trueKpa[step] = kpa;
                trueSpeed[step] = Math.hypot(along, across);
                inFriction[step] = act instanceof Friction;
                step++;
                // Angular velocity in the world: along the muscle turns about the axis, across about n x axis.
                double[] across_axis = cross(n, axis);
                double[] w = add(scale(axis, along / tool.radiusCm()), scale(across_axis, across / tool.radiusCm()));
                if (act instanceof Swivel sw) {
                    w = add(w, scale(n, Math.toRadians(sw.degrees()) / (sw.ms() / 1000.0)));
                }
                if (along != 0 || across != 0) {
                    // A hand twists the tool about its contact point as it rolls: spin about the normal moves nothing.
                    w = add(w, scale(n, Math.toRadians(TWIST_PEAK_DPS * Math.cos(TWIST_RAD_S * local))));
                }
                // The sensor turns with the tool: world directions turn against it.
                n = unit(sub(n, scale(cross(w, n), dt)));
                axis = unit(sub(axis, scale(cross(w, axis), dt)));
                double minutes = t / 60_000.0;
                double[] gyro = new double[3];
                for (int k = 0; k < 3; k++) {
                    // Quantised as the profiles' gyro fields are (0.1 deg/s).
                    gyro[k] = Math.round((Math.toDegrees(w[k]) + tool.biasDps()[k] + tool.driftDpsPerMin()[k] * minutes
                            + rnd.nextGaussian() * tool.gyroNoiseDps()) * 10) / 10.0;
                }
                double pressure = kpa > 0 ? kpa + tool.pressureOffsetKpa() + rnd.nextGaussian() * tool.pressureNoiseKpa()
                        : Math.abs(rnd.nextGaussian() * tool.pressureNoiseKpa());
                if (tool.glitchesPerMinute() > 0 && kpa > 0 && rnd.nextDouble() < tool.glitchesPerMinute() * dt / 60) {
                    pressure *= 1 + (rnd.nextBoolean() ? 1 : -1) * (0.2 + 0.15 * rnd.nextDouble());
                }
                if (tool.pressureStepKpa() > 0) {
                    pressure = Math.round(pressure / tool.pressureStepKpa()) * tool.pressureStepKpa();
                }
                double[] accel = {n[0] + rnd.nextGaussian() * 0.01, n[1] + rnd.nextGaussian() * 0.01, n[2] + rnd.nextGaussian() * 0.01};
                if (inFrame == 0) {
                    inBurst = inBurst ? rnd.nextDouble() >= link.leaveBurst() : rnd.nextDouble() < link.enterBurst();
                    frameLost = inBurst;
                }
                inFrame = (inFrame + 1) % link.samplesPerFrame();
                if (frameLost) {
                    lost++;
                    lostAt[step - 1] = true;
                } else {
                    samples.add(new Sample(t, seq, Math.max(0, pressure), gyro[0], gyro[1], gyro[2], accel[0], accel[1], accel[2]));
                }
                seq++;
            }
            spans.add(new Span(act, from, end));
        }
        return new Truth(List.copyOf(spans), samples, lost, link.periodMs(), Arrays.copyOf(trueKpa, step), Arrays.copyOf(trueSpeed, step),
                Arrays.copyOf(inFriction, step), Arrays.copyOf(lostAt, step));
    }

    /** Runs the rules over the samples; the events in order. */
    static List<Event> analyse(Thresholds thresholds, double radiusCm, List<Sample> samples) {
        return analyse(thresholds, radiusCm, SensorRange.UNKNOWN, samples);
    }

    /** Runs the rules over the samples with the device's field limits, as the bridge does; the events in order. */
    static List<Event> analyse(Thresholds thresholds, double radiusCm, SensorRange range, List<Sample> samples) {
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(thresholds, radiusCm, range, java.util.Optional.empty(), events::add);
        samples.forEach(analyzer::onSample);
        analyzer.interrupt("end_of_stream");
        return events;
    }

    static double[] unit(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[]{a[0] / l, a[1] / l, a[2] / l};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] add(double[] a, double[] b) {
        return new double[]{a[0] + b[0], a[1] + b[1], a[2] + b[2]};
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[]{a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double[] scale(double[] a, double s) {
        return new double[]{a[0] * s, a[1] * s, a[2] * s};
    }
}
