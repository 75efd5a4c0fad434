package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.session.TrendAdvisor;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code <base>/<device>/history} payload made safe for the page: anyone who can publish to the
 * broker can publish one. The summary is rebuilt field by field from what the contract allows:
 * dates, week names and legs that match their patterns, whole numbers and finite numbers within
 * the ranges a real history can have. Fields it does not know are left out; one that is wrong (a
 * string where a number goes, a count no history can reach, a day outside the summary's weeks)
 * refuses the whole message, so the page keeps what it showed.
 */
final class HistoryCheck {
    /** The most days a summary may span (the bridge sends 8 weeks; a newer one may send a few more). */
    static final int MAX_DAYS = 16 * 7;
    static final List<String> LEGS = List.of("left", "right", "unknown");
    private static final List<String> TRENDS = List.of("worse", "not improving", "improving");
    private static final List<String> SOURCES = List.of(TrendAdvisor.PainTrend.REPORTS, TrendAdvisor.PainTrend.CHECKINS);
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern WEEK = Pattern.compile("\\d{4}-W\\d{2}");
    private static final Pattern ISO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_+\\-/:]{1,64}");

    /** Why a summary was refused. */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    private HistoryCheck() {
    }

    /** The summary as the page may see it; {@link Refused} says what was wrong. */
    static ObjectNode check(JsonNode in) throws Refused {
        if (in == null || !in.isObject()) {
            throw new Refused("not a JSON object");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        LocalDate from = date(in, "from");
        LocalDate to = date(in, "to");
        if (to.isBefore(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new Refused("from " + from + " to " + to + " is not a span of at most " + MAX_DAYS + " days");
        }
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("ts", optional(in, "ts", ISO_TIME));
        out.put("zone", optional(in, "zone", ZONE));

        ArrayNode legs = out.putArray("legs");
        for (JsonNode leg : array(in, "legs", LEGS.size())) {
            legs.add(leg(leg));
        }
        ArrayNode days = out.putArray("days");
        for (JsonNode d : array(in, "days", MAX_DAYS * LEGS.size())) {
            ObjectNode day = days.addObject();
            day.put("date", within(date(d, "date"), from, to).toString());
            day.put("leg", leg(d.get("leg")));
            day.put("sessions", whole(d, "sessions", 1, 1_000));
            day.put("active_min", number(d, "active_min", 24 * 60));
            day.put("duration_min", number(d, "duration_min", 24 * 60));
            long holds = whole(d, "holds", 0, 100_000);
            day.put("holds", holds);
            day.put("holds_met", whole(d, "holds_met", 0, holds));
            ObjectNode alerts = day.putObject("alerts");
            alerts.put("warning", whole(d.path("alerts"), "warning", 0, 10_000_000));
            alerts.put("danger", whole(d.path("alerts"), "danger", 0, 10_000_000));
        }
        ArrayNode weeks = out.putArray("weeks");
        for (JsonNode w : array(in, "weeks", MAX_DAYS / 7 + 1)) {
            ObjectNode week = weeks.addObject();
            week.put("week", required(w, "week", WEEK));
            week.put("start", within(date(w, "start"), from.minusDays(6), to).toString());
            week.set("sessions", perLeg(w.get("sessions"), 7_000));
        }
        ArrayNode pain = out.putArray("pain");
        for (JsonNode p : array(in, "pain", MAX_DAYS)) {
            ObjectNode day = pain.addObject();
            day.put("date", within(date(p, "date"), from, to).toString());
            day.put("reports", whole(p, "reports", 1, 10_000));
            day.put("mean", number(p, "mean", 10));
            day.put("max", whole(p, "max", 0, 10));
            if (p.has("checkin")) {
                day.put("checkin", whole(p, "checkin", 0, 10));
            }
        }
        JsonNode f = object(in, "frequency");
        ObjectNode frequency = out.putObject("frequency");
        long low = whole(f, "maintenance_min_per_week", 0, 7);
        frequency.put("maintenance_min_per_week", low);
        frequency.put("maintenance_max_per_week", whole(f, "maintenance_max_per_week", low, 7));
        frequency.put("daily_per_week", whole(f, "daily_per_week", 1, 14));
        frequency.set("last_7_days", perLeg(f.get("last_7_days"), 1_000));
        double target = number(f, "leg_target_min", 120);
        frequency.put("leg_target_min", target);
        frequency.put("leg_limit_min", Math.max(target, number(f, "leg_limit_min", 120)));

        JsonNode s = object(in, "seek_professional");
        ObjectNode seek = out.putObject("seek_professional");
        seek.put("window_days", whole(s, "window_days", 1, MAX_DAYS));
        seek.put("min_days", whole(s, "min_days", 1, MAX_DAYS));
        if (!s.path("due").isBoolean()) {
            throw new Refused("seek_professional.due is not true or false");
        }
        seek.put("due", s.path("due").booleanValue());
        seek.put("days", whole(s, "days", 0, MAX_DAYS));
        seek.put("since", s.path("since").isNull() ? null : date(s, "since").toString());
        seek.put("first_day_mean", s.path("first_day_mean").isNull() ? null : number(s, "first_day_mean", 10));
        seek.put("last_day_mean", s.path("last_day_mean").isNull() ? null : number(s, "last_day_mean", 10));
        JsonNode trend = s.path("trend");
        if (!trend.isNull() && !(trend.isTextual() && TRENDS.contains(trend.asText()))) {
            throw new Refused("seek_professional.trend is not one of " + TRENDS);
        }
        seek.put("trend", trend.isNull() ? null : trend.asText());
        JsonNode source = s.path("source");
        if (!source.isMissingNode() && !source.isNull() && !(source.isTextual() && SOURCES.contains(source.asText()))) {
            throw new Refused("seek_professional.source is not one of " + SOURCES);
        }
        seek.put("source", source.isTextual() ? source.asText() : null);
        seek.put("last_advised", optional(s, "last_advised", ISO_TIME));
        out.put("days_dropped", in.has("days_dropped") ? whole(in, "days_dropped", 0, MAX_DAYS) : 0);
        return out;
    }

    private static ObjectNode perLeg(JsonNode counts, long max) throws Refused {
        if (counts == null || !counts.isObject() || counts.size() > LEGS.size()) {
            throw new Refused("sessions per leg is not an object of legs");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String leg : LEGS) {
            if (counts.has(leg)) {
                out.put(leg, whole(counts, leg, 0, max));
            }
        }
        if (out.size() != counts.size()) {
            throw new Refused("sessions per leg names a leg that is not one of " + LEGS);
        }
        return out;
    }

    private static JsonNode object(JsonNode in, String field) throws Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isObject()) {
            throw new Refused(field + " is not an object");
        }
        return v;
    }

    private static JsonNode array(JsonNode in, String field, int max) throws Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isArray() || v.size() > max) {
            throw new Refused(field + " is not a list of at most " + max);
        }
        for (JsonNode e : v) {
            if (!e.isObject() && !e.isTextual()) {
                throw new Refused(field + " holds something that is neither an object nor a name");
            }
        }
        return v;
    }

    private static String leg(JsonNode v) throws Refused {
        if (v == null || !v.isTextual() || !LEGS.contains(v.asText())) {
            throw new Refused("a leg that is not one of " + LEGS);
        }
        return v.asText();
    }

    private static LocalDate date(JsonNode in, String field) throws Refused {
        String text = required(in, field, DATE);
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new Refused(field + " is not a date");
        }
    }

    private static LocalDate within(LocalDate d, LocalDate from, LocalDate to) throws Refused {
        if (d.isBefore(from) || d.isAfter(to)) {
            throw new Refused(d + " is outside " + from + " to " + to);
        }
        return d;
    }

    private static String required(JsonNode in, String field, Pattern pattern) throws Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isTextual() || !pattern.matcher(v.asText()).matches()) {
            throw new Refused(field + " is not of the form " + pattern.pattern());
        }
        return v.asText();
    }

    /** Text that matches, or null when it is missing or does not. */
    private static String optional(JsonNode in, String field, Pattern pattern) {
        JsonNode v = in.get(field);
        return v != null && v.isTextual() && pattern.matcher(v.asText()).matches() ? v.asText() : null;
    }

    private static long whole(JsonNode in, String field, long min, long max) throws Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new Refused(field + " is not a whole number from " + min + " to " + max);
        }
        return v.longValue();
    }

    private static double number(JsonNode in, String field, double max) throws Refused {
        JsonNode v = in.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < 0 || v.doubleValue() > max) {
            throw new Refused(field + " is not a number from 0 to " + max);
        }
        return v.doubleValue();
    }
}
