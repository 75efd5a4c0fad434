package dev.rollbridge.stream;

/**
 * The values of one decoded sample, as the analysis reads them. The decoder hands out one
 * reusable view per device (no allocation per sample); it is valid only during the call that
 * receives it, so a receiver that keeps a sample keeps {@link #toSample()}.
 */
public interface SampleView {
    /** Sample time in ms on the sample clock; analysis takes all time from here. */
    long tMillis();

    /** The device's sample counter, extended past its 16-bit wrap. */
    long seq();

    double pressureKpa();

    double gxDps();

    double gyDps();

    double gzDps();

    /** Acceleration in g; {@code NaN} when the source has none (likewise y, z). */
    double axG();

    double ayG();

    double azG();

    /**
     * How old the pressure value is, ms of sample time: 0 when every sample carries its own (frames),
     * more when a slower characteristic's last value is held between its notifications.
     */
    default long pressureAgeMillis() {
        return 0;
    }

    /** How old the gyro and accelerometer values are, ms of sample time (see {@link #pressureAgeMillis}). */
    default long motionAgeMillis() {
        return 0;
    }

    default boolean hasAccel() {
        return !Double.isNaN(axG()) && !Double.isNaN(ayG()) && !Double.isNaN(azG());
    }

    /** An immutable copy, to keep beyond the call. */
    default Sample toSample() {
        return new Sample(tMillis(), seq(), pressureKpa(), gxDps(), gyDps(), gzDps(), axG(), ayG(), azG());
    }
}
