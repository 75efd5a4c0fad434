package dev.rollbridge.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A scripted hamstring self-massage with a ball or roller, following the guide and then breaking
 * its rules on purpose: broad warm-up strokes, a 40 s hold, a too-fast roll, a too-hard press, a
 * 70 s hold (past the 60 s limit) with a reflexive twitch in it, more long strokes, over a minute
 * of cross-fibre friction on one spot (the leg reaches its 5 minutes during it), lift-off.
 * Pressures scale with the tool's pressure ceiling so the same script fits a ball and a roller.
 *
 * <p>Each segment gives pressure (kPa), rolling velocity along the muscle and across the fibres
 * (cm/s, signed) as functions of the seconds since the segment began. The simulator adds the
 * physics and the noise.
 */
public final class HamstringSessionScript {

    /** One stretch of the session. */
    public record Segment(String name, long durationMs, DoubleUnaryOperator pressureKpa, DoubleUnaryOperator velocityCmS,
                          DoubleUnaryOperator crossVelocityCmS) {
        /** A segment that rolls along the muscle only. */
        public Segment(String name, long durationMs, DoubleUnaryOperator pressureKpa, DoubleUnaryOperator velocityCmS) {
            this(name, durationMs, pressureKpa, velocityCmS, t -> 0);
        }
    }

    private final List<Segment> segments;

    private HamstringSessionScript(List<Segment> segments) {
        this.segments = List.copyOf(segments);
    }

    public List<Segment> segments() {
        return segments;
    }

    public long durationMs() {
        return segments.stream().mapToLong(Segment::durationMs).sum();
    }

    /** The standard session for a tool whose pressure ceiling is {@code ceilingKpa}. */
    public static HamstringSessionScript standard(double ceilingKpa) {
        double comfortable = ceilingKpa * 0.35;  // broad strokes: firm, well under 7/10
        double holdKpa = ceilingKpa * 0.55;      // trigger point: "good pain"
        double tooHard = ceilingKpa * 1.18;      // past the ceiling
        List<Segment> s = new ArrayList<>();
        s.add(new Segment("resting", 3_000, t -> 0, t -> 0));
        s.add(new Segment("settling on the thigh", 1_000, t -> comfortable * t, t -> 0));
        // Long strokes, 15 cm each way in 5 s: peak 4.7 cm/s, well under the 7.5 cm/s limit.
        s.add(new Segment("warm-up strokes", 75_000,
                t -> comfortable + 0.1 * comfortable * Math.sin(2 * Math.PI * t / 7),
                t -> 4.7 * Math.sin(2 * Math.PI * t / 10)));
        s.add(new Segment("finding a tight spot", 3_000,
                t -> comfortable + (holdKpa - comfortable) * Math.min(1, t / 2),
                t -> t < 1.5 ? 2.0 * (1 - t / 1.5) : 0));
        s.add(new Segment("40 s hold", 40_000, t -> holdKpa + 0.03 * holdKpa * Math.sin(2 * Math.PI * t / 4.5), t -> 0));
        s.add(new Segment("rolling on", 5_000, t -> comfortable, t -> 3.0));
        s.add(new Segment("rolling too fast", 4_000, t -> comfortable, t -> -11.0));
        s.add(new Segment("slowing down", 6_000, t -> comfortable, t -> 3.0));
        s.add(new Segment("pressing too hard", 5_500,
                t -> t < 3 ? comfortable + (tooHard - comfortable) * t / 3 : t < 4.5 ? tooHard
                        : tooHard + (comfortable - tooHard) * (t - 4.5),
                t -> 2.0));
        s.add(new Segment("rolling to the next spot", 6_000, t -> comfortable, t -> t < 4.5 ? 3.0 : 3.0 * (6 - t) / 1.5));
        // 40 s in, the muscle twitches against the pressure for 2.5 s (an 8 Hz tremor).
        s.add(new Segment("70 s hold", 70_000,
                t -> holdKpa * 1.05 + 0.03 * holdKpa * Math.sin(2 * Math.PI * t / 5)
                        + (t >= 40 && t < 42.5 ? 0.12 * holdKpa * Math.sin(2 * Math.PI * 8 * t) : 0), t -> 0));
        s.add(new Segment("long strokes again", 20_000, t -> comfortable, t -> 4.7 * Math.sin(2 * Math.PI * t / 10)));
        // Short strokes across the fibres near the knee: 1.25 Hz, about 1.3 cm each way, for 65 s.
        s.add(new Segment("cross-fibre friction", 65_000, t -> comfortable * 1.2, t -> 0,
                t -> 5.0 * Math.sin(2 * Math.PI * 1.25 * t)));
        s.add(new Segment("lift-off", 500, t -> comfortable * 1.2 * (1 - t / 0.5), t -> 0));
        s.add(new Segment("resting", 5_000, t -> 0, t -> 0));
        return new HamstringSessionScript(s);
    }

    /**
     * The session for a tool that measures a load but not motion (a squeeze ball pressed into the
     * hamstring): press and hold, release, a hold past 60 s with a twitch in it, a press past the
     * ceiling, lift-off. Nothing rolls: there is nothing to roll with.
     */
    public static HamstringSessionScript pressing(double ceilingKpa) {
        double holdKpa = ceilingKpa * 0.55;
        double tooHard = ceilingKpa * 1.18;
        List<Segment> s = new ArrayList<>();
        s.add(new Segment("resting", 3_000, t -> 0, t -> 0));
        s.add(new Segment("pressing in", 2_000, t -> holdKpa * t / 2, t -> 0));
        s.add(new Segment("40 s hold", 40_000, t -> holdKpa + 0.03 * holdKpa * Math.sin(2 * Math.PI * t / 4.5), t -> 0));
        s.add(new Segment("letting go", 1_000, t -> holdKpa * (1 - t), t -> 0));
        s.add(new Segment("resting", 8_000, t -> 0, t -> 0));
        s.add(new Segment("pressing too hard", 7_000,
                t -> t < 3 ? tooHard * t / 3 : t < 5 ? tooHard : tooHard * (7 - t) / 2, t -> 0));
        s.add(new Segment("resting", 8_000, t -> 0, t -> 0));
        s.add(new Segment("pressing in", 2_000, t -> holdKpa * 1.05 * t / 2, t -> 0));
        s.add(new Segment("70 s hold", 70_000,
                t -> holdKpa * 1.05 + 0.03 * holdKpa * Math.sin(2 * Math.PI * t / 5)
                        + (t >= 40 && t < 42.5 ? 0.12 * holdKpa * Math.sin(2 * Math.PI * 8 * t) : 0), t -> 0));
        s.add(new Segment("lift-off", 500, t -> holdKpa * 1.05 * (1 - t / 0.5), t -> 0));
        s.add(new Segment("resting", 5_000, t -> 0, t -> 0));
        return new HamstringSessionScript(s);
    }

    /**
     * The session that fits a tool: {@link #pressing} when it measures no motion, {@link #standard}
     * otherwise; pressures scale with its ceiling, or for a tool that needs a calibration first, with
     * 16 times its contact level (what a person's 7/10 might read on it).
     */
    public static HamstringSessionScript forTool(boolean measuresMotion, double ceilingKpa, double contactKpa) {
        double ceiling = simulatedCeiling(ceilingKpa, contactKpa);
        return measuresMotion ? standard(ceiling) : pressing(ceiling);
    }

    /** The pressure a person's 7/10 reads on the tool in the simulation. */
    public static double simulatedCeiling(double ceilingKpa, double contactKpa) {
        return Double.isFinite(ceilingKpa) ? ceilingKpa : contactKpa * 16;
    }

    /** A script made of the given segments (tests build their own). */
    public static HamstringSessionScript of(List<Segment> segments) {
        return new HamstringSessionScript(segments);
    }
}
