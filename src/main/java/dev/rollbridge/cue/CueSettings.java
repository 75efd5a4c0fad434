package dev.rollbridge.cue;

import dev.rollbridge.analysis.EventType;

import java.time.LocalTime;
import java.util.Set;

/**
 * How the bridge sounds: on or off, how loud, which events, spoken phrases or not, and quiet
 * hours (local time, may span midnight) during which it stays silent.
 */
public record CueSettings(boolean enabled, double volume, Set<EventType> events, boolean speech,
                          LocalTime quietFrom, LocalTime quietTo) {

    /** The events that sound unless configured otherwise; danger events always do. */
    public static final Set<EventType> DEFAULT_EVENTS = Set.of(EventType.HOLD_TARGET_REACHED, EventType.HOLD_MAX_REACHED,
            EventType.LEG_TARGET_REACHED, EventType.LEG_LIMIT_REACHED, EventType.EASE_OFF, EventType.PRESSURE_TOO_HIGH,
            EventType.SESSION_ADAPTED);

    public CueSettings {
        if (volume < 0 || volume > 1) {
            throw new IllegalArgumentException("cue volume must be from 0 to 1, not " + volume);
        }
        if ((quietFrom == null) != (quietTo == null)) {
            throw new IllegalArgumentException("quiet hours need both a start and an end");
        }
        events = Set.copyOf(events);
    }

    public static CueSettings defaults() {
        return new CueSettings(true, 0.8, DEFAULT_EVENTS, true, null, null);
    }

    public static CueSettings off() {
        return new CueSettings(false, 0.8, DEFAULT_EVENTS, false, null, null);
    }

    /** Parses {@code HH:MM-HH:MM} into a copy with those quiet hours. */
    public CueSettings withQuietHours(String range) {
        String[] parts = range.split("-");
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            return new CueSettings(enabled, volume, events, speech, LocalTime.parse(parts[0].strip()), LocalTime.parse(parts[1].strip()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("quiet hours '" + range + "' must look like 22:00-07:00");
        }
    }

    public boolean quietAt(LocalTime now) {
        if (quietFrom == null) {
            return false;
        }
        return quietFrom.isBefore(quietTo)
                ? !now.isBefore(quietFrom) && now.isBefore(quietTo)
                : !now.isBefore(quietFrom) || now.isBefore(quietTo);
    }
}
