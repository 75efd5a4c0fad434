package dev.rollbridge.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The morning check-in over a synthetic week of history, on a fake wall clock in Europe/Berlin
 * across the end of summer time (25 October 2026): asked the morning after a session at the
 * configured local time, once (also across a restart), never without a session the day before;
 * answers stored one per day; a sore morning lowers the next session, two good ones restore it,
 * each change applied and announced once.
 */
class MorningCheckinTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String BALL = "ball";
    @TempDir
    Path dir;

    /** A wall clock the test moves. */
    private static final class FakeClock extends Clock {
        private Instant now;

        FakeClock(LocalDateTime local) {
            set(local);
        }

        void set(LocalDateTime local) {
            now = local.atZone(BERLIN).toInstant();
        }

        @Override
        public ZoneId getZone() {
            return BERLIN;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** What the check-in did to the bridge. */
    private static class Recorder implements MorningCheckin.Target {
        final List<String> announced = new ArrayList<>();
        final List<Map<String, Object>> announcedData = new ArrayList<>();
        final List<Double> adapted = new ArrayList<>();
        final Map<String, JsonNode> states = new LinkedHashMap<>();
        int infoChanges;

        @Override
        public List<String> devices() {
            return List.of(BALL);
        }

        @Override
        public void announce(String device, EventType type, String message, Map<String, Object> data) {
            announced.add(type.wireName() + ": " + message);
            announcedData.add(data);
        }

        @Override
        public void adapt(String device, double factor) {
            adapted.add(factor);
        }

        @Override
        public void publishState(String device, byte[] payload) {
            try {
                states.put(device, Json.read(payload));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void infoChanged() {
            infoChanges++;
        }
    }

    private static void session(HistoryStore store, LocalDateTime endedLocal, double activeS) {
        Instant ended = endedLocal.atZone(BERLIN).toInstant();
        store.recordSession(new SessionRecord(BALL, "s-" + ended.toEpochMilli(), "left", ended, "idle", activeS + 60, activeS, 3, 2, 90,
                150, 0, 20, 4, "{}"));
    }

    /** The ball's check-in of that October day, answered at 08:00. */
    private static void answeredAtEight(HistoryStore store, int day, int soreness) {
        store.recordCheckin(BALL, at(day, 0, 0).toLocalDate(), at(day, 8, 0).atZone(BERLIN).toInstant(), soreness);
    }

    private static LocalDateTime at(int day, int hour, int minute) {
        return LocalDateTime.of(2026, 10, day, hour, minute);
    }

    private static MorningCheckin.Settings eightOClock() {
        return new MorningCheckin.Settings(true, LocalTime.of(8, 0), 0.8);
    }

    @Test
    void aSyntheticWeekAsksOnTheRightMorningsAndAdaptsTheNextSession() {
        FakeClock clock = new FakeClock(at(22, 20, 0));
        Recorder bridge = new Recorder();
        try (HistoryStore store = HistoryStore.open(dir)) {
            MorningCheckin checkin = new MorningCheckin(store, clock, eightOClock(), bridge);
            session(store, at(22, 19, 30), 360); // Thursday evening: six minutes on the left leg
            session(store, at(22, 19, 45), 20); // a bump of the tool: not a session to ask about
            checkin.start();
            assertThat(bridge.announced).as("the evening of the session: nothing to ask").isEmpty();
            assertThat(bridge.states.get(BALL).path("due").asBoolean()).isFalse();

            clock.set(at(23, 7, 59));
            checkin.tick();
            assertThat(bridge.announced).as("before 08:00").isEmpty();
            clock.set(at(23, 8, 0));
            checkin.tick();
            assertThat(bridge.announced).containsExactly("checkin_due: " + MorningCheckin.QUESTION + " (after yesterday's session)");
            assertThat(bridge.announcedData.get(0)).containsEntry("day", "2026-10-23").containsEntry("session_day", "2026-10-22")
                    .containsEntry("sessions", 1).containsEntry("leg", "left");
            JsonNode due = bridge.states.get(BALL);
            assertThat(due.path("due").asBoolean()).isTrue();
            assertThat(due.path("day").asText()).isEqualTo("2026-10-23");
            assertThat(due.path("answer").isNull()).isTrue();
            clock.set(at(23, 8, 30));
            checkin.tick();
            new MorningCheckin(store, clock, eightOClock(), bridge).tick(); // a restart the same morning
            assertThat(bridge.announced).as("asked once, also across a restart").hasSize(1);

            // Friday: 2/10, the reference. A hard session in the evening.
            checkin.answered(BALL, 2, at(23, 8, 40).atZone(BERLIN).toInstant());
            assertThat(bridge.states.get(BALL).path("due").asBoolean()).isFalse();
            assertThat(bridge.states.get(BALL).path("answer").asInt()).isEqualTo(2);
            assertThat(bridge.adapted).isEmpty();
            session(store, at(23, 18, 0), 540);

            // Saturday 24th: asked at 09:15 (the first look after 08:00); 6/10 is 4 up: the next session is lowered.
            clock.set(at(24, 9, 15));
            checkin.tick();
            assertThat(bridge.announced).hasSize(2);
            checkin.answered(BALL, 4, at(24, 9, 16).atZone(BERLIN).toInstant());
            checkin.answered(BALL, 6, at(24, 9, 17).atZone(BERLIN).toInstant()); // corrected: the later answer counts
            assertThat(store.checkins(BALL, at(24, 0, 0).toLocalDate())).extracting(HistoryStore.Checkin::soreness).containsExactly(6);
            assertThat(bridge.adapted).containsExactly(0.8);
            assertThat(bridge.announced.get(2)).startsWith("session_adapted: Your thigh is sorer this morning (6/10, up from 2/10)");
            assertThat(bridge.states.get(BALL).path("adaptation").path("lowered").asBoolean()).isTrue();
            assertThat(checkin.info()).extracting(m -> ((Map<?, ?>) ((Map<?, ?>) m.get("devices")).get(BALL)).get("lowered")).isEqualTo(true);
            session(store, at(24, 17, 0), 240);

            // Sunday 25th, the clocks went back at 03:00: asked at 08:00 local (07:00 UTC). 3/10: one good morning.
            clock.set(at(25, 8, 0));
            checkin.tick();
            assertThat(bridge.announced).hasSize(4);
            assertThat(clock.instant()).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
            checkin.answered(BALL, 3, clock.instant());
            assertThat(bridge.adapted).as("still lowered after one good morning").containsExactly(0.8);
            session(store, at(25, 17, 0), 240);

            // Monday: 2/10, the second good morning: back to the calibrated values.
            clock.set(at(26, 8, 5));
            checkin.tick();
            checkin.answered(BALL, 2, clock.instant());
            assertThat(bridge.adapted).containsExactly(0.8, 1.0);
            assertThat(bridge.announced.get(bridge.announced.size() - 1)).startsWith("session_adapted: Two good mornings");
            assertThat(bridge.states.get(BALL).path("adaptation").path("lowered").asBoolean()).isFalse();

            // No session on Monday: nothing asked on Tuesday, also after a day of looks.
            int asked = bridge.announced.size();
            for (int hour = 8; hour < 24; hour++) {
                clock.set(at(27, hour, 0));
                checkin.tick();
            }
            assertThat(bridge.announced).hasSize(asked);
            assertThat(bridge.states.get(BALL).path("day").asText()).as("the state rolled over at midnight").isEqualTo("2026-10-27");
            assertThat(bridge.states.get(BALL).path("due").asBoolean()).isFalse();

            // The answers joined the pain trend, marked as check-ins.
            assertThat(store.pains(BALL, Instant.EPOCH)).extracting(HistoryStore.PainReport::pain).containsExactly(2, 6, 3, 2);
            assertThat(store.pains(BALL, Instant.EPOCH)).allMatch(HistoryStore.PainReport::checkin);
        }
    }

    @Test
    void aRestartWhileLoweredAppliesItQuietlyBeforeTheFirstSession() {
        FakeClock clock = new FakeClock(at(24, 10, 0));
        try (HistoryStore store = HistoryStore.open(dir)) {
            answeredAtEight(store, 23, 1);
            answeredAtEight(store, 24, 5);
            Recorder bridge = new Recorder();
            new MorningCheckin(store, clock, new MorningCheckin.Settings(true, LocalTime.of(7, 30), 0.75), bridge).start();
            assertThat(bridge.adapted).containsExactly(0.75);
            assertThat(bridge.announced).as("no news: it was said when it happened").isEmpty();
            assertThat(bridge.states.get(BALL).path("answer").asInt()).isEqualTo(5);
            assertThat(bridge.states.get(BALL).path("time").asText()).isEqualTo("07:30");
        }
    }

    @Test
    void aSoreMorningOlderThanTheWindowNoLongerCounts() {
        FakeClock clock = new FakeClock(LocalDateTime.of(2026, 12, 30, 10, 0));
        try (HistoryStore store = HistoryStore.open(dir)) {
            answeredAtEight(store, 20, 1);
            answeredAtEight(store, 21, 8);
            Recorder bridge = new Recorder();
            new MorningCheckin(store, clock, eightOClock(), bridge).start();
            assertThat(bridge.adapted).isEmpty();
        }
    }

    @Test
    void aCorrectedSoreMorningRestoresAtOnceAndSaysWhyAndARepeatedAnswerChangesNothing() {
        FakeClock clock = new FakeClock(at(24, 9, 0));
        try (HistoryStore store = HistoryStore.open(dir)) {
            answeredAtEight(store, 23, 2);
            Recorder bridge = new Recorder();
            MorningCheckin checkin = new MorningCheckin(store, clock, eightOClock(), bridge);
            checkin.start();
            checkin.answered(BALL, 8, at(24, 9, 1).atZone(BERLIN).toInstant());
            assertThat(bridge.adapted).containsExactly(0.8);
            assertThat(bridge.announcedData.get(0)).containsEntry("reason", "sore_morning");
            int infoChanges = bridge.infoChanges;
            checkin.answered(BALL, 8, at(24, 9, 2).atZone(BERLIN).toInstant());
            assertThat(bridge.infoChanges).as("the same answer again: bridge/info unchanged").isEqualTo(infoChanges);

            checkin.answered(BALL, 2, at(24, 9, 3).atZone(BERLIN).toInstant()); // a slip of the finger
            assertThat(bridge.adapted).containsExactly(0.8, 1.0);
            assertThat(bridge.announced.get(bridge.announced.size() - 1))
                    .startsWith("session_adapted: This morning's check-in is now 2/10, not a sore morning after all");
            assertThat(bridge.announcedData.get(bridge.announcedData.size() - 1)).containsEntry("reason", "corrected");
        }
    }

    @Test
    void aFailingDeviceIsTriedAgainAtTheNextLookAndNeverKeepsTheOthersFromBeingAsked() {
        FakeClock clock = new FakeClock(at(24, 7, 0));
        try (HistoryStore store = HistoryStore.open(dir)) {
            answeredAtEight(store, 22, 1);
            answeredAtEight(store, 23, 5);
            session(store, at(23, 19, 0), 300);
            Instant rollerEnded = at(23, 20, 0).atZone(BERLIN).toInstant();
            store.recordSession(new SessionRecord("roller", "s-r", "right", rollerEnded, "idle", 400, 300, 2, 1, 80, 140, 0, 10, 3, "{}"));
            int[] failuresLeft = {2, 1}; // the ball's first two adapts (the start's and its first look's) and first question fail
            Recorder bridge = new Recorder() {
                @Override
                public List<String> devices() {
                    return List.of(BALL, "roller");
                }

                @Override
                public void adapt(String device, double factor) {
                    if (failuresLeft[0]-- > 0) {
                        throw new IllegalStateException("pipeline gone for a moment");
                    }
                    super.adapt(device, factor);
                }

                @Override
                public void announce(String device, EventType type, String message, Map<String, Object> data) {
                    if (device.equals(BALL) && failuresLeft[1]-- > 0) {
                        throw new IllegalStateException("queue full");
                    }
                    super.announce(device + " " + type.wireName(), type, message, data);
                    announced.set(announced.size() - 1, device + " " + type.wireName());
                }
            };
            MorningCheckin checkin = new MorningCheckin(store, clock, eightOClock(), bridge);
            checkin.start();
            assertThat(bridge.adapted).as("the lowered session could not be applied at the start").isEmpty();
            checkin.tick();
            assertThat(bridge.adapted).as("applied at the next look").containsExactly(0.8);

            clock.set(at(24, 8, 0));
            checkin.tick();
            assertThat(bridge.announced).as("the ball failed; the roller was asked all the same").containsExactly("roller checkin_due");
            assertThat(store.checkinAsked(BALL, at(24, 0, 0).toLocalDate())).isFalse();
            clock.set(at(24, 8, 1));
            checkin.tick();
            assertThat(bridge.announced).as("the ball is asked at the next look, once").containsExactly("roller checkin_due", "ball checkin_due");
            checkin.tick();
            assertThat(bridge.announced).hasSize(2);
        }
    }
}
