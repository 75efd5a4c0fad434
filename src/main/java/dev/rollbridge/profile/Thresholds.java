package dev.rollbridge.profile;

/**
 * Every number the guide's rules use (design §4), with units in the names. A profile gives the
 * tool's defaults; a user's calibration or configuration may override any of them. In YAML and
 * JSON the names are snake_case: {@code hold_target_ms}.
 */
public record Thresholds(
        // contact
        double contactKpa,
        long contactReleaseMs,
        // hold: "approximately 30 to 60 seconds"
        double holdStillCmS,
        long holdStartMs,
        double holdMoveCmS,
        long holdMoveMs,
        long holdTargetMs,
        long holdMaxMs,
        // speed: "a few inches per second"
        long speedWindowMs,
        double speedLimitCmS,
        long speedLimitMs,
        double speedRearmCmS,
        // pressure: "no higher than a seven out of ten"
        double pressureCeilingKpa,
        double pressureClearKpa,
        long pressureDwellMs,
        // warm-up: "broad, long strokes" first
        double rollingMinCmS,
        long warmupRollingMs,
        // sessions: "five to ten minutes per leg"
        long sessionIdleMs,
        long legTargetMs,
        long legLimitMs,
        // cross-fibre friction: "no more than one minute per area"
        double frictionReversalCmS,
        long frictionStrokeMinMs,
        long frictionStrokeMaxMs,
        double frictionStrokeMinCm,
        double frictionStrokeMaxCm,
        double frictionAreaCm,
        long frictionLimitMs,
        // reflexive tightening during a hold
        long tighteningBaselineMs,
        long tighteningWindowMs,
        double tighteningFactor,
        double tighteningFloorKpa,
        long tighteningSustainMs,
        // pain reports: above this (of 10) the pressure must come down
        int painReduceAbove,
        // a calibration not finished in this time is abandoned (the ceiling it switched off comes back)
        long calibrationTimeoutMs) {

    /** The design's defaults for a tool with the given contact level and pressure ceiling. */
    public static Thresholds defaults(double contactKpa, double pressureCeilingKpa) {
        return new Thresholds(
                contactKpa, 100,
                0.5, 2_000, 1.0, 1_000, 30_000, 60_000,
                500, 7.5, 1_000, 6.0,
                pressureCeilingKpa, pressureCeilingKpa * 0.9, 200,
                1.0, 60_000,
                300_000, 300_000, 600_000,
                0.3, 150, 1_000, 0.5, 8.0, 5.0, 60_000,
                3_000, 300, 4.0, pressureCeilingKpa * 0.02, 150,
                7, 120_000);
    }

    /** The same thresholds with a calibrated pressure ceiling (and its clear level, 90 % of it). */
    public Thresholds withCeiling(double ceilingKpa) {
        return new Thresholds(contactKpa, contactReleaseMs, holdStillCmS, holdStartMs, holdMoveCmS, holdMoveMs,
                holdTargetMs, holdMaxMs, speedWindowMs, speedLimitCmS, speedLimitMs, speedRearmCmS,
                ceilingKpa, ceilingKpa * 0.9, pressureDwellMs, rollingMinCmS, warmupRollingMs,
                sessionIdleMs, legTargetMs, legLimitMs, frictionReversalCmS, frictionStrokeMinMs, frictionStrokeMaxMs,
                frictionStrokeMinCm, frictionStrokeMaxCm, frictionAreaCm, frictionLimitMs,
                tighteningBaselineMs, tighteningWindowMs, tighteningFactor, tighteningFloorKpa, tighteningSustainMs,
                painReduceAbove, calibrationTimeoutMs);
    }
}
