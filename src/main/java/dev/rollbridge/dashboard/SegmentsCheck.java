package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.regex.Pattern;

/**
 * Where on the muscle, made safe for the page: the {@code <base>/<device>/segments} payload, and
 * the {@code segments} of a session summary. Anyone who can publish to the broker can publish
 * them, so they are rebuilt field by field: 0 or 10 segments, fold first, each covering its tenth
 * of the muscle, with finite, non-negative figures within what a session can reach and at most
 * {@value #HOLDS_MAX} holds. Unknown fields are left out; a wrong one refuses the whole message,
 * so the page keeps what it showed.
 */
final class SegmentsCheck {
    static final int SEGMENTS = 10;
    static final int HOLDS_MAX = 8;
    /** A day in seconds: no session is longer. */
    private static final double MAX_SECONDS = 24 * 3600;
    /** A day at 10 MPa: more dose than any tool can give. */
    private static final double MAX_DOSE_KPA_S = MAX_SECONDS * 10_000;
    private static final Pattern ISO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    private SegmentsCheck() {
    }

    /** A {@code <device>/segments} payload as the page may see it. */
    static ObjectNode check(JsonNode in, String device) throws HistoryCheck.Refused {
        if (in == null || !in.isObject()) {
            throw new HistoryCheck.Refused("not a JSON object");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("device", device);
        JsonNode ts = in.get("ts");
        out.put("ts", ts != null && ts.isTextual() && ISO_TIME.matcher(ts.asText()).matches() ? ts.asText() : null);
        out.put("t_ms", whole(in, "t_ms", 0, Long.MAX_VALUE / 2));
        out.put("session", whole(in, "session", 0, Integer.MAX_VALUE));
        JsonNode leg = in.get("leg");
        if (leg == null || !leg.isTextual() || !HistoryCheck.LEGS.contains(leg.asText())) {
            throw new HistoryCheck.Refused("leg is not one of " + HistoryCheck.LEGS);
        }
        out.put("leg", leg.asText());
        JsonNode position = in.get("position_pct");
        if (position == null || position.isNull()) {
            out.putNull("position_pct");
        } else {
            out.put("position_pct", number(in, "position_pct", 100));
        }
        out.set("segments", segments(in.get("segments")));
        return out;
    }

    /** A list of segments as the page may see it: empty (the position was never known) or ten, fold first. */
    static ArrayNode segments(JsonNode in) throws HistoryCheck.Refused {
        if (in == null || !in.isArray() || (in.size() != 0 && in.size() != SEGMENTS)) {
            throw new HistoryCheck.Refused("segments is not a list of 0 or " + SEGMENTS);
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < in.size(); i++) {
            JsonNode s = in.get(i);
            if (!s.isObject()) {
                throw new HistoryCheck.Refused("segment " + i + " is not an object");
            }
            ObjectNode seg = out.addObject();
            double from = number(s, "from_pct", 100);
            double to = number(s, "to_pct", 100);
            if (from != i * 100.0 / SEGMENTS || to != (i + 1) * 100.0 / SEGMENTS) {
                throw new HistoryCheck.Refused("segment " + i + " does not cover " + i * 10 + "-" + (i + 1) * 10 + " %");
            }
            seg.put("from_pct", from);
            seg.put("to_pct", to);
            seg.put("time_s", number(s, "time_s", MAX_SECONDS));
            seg.put("dose_kpa_s", number(s, "dose_kpa_s", MAX_DOSE_KPA_S));
            JsonNode holds = s.get("holds");
            if (holds == null || !holds.isArray() || holds.size() > HOLDS_MAX) {
                throw new HistoryCheck.Refused("segment " + i + ": holds is not a list of at most " + HOLDS_MAX);
            }
            ArrayNode held = seg.putArray("holds");
            for (JsonNode h : holds) {
                if (!h.isNumber() || !Double.isFinite(h.doubleValue()) || h.doubleValue() < 0 || h.doubleValue() > MAX_SECONDS) {
                    throw new HistoryCheck.Refused("segment " + i + ": a hold that is not a number of seconds");
                }
                held.add(h.doubleValue());
            }
            seg.put("ease_off", whole(s, "ease_off", 0, 100_000));
            seg.put("pain", whole(s, "pain", 0, 100_000));
            seg.put("friction_s", number(s, "friction_s", MAX_SECONDS));
        }
        return out;
    }

    private static long whole(JsonNode in, String field, long min, long max) throws HistoryCheck.Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new HistoryCheck.Refused(field + " is not a whole number from " + min + " to " + max);
        }
        return v.longValue();
    }

    private static double number(JsonNode in, String field, double max) throws HistoryCheck.Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < 0 || v.doubleValue() > max) {
            throw new HistoryCheck.Refused(field + " is not a number from 0 to " + max);
        }
        return v.doubleValue();
    }
}
