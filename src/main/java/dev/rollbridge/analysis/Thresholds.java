package dev.rollbridge.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every number the guide's rules use (design §4), grouped by the rule that uses it, with units
 * in the names and each group's invariants checked where it is made (a hold's target within its
 * maximum, a clear level under its ceiling). A profile gives the tool's defaults; configuration
 * may override any of them.
 *
 * <p>Outside (profiles, configuration, {@code bridge/info}) the numbers keep their flat snake_case
 * names ({@code hold_target_ms}); {@link #flat()} and {@link #fromFlat} translate, in the order
 * of {@link #names()}.
 *
 * @param pain        above this (of 10) the pressure must come down
 */
public record Thresholds(Contact contact, Hold hold, Speed speed, Pressure pressure, Warmup warmup, Sessions sessions,
                         Friction friction, Tightening tightening, int painReduceAbove, Calibrating calibration) {

    /**
     * Contact: the tool is loaded; released after {@code releaseMs} below it. A gap in the stream
     * of at most {@code gapMs} between two loaded samples (lost frames) counts as contact time; a
     * longer one is no data and counts as nothing.
     */
    public record Contact(double kpa, long releaseMs, long gapMs) {
        public Contact {
            if (gapMs < 0 || gapMs > 60_000) {
                throw new IllegalArgumentException("contact_gap_ms " + gapMs + " is out of range [0, 60000]");
            }
        }
    }

    /** Holds: "approximately 30 to 60 seconds". */
    public record Hold(double stillCmS, long startMs, double moveCmS, long moveMs, long targetMs, long maxMs) {
        public Hold {
            notAbove("hold_still_cm_s", stillCmS, "hold_move_cm_s", moveCmS);
            notAbove("hold_target_ms", targetMs, "hold_max_ms", maxMs);
        }
    }

    /** Rolling speed: "a few inches per second". */
    public record Speed(long windowMs, double limitCmS, long limitMs, double rearmCmS) {
        public Speed {
            notAbove("speed_rearm_cm_s", rearmCmS, "speed_limit_cm_s", limitCmS);
        }
    }

    /**
     * Pressure: "no higher than a seven out of ten". An infinite ceiling is none: a tool whose
     * pressure figure is not a contact pressure (a ball's air pressure, a load in kg) warns on
     * pressure only once a calibration gave it a ceiling.
     */
    public record Pressure(double ceilingKpa, double clearKpa, long dwellMs) {
        public Pressure {
            notAbove("pressure_clear_kpa", clearKpa, "pressure_ceiling_kpa", ceilingKpa);
        }

        public boolean hasCeiling() {
            return Double.isFinite(ceilingKpa);
        }
    }

    /** Warm-up: "broad, long strokes" first. */
    public record Warmup(double rollingMinCmS, long rollingMs) {
    }

    /** Sessions: "five to ten minutes per leg". */
    public record Sessions(long idleMs, long legTargetMs, long legLimitMs) {
        public Sessions {
            notAbove("leg_target_ms", legTargetMs, "leg_limit_ms", legLimitMs);
        }
    }

    /** Cross-fibre friction: "no more than one minute per area". */
    public record Friction(double reversalCmS, long strokeMinMs, long strokeMaxMs, double strokeMinCm, double strokeMaxCm,
                           double areaCm, long limitMs) {
        public Friction {
            if (strokeMinMs > strokeMaxMs || strokeMinCm > strokeMaxCm) {
                throw new IllegalArgumentException("friction_stroke_min_* must not exceed friction_stroke_max_*");
            }
        }
    }

    /** Reflexive tightening during a hold. */
    public record Tightening(long baselineMs, long windowMs, double factor, double floorKpa, long sustainMs) {
    }

    /** A calibration not finished in this time is abandoned (the ceiling it switched off comes back). */
    public record Calibrating(long timeoutMs) {
        public Calibrating {
            if (timeoutMs < 10_000 || timeoutMs > 600_000) {
                throw new IllegalArgumentException("calibration_timeout_ms " + timeoutMs + " is out of range [10000, 600000]: "
                        + "the ramp takes under a minute, and the pressure ceiling is off while it runs");
            }
        }
    }

    public Thresholds {
        if (painReduceAbove < 0 || painReduceAbove > 10) {
            throw new IllegalArgumentException("pain_reduce_above " + painReduceAbove + " is out of range [0, 10]");
        }
    }

    /** The design's defaults for a tool with the given contact level and pressure ceiling. */
    public static Thresholds defaults(double contactKpa, double pressureCeilingKpa) {
        return new Thresholds(
                new Contact(contactKpa, 100, 5_000),
                new Hold(0.5, 2_000, 1.0, 1_000, 30_000, 60_000),
                new Speed(500, 7.5, 1_000, 6.0),
                new Pressure(pressureCeilingKpa, pressureCeilingKpa * 0.9, 200),
                new Warmup(1.0, 60_000),
                new Sessions(300_000, 300_000, 600_000),
                new Friction(0.3, 150, 1_000, 0.5, 8.0, 5.0, 60_000),
                // Without a ceiling (a calibration gives it) the tightening floor comes from the contact level.
                new Tightening(3_000, 300, 4.0, Double.isFinite(pressureCeilingKpa) ? pressureCeilingKpa * 0.02 : contactKpa * 0.4, 150),
                7,
                new Calibrating(120_000));
    }

    /**
     * The numbers as {@code bridge/info} shows them: {@link #flat()} with no ceiling (infinite,
     * awaiting a calibration) as null, since JSON has no infinity.
     */
    public Map<String, Object> published() {
        Map<String, Object> out = flat();
        out.replaceAll((name, value) -> value instanceof Double d && !Double.isFinite(d) ? null : value);
        return out;
    }

    /** The same thresholds with a calibrated pressure ceiling (and its clear level, 90 % of it). */
    public Thresholds withCeiling(double ceilingKpa) {
        return new Thresholds(contact, hold, speed, new Pressure(ceilingKpa, ceilingKpa * 0.9, pressure.dwellMs()), warmup, sessions,
                friction, tightening, painReduceAbove, calibration);
    }

    /**
     * The numbers by their outside names, in {@link #names()} order: Double, Long (Integer for the
     * pain scale). Written out, not a table of accessor lambdas: each lambda is a class the
     * service would load and keep.
     */
    public Map<String, Object> flat() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("contact_kpa", contact.kpa());
        out.put("contact_release_ms", contact.releaseMs());
        out.put("hold_still_cm_s", hold.stillCmS());
        out.put("hold_start_ms", hold.startMs());
        out.put("hold_move_cm_s", hold.moveCmS());
        out.put("hold_move_ms", hold.moveMs());
        out.put("hold_target_ms", hold.targetMs());
        out.put("hold_max_ms", hold.maxMs());
        out.put("speed_window_ms", speed.windowMs());
        out.put("speed_limit_cm_s", speed.limitCmS());
        out.put("speed_limit_ms", speed.limitMs());
        out.put("speed_rearm_cm_s", speed.rearmCmS());
        out.put("pressure_ceiling_kpa", pressure.ceilingKpa());
        out.put("pressure_clear_kpa", pressure.clearKpa());
        out.put("pressure_dwell_ms", pressure.dwellMs());
        out.put("rolling_min_cm_s", warmup.rollingMinCmS());
        out.put("warmup_rolling_ms", warmup.rollingMs());
        out.put("session_idle_ms", sessions.idleMs());
        out.put("leg_target_ms", sessions.legTargetMs());
        out.put("leg_limit_ms", sessions.legLimitMs());
        out.put("friction_reversal_cm_s", friction.reversalCmS());
        out.put("friction_stroke_min_ms", friction.strokeMinMs());
        out.put("friction_stroke_max_ms", friction.strokeMaxMs());
        out.put("friction_stroke_min_cm", friction.strokeMinCm());
        out.put("friction_stroke_max_cm", friction.strokeMaxCm());
        out.put("friction_area_cm", friction.areaCm());
        out.put("friction_limit_ms", friction.limitMs());
        out.put("tightening_baseline_ms", tightening.baselineMs());
        out.put("tightening_window_ms", tightening.windowMs());
        out.put("tightening_factor", tightening.factor());
        out.put("tightening_floor_kpa", tightening.floorKpa());
        out.put("tightening_sustain_ms", tightening.sustainMs());
        out.put("pain_reduce_above", painReduceAbove);
        out.put("calibration_timeout_ms", calibration.timeoutMs());
        // Newer numbers go last: consumers of bridge/info may read the map in order.
        out.put("contact_gap_ms", contact.gapMs());
        return out;
    }

    /** The outside names in their documented order, each with whether it is a whole number. */
    private static final Map<String, Boolean> NAMES = namesOf(defaults(1, 100));

    private static Map<String, Boolean> namesOf(Thresholds any) {
        Map<String, Boolean> names = new LinkedHashMap<>();
        any.flat().forEach((name, value) -> names.put(name, !(value instanceof Double)));
        return Collections.unmodifiableMap(names);
    }

    /** The outside names of every number, in their documented order. */
    public static List<String> names() {
        return List.copyOf(NAMES.keySet());
    }

    /** Whether the number of this name is a whole number (milliseconds, the pain scale). */
    public static boolean isWhole(String name) {
        return NAMES.getOrDefault(name, false);
    }

    /**
     * The numbers of {@code base} with {@code changes} (outside names) on top.
     *
     * @throws IllegalArgumentException naming an unknown name, a fraction where a whole number
     *                                  belongs, or the invariant the result breaks
     */
    public static Thresholds fromFlat(Thresholds base, Map<String, ? extends Number> changes) {
        Map<String, Object> v = base.flat();
        List<String> unknown = new ArrayList<>();
        changes.forEach((name, value) -> {
            if (!v.containsKey(name)) {
                unknown.add(name);
                return;
            }
            double d = value.doubleValue();
            if (isWhole(name)) {
                if (d != Math.rint(d)) {
                    throw new IllegalArgumentException(name + ": " + d + " must be a whole number");
                }
                v.put(name, name.equals("pain_reduce_above") ? (Object) (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, d))
                        : (Object) (long) d);
            } else {
                v.put(name, d);
            }
        });
        if (changes.containsKey("pressure_ceiling_kpa") && !changes.containsKey("pressure_clear_kpa") && !base.pressure().hasCeiling()) {
            // A ceiling given to a tool that had none: its clear level follows, as for a calibrated one.
            v.put("pressure_clear_kpa", d(v, "pressure_ceiling_kpa") * 0.9);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown threshold " + unknown.get(0) + " (known: " + String.join(", ", names()) + ")");
        }
        return new Thresholds(
                new Contact(d(v, "contact_kpa"), l(v, "contact_release_ms"), l(v, "contact_gap_ms")),
                new Hold(d(v, "hold_still_cm_s"), l(v, "hold_start_ms"), d(v, "hold_move_cm_s"), l(v, "hold_move_ms"),
                        l(v, "hold_target_ms"), l(v, "hold_max_ms")),
                new Speed(l(v, "speed_window_ms"), d(v, "speed_limit_cm_s"), l(v, "speed_limit_ms"), d(v, "speed_rearm_cm_s")),
                new Pressure(d(v, "pressure_ceiling_kpa"), d(v, "pressure_clear_kpa"), l(v, "pressure_dwell_ms")),
                new Warmup(d(v, "rolling_min_cm_s"), l(v, "warmup_rolling_ms")),
                new Sessions(l(v, "session_idle_ms"), l(v, "leg_target_ms"), l(v, "leg_limit_ms")),
                new Friction(d(v, "friction_reversal_cm_s"), l(v, "friction_stroke_min_ms"), l(v, "friction_stroke_max_ms"),
                        d(v, "friction_stroke_min_cm"), d(v, "friction_stroke_max_cm"), d(v, "friction_area_cm"), l(v, "friction_limit_ms")),
                new Tightening(l(v, "tightening_baseline_ms"), l(v, "tightening_window_ms"), d(v, "tightening_factor"),
                        d(v, "tightening_floor_kpa"), l(v, "tightening_sustain_ms")),
                ((Number) v.get("pain_reduce_above")).intValue(),
                new Calibrating(l(v, "calibration_timeout_ms")));
    }

    private static double d(Map<String, Object> v, String name) {
        return ((Number) v.get(name)).doubleValue();
    }

    private static long l(Map<String, Object> v, String name) {
        return ((Number) v.get(name)).longValue();
    }

    private static void notAbove(String name, double value, String limitName, double limit) {
        if (value > limit) {
            throw new IllegalArgumentException(name + " " + value + " must not exceed " + limitName + " " + limit);
        }
    }

    private static void notAbove(String name, long value, String limitName, long limit) {
        if (value > limit) {
            throw new IllegalArgumentException(name + " " + value + " must not exceed " + limitName + " " + limit);
        }
    }
}
