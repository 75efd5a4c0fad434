package dev.rollbridge.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something the person should know, at a sample time. Wall-clock stamps, ids and sequence numbers
 * are added where the event leaves the bridge, not here.
 *
 * @param session number of the massage session the event belongs to (1, 2, ...)
 * @param data    details, snake_case keys, values rounded for people
 */
public record Event(EventType type, Severity severity, AlertState state, long tMillis,
                    int session, String message, Map<String, Object> data) {

    public Event {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static Event of(EventType type, AlertState state, long tMillis, int session, String message,
                           Map<String, Object> data) {
        return new Event(type, type.severity(), state, tMillis, session, message, data);
    }
}
