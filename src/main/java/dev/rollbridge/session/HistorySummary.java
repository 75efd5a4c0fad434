package dev.rollbridge.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Severity;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Payloads;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The retained {@code <base>/<device>/history} payload: what the dashboard's history view draws,
 * from the {@link HistoryStore}, over the last {@value #WEEKS} ISO weeks (this one included), in
 * wall-clock calendar days of the bridge's clock zone:
 * <ul>
 *   <li>{@code days}: per day and leg, the sessions, their minutes (in contact and in all), holds,
 *   holds that met the 30 s target, and the alerts (warnings, dangers) they raised;</li>
 *   <li>{@code weeks}: per ISO week, the sessions per leg, against the guide's frequency in
 *   {@code frequency} (two to three a week for maintenance, daily for persistent stiffness);</li>
 *   <li>{@code pain}: per day, the reports (pain reports and the morning check-in, which is also
 *   shown as {@code checkin}) with their mean and highest, and in
 *   {@code seek_professional} the rule's parameters and whether its advice is due now.</li>
 * </ul>
 * At most {@value #MAX_BYTES} bytes: past that, the oldest days go first ({@code days_dropped}
 * says how many). Nothing of the analysis is timed here: the history keeps wall time.
 */
public final class HistorySummary {
    /** ISO weeks shown, the current one included. */
    public static final int WEEKS = 8;
    /** The largest payload published; the oldest days are dropped to stay under it. */
    public static final int MAX_BYTES = 32 * 1024;
    /** Legs as the session command names them. */
    static final List<String> LEGS = List.of("left", "right", "unknown");

    private HistorySummary() {
    }

    /**
     * The summary of {@code device} now, read from the store.
     *
     * @param legs the device's per-leg session target and limit (5 and 10 minutes by default)
     */
    public static byte[] payload(HistoryStore store, String device, Instant now, ZoneId zone, Thresholds.Sessions legs) {
        LocalDate from = firstDay(now, zone);
        Instant since = from.atStartOfDay(zone).toInstant();
        Instant painSince = now.minus(TrendAdvisor.PAIN_WINDOW);
        List<HistoryStore.PainReport> pains = store.pains(device, since.isBefore(painSince) ? since : painSince);
        Optional<Instant> advised = store.lastAdvice(device, "pain_trend");
        return bounded(build(device, store.sessions(device, since), pains, now, zone, legs, advised));
    }

    /** Monday of the oldest week shown. */
    static LocalDate firstDay(Instant now, ZoneId zone) {
        return now.atZone(zone).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(WEEKS - 1);
    }

    /** The payload as a map (field order as published); sessions and reports outside the weeks are left out. */
    static Map<String, Object> build(String device, List<SessionRecord> sessions, List<HistoryStore.PainReport> pains, Instant now,
                                     ZoneId zone, Thresholds.Sessions legs, Optional<Instant> lastAdvised) {
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate from = firstDay(now, zone);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", device);
        m.put("ts", Payloads.iso(now));
        m.put("zone", zone.getId());
        m.put("from", from.toString());
        m.put("to", today.toString());

        // Days and legs, oldest first; weeks with every leg that had a session, zeros included.
        Map<LocalDate, Map<String, DayLeg>> days = new TreeMap<>();
        Map<LocalDate, Map<String, Integer>> weeks = new TreeMap<>();
        for (int w = 0; w < WEEKS; w++) {
            weeks.put(from.plusWeeks(w), new LinkedHashMap<>());
        }
        List<String> legsSeen = new ArrayList<>();
        Map<String, Integer> lastSevenDays = new LinkedHashMap<>();
        for (SessionRecord s : sessions) {
            LocalDate day = s.ended().atZone(zone).toLocalDate();
            if (day.isBefore(from) || day.isAfter(today)) {
                continue;
            }
            String leg = LEGS.contains(s.leg()) ? s.leg() : "unknown";
            if (!legsSeen.contains(leg)) {
                legsSeen.add(leg);
            }
            days.computeIfAbsent(day, d -> new TreeMap<>(Comparator.comparingInt(LEGS::indexOf)))
                    .computeIfAbsent(leg, l -> new DayLeg()).add(s);
            weeks.get(day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))).merge(leg, 1, Integer::sum);
            if (!s.ended().isBefore(now.minus(TrendAdvisor.WEEK))) {
                lastSevenDays.merge(leg, 1, Integer::sum);
            }
        }
        legsSeen.sort(Comparator.comparingInt(LEGS::indexOf));
        m.put("legs", legsSeen);
        List<Map<String, Object>> dayList = new ArrayList<>();
        days.forEach((day, byLeg) -> byLeg.forEach((leg, d) -> dayList.add(d.toMap(day, leg))));
        m.put("days", dayList);
        List<Map<String, Object>> weekList = new ArrayList<>();
        weeks.forEach((monday, counts) -> {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("week", String.format(Locale.ROOT, "%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR),
                    monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
            w.put("start", monday.toString());
            Map<String, Integer> perLeg = new LinkedHashMap<>();
            for (String leg : legsSeen) {
                perLeg.put(leg, counts.getOrDefault(leg, 0));
            }
            w.put("sessions", perLeg);
            weekList.add(w);
        });
        m.put("weeks", weekList);

        Map<String, Object> frequency = new LinkedHashMap<>();
        frequency.put("maintenance_min_per_week", TrendAdvisor.MAINTENANCE_MIN_PER_WEEK);
        frequency.put("maintenance_max_per_week", TrendAdvisor.MAINTENANCE_MAX_PER_WEEK);
        frequency.put("daily_per_week", TrendAdvisor.DAILY_PER_WEEK);
        Map<String, Integer> recent = new LinkedHashMap<>();
        for (String leg : legsSeen) {
            recent.put(leg, lastSevenDays.getOrDefault(leg, 0));
        }
        frequency.put("last_7_days", recent);
        frequency.put("leg_target_min", round(legs.legTargetMs() / 60_000.0));
        frequency.put("leg_limit_min", round(legs.legLimitMs() / 60_000.0));
        m.put("frequency", frequency);

        Map<LocalDate, int[]> painByDay = new TreeMap<>();
        Map<LocalDate, Integer> checkinByDay = new TreeMap<>();
        List<HistoryStore.PainReport> window = new ArrayList<>();
        for (HistoryStore.PainReport p : pains) {
            LocalDate day = p.ts().atZone(zone).toLocalDate();
            if (!p.ts().isBefore(now.minus(TrendAdvisor.PAIN_WINDOW)) && !p.ts().isAfter(now)) {
                window.add(p);
            }
            if (day.isBefore(from) || day.isAfter(today)) {
                continue;
            }
            int[] sumCountMax = painByDay.computeIfAbsent(day, d -> new int[]{0, 0, 0});
            sumCountMax[0] += p.pain();
            sumCountMax[1]++;
            sumCountMax[2] = Math.max(sumCountMax[2], p.pain());
            if (p.checkin()) {
                checkinByDay.put(day, p.pain());
            }
        }
        List<Map<String, Object>> painList = new ArrayList<>();
        painByDay.forEach((day, scm) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("date", day.toString());
            p.put("reports", scm[1]);
            p.put("mean", round(scm[0] / (double) scm[1]));
            p.put("max", scm[2]);
            if (checkinByDay.containsKey(day)) {
                p.put("checkin", checkinByDay.get(day)); // the morning check-in, one of the day's reports
            }
            painList.add(p);
        });
        m.put("pain", painList);

        Map<String, Object> seek = new LinkedHashMap<>();
        seek.put("window_days", TrendAdvisor.PAIN_WINDOW_DAYS);
        seek.put("min_days", TrendAdvisor.MIN_PAIN_DAYS);
        Optional<TrendAdvisor.PainTrend> trend = TrendAdvisor.painTrend(window, zone);
        seek.put("due", trend.map(TrendAdvisor.PainTrend::seekProfessional).orElse(false));
        seek.put("days", trend.map(TrendAdvisor.PainTrend::days).orElse(0));
        seek.put("since", trend.map(t -> (Object) t.first().toString()).orElse(null));
        seek.put("first_day_mean", trend.map(t -> (Object) round(t.firstDayMean())).orElse(null));
        seek.put("last_day_mean", trend.map(t -> (Object) round(t.lastDayMean())).orElse(null));
        seek.put("trend", trend.filter(t -> t.days() >= 2).map(t -> (Object) t.how()).orElse(null));
        seek.put("source", trend.map(t -> (Object) t.source()).orElse(null));
        seek.put("last_advised", lastAdvised.map(t -> (Object) Payloads.iso(t)).orElse(null));
        m.put("seek_professional", seek);
        m.put("days_dropped", 0);
        return m;
    }

    /** The payload's bytes, at most {@value #MAX_BYTES}: the oldest days (sessions and pain) go first. */
    @SuppressWarnings("unchecked")
    static byte[] bounded(Map<String, Object> summary) {
        return bounded(summary, MAX_BYTES);
    }

    static byte[] bounded(Map<String, Object> summary, int maxBytes) {
        byte[] bytes = Json.bytes(summary);
        List<Map<String, Object>> days = (List<Map<String, Object>>) summary.get("days");
        List<Map<String, Object>> pain = (List<Map<String, Object>>) summary.get("pain");
        int dropped = 0;
        while (bytes.length > maxBytes && !(days.isEmpty() && pain.isEmpty())) {
            String oldest = days.isEmpty() ? (String) pain.get(0).get("date")
                    : pain.isEmpty() ? (String) days.get(0).get("date")
                    : min((String) days.get(0).get("date"), (String) pain.get(0).get("date"));
            days.removeIf(d -> d.get("date").equals(oldest));
            pain.removeIf(p -> p.get("date").equals(oldest));
            summary.put("days_dropped", ++dropped);
            bytes = Json.bytes(summary);
        }
        return bytes;
    }

    private static String min(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** One day's sessions on one leg. */
    private static final class DayLeg {
        int sessions;
        double activeS;
        double durationS;
        int holds;
        int holdsMet;
        long warnings;
        long dangers;

        void add(SessionRecord s) {
            sessions++;
            activeS += Math.max(0, finite(s.activeS()));
            durationS += Math.max(0, finite(s.durationS()));
            holds += Math.max(0, s.holds());
            holdsMet += Math.max(0, s.holdsMet());
            for (Map.Entry<EventType, Long> e : alertCounts(s.alertsJson()).entrySet()) {
                if (e.getKey().severity() == Severity.DANGER) {
                    dangers += e.getValue();
                } else if (e.getKey().severity() == Severity.WARNING) {
                    warnings += e.getValue();
                }
            }
        }

        Map<String, Object> toMap(LocalDate day, String leg) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("date", day.toString());
            d.put("leg", leg);
            d.put("sessions", sessions);
            d.put("active_min", round(activeS / 60));
            d.put("duration_min", round(durationS / 60));
            d.put("holds", holds);
            d.put("holds_met", holdsMet);
            Map<String, Object> alerts = new LinkedHashMap<>();
            alerts.put("warning", warnings);
            alerts.put("danger", dangers);
            d.put("alerts", alerts);
            return d;
        }

        private static double finite(double v) {
            return Double.isFinite(v) ? v : 0;
        }
    }

    /**
     * A session's alert counts by type, from the history file, which is read as any outside input:
     * a type that is not one, or a count that is not a positive whole number, is skipped.
     */
    static Map<EventType, Long> alertCounts(String countsJson) {
        Map<EventType, Long> out = new LinkedHashMap<>();
        JsonNode counts;
        try {
            counts = Json.read(countsJson == null ? "{}" : countsJson);
        } catch (JsonProcessingException | RuntimeException e) {
            return out;
        }
        if (counts == null || !counts.isObject()) {
            return out;
        }
        for (EventType type : EventType.values()) {
            JsonNode count = counts.get(type.wireName());
            if (count != null && count.isIntegralNumber() && count.canConvertToLong() && count.longValue() > 0) {
                out.put(type, Math.min(count.longValue(), 1_000_000));
            }
        }
        return out;
    }
}
