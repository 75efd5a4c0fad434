package dev.rollbridge.profile;

/**
 * Every number the guide's rules use (design §4), with units in the names. A profile gives the
 * tool's defaults; a user's configuration may override any of them.
 */
public record Thresholds(
        double contactKpa,
        long contactReleaseMs,
        double holdStillCmS,
        long holdStartMs,
        double holdMoveCmS,
        long holdMoveMs,
        long holdTargetMs,
        long holdMaxMs,
        long speedWindowMs,
        double speedLimitCmS,
        long speedLimitMs,
        double speedRearmCmS,
        double pressureCeilingKpa,
        double pressureClearKpa,
        long pressureDwellMs,
        double rollingMinCmS,
        long warmupRollingMs,
        long sessionIdleMs) {

    /** The design's defaults for a tool with the given contact level and pressure ceiling. */
    public static Thresholds defaults(double contactKpa, double pressureCeilingKpa) {
        return new Thresholds(contactKpa, 100, 0.5, 2_000, 1.0, 1_000, 30_000, 60_000,
                500, 7.5, 1_000, 6.0, pressureCeilingKpa, pressureCeilingKpa * 0.9, 200,
                1.0, 60_000, 300_000);
    }
}
