package dev.rollbridge.analysis;

import dev.rollbridge.profile.ProfileLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The coach's decisions on hand-made event streams: once per session, spacing, alerts first, lapses, red flags. */
class CoachTest {
    private final Thresholds thresholds = new ProfileLoader().builtIn("rollsense-ball").thresholds();
    private final List<Event> out = new ArrayList<>();
    private Coach coach;
    private int session;

    @BeforeEach
    void setUp() {
        coach = new Coach(thresholds, out::add);
    }

    private void event(EventType type, AlertState state, long t) {
        coach.observe(Event.of(type, state, t, session, type.wireName(), Map.of()));
    }

    private void startSession(long t) {
        session++;
        event(EventType.SESSION_STARTED, AlertState.INSTANT, t);
    }

    /** Samples every 100 ms from {@code from} to {@code to} with no rolling and no friction. */
    private void idleUntil(long from, long to) {
        for (long t = from; t <= to; t += 100) {
            coach.afterSample(t, 0, false, 0);
        }
    }

    private List<String> steps() {
        return out.stream().map(e -> ((EventDetail.CoachPrompt) e.detail()).step().wireName() + "@" + e.tMillis() / 1000).toList();
    }

    @Test
    void aSessionStartsWithTheWarmUpAndTheRunsFirstSessionWithTheRedFlagsSpacedApart() {
        startSession(0);
        idleUntil(0, 20_000);
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8");
        assertThat(out).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(EventType.COACH_PROMPT);
            assertThat(e.severity()).isEqualTo(Severity.INFO);
            assertThat(e.data()).containsOnlyKeys("step", "text");
            assertThat(e.message()).isEqualTo(e.data().get("text"));
        });
    }

    @Test
    void aLegSwitchWarmsTheNewLegUpButTheRedFlagsAreNotRepeated() {
        startSession(0);
        idleUntil(0, 20_000);
        event(EventType.SESSION_ENDED, AlertState.INSTANT, 20_000);
        startSession(20_000);
        idleUntil(20_100, 40_000);
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8", "warm_up@20");
        assertThat(out.get(2).session()).isEqualTo(2);
    }

    @Test
    void painAboveTheLimitBringsTheRedFlagsBackOncePerSessionAfterTheAlert() {
        startSession(0);
        idleUntil(0, 20_000);
        event(EventType.REDUCE_PRESSURE, AlertState.INSTANT, 30_000);
        idleUntil(30_000, 40_000);
        event(EventType.REDUCE_PRESSURE, AlertState.INSTANT, 50_000);
        idleUntil(50_000, 70_000);
        // 3 s after the warning, and only once in the session.
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8", "red_flags@33");
    }

    @Test
    void findSpotComesAfterTheWarmUpMinuteAndLapsesWhenAHoldCameFirst() {
        startSession(0);
        for (long t = 0; t <= 70_000; t += 100) {
            coach.afterSample(t, t, false, 0);
        }
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8", "find_spot@60");

        out.clear();
        setUp();
        startSession(0);
        idleUntil(0, 20_000);
        event(EventType.HOLD_STARTED, AlertState.INSTANT, 30_000);
        for (long t = 30_000; t <= 100_000; t += 100) {
            coach.afterSample(t, t, false, 0);
        }
        assertThat(steps()).doesNotContain("find_spot@60").noneMatch(s -> s.startsWith("find_spot"));
    }

    @Test
    void easeOffComesAtTheFirstHoldsTargetAndCrossFibreWhenItEndsUnlessFrictionWasDone() {
        startSession(0);
        idleUntil(0, 20_000);
        event(EventType.HOLD_STARTED, AlertState.INSTANT, 30_000);
        event(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, 60_000);
        idleUntil(60_000, 70_000);
        coach.observe(Event.of(EventType.HOLD_ENDED, AlertState.INSTANT, 75_000, session, "ended",
                new EventDetail.HoldEnded(45, true, false, 30_000, 75_000, "moved", 100, 110)));
        idleUntil(75_000, 90_000);
        // The second hold: no second ease_off_slowly (the cue still chimes), no second cross_fibre.
        event(EventType.HOLD_STARTED, AlertState.INSTANT, 100_000);
        event(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, 130_000);
        coach.observe(Event.of(EventType.HOLD_ENDED, AlertState.INSTANT, 140_000, session, "ended",
                new EventDetail.HoldEnded(40, true, false, 100_000, 140_000, "moved", 100, 110)));
        idleUntil(130_000, 160_000);
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8", "ease_off_slowly@60", "cross_fibre@75");

        out.clear();
        setUp();
        session = 0;
        startSession(0);
        idleUntil(0, 20_000);
        coach.afterSample(25_000, 0, true, 2_000);
        event(EventType.HOLD_STARTED, AlertState.INSTANT, 30_000);
        event(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, 60_000);
        coach.observe(Event.of(EventType.HOLD_ENDED, AlertState.INSTANT, 75_000, session, "ended",
                new EventDetail.HoldEnded(45, true, false, 30_000, 75_000, "moved", 100, 110)));
        idleUntil(60_000, 90_000);
        assertThat(steps()).noneMatch(s -> s.startsWith("cross_fibre"));
    }

    @Test
    void aPromptWaitsWhileTheRunIsTooFastAndLapsesIfItsMomentPassed() {
        startSession(0);
        idleUntil(0, 20_000);
        event(EventType.HOLD_STARTED, AlertState.INSTANT, 30_000);
        event(EventType.PRESSURE_TOO_HIGH, AlertState.RAISED, 59_000);
        event(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, 60_000);
        idleUntil(59_000, 64_000);
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8");
        event(EventType.PRESSURE_TOO_HIGH, AlertState.CLEARED, 64_000);
        idleUntil(64_000, 66_000);
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8", "ease_off_slowly@64");

        // Raised past the hold's end: its ease_off_slowly lapses.
        out.clear();
        setUp();
        session = 0;
        startSession(0);
        idleUntil(0, 20_000);
        event(EventType.HOLD_STARTED, AlertState.INSTANT, 30_000);
        event(EventType.SPEED_TOO_FAST, AlertState.RAISED, 59_000);
        event(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, 60_000);
        idleUntil(59_000, 62_000);
        coach.observe(Event.of(EventType.HOLD_ENDED, AlertState.INSTANT, 62_000, session, "ended",
                new EventDetail.HoldEnded(32, true, false, 30_000, 62_000, "moved", 100, 110)));
        event(EventType.SPEED_TOO_FAST, AlertState.CLEARED, 63_000);
        idleUntil(63_000, 90_000);
        assertThat(steps()).containsExactly("warm_up@0", "red_flags@8", "cross_fibre@63");
    }

    @Test
    void afterARedFlagSymptomTheCoachIsSilentUntilTheNextSession() {
        startSession(0);
        event(EventType.STOP_AND_SEEK_CARE, AlertState.INSTANT, 0);
        event(EventType.LEG_TARGET_REACHED, AlertState.INSTANT, 1_000);
        idleUntil(0, 30_000);
        assertThat(out).isEmpty();
        startSession(40_000);
        idleUntil(40_000, 60_000);
        assertThat(steps()).containsExactly("warm_up@40", "red_flags@48");
    }

    @Test
    void theTextsCarryTheDevicesNumbersAndTheGuidesRedFlags() {
        assertThat(coach.text(CoachStep.EASE_OFF_SLOWLY)).isEqualTo("30 seconds: ease off slowly.");
        assertThat(coach.text(CoachStep.CROSS_FIBRE)).contains("up to a minute");
        assertThat(coach.text(CoachStep.RED_FLAGS)).contains("numbness", "pins and needles", "below the knee");
        for (CoachStep step : CoachStep.values()) {
            assertThat(coach.text(step)).as(step.wireName()).isNotBlank().hasSizeLessThan(160);
        }
    }
}
