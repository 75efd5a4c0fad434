package dev.rollbridge.analysis;

import java.util.Locale;

/** Every event the bridge publishes, with its usual severity. Wire names are the snake_case of these. */
public enum EventType {
    HOLD_STARTED(Severity.INFO),
    HOLD_TARGET_REACHED(Severity.CUE),
    HOLD_MAX_REACHED(Severity.WARNING),
    HOLD_ENDED(Severity.INFO),
    SPEED_TOO_FAST(Severity.WARNING),
    PRESSURE_TOO_HIGH(Severity.WARNING),
    WARMUP_ADVISED(Severity.INFO),
    FRICTION_LIMIT_REACHED(Severity.WARNING),
    EASE_OFF(Severity.WARNING),
    SESSION_STARTED(Severity.INFO),
    LEG_TARGET_REACHED(Severity.CUE),
    LEG_LIMIT_REACHED(Severity.WARNING),
    SESSION_ENDED(Severity.INFO),
    PAIN_REPORTED(Severity.INFO),
    REDUCE_PRESSURE(Severity.WARNING),
    STOP_AND_SEEK_CARE(Severity.DANGER),
    CALIBRATION_STARTED(Severity.INFO),
    CALIBRATION_MARKED(Severity.INFO),
    CALIBRATION_DONE(Severity.INFO),
    CALIBRATION_CANCELLED(Severity.INFO),
    FREQUENCY_ADVISED(Severity.INFO),
    SEEK_PROFESSIONAL(Severity.WARNING),
    DEVICE_CONNECTED(Severity.INFO),
    DEVICE_DISCONNECTED(Severity.WARNING),
    BATTERY_LOW(Severity.WARNING),
    SENSOR_FAULT(Severity.WARNING),
    SEGMENT_ADVISED(Severity.INFO),
    /** The spoken coach's next step (issue 20): see {@link CoachStep}. */
    COACH_PROMPT(Severity.INFO),
    /** The morning after a session: "how does the back of your thigh feel today, 0-10?" (issue 20). */
    CHECKIN_DUE(Severity.INFO),
    /** A morning check-in answer ({@code {"checkin": N}}). */
    CHECKIN_RECORDED(Severity.INFO),
    /** The next session's ceilings and leg time lowered after a sore morning, or back to the calibrated values. */
    SESSION_ADAPTED(Severity.INFO);

    private final Severity severity;

    EventType(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
