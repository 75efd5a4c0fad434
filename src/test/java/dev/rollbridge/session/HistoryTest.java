package dev.rollbridge.session;

import dev.rollbridge.analysis.Calibration;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** History in SQLite, and the advice drawn from synthetic multi-day histories (fixed clock). */
class HistoryTest {
    private static final String DEVICE = "rollsense_c0ffee000001";
    private static final Instant NOW = Instant.parse("2026-11-27T18:00:00Z");
    @TempDir
    Path dir;

    private static SessionRecord session(String leg, Instant ended, int maxPain) {
        return new SessionRecord(DEVICE, "s-" + ended.toEpochMilli(), leg, ended, "idle", 420, 360, 3, 2, 95, 180, 4, 30,
                maxPain, "{\"hold_target_reached\":2}");
    }

    private static TrendAdvisor advisor() {
        return new TrendAdvisor(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void sessionsPainAndCalibrationsOutliveReopening() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            store.recordSession(session("left", NOW.minus(Duration.ofDays(1)), 4));
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(1)), 4);
            store.saveCalibration("ana", DEVICE, new Calibration(60, 100, 150), NOW);
        }
        try (HistoryStore reopened = HistoryStore.open(dir)) {
            List<SessionRecord> sessions = reopened.sessions(DEVICE, Instant.EPOCH);
            assertThat(sessions).containsExactly(session("left", NOW.minus(Duration.ofDays(1)), 4));
            assertThat(reopened.pains(DEVICE, Instant.EPOCH)).extracting(HistoryStore.PainReport::pain).containsExactly(4);
            assertThat(reopened.calibration("ana", DEVICE)).contains(new Calibration(60, 100, 150));
            assertThat(reopened.calibration("bob", DEVICE)).isEmpty();
            assertThat(reopened.sessions("another_device", Instant.EPOCH)).isEmpty();
        }
    }

    @Test
    void painThatDoesNotImproveOverThreeDaysAdvisesAProfessionalOncePerDay() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(3)), 5);
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(2)), 5);
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(1)), 6);
            store.recordPain(DEVICE, NOW.minus(Duration.ofHours(1)), 5);
            List<Event> advice = advisor().afterSession(store, DEVICE, "unknown", 1_000, 1);
            assertThat(advice).extracting(Event::type).containsExactly(EventType.SEEK_PROFESSIONAL);
            assertThat(advice.get(0).data()).containsEntry("days", 4).containsEntry("trend", "not improving");
            assertThat(advice.get(0).message()).contains("physical therapist");
            assertThat(advisor().afterSession(store, DEVICE, "unknown", 2_000, 2)).as("once a day").isEmpty();
        }
    }

    @Test
    void painThatImprovesOrSpansTooFewDaysGivesNoAdvice() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(2)), 6);
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(1)), 5);
            assertThat(advisor().afterSession(store, DEVICE, "unknown", 0, 1)).as("two days only").isEmpty();
            store.recordPain(DEVICE, NOW, 3);
            assertThat(advisor().afterSession(store, DEVICE, "unknown", 0, 1)).as("improving").isEmpty();
            // Reports older than the 14-day window do not count.
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(20)), 1);
            assertThat(advisor().afterSession(store, DEVICE, "unknown", 0, 1)).isEmpty();
        }
    }

    @Test
    void morningCheckinsAreTheirOwnTrendAndPainFreeMorningsNeverCallForAProfessional() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            // Three mornings at 0/10: "not improving" in arithmetic only.
            for (int d = 3; d >= 1; d--) {
                store.recordCheckin(DEVICE, NOW.minus(Duration.ofDays(d)).atZone(ZoneOffset.UTC).toLocalDate(),
                        NOW.minus(Duration.ofDays(d)), 0);
            }
            assertThat(advisor().afterSession(store, DEVICE, "unknown", 0, 1)).as("three pain-free mornings").isEmpty();

            // Mornings easing 3, 2, 1 while the pressure is rated 6/10 during the last session: the
            // two scales are not mixed into a day mean of 3.5 that looks "worse".
            for (int d = 3; d >= 1; d--) {
                store.recordCheckin(DEVICE, NOW.minus(Duration.ofDays(d)).atZone(ZoneOffset.UTC).toLocalDate(),
                        NOW.minus(Duration.ofDays(d)), d);
            }
            store.recordPain(DEVICE, NOW.minus(Duration.ofDays(1)).plusSeconds(60), 6);
            assertThat(advisor().afterSession(store, DEVICE, "unknown", 0, 1)).as("soreness easing").isEmpty();
            assertThat(TrendAdvisor.painTrend(store.pains(DEVICE, NOW.minus(TrendAdvisor.PAIN_WINDOW)), ZoneOffset.UTC))
                    .hasValueSatisfying(t -> assertThat(t.source()).isEqualTo(TrendAdvisor.PainTrend.REPORTS));

            // Mornings that stay sore, 4, 4, 5: the check-ins' own trend calls for a professional.
            int[] sore = {4, 4, 5};
            for (int d = 3; d >= 1; d--) {
                store.recordCheckin(DEVICE, NOW.minus(Duration.ofDays(d)).atZone(ZoneOffset.UTC).toLocalDate(),
                        NOW.minus(Duration.ofDays(d)), sore[3 - d]);
            }
            List<Event> advice = advisor().afterSession(store, DEVICE, "unknown", 0, 1);
            assertThat(advice).extracting(Event::type).containsExactly(EventType.SEEK_PROFESSIONAL);
            assertThat(advice.get(0).data()).containsEntry("source", "checkins").containsEntry("trend", "worse")
                    .containsEntry("days", 3);
            assertThat(advice.get(0).message()).startsWith("Morning soreness of the hamstring is worse over 3 days");
        }
    }

    @Test
    void tooFewSessionsInAWeekAreAdvisedOnceTheHistoryIsAWeekOld() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            store.recordSession(session("left", NOW.minus(Duration.ofDays(5)), -1));
            assertThat(advisor().afterSession(store, DEVICE, "left", 0, 1)).as("history younger than a week").isEmpty();
            store.recordSession(session("left", NOW.minus(Duration.ofDays(9)), -1));
            List<Event> advice = advisor().afterSession(store, DEVICE, "left", 0, 1);
            assertThat(advice).extracting(Event::type).containsExactly(EventType.FREQUENCY_ADVISED);
            assertThat(advice.get(0).message()).contains("two to three a week");
            assertThat(advice.get(0).data()).containsEntry("sessions_last_7_days", 1L);
        }
    }

    @Test
    void twoOrThreeSessionsAWeekNeedNoAdviceButMoreThanTwiceADayDoes() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            for (int d : new int[]{12, 6, 4, 1}) {
                store.recordSession(session("right", NOW.minus(Duration.ofDays(d)), -1));
            }
            assertThat(advisor().afterSession(store, DEVICE, "right", 0, 1)).isEmpty();
            for (int i = 0; i < 12; i++) {
                store.recordSession(session("right", NOW.minus(Duration.ofHours(5 * i + 1)), -1));
            }
            assertThat(advisor().afterSession(store, DEVICE, "right", 0, 1)).extracting(Event::type)
                    .containsExactly(EventType.FREQUENCY_ADVISED);
            assertThat(advisor().afterSession(store, DEVICE, "left", 0, 1)).as("the other leg has no history").isEmpty();
        }
    }
}
