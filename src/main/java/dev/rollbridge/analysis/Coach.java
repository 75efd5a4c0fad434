package dev.rollbridge.analysis;

import java.util.EnumSet;
import java.util.Locale;

/**
 * The spoken coach (opt-in): steps a person through the guide from what the rules see, not on a
 * timer. It reads the events the rules emit and, after each sample's rules, the warm-up and
 * friction totals; what it decides to say goes out as a {@code coach_prompt} event at that
 * sample's time. Like the rules it has no clock: the same stream gives the same prompts.
 *
 * <p>Per session (one leg): {@code warm_up} when it starts; {@code find_spot} once the warm-up
 * rule has counted its minute of broad strokes (dropped if a hold came first); {@code ease_off_slowly}
 * at the first hold's target (dropped if the hold ended first); {@code cross_fibre} when that hold
 * has ended, unless friction was done already; {@code leg_done} at the leg's target. The guide's
 * nerve red flags ({@code red_flags}) once a run, at its first session, and once a session after a
 * pain report above the limit. A step is said at most once per session.
 *
 * <p>No flood: prompts are at least {@link #MIN_SPACING_MS} apart in sample time, none comes
 * within {@link #AFTER_ALERT_MS} of a warning or danger, nor while the person is rolling too fast
 * or pressing too hard (the alert has the floor); a due step waits, or lapses when its moment has
 * passed. After a red-flag symptom the coach is silent until the next session.
 */
final class Coach {
    /** Sample time between two prompts at least: one thought at a time. */
    static final long MIN_SPACING_MS = 8_000;
    /** Sample time after a warning or danger before a prompt: the alert is heard first. */
    static final long AFTER_ALERT_MS = 3_000;
    /** Prompts due at once go out in this order. */
    private static final CoachStep[] PRIORITY = {CoachStep.EASE_OFF_SLOWLY, CoachStep.WARM_UP, CoachStep.RED_FLAGS,
            CoachStep.LEG_DONE, CoachStep.FIND_SPOT, CoachStep.CROSS_FIBRE};

    private final Thresholds t;
    private final EventSink out;
    private final EnumSet<CoachStep> due = EnumSet.noneOf(CoachStep.class);
    private final EnumSet<CoachStep> said = EnumSet.noneOf(CoachStep.class);
    /** Conditions the person is causing now (too fast, too hard): no prompt while one is raised. */
    private final EnumSet<EventType> raised = EnumSet.noneOf(EventType.class);
    private boolean open;
    private int session;
    private boolean redFlagsThisRun;
    private boolean redFlagsAfterPain;
    private boolean holdStarted;
    private boolean frictionDone;
    private long lastPromptMillis = Long.MIN_VALUE / 2;
    private long lastAlertMillis = Long.MIN_VALUE / 2;

    /** @param out where prompts go: the device's event path, past the session's tally (a prompt is not something the person did) */
    Coach(Thresholds thresholds, EventSink out) {
        this.t = thresholds;
        this.out = out;
    }

    /** Every event the rules emit passes here, as it is emitted. */
    void observe(Event e) {
        if ((e.severity() == Severity.WARNING || e.severity() == Severity.DANGER) && e.state() != AlertState.CLEARED) {
            lastAlertMillis = e.tMillis();
        }
        switch (e.type()) {
            case SPEED_TOO_FAST, PRESSURE_TOO_HIGH -> {
                if (e.state() == AlertState.RAISED) {
                    raised.add(e.type());
                } else {
                    raised.remove(e.type());
                }
            }
            case SESSION_STARTED -> {
                open = true;
                session = e.session();
                due.clear();
                said.clear();
                raised.clear();
                holdStarted = false;
                frictionDone = false;
                redFlagsAfterPain = false;
                due.add(CoachStep.WARM_UP);
                if (!redFlagsThisRun) {
                    due.add(CoachStep.RED_FLAGS);
                }
            }
            case SESSION_ENDED -> {
                open = false;
                due.clear();
            }
            case STOP_AND_SEEK_CARE -> {
                // Care comes first: nothing more to coach in this session.
                open = false;
                due.clear();
            }
            case HOLD_STARTED -> {
                holdStarted = true;
                due.remove(CoachStep.WARM_UP);
                due.remove(CoachStep.FIND_SPOT);
            }
            case HOLD_TARGET_REACHED -> dueOnce(CoachStep.EASE_OFF_SLOWLY);
            case HOLD_ENDED -> {
                due.remove(CoachStep.EASE_OFF_SLOWLY);
                if (e.detail() instanceof EventDetail.HoldEnded ended && ended.targetMet() && !frictionDone) {
                    dueOnce(CoachStep.CROSS_FIBRE);
                }
            }
            case LEG_TARGET_REACHED -> dueOnce(CoachStep.LEG_DONE);
            case REDUCE_PRESSURE -> {
                if (open && !redFlagsAfterPain) {
                    redFlagsAfterPain = true;
                    due.add(CoachStep.RED_FLAGS);
                }
            }
            default -> {
            }
        }
    }

    private void dueOnce(CoachStep step) {
        if (open && !said.contains(step)) {
            due.add(step);
        }
    }

    /**
     * After the rules of a sample: the steps the totals make due or lapse, then at most one prompt.
     *
     * @param rollingMillis   broad rolling strokes in this session so far (the warm-up rule's count)
     * @param frictionActive  cross-fibre strokes going on now
     * @param frictionMillis  cross-fibre friction in this session so far
     */
    void afterSample(long now, long rollingMillis, boolean frictionActive, long frictionMillis) {
        if (!open) {
            return;
        }
        if (frictionActive || frictionMillis > 0) {
            frictionDone = true;
            due.remove(CoachStep.CROSS_FIBRE);
        }
        if (rollingMillis >= t.warmup().rollingMs()) {
            due.remove(CoachStep.WARM_UP);
            if (!holdStarted) {
                dueOnce(CoachStep.FIND_SPOT);
            }
        }
        if (due.isEmpty() || !raised.isEmpty() || now - lastPromptMillis < MIN_SPACING_MS || now - lastAlertMillis < AFTER_ALERT_MS) {
            return;
        }
        for (CoachStep step : PRIORITY) {
            if (due.remove(step)) {
                said.add(step);
                if (step == CoachStep.RED_FLAGS) {
                    redFlagsThisRun = true;
                }
                lastPromptMillis = now;
                String text = text(step);
                out.emit(Event.of(EventType.COACH_PROMPT, AlertState.INSTANT, now, session, text, new EventDetail.CoachPrompt(step, text)));
                return;
            }
        }
    }

    /** What is said for a step, with this device's numbers; the guide's own words where it has them. */
    String text(CoachStep step) {
        return switch (step) {
            case WARM_UP -> "Warm up first: long, slow strokes from the gluteal fold down to the knee, a few inches a second.";
            case RED_FLAGS -> "Stop and seek care if you feel numbness, pins and needles, or pain that radiates below the knee"
                    + " into the calf or foot.";
            case FIND_SPOT -> "Warmed up. Now find a tight spot and hold still on it.";
            case EASE_OFF_SLOWLY -> seconds(t.hold().targetMs()) + ": ease off slowly.";
            case CROSS_FIBRE -> "Now try short cross-fibre strokes near the knee, for up to " + seconds(t.friction().limitMs()) + ".";
            case LEG_DONE -> "That's enough for this leg: switch legs or finish.";
        };
    }

    private static String seconds(long millis) {
        if (millis == 60_000) {
            return "a minute";
        }
        return millis % 1000 == 0 ? (millis / 1000) + " seconds" : String.format(Locale.ROOT, "%.1f seconds", millis / 1000.0);
    }
}
