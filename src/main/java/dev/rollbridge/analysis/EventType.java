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
    DEVICE_CONNECTED(Severity.INFO),
    DEVICE_DISCONNECTED(Severity.WARNING);

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
