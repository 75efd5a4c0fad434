package dev.rollbridge.analysis;

import dev.rollbridge.profile.Thresholds;

import java.util.Locale;

/**
 * "No higher than 7 out of 10": raised once pressure has stayed above {@code pressure_ceiling_kpa}
 * for {@code pressure_dwell_ms} (so within that time of crossing), cleared once it has stayed
 * below {@code pressure_clear_kpa} for as long. Raw samples, no smoothing: latency matters here.
 */
final class PressureRule {
    private final Thresholds t;
    private long aboveSince = -1;
    private long belowSince = -1;
    private boolean raised;
    private long raisedAt;
    private double peak;

    PressureRule(Thresholds thresholds) {
        this.t = thresholds;
    }

    boolean raised() {
        return raised;
    }

    void onSample(Motion m, int session, EventSink out) {
        double p = m.pressureKpa;
        if (!raised) {
            if (p > t.pressureCeilingKpa()) {
                if (aboveSince < 0) {
                    aboveSince = m.tMillis;
                    peak = 0;
                }
                peak = Math.max(peak, p);
                if (m.tMillis - aboveSince >= t.pressureDwellMs()) {
                    raised = true;
                    raisedAt = m.tMillis;
                    belowSince = -1;
                    out.emit(Event.of(EventType.PRESSURE_TOO_HIGH, AlertState.RAISED, m.tMillis, session,
                            String.format(Locale.ROOT, "Pressing too hard (%.0f kPa, ceiling %.0f kPa, about 7/10): ease off now.",
                                    p, t.pressureCeilingKpa()),
                            HoldRule.data("pressure_kpa", Rounding.r1(p), "ceiling_kpa", t.pressureCeilingKpa(),
                                    "above_since_t_ms", aboveSince)));
                }
            } else {
                aboveSince = -1;
            }
            return;
        }
        peak = Math.max(peak, p);
        if (p < t.pressureClearKpa()) {
            if (belowSince < 0) {
                belowSince = m.tMillis;
            }
            if (m.tMillis - belowSince >= t.pressureDwellMs()) {
                clear(m.tMillis, session, out);
            }
        } else {
            belowSince = -1;
        }
    }

    void finish(long lastMillis, int session, EventSink out) {
        if (raised) {
            clear(lastMillis, session, out);
        }
        aboveSince = -1;
    }

    private void clear(long now, int session, EventSink out) {
        raised = false;
        aboveSince = -1;
        out.emit(Event.of(EventType.PRESSURE_TOO_HIGH, AlertState.CLEARED, now, session,
                String.format(Locale.ROOT, "Pressure is back under %.0f kPa.", t.pressureClearKpa()),
                HoldRule.data("peak_kpa", Rounding.r1(peak), "duration_s", Rounding.seconds(now - raisedAt))));
    }
}
