package dev.rollbridge.analysis;


import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sessions and minutes per leg: "limiting the duration to approximately five to ten minutes per
 * leg is appropriate to avoid overworking the tissue".
 *
 * <p>A session covers one leg. It starts on a command ({@code {"session":"start","leg":"left"}})
 * or, without one, at the first contact ever or after {@code session_idle_ms} without contact (leg
 * {@code unknown}). Contact time adds up: {@code leg_target_reached} at {@code leg_target_ms},
 * {@code leg_limit_reached} at {@code leg_limit_ms}. It ends after {@code session_idle_ms} without
 * contact, on a stop command, on a red-flag symptom, or when the stream ends, with
 * {@code session_ended} carrying the summary.
 */
final class SessionTracker {
    private final Thresholds t;

    private int number;
    private boolean open;
    private String leg = "unknown";
    private long startMillis;
    private long lastLoadedMillis;
    private boolean everLoaded;
    private long activeMillis;
    private boolean targetReached;
    private boolean limitReached;
    private double pressureSum;
    private long pressureCount;
    private double pressureMax;
    private long tooFastMillis;
    private final List<Double> holdSeconds = new ArrayList<>();
    private int holdsMet;
    private final Map<String, Integer> alertsByType = new TreeMap<>();
    private final List<Integer> pains = new ArrayList<>();
    private long frictionMillis;

    /** The share of the leg target and limit in force this session (below 1 after a sore morning's check-in). */
    private double loadFactor = 1.0;
    /** The share the next session starts with. */
    private double nextLoadFactor = 1.0;
    private long legTargetMs;
    private long legLimitMs;

    /** Where on the muscle the session's work went, for the summary. */
    private final MuscleMap muscle;

    SessionTracker(Thresholds thresholds, MuscleMap muscle) {
        this.t = thresholds;
        this.muscle = muscle;
        scaleLegTime();
    }

    /**
     * Lowers (below 1) or restores (1) the leg target and limit from the next session on: an open
     * session keeps the figures it started with and told the person. With none open, at once.
     */
    void loadFactor(double factor) {
        nextLoadFactor = factor;
        if (!open) {
            loadFactor = factor;
            scaleLegTime();
        }
    }

    /** The share of the calibrated figures in force now. */
    double loadFactor() {
        return loadFactor;
    }

    private void scaleLegTime() {
        legTargetMs = Math.round(t.sessions().legTargetMs() * loadFactor);
        legLimitMs = Math.round(t.sessions().legLimitMs() * loadFactor);
    }

    int number() {
        return number;
    }

    boolean open() {
        return open;
    }

    String leg() {
        return leg;
    }

    long activeMillis() {
        return activeMillis;
    }

    /**
     * Starts a session if contact begins one; returns true when a new session began (the rules
     * with per-session state then start afresh).
     */
    boolean beforeRules(Motion m, EventSink out) {
        if (open && !m.contact && m.tMillis - lastLoadedMillis >= t.sessions().idleMs()) {
            end(m.tMillis, "idle", out);
        }
        // Without a command, contact starts a session only after a real break: a stopped session
        // does not restart itself while the tool is still in use.
        if (m.contact && !open && (!everLoaded || m.tMillis - lastLoadedMillis >= t.sessions().idleMs())) {
            start(m.tMillis, "unknown", "contact", out);
            return true;
        }
        return false;
    }

    void afterRules(Motion m, boolean tooFast, long frictionTotalMillis, EventSink out) {
        boolean loaded = m.contact && !m.releasePending;
        if (loaded) {
            lastLoadedMillis = m.tMillis;
            everLoaded = true;
        }
        if (!open || !m.contact) {
            return;
        }
        frictionMillis = frictionTotalMillis;
        if (loaded) {
            // Active time is time under load: the release debounce and the step into the session do not
            // count; frames lost between two loaded samples do (the stream's clock says the tool was in use).
            activeMillis += m.tMillis == startMillis ? 0 : m.contactStepMillis;
            pressureSum += m.pressureKpa;
            pressureCount++;
            pressureMax = Math.max(pressureMax, m.pressureKpa);
        }
        if (tooFast) {
            tooFastMillis += m.contactStepMillis;
        }
        if (!targetReached && activeMillis >= legTargetMs) {
            reachedTarget(m.tMillis, out);
        }
        if (!limitReached && activeMillis >= legLimitMs) {
            reachedLimit(m.tMillis, out);
        }
    }

    private void reachedTarget(long now, EventSink out) {
        targetReached = true;
        out.emit(Event.of(EventType.LEG_TARGET_REACHED, AlertState.INSTANT, now, number,
                minutes(legTargetMs) + " minutes on the " + legName() + ": enough for this session; finish up or switch legs.",
                HoldRule.data("leg", leg, "active_s", Rounding.seconds(activeMillis))));
    }

    private void reachedLimit(long now, EventSink out) {
        limitReached = true;
        out.emit(Event.of(EventType.LEG_LIMIT_REACHED, AlertState.INSTANT, now, number,
                minutes(legLimitMs) + " minutes on the " + legName() + ": stop now so the tissue is not overworked.",
                HoldRule.data("leg", leg, "active_s", Rounding.seconds(activeMillis))));
    }

    /** Every event of the session passes here, for the summary. */
    void observe(Event e) {
        if (e.state() != AlertState.CLEARED && e.type() != EventType.SESSION_STARTED && e.type() != EventType.SESSION_ENDED
                && e.type() != EventType.CHECKIN_RECORDED) { // a check-in is about the leg's morning, not this session
            alertsByType.merge(e.type().wireName(), 1, Integer::sum);
        }
        if (e.detail() instanceof EventDetail.HoldEnded hold) {
            holdSeconds.add(hold.durationS());
            if (hold.targetMet()) {
                holdsMet++;
            }
        }
    }

    void pain(int level) {
        if (open) {
            pains.add(level);
        }
    }

    /** A command starts a session for a leg (ending any open one). Returns true: the rules start afresh. */
    boolean startByCommand(long now, String newLeg, EventSink out) {
        if (open) {
            end(now, "new_session", out);
        }
        start(now, newLeg, "command", out);
        return true;
    }

    /** Ends the open session; false when there is none. */
    boolean end(long now, String reason, EventSink out) {
        if (!open) {
            return false;
        }
        open = false;
        long endedAt = Math.max(startMillis, reason.equals("idle") ? lastLoadedMillis : now);
        EventDetail.SessionSummary summary = new EventDetail.SessionSummary(leg, reason, startMillis, endedAt,
                Rounding.seconds(endedAt - startMillis), Rounding.seconds(activeMillis), holdSeconds, holdsMet,
                pressureCount == 0 ? 0.0 : Rounding.r1(pressureSum / pressureCount), Rounding.r1(pressureMax),
                Rounding.seconds(tooFastMillis), Rounding.seconds(frictionMillis), pains, alertsByType,
                muscle.segments());
        out.emit(Event.of(EventType.SESSION_ENDED, AlertState.INSTANT, now, number,
                String.format(Locale.ROOT, "Session on the %s ended%s: %.1f min active, %d hold(s), %d met the 30 s target.",
                        legName(), reason.equals("bridge_stopped") ? " as the bridge stopped" : "", activeMillis / 60_000.0,
                        holdSeconds.size(), holdsMet), summary));
        return true;
    }

    private void start(long now, String newLeg, String how, EventSink out) {
        number++;
        open = true;
        loadFactor = nextLoadFactor;
        scaleLegTime();
        leg = newLeg;
        startMillis = now;
        lastLoadedMillis = now;
        activeMillis = 0;
        targetReached = false;
        limitReached = false;
        pressureSum = 0;
        pressureCount = 0;
        pressureMax = 0;
        tooFastMillis = 0;
        frictionMillis = 0;
        holdSeconds.clear();
        holdsMet = 0;
        alertsByType.clear();
        pains.clear();
        out.emit(Event.of(EventType.SESSION_STARTED, AlertState.INSTANT, now, number,
                "Session started on the " + legName() + ": aim for " + minutes(legTargetMs) + " to "
                        + minutes(legLimitMs) + " minutes.",
                HoldRule.data("leg", leg, "started_by", how)));
    }

    private String legName() {
        return leg.equals("unknown") ? "leg" : leg + " leg";
    }

    private static String minutes(long millis) {
        return millis % 60_000 == 0 ? Long.toString(millis / 60_000) : String.format(Locale.ROOT, "%.1f", millis / 60_000.0);
    }
}
