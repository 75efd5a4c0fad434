package dev.rollbridge.analysis;


/**
 * "Warm tissue first": rolling time (contact with speed at or above {@code rolling_min_cm_s})
 * adds up per session; a hold that starts before {@code warmup_rolling_ms} of it gets one
 * {@code warmup_advised} per session.
 */
final class WarmupRule {
    private final Thresholds t;
    private long rollingMillis;
    private boolean advised;

    WarmupRule(Thresholds thresholds) {
        this.t = thresholds;
    }

    void newSession() {
        rollingMillis = 0;
        advised = false;
    }

    long rollingMillis() {
        return rollingMillis;
    }

    void onSample(Motion m, boolean holdStartedNow, boolean friction, int session, EventSink out) {
        // Friction is not the broad, long strokes that warm the tissue. Frames lost while rolling are rolling time.
        if (m.contact && !friction && m.speedCmS >= t.warmup().rollingMinCmS()) {
            rollingMillis += m.contactStepMillis;
        }
        if (holdStartedNow && !advised && rollingMillis < t.warmup().rollingMs()) {
            advised = true;
            out.emit(Event.of(EventType.WARMUP_ADVISED, AlertState.INSTANT, m.tMillis, session,
                    "Warm up first: roll the whole hamstring with long, slow strokes for a minute before holding a spot"
                            + " (so far " + Math.round(rollingMillis / 1000.0) + " s).",
                    HoldRule.data("rolling_s", Rounding.seconds(rollingMillis), "required_s",
                            Rounding.seconds(t.warmup().rollingMs()))));
        }
    }
}
