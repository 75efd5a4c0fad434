package dev.rollbridge.analysis;


import java.util.Locale;

/**
 * "No higher than 7 out of 10": raised once pressure has stayed above {@code pressure_ceiling_kpa}
 * for {@code pressure_dwell_ms} (so within that time of crossing), cleared once it has stayed
 * below {@code pressure_clear_kpa} for as long. Raw samples, no smoothing: latency matters here.
 */
final class PressureRule {
    private final Hysteresis tooHigh;
    private double ceilingKpa;
    private double clearKpa;
    private long raisedAt;
    private double peak;

    PressureRule(Thresholds thresholds) {
        this.tooHigh = new Hysteresis(thresholds.pressure().dwellMs(), thresholds.pressure().dwellMs());
        recalibrate(thresholds.pressure().ceilingKpa(), thresholds.pressure().clearKpa());
    }

    /** A new ceiling (after calibration), in force from the next sample. */
    void recalibrate(double ceiling, double clear) {
        this.ceilingKpa = ceiling;
        this.clearKpa = clear;
    }

    boolean raised() {
        return tooHigh.raised();
    }

    void onSample(Motion m, int session, EventSink out) {
        double p = m.pressureKpa;
        switch (tooHigh.update(m.tMillis, p > ceilingKpa, p < clearKpa)) {
            case RAISED -> raised(m.tMillis, p, session, out);
            case CLEARED -> cleared(m.tMillis, session, out);
            case NONE -> peak = Math.max(peak, p);
        }
    }

    private void raised(long now, double p, int session, EventSink out) {
        raisedAt = now;
        peak = p;
        out.emit(Event.of(EventType.PRESSURE_TOO_HIGH, AlertState.RAISED, now, session,
                String.format(Locale.ROOT, "Pressing too hard (%.0f kPa, ceiling %.0f kPa, about 7/10): ease off now.",
                        p, ceilingKpa),
                HoldRule.data("pressure_kpa", Rounding.r1(p), "ceiling_kpa", ceilingKpa,
                        "above_since_t_ms", tooHigh.runStart())));
    }

    void finish(long lastMillis, int session, EventSink out) {
        if (tooHigh.raised()) {
            cleared(lastMillis, session, out);
        }
        tooHigh.reset();
    }

    private void cleared(long now, int session, EventSink out) {
        out.emit(Event.of(EventType.PRESSURE_TOO_HIGH, AlertState.CLEARED, now, session,
                String.format(Locale.ROOT, "Pressure is back under %.0f kPa.", clearKpa),
                HoldRule.data("peak_kpa", Rounding.r1(peak), "duration_s", Rounding.seconds(now - raisedAt))));
    }
}
