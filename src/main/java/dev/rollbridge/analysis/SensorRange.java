package dev.rollbridge.analysis;

/**
 * The largest magnitudes the device's frame fields can carry (the profile's encoding): a reading
 * held at one of them is pinned (a saturated or broken sensor), not a measurement.
 */
public record SensorRange(double pressureMaxKpa, double gyroMaxDps) {
    /** No limits known (traces, tests): nothing is ever taken for pinned. */
    public static final SensorRange UNKNOWN = new SensorRange(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
}
