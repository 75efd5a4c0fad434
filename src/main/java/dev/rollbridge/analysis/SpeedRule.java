package dev.rollbridge.analysis;

import dev.rollbridge.profile.Thresholds;

import java.util.Locale;

/**
 * "A few inches per second": raised when the windowed speed stays above {@code speed_limit_cm_s}
 * for {@code speed_limit_ms} in contact; cleared (re-armed) when it falls below
 * {@code speed_rearm_cm_s} or contact ends.
 */
final class SpeedRule {
    private final Thresholds t;
    private long aboveSince = -1;
    private boolean raised;
    private long raisedAt;
    private double peak;

    SpeedRule(Thresholds thresholds) {
        this.t = thresholds;
    }

    boolean raised() {
        return raised;
    }

    void onSample(Motion m, int session, EventSink out) {
        if (!raised) {
            if (m.contact && m.speedCmS > t.speedLimitCmS()) {
                if (aboveSince < 0) {
                    aboveSince = m.tMillis;
                    peak = 0;
                }
                peak = Math.max(peak, m.speedCmS);
                if (m.tMillis - aboveSince >= t.speedLimitMs()) {
                    raised = true;
                    raisedAt = m.tMillis;
                    out.emit(Event.of(EventType.SPEED_TOO_FAST, AlertState.RAISED, m.tMillis, session,
                            String.format(Locale.ROOT, "Rolling too fast (%.1f cm/s): slow down to a few inches per second, under %.1f cm/s.",
                                    m.speedCmS, t.speedLimitCmS()),
                            HoldRule.data("speed_cm_s", Rounding.r2(m.speedCmS), "limit_cm_s", t.speedLimitCmS(),
                                    "above_since_t_ms", aboveSince)));
                }
            } else {
                aboveSince = -1;
            }
            return;
        }
        peak = Math.max(peak, m.speedCmS);
        if (!m.contact || m.speedCmS < t.speedRearmCmS()) {
            clear(m.tMillis, session, out);
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
        out.emit(Event.of(EventType.SPEED_TOO_FAST, AlertState.CLEARED, now, session,
                String.format(Locale.ROOT, "Rolling speed is back under %.1f cm/s.", t.speedRearmCmS()),
                HoldRule.data("peak_speed_cm_s", Rounding.r2(peak), "duration_s", Rounding.seconds(now - raisedAt))));
    }
}
