package dev.rollbridge.analysis;

/** Rounds numbers for payloads people read. */
final class Rounding {
    private Rounding() {
    }

    static double r1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double r2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double seconds(long millis) {
        return millis / 1000.0;
    }
}
