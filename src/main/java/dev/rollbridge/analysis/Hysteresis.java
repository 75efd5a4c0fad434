package dev.rollbridge.analysis;

/**
 * A condition with a lifecycle: it is raised once its raise condition has held for
 * {@code raiseAfterMs} of sample time, and cleared once its clear condition has held for
 * {@code clearAfterMs}. Between two different levels and with those dwell times, a value
 * hovering at a threshold never floods anyone with alerts.
 */
final class Hysteresis {
    enum Change { NONE, RAISED, CLEARED }

    private final long raiseAfterMs;
    private final long clearAfterMs;
    private boolean raised;
    private long pendingSince = -1;
    private long runStart = -1;

    Hysteresis(long raiseAfterMs, long clearAfterMs) {
        this.raiseAfterMs = raiseAfterMs;
        this.clearAfterMs = clearAfterMs;
    }

    boolean raised() {
        return raised;
    }

    /** When the run of samples that caused the last change began (e.g. when the limit was first crossed). */
    long runStart() {
        return runStart;
    }

    Change update(long tMillis, boolean raiseCondition, boolean clearCondition) {
        boolean pending = raised ? clearCondition : raiseCondition;
        if (!pending) {
            pendingSince = -1;
            return Change.NONE;
        }
        if (pendingSince < 0) {
            pendingSince = tMillis;
        }
        if (tMillis - pendingSince < (raised ? clearAfterMs : raiseAfterMs)) {
            return Change.NONE;
        }
        raised = !raised;
        runStart = pendingSince;
        pendingSince = -1;
        return raised ? Change.RAISED : Change.CLEARED;
    }

    /** Forgets everything (the stream ended or the link dropped). */
    void reset() {
        raised = false;
        pendingSince = -1;
    }
}
