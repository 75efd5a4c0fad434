package dev.rollbridge.analysis;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Static compression of a trigger point. Contact with speed under {@code hold_still_cm_s} for
 * {@code hold_start_ms} starts a hold, timed from when the tool became still. The cue comes at
 * {@code hold_target_ms}, "release now" at {@code hold_max_ms}. A hold ends when contact is lost or
 * the speed stays at or above {@code hold_move_cm_s} for {@code hold_move_ms}; its end time is
 * the last sample that still belonged to it. While an ending is pending no cue fires, so a hold
 * that ends never reports a target it did not keep.
 */
final class HoldRule {
    private final Thresholds t;

    private long stillSince = -1;
    private boolean inHold;
    private long holdStart;
    private boolean targetReached;
    private boolean maxReached;
    private long moveSince = -1;
    private long lastStillMillis;
    private double pressureSum;
    private long pressureCount;
    private double peakKpa;
    private boolean startedNow;

    HoldRule(Thresholds thresholds) {
        this.t = thresholds;
    }

    boolean inHold() {
        return inHold;
    }

    /** True on the sample where a hold began. */
    boolean startedNow() {
        return startedNow;
    }

    /** The hold is about to end: the tool has started moving off or is being lifted. */
    boolean ending() {
        return inHold && moveSince >= 0;
    }

    /** When the hold in progress began (the tool became still). */
    long startMillis() {
        return holdStart;
    }

    long elapsedMillis(long now) {
        return inHold ? now - holdStart : 0;
    }

    // Runs for every sample: events are built in methods of their own so this stays small enough to inline.
    void onSample(Motion m, int session, EventSink out) {
        startedNow = false;
        if (!inHold) {
            waitForStill(m, session, out);
            return;
        }
        if (!m.contact) {
            end(m.lastLoadedMillis, "lift_off", session, out);
            return;
        }
        if (m.speedCmS >= t.hold().moveCmS()) {
            if (moveSince < 0) {
                moveSince = m.tMillis;
            }
            if (m.tMillis - moveSince >= t.hold().moveMs()) {
                end(lastStillMillis, "moved", session, out);
                return;
            }
        } else {
            moveSince = -1;
            lastStillMillis = m.tMillis;
        }
        if (!m.releasePending) {
            pressureSum += m.pressureKpa;
            pressureCount++;
            peakKpa = Math.max(peakKpa, m.pressureKpa);
        }
        boolean ending = m.releasePending || moveSince >= 0;
        long elapsed = m.tMillis - holdStart;
        if (!ending && !targetReached && elapsed >= t.hold().targetMs()) {
            reachedTarget(m.tMillis, elapsed, session, out);
        }
        if (!ending && !maxReached && elapsed >= t.hold().maxMs()) {
            reachedMax(m.tMillis, elapsed, session, out);
        }
    }

    private void waitForStill(Motion m, int session, EventSink out) {
        if (m.contact && !m.releasePending && m.speedCmS < t.hold().stillCmS()) {
            if (stillSince < 0) {
                stillSince = m.tMillis;
            }
            if (m.tMillis - stillSince >= t.hold().startMs()) {
                start(m, session, out);
            }
        } else {
            stillSince = -1;
        }
    }

    private void reachedTarget(long now, long elapsed, int session, EventSink out) {
        targetReached = true;
        out.emit(Event.of(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, now, session,
                "Hold reached " + t.hold().targetMs() / 1000 + " s: the muscle has had time to release. "
                        + "Ease off slowly, or stay up to " + t.hold().maxMs() / 1000 + " s.",
                new EventDetail.HoldProgress(Rounding.seconds(elapsed), holdStart)));
    }

    private void reachedMax(long now, long elapsed, int session, EventSink out) {
        maxReached = true;
        out.emit(Event.of(EventType.HOLD_MAX_REACHED, AlertState.INSTANT, now, session,
                "Hold reached " + t.hold().maxMs() / 1000 + " s: release now and move to another spot.",
                new EventDetail.HoldProgress(Rounding.seconds(elapsed), holdStart)));
    }

    /** Ends a hold in progress at the last sample (end of a recording, link lost). */
    void finish(long lastMillis, String reason, int session, EventSink out) {
        if (inHold) {
            end(lastMillis, reason, session, out);
        }
        stillSince = -1;
    }

    private void start(Motion m, int session, EventSink out) {
        inHold = true;
        startedNow = true;
        holdStart = stillSince;
        targetReached = false;
        maxReached = false;
        moveSince = -1;
        lastStillMillis = m.tMillis;
        pressureSum = 0;
        pressureCount = 0;
        peakKpa = 0;
        out.emit(Event.of(EventType.HOLD_STARTED, AlertState.INSTANT, m.tMillis, session,
                "Hold started: keep steady pressure for " + t.hold().targetMs() / 1000 + " to "
                        + t.hold().maxMs() / 1000 + " s.",
                data("started_t_ms", holdStart, "pressure_kpa", Rounding.r1(m.pressureKpa))));
    }

    private void end(long endMillis, String reason, int session, EventSink out) {
        inHold = false;
        stillSince = -1;
        long duration = Math.max(0, endMillis - holdStart);
        String verdict = targetReached
                ? (maxReached ? "past the " + t.hold().maxMs() / 1000 + " s limit" : "target met")
                : "shorter than the " + t.hold().targetMs() / 1000 + " s target";
        EventDetail.HoldEnded ended = new EventDetail.HoldEnded(Rounding.seconds(duration), targetReached, maxReached, holdStart,
                endMillis, reason, pressureCount == 0 ? 0.0 : Rounding.r1(pressureSum / pressureCount), Rounding.r1(peakKpa));
        out.emit(Event.of(EventType.HOLD_ENDED, AlertState.INSTANT, endMillis, session,
                String.format(Locale.ROOT, "Hold ended after %.1f s (%s).", duration / 1000.0, verdict), ended));
    }

    static Map<String, Object> data(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
