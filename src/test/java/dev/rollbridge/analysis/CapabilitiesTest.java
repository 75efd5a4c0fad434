package dev.rollbridge.analysis;

import dev.rollbridge.stream.Sample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool that measures only some of what the rules need (issue 18): the rules that need a missing
 * channel are off and say why, the others judge what there is.
 */
class CapabilitiesTest {
    private static final double RADIUS_CM = 5;
    private final List<Event> events = new ArrayList<>();
    private long t;
    private long seq;

    private Analyzer analyzer(Thresholds thresholds, Set<Capability> capabilities) {
        return new Analyzer(thresholds, RADIUS_CM, SensorRange.UNKNOWN, capabilities, Optional.empty(), events::add);
    }

    /** {@code ms} of samples at 50 Hz: a load, and rolling along the muscle at {@code cmS}. */
    private void play(Analyzer a, long ms, double kpa, double cmS) {
        double dps = Math.toDegrees(cmS / RADIUS_CM);
        for (long end = t + ms; t < end; t += 20) {
            a.onSample(new Sample(t, seq++, kpa, dps, 0, 0, 0, 0, 1));
        }
    }

    private List<String> types() {
        return events.stream().map(e -> e.type().wireName() + (e.state() == AlertState.INSTANT ? "" : ":" + e.state().name().toLowerCase())).toList();
    }

    @Test
    void withPressureOnlyAHoldIsASteadyLoadAndNothingIsJudgedOnSpeed() {
        Analyzer a = analyzer(Thresholds.defaults(5, 100), EnumSet.of(Capability.PRESSURE));
        play(a, 2_000, 0, 0);
        // The gyro channel is absent; whatever reaches the analyser in its place is not speed.
        play(a, 40_000, 50, 30);
        play(a, 3_000, 0, 0);
        assertThat(types()).contains("session_started", "hold_started", "hold_target_reached", "hold_ended")
                .doesNotContain("speed_too_fast:raised", "warmup_skipped");
        assertThat(a.rulesOff()).containsOnlyKeys("speed", "warmup", "friction")
                .allSatisfy((rule, why) -> assertThat(why).contains("no motion sensor"));
    }

    @Test
    void withMotionOnlyAHoldIsStillnessOnATheToolBeingWorkedAndThereIsNoPressureRule() {
        Analyzer a = analyzer(Thresholds.defaults(1, 100), EnumSet.of(Capability.MOTION));
        play(a, 3_000, Double.NaN, 0);
        assertThat(types()).as("a roller lying still is not in use").doesNotContain("session_started");
        play(a, 10_000, Double.NaN, 3);
        play(a, 40_000, Double.NaN, 0);
        play(a, 5_000, Double.NaN, 3);
        assertThat(types()).containsSubsequence("session_started", "hold_started", "hold_target_reached", "hold_ended")
                .doesNotContain("pressure_too_high:raised", "ease_off");
        assertThat(events).filteredOn(e -> e.type() == EventType.HOLD_ENDED).first()
                .satisfies(e -> assertThat(((Number) e.data().get("duration_s")).doubleValue()).isBetween(39.0, 41.0));
        assertThat(a.onCommand(new Command.StartCalibration()).message()).contains("no pressure sensor");
        assertThat(a.rulesOff()).containsOnlyKeys("pressure", "tightening", "calibration");
        assertThat(a.state().pressureKpa()).as("no load is known, none is made up").isZero();
    }

    @Test
    void withoutACeilingPressureIsJudgedOnlyOnceCalibrated() {
        Analyzer a = analyzer(Thresholds.defaults(0.5, Double.POSITIVE_INFINITY), EnumSet.allOf(Capability.class));
        play(a, 2_000, 0, 0);
        play(a, 5_000, 40, 2);
        assertThat(types()).doesNotContain("pressure_too_high:raised");
        assertThat(a.rulesOff()).containsKey("pressure");
        assertThat(a.state().ceilingKpa()).isInfinite();

        assertThat(a.onCommand(new Command.StartCalibration()).ok()).isTrue();
        play(a, 1_000, 2, 2);
        assertThat(a.onCommand(new Command.MarkCalibration(3)).ok()).isTrue();
        play(a, 1_000, 4, 2);
        assertThat(a.onCommand(new Command.MarkCalibration(5)).ok()).isTrue();
        play(a, 1_000, 6, 2);
        assertThat(a.onCommand(new Command.MarkCalibration(7)).message()).isEqualTo("calibration done");
        assertThat(a.rulesOff()).as("calibrated: the pressure rule is on").isEmpty();
        play(a, 3_000, 12, 2);
        assertThat(types()).contains("pressure_too_high:raised");
    }

    @Test
    void aCancelledCalibrationOnAToolWithoutACeilingSaysSoAndCarriesNoInfinity() {
        Analyzer a = analyzer(Thresholds.defaults(0.5, Double.POSITIVE_INFINITY), EnumSet.allOf(Capability.class));
        play(a, 1_000, 2, 0);
        assertThat(a.onCommand(new Command.StartCalibration()).ok()).isTrue();
        assertThat(a.onCommand(new Command.CancelCalibration()).ok()).isTrue();
        Event cancelled = events.stream().filter(e -> e.type() == EventType.CALIBRATION_CANCELLED).findFirst().orElseThrow();
        assertThat(cancelled.data().get("ceiling_kpa")).isNull();
        assertThat(cancelled.message()).doesNotContain("Infinity").contains("no pressure ceiling");
    }
}
