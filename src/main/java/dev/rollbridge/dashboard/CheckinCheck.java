package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.regex.Pattern;

/**
 * The morning check-in's {@code <base>/<device>/checkin} as the page may see it: anyone who can
 * publish to the broker can publish it, so it is rebuilt field by field (a day, due and asked as
 * booleans, an answer 0-10 or none, the time as HH:MM, the adaptation's figures in their ranges).
 * The question is not taken from the message: the page asks its own. A wrong field refuses the
 * whole message, so the page keeps what it showed.
 */
final class CheckinCheck {
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}");

    private CheckinCheck() {
    }

    static ObjectNode check(JsonNode in, String device) throws HistoryCheck.Refused {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("device", device);
        out.put("day", text(in, "day", DAY));
        out.put("asked", bool(in, "asked"));
        out.put("due", bool(in, "due"));
        putScore(out, "answer", in.get("answer"));
        out.put("time", text(in, "time", TIME));
        JsonNode a = in.get("adaptation");
        if (a == null || !a.isObject()) {
            throw new HistoryCheck.Refused("adaptation is not an object");
        }
        ObjectNode adaptation = out.putObject("adaptation");
        adaptation.put("lowered", bool(a, "lowered"));
        JsonNode factor = a.get("factor");
        if (factor == null || !factor.isNumber() || !(factor.asDouble() >= 0.5 && factor.asDouble() <= 1)) {
            throw new HistoryCheck.Refused("adaptation.factor is not a number from 0.5 to 1");
        }
        adaptation.put("factor", factor.asDouble());
        JsonNode since = a.get("since");
        if (since == null || since.isNull()) {
            adaptation.putNull("since");
        } else {
            adaptation.put("since", text(a, "since", DAY));
        }
        putScore(adaptation, "sore", a.get("sore"));
        putScore(adaptation, "reference", a.get("reference"));
        JsonNode good = a.get("good_mornings");
        if (good == null || !good.isIntegralNumber() || good.asInt() < 0 || good.asInt() > 10) {
            throw new HistoryCheck.Refused("adaptation.good_mornings is not a small whole number");
        }
        adaptation.put("good_mornings", good.asInt());
        return out;
    }

    private static void putScore(ObjectNode out, String key, JsonNode v) throws HistoryCheck.Refused {
        if (v == null || v.isNull()) {
            out.putNull(key);
        } else if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0 && v.asInt() <= 10) {
            out.put(key, v.asInt());
        } else {
            throw new HistoryCheck.Refused(key + " is not a whole number from 0 to 10");
        }
    }

    private static boolean bool(JsonNode in, String key) throws HistoryCheck.Refused {
        JsonNode v = in.get(key);
        if (v == null || !v.isBoolean()) {
            throw new HistoryCheck.Refused(key + " is not true or false");
        }
        return v.asBoolean();
    }

    private static String text(JsonNode in, String key, Pattern shape) throws HistoryCheck.Refused {
        JsonNode v = in.get(key);
        if (v == null || !v.isTextual() || !shape.matcher(v.asText()).matches()) {
            throw new HistoryCheck.Refused(key + " is not of the form " + shape.pattern());
        }
        return v.asText();
    }
}
