package dev.rollbridge.analysis;

import java.util.Map;

/**
 * Something the person should know, at a sample time. Wall-clock stamps, ids and sequence numbers
 * are added where the event leaves the bridge, not here.
 *
 * @param session number of the massage session the event belongs to (1, 2, ...)
 * @param detail  what it says: typed where other parts read it ({@link EventDetail}), and the
 *                payload's {@code data} either way
 */
public record Event(EventType type, Severity severity, AlertState state, long tMillis,
                    int session, String message, EventDetail detail) {

    /** The payload's {@code data}: snake_case keys, values rounded for people. */
    public Map<String, Object> data() {
        return detail.data();
    }

    public static Event of(EventType type, AlertState state, long tMillis, int session, String message,
                           Map<String, Object> data) {
        return new Event(type, type.severity(), state, tMillis, session, message, new EventDetail.Plain(data));
    }

    public static Event of(EventType type, AlertState state, long tMillis, int session, String message, EventDetail detail) {
        return new Event(type, type.severity(), state, tMillis, session, message, detail);
    }
}
