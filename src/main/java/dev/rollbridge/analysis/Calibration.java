package dev.rollbridge.analysis;

/**
 * A person's own pressure scale: the pressures they marked as 3, 5 and 7 out of 10. The guide's
 * pain scale has no universal pressure number, so this is what turns "no higher than 7/10" into
 * kPa: the target band is the 4–6 range (halfway between the marks) and the ceiling 0.9 × the
 * 7/10 pressure.
 */
public record Calibration(double pain3Kpa, double pain5Kpa, double pain7Kpa) {

    public Calibration {
        if (!(pain3Kpa > 0 && pain3Kpa < pain5Kpa && pain5Kpa < pain7Kpa)) {
            throw new IllegalArgumentException("calibration pressures must rise with pain: 3/10 " + pain3Kpa
                    + " kPa, 5/10 " + pain5Kpa + " kPa, 7/10 " + pain7Kpa + " kPa");
        }
    }

    public double ceilingKpa() {
        return Rounding.r1(0.9 * pain7Kpa);
    }

    public double bandLowKpa() {
        return Rounding.r1((pain3Kpa + pain5Kpa) / 2);
    }

    public double bandHighKpa() {
        return Rounding.r1(Math.min((pain5Kpa + pain7Kpa) / 2, ceilingKpa()));
    }
}
