package dev.rollbridge.analysis;


import java.util.Locale;

/**
 * "A few inches per second": raised when the windowed speed stays above {@code speed_limit_cm_s}
 * for {@code speed_limit_ms} in contact; cleared (re-armed) as soon as it falls below
 * {@code speed_rearm_cm_s} or contact ends.
 */
final class SpeedRule {
    private final Thresholds t;
    private final Hysteresis tooFast;
    private long raisedAt;
    private double peak;

    SpeedRule(Thresholds thresholds) {
        this.t = thresholds;
        this.tooFast = new Hysteresis(thresholds.speed().limitMs(), 0);
    }

    boolean raised() {
        return tooFast.raised();
    }

    void onSample(Motion m, int session, EventSink out) {
        switch (tooFast.update(m.tMillis, m.contact && m.speedCmS > t.speed().limitCmS(),
                !m.contact || m.speedCmS < t.speed().rearmCmS())) {
            case RAISED -> raised(m, session, out);
            case CLEARED -> cleared(m.tMillis, session, out);
            case NONE -> peak = Math.max(peak, m.speedCmS);
        }
    }

    private void raised(Motion m, int session, EventSink out) {
        raisedAt = m.tMillis;
        peak = m.speedCmS;
        out.emit(Event.of(EventType.SPEED_TOO_FAST, AlertState.RAISED, m.tMillis, session,
                String.format(Locale.ROOT, "Rolling too fast (%.1f cm/s): slow down to a few inches per second, under %.1f cm/s.",
                        m.speedCmS, t.speed().limitCmS()),
                HoldRule.data("speed_cm_s", Rounding.r2(m.speedCmS), "limit_cm_s", t.speed().limitCmS(),
                        "above_since_t_ms", tooFast.runStart())));
    }

    void finish(long lastMillis, int session, EventSink out) {
        if (tooFast.raised()) {
            cleared(lastMillis, session, out);
        }
        tooFast.reset();
    }

    private void cleared(long now, int session, EventSink out) {
        out.emit(Event.of(EventType.SPEED_TOO_FAST, AlertState.CLEARED, now, session,
                String.format(Locale.ROOT, "Rolling speed is back under %.1f cm/s.", t.speed().rearmCmS()),
                HoldRule.data("peak_speed_cm_s", Rounding.r2(peak), "duration_s", Rounding.seconds(now - raisedAt))));
    }
}
