package dev.rollbridge.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The retained history summary, built from a synthetic history of several weeks, two legs and pain reports. */
class HistorySummaryTest {
    private static final String DEVICE = "rollsense_c0ffee000001";
    /** A Friday evening in Berlin (UTC+1 in November): the week began on Monday 2026-11-23. */
    private static final Instant NOW = Instant.parse("2026-11-27T18:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Thresholds.Sessions LEGS = new Thresholds.Sessions(300_000, 300_000, 600_000);
    @TempDir
    Path dir;

    private static SessionRecord session(String leg, String endedUtc, double activeS, int holds, int holdsMet, String alerts) {
        return new SessionRecord(DEVICE, "s-" + endedUtc, leg, Instant.parse(endedUtc), "idle", activeS + 60, activeS, holds, holdsMet,
                95, 180, 4, 30, -1, alerts);
    }

    private static JsonNode summary(HistoryStore store) throws Exception {
        byte[] bytes = HistorySummary.payload(store, DEVICE, NOW, BERLIN, LEGS);
        assertThat(bytes.length).isLessThanOrEqualTo(HistorySummary.MAX_BYTES);
        return Json.read(bytes);
    }

    @Test
    void eightWeeksOfSessionsPerDayAndLegSessionsPerWeekAndPainPerDay() throws Exception {
        try (HistoryStore store = HistoryStore.open(dir)) {
            // Before the eight weeks (Sunday 2026-10-04): left out.
            store.recordSession(session("left", "2026-10-04T09:00:00Z", 300, 2, 2, "{}"));
            // The first day of the eight weeks, Monday 2026-10-05.
            store.recordSession(session("left", "2026-10-05T09:00:00Z", 300, 2, 1, "{\"speed_too_fast\":1}"));
            // Two left sessions on Tuesday 2026-11-24: their minutes, holds and alerts add up; a cue and a hold are no alerts.
            store.recordSession(session("left", "2026-11-24T07:00:00Z", 360, 3, 2,
                    "{\"pressure_too_high\":2,\"stop_and_seek_care\":1,\"hold_target_reached\":2,\"warmup_advised\":1}"));
            store.recordSession(session("left", "2026-11-24T16:00:00Z", 240, 1, 1, "{\"ease_off\":1,\"made_up\":5,\"speed_too_fast\":\"<b>9</b>\"}"));
            // 23:30 UTC on Thursday is 00:30 on Friday in Berlin: a day of the bridge's clock, not of UTC.
            store.recordSession(session("right", "2026-11-26T23:30:00Z", 420, 4, 4, "not json"));
            store.recordSession(session("right", "2026-11-25T10:00:00Z", 480, 2, 0, "{}"));
            // A leg that is not one: counted as unknown, never repeated.
            store.recordSession(session("<img src=x>", "2026-11-25T12:00:00Z", 60, 0, 0, "{}"));
            // Pain: an old report (shown, outside the 14 days of the trend), then 5, 4 and 6, 5: not improving over 3 days.
            store.recordPain(DEVICE, Instant.parse("2026-10-10T08:00:00Z"), 2);
            store.recordPain(DEVICE, Instant.parse("2026-11-20T08:00:00Z"), 5);
            store.recordPain(DEVICE, Instant.parse("2026-11-25T08:00:00Z"), 4);
            store.recordPain(DEVICE, Instant.parse("2026-11-25T19:00:00Z"), 6);
            store.recordPain(DEVICE, Instant.parse("2026-11-27T08:00:00Z"), 5);

            JsonNode s = summary(store);
            assertThat(s.path("device").asText()).isEqualTo(DEVICE);
            assertThat(s.path("zone").asText()).isEqualTo("Europe/Berlin");
            assertThat(s.path("from").asText()).isEqualTo("2026-10-05");
            assertThat(s.path("to").asText()).isEqualTo("2026-11-27");
            assertThat(s.path("legs")).extracting(JsonNode::asText).containsExactly("left", "right", "unknown");

            List<String> days = new ArrayList<>();
            s.path("days").forEach(d -> days.add(d.path("date").asText() + " " + d.path("leg").asText() + " " + d.path("sessions").asInt()
                    + "x " + d.path("active_min").asDouble() + "/" + d.path("duration_min").asDouble() + " min, holds "
                    + d.path("holds_met").asInt() + "/" + d.path("holds").asInt() + ", alerts " + d.path("alerts").path("warning").asLong()
                    + "w " + d.path("alerts").path("danger").asLong() + "d"));
            assertThat(days).containsExactly(
                    "2026-10-05 left 1x 5.0/6.0 min, holds 1/2, alerts 1w 0d",
                    "2026-11-24 left 2x 10.0/12.0 min, holds 3/4, alerts 3w 1d",
                    "2026-11-25 right 1x 8.0/9.0 min, holds 0/2, alerts 0w 0d",
                    "2026-11-25 unknown 1x 1.0/2.0 min, holds 0/0, alerts 0w 0d",
                    "2026-11-27 right 1x 7.0/8.0 min, holds 4/4, alerts 0w 0d");

            JsonNode weeks = s.path("weeks");
            assertThat(weeks).hasSize(HistorySummary.WEEKS);
            assertThat(weeks.get(0).path("week").asText()).isEqualTo("2026-W41");
            assertThat(weeks.get(0).path("start").asText()).isEqualTo("2026-10-05");
            assertThat(weeks.get(0).path("sessions")).isEqualTo(Json.read("{\"left\":1,\"right\":0,\"unknown\":0}"));
            assertThat(weeks.get(3).path("sessions")).isEqualTo(Json.read("{\"left\":0,\"right\":0,\"unknown\":0}"));
            assertThat(weeks.get(7).path("week").asText()).isEqualTo("2026-W48");
            assertThat(weeks.get(7).path("sessions")).isEqualTo(Json.read("{\"left\":2,\"right\":2,\"unknown\":1}"));

            JsonNode f = s.path("frequency");
            assertThat(f.path("maintenance_min_per_week").asInt()).isEqualTo(2);
            assertThat(f.path("maintenance_max_per_week").asInt()).isEqualTo(3);
            assertThat(f.path("daily_per_week").asInt()).isEqualTo(7);
            assertThat(f.path("last_7_days")).isEqualTo(Json.read("{\"left\":2,\"right\":2,\"unknown\":1}"));
            assertThat(f.path("leg_target_min").asDouble()).isEqualTo(5.0);
            assertThat(f.path("leg_limit_min").asDouble()).isEqualTo(10.0);

            List<String> pain = new ArrayList<>();
            s.path("pain").forEach(p -> pain.add(p.path("date").asText() + " " + p.path("reports").asInt() + " mean "
                    + p.path("mean").asDouble() + " max " + p.path("max").asInt()));
            assertThat(pain).containsExactly("2026-10-10 1 mean 2.0 max 2", "2026-11-20 1 mean 5.0 max 5",
                    "2026-11-25 2 mean 5.0 max 6", "2026-11-27 1 mean 5.0 max 5");

            JsonNode seek = s.path("seek_professional");
            assertThat(seek.path("window_days").asInt()).isEqualTo(14);
            assertThat(seek.path("min_days").asInt()).isEqualTo(3);
            assertThat(seek.path("due").asBoolean()).as("3 days of reports, the last no better than the first").isTrue();
            assertThat(seek.path("days").asInt()).isEqualTo(3);
            assertThat(seek.path("since").asText()).isEqualTo("2026-11-20");
            assertThat(seek.path("first_day_mean").asDouble()).isEqualTo(5.0);
            assertThat(seek.path("last_day_mean").asDouble()).isEqualTo(5.0);
            assertThat(seek.path("trend").asText()).isEqualTo("not improving");
            assertThat(seek.path("last_advised").isNull()).isTrue();
            assertThat(s.path("days_dropped").asInt()).isZero();

            // The advisor draws the same conclusion from the same reports, and the summary says when it advised.
            new TrendAdvisor(Clock.fixed(NOW, BERLIN)).afterSession(store, DEVICE, "unknown", 0, 1);
            assertThat(summary(store).path("seek_professional").path("last_advised").asText()).isEqualTo("2026-11-27T18:00:00.000Z");

            // Pain that improves: no advice due.
            store.recordPain(DEVICE, NOW.minus(Duration.ofMinutes(5)), 2);
            JsonNode better = summary(store).path("seek_professional");
            assertThat(better.path("due").asBoolean()).isFalse();
            assertThat(better.path("trend").asText()).isEqualTo("improving");
            assertThat(better.path("last_day_mean").asDouble()).isEqualTo(3.5);
        }
    }

    @Test
    void anEmptyHistoryHasEightEmptyWeeksAndNoAdvice() throws Exception {
        try (HistoryStore store = HistoryStore.open(dir)) {
            JsonNode s = summary(store);
            assertThat(s.path("days")).isEmpty();
            assertThat(s.path("pain")).isEmpty();
            assertThat(s.path("legs")).isEmpty();
            assertThat(s.path("weeks")).hasSize(8).allSatisfy(w -> assertThat(w.path("sessions")).isEmpty());
            assertThat(s.path("seek_professional").path("due").asBoolean()).isFalse();
            assertThat(s.path("seek_professional").path("days").asInt()).isZero();
            assertThat(s.path("seek_professional").path("trend").isNull()).isTrue();
        }
    }

    @Test
    void theBusiestEightWeeksFitAndPastTheLimitTheOldestDaysGoFirst() throws Exception {
        List<SessionRecord> sessions = new ArrayList<>();
        List<HistoryStore.PainReport> pains = new ArrayList<>();
        // Every day of the eight weeks, three sessions on each leg with every alert, and pain reports: the worst case.
        for (Instant t = Instant.parse("2026-10-05T08:00:00Z"); t.isBefore(NOW); t = t.plus(Duration.ofDays(1))) {
            for (String leg : HistorySummary.LEGS) {
                for (int i = 0; i < 3; i++) {
                    sessions.add(new SessionRecord(DEVICE, "s", leg, t.plusSeconds(i), "idle", 1234.5678, 987.654, 12345, 12345, 1, 1, 1, 1, 9,
                            "{\"pressure_too_high\":999999,\"stop_and_seek_care\":999999}"));
                }
            }
            pains.add(new HistoryStore.PainReport(t, 10));
            pains.add(new HistoryStore.PainReport(t.plusSeconds(1), 9));
        }
        Map<String, Object> worst = HistorySummary.build(DEVICE, sessions, pains, NOW, BERLIN, LEGS, Optional.of(NOW));
        byte[] all = HistorySummary.bounded(worst);
        assertThat(all.length).isLessThanOrEqualTo(HistorySummary.MAX_BYTES);
        JsonNode whole = Json.read(all);
        assertThat(whole.path("days")).hasSize(54 * 3);
        assertThat(whole.path("days_dropped").asInt()).as("the worst case fits whole").isZero();

        byte[] cut = HistorySummary.bounded(HistorySummary.build(DEVICE, sessions, pains, NOW, BERLIN, LEGS, Optional.of(NOW)), 8 * 1024);
        assertThat(cut.length).isLessThanOrEqualTo(8 * 1024);
        JsonNode s = Json.read(cut);
        int dropped = s.path("days_dropped").asInt();
        assertThat(dropped).isPositive();
        assertThat(s.path("days").get(0).path("date").asText()).as("the oldest go first")
                .isEqualTo(LocalDate.parse("2026-10-05").plusDays(dropped).toString());
        assertThat(s.path("pain").get(0).path("date").asText()).isEqualTo(s.path("days").get(0).path("date").asText());
        assertThat(s.path("days").get(s.path("days").size() - 1).path("date").asText()).as("the newest days stay").isEqualTo("2026-11-27");
        assertThat(s.path("weeks")).as("the weeks stay whole").hasSize(8);
    }
}
