package dev.rollbridge.stream;


/**
 * One decoded motion sample, in physical units, on the sample clock; immutable (traces, tests and
 * anything that keeps samples use it; the live decoder hands out a reused {@link SampleView}).
 *
 * @param tMillis     sample time in ms (trace clock in a replay, ms since the bridge first heard
 *                    from the device for a live one); analysis takes all time from here
 * @param seq         the device's sample counter, extended past its 16-bit wrap
 * @param pressureKpa contact pressure
 * @param gxDps       angular velocity about the device's x axis, deg/s (likewise y, z)
 * @param axG         acceleration in g (likewise y, z); {@code NaN} when the source has none
 */
public record Sample(long tMillis, long seq, double pressureKpa,
                     double gxDps, double gyDps, double gzDps,
                     double axG, double ayG, double azG) implements SampleView {

    /** A sample without accelerometer data, as CSV traces carry. */
    public static Sample withoutAccel(long tMillis, long seq, double pressureKpa,
                                      double gxDps, double gyDps, double gzDps) {
        return new Sample(tMillis, seq, pressureKpa, gxDps, gyDps, gzDps, Double.NaN, Double.NaN, Double.NaN);
    }

    @Override
    public Sample toSample() {
        return this;
    }
}
