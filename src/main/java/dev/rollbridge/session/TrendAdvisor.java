package dev.rollbridge.session;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Advice from the history, given when a session ends (wall-clock days, from an injected clock):
 * <ul>
 *   <li>Frequency: "for persistent stiffness, a daily session can be beneficial, but for
 *   maintenance and general soreness, two to three sessions per week are often sufficient".
 *   {@code frequency_advised} (info) when the leg had fewer than 2 sessions in the last 7 days
 *   (once the history is a week old) or more than 2 a day on average.</li>
 *   <li>Pain trend: "if the hamstring pain worsens after a few days of consistent self-care, or if
 *   it shows no improvement, consultation with a healthcare professional is advisable".
 *   {@code seek_professional} (warning) when pain reports span 3 or more days within the last 14
 *   and the last day's mean is not below the first day's nor 0 (in-session reports and morning
 *   check-ins each on their own).</li>
 * </ul>
 * Each kind of advice is given at most once a day per device.
 */
public final class TrendAdvisor {
    static final Duration WEEK = Duration.ofDays(7);
    static final int PAIN_WINDOW_DAYS = 14;
    static final Duration PAIN_WINDOW = Duration.ofDays(PAIN_WINDOW_DAYS);
    /** Pain reports on at least this many days of the window before the trend counts. */
    public static final int MIN_PAIN_DAYS = 3;
    /** The guide's frequency: two to three sessions a week for maintenance, daily for persistent stiffness. */
    public static final int MAINTENANCE_MIN_PER_WEEK = 2;
    public static final int MAINTENANCE_MAX_PER_WEEK = 3;
    public static final int DAILY_PER_WEEK = 7;

    private final Clock clock;
    private final ZoneId zone;

    public TrendAdvisor(Clock clock) {
        this.clock = clock;
        this.zone = clock.getZone();
    }

    /** Advice after a session on {@code leg} of {@code device} ended at sample time {@code tMillis}. */
    public List<Event> afterSession(HistoryStore store, String device, String leg, long tMillis, int session) {
        Instant now = clock.instant();
        List<Event> advice = new ArrayList<>();
        frequency(store, device, leg, now, tMillis, session).ifPresent(advice::add);
        painTrend(store, device, now, tMillis, session).ifPresent(advice::add);
        return advice;
    }

    private Optional<Event> frequency(HistoryStore store, String device, String leg, Instant now, long tMillis, int session) {
        if (leg.equals("unknown") || !due(store, device, "frequency:" + leg, now)) {
            return Optional.empty();
        }
        List<SessionRecord> all = store.sessions(device, Instant.EPOCH).stream().filter(s -> s.leg().equals(leg)).toList();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        long lastWeek = all.stream().filter(s -> !s.ended().isBefore(now.minus(WEEK))).count();
        boolean weekOfHistory = !all.get(0).ended().isAfter(now.minus(WEEK));
        String message = null;
        if (weekOfHistory && lastWeek < MAINTENANCE_MIN_PER_WEEK) {
            message = "Only " + lastWeek + " session(s) on the " + leg + " leg in the last 7 days: two to three a week keep it "
                    + "in shape, daily helps persistent stiffness.";
        } else if (lastWeek > 14) {
            message = lastWeek + " sessions on the " + leg + " leg in the last 7 days: more than twice a day; once a day is "
                    + "plenty even for persistent stiffness.";
        }
        if (message == null) {
            return Optional.empty();
        }
        store.recordAdvice(device, "frequency:" + leg, now);
        return Optional.of(Event.of(EventType.FREQUENCY_ADVISED, AlertState.INSTANT, tMillis, session, message,
                data("leg", leg, "sessions_last_7_days", lastWeek)));
    }

    private Optional<Event> painTrend(HistoryStore store, String device, Instant now, long tMillis, int session) {
        Optional<PainTrend> trend = painTrend(store.pains(device, now.minus(PAIN_WINDOW)), zone);
        if (trend.isEmpty() || !trend.get().seekProfessional() || !due(store, device, "pain_trend", now)) {
            return Optional.empty();
        }
        PainTrend t = trend.get();
        store.recordAdvice(device, "pain_trend", now);
        return Optional.of(Event.of(EventType.SEEK_PROFESSIONAL, AlertState.INSTANT, tMillis, session,
                String.format(Locale.ROOT, "%s is %s over %d days of self-care (%.1f/10 then, %.1f/10 now): "
                        + "see a physical therapist to find the root cause.",
                        t.source().equals(PainTrend.CHECKINS) ? "Morning soreness of the hamstring" : "Hamstring pain", t.how(),
                        t.days(), t.firstDayMean(), t.lastDayMean()),
                data("days", t.days(), "first_day_pain", round(t.firstDayMean()), "last_day_pain", round(t.lastDayMean()),
                        "trend", t.how(), "source", t.source())));
    }

    /**
     * The pain trend of the last {@value #PAIN_WINDOW_DAYS} days' reports: how many calendar days
     * have reports, and the first and last day's mean.
     *
     * @param first the day the trend starts from (its mean is the level the pain must fall below)
     */
    public record PainTrend(int days, LocalDate first, double firstDayMean, double lastDayMean, String source) {
        /** The trend of the pain reported during sessions. */
        public static final String REPORTS = "reports";
        /** The trend of the morning check-ins' soreness. */
        public static final String CHECKINS = "checkins";

        /**
         * The guide's advice: reports over {@value #MIN_PAIN_DAYS}+ days, and the last day no
         * better than the first; a last day without pain (0/10) is not pain that persists.
         */
        public boolean seekProfessional() {
            return days >= MIN_PAIN_DAYS && lastDayMean >= firstDayMean && lastDayMean > 0;
        }

        /** {@code worse}, {@code not improving} or {@code improving}. */
        public String how() {
            return lastDayMean > firstDayMean ? "worse" : lastDayMean == firstDayMean ? "not improving" : "improving";
        }
    }

    /**
     * The trend of these reports (those of the last {@link #PAIN_WINDOW}, oldest first), in
     * calendar days of {@code zone}; empty when none were made. The pain rated during sessions
     * (pressure that should be "uncomfortable but tolerable") and the soreness of the morning
     * check-ins are different scales, so each has its own trend: the one that calls for a
     * professional wins, otherwise the in-session one.
     */
    public static Optional<PainTrend> painTrend(List<HistoryStore.PainReport> reports, ZoneId zone) {
        Optional<PainTrend> inSession = trendOf(reports.stream().filter(p -> !p.checkin()).toList(), zone, PainTrend.REPORTS);
        Optional<PainTrend> mornings = trendOf(reports.stream().filter(HistoryStore.PainReport::checkin).toList(), zone,
                PainTrend.CHECKINS);
        if (inSession.filter(PainTrend::seekProfessional).isPresent() || mornings.filter(PainTrend::seekProfessional).isEmpty()) {
            return inSession.or(() -> mornings);
        }
        return mornings;
    }

    private static Optional<PainTrend> trendOf(List<HistoryStore.PainReport> reports, ZoneId zone, String source) {
        Map<LocalDate, double[]> byDay = new TreeMap<>();
        for (HistoryStore.PainReport p : reports) {
            double[] sumCount = byDay.computeIfAbsent(p.ts().atZone(zone).toLocalDate(), d -> new double[2]);
            sumCount[0] += p.pain();
            sumCount[1]++;
        }
        if (byDay.isEmpty()) {
            return Optional.empty();
        }
        List<Map.Entry<LocalDate, double[]>> days = new ArrayList<>(byDay.entrySet());
        double first = days.get(0).getValue()[0] / days.get(0).getValue()[1];
        double last = days.get(days.size() - 1).getValue()[0] / days.get(days.size() - 1).getValue()[1];
        return Optional.of(new PainTrend(days.size(), days.get(0).getKey(), first, last, source));
    }

    private static boolean due(HistoryStore store, String device, String kind, Instant now) {
        return store.lastAdvice(device, kind).map(last -> last.isBefore(now.minus(Duration.ofDays(1)))).orElse(true);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static Map<String, Object> data(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
