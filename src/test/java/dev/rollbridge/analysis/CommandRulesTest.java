package dev.rollbridge.analysis;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands as the analysis carries them out, at the current sample time. */
class CommandRulesTest {
    private final DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
    private final List<Event> events = new ArrayList<>();
    private final Analyzer analyzer = new Analyzer(ball.thresholds(), ball.contactRadiusCm(), events::add);
    private long t;

    /** Samples every 10 ms for {@code millis}, still, at {@code kpa}. */
    private void press(double kpa, long millis) {
        for (long end = t + millis; t < end; t += 10) {
            analyzer.onSample(Sample.withoutAccel(t, t / 10, kpa, 0, 0, 0));
        }
    }

    private List<String> types() {
        return events.stream().map(e -> e.type().wireName() + (e.state() == AlertState.INSTANT ? "" : ":" + e.state().name().toLowerCase())).toList();
    }

    @Test
    void painAboveSevenAsksToReducePressureAndIsKeptForTheSummary() {
        press(100, 1_000);
        assertThat(analyzer.onCommand(new Command.ReportPain(7)).ok()).isTrue();
        assertThat(analyzer.onCommand(new Command.ReportPain(8)).ok()).isTrue();
        analyzer.onCommand(new Command.StopSession());
        assertThat(types()).containsExactly("session_started", "pain_reported", "pain_reported", "reduce_pressure", "session_ended");
        Event reduce = events.get(3);
        assertThat(reduce.severity()).isEqualTo(Severity.WARNING);
        assertThat(reduce.tMillis()).isEqualTo(990);
        assertThat(events.get(4).data().get("pain_reports")).isEqualTo(List.of(7, 8));
    }

    @Test
    void aRedFlagSymptomStopsTheSessionWithADangerEventThatSaysWhy() {
        press(100, 5_000);
        Command.Result r = analyzer.onCommand(new Command.ReportSymptom(Symptom.NUMBNESS));
        assertThat(r.ok()).isTrue();
        assertThat(types()).containsExactly("session_started", "hold_started", "warmup_advised", "stop_and_seek_care",
                "hold_ended", "session_ended");
        Event stop = events.get(3);
        assertThat(stop.severity()).isEqualTo(Severity.DANGER);
        assertThat(stop.message()).contains("numbness").contains("sciatic nerve").contains("medical attention");
        assertThat(events.get(5).data().get("reason")).isEqualTo("symptom");
        assertThat(Symptom.SWELLING.advice()).contains("strain or tear").contains("rest");
    }

    @Test
    void sessionsStartAndStopOnCommandWithTheirLeg() {
        press(100, 500);
        analyzer.onCommand(new Command.StartSession("left"));
        press(100, 500);
        assertThat(analyzer.state().leg()).isEqualTo("left");
        analyzer.onCommand(new Command.StartSession("right"));
        assertThat(analyzer.onCommand(new Command.StopSession()).ok()).isTrue();
        assertThat(analyzer.onCommand(new Command.StopSession()).ok()).as("nothing left to stop").isFalse();
        assertThat(types()).containsExactly("session_started", "session_ended", "session_started", "session_ended",
                "session_started", "session_ended");
        assertThat(events.get(2).data().get("leg")).isEqualTo("left");
        assertThat(events.get(3).data().get("reason")).isEqualTo("new_session");
        assertThat(events.get(4).data().get("leg")).isEqualTo("right");
        assertThat(events.get(5).data().get("reason")).isEqualTo("command");
    }

    @Test
    void aStoppedSessionDoesNotRestartItselfUntilAFiveMinuteBreak() {
        press(100, 1_000);
        analyzer.onCommand(new Command.StopSession());
        press(100, 1_000);
        assertThat(types()).containsExactly("session_started", "session_ended");
        press(0, 299_000);
        press(100, 100);
        assertThat(types()).as("4:59 of rest is not a break").containsExactly("session_started", "session_ended");
        press(0, 300_000);
        press(100, 100);
        assertThat(types()).containsExactly("session_started", "session_ended", "session_started");
        assertThat(analyzer.state().session()).isEqualTo(2);
    }

    @Test
    void calibrationMarksSetTheBandAndCeilingFromTheNextSample() {
        press(40, 1_000);
        assertThat(analyzer.onCommand(new Command.MarkCalibration(3)).ok()).as("mark before start").isFalse();
        assertThat(analyzer.onCommand(new Command.StartCalibration()).ok()).isTrue();
        press(60, 1_000);
        assertThat(analyzer.onCommand(new Command.MarkCalibration(3)).ok()).isTrue();
        press(50, 1_000);
        Command.Result tooSoft = analyzer.onCommand(new Command.MarkCalibration(5));
        assertThat(tooSoft.ok()).isFalse();
        assertThat(tooSoft.message()).contains("more pain needs more pressure");
        press(100, 1_000);
        assertThat(analyzer.onCommand(new Command.MarkCalibration(5)).ok()).isTrue();
        // Pressing to 7/10 on purpose during calibration raises no pressure alert, even past 200 kPa.
        press(210, 1_000);
        assertThat(analyzer.onCommand(new Command.MarkCalibration(7)).ok()).isTrue();

        Calibration c = analyzer.calibration().orElseThrow();
        assertThat(c).isEqualTo(new Calibration(60, 100, 210));
        assertThat(c.bandLowKpa()).isEqualTo(80);
        assertThat(c.bandHighKpa()).isEqualTo(155);
        assertThat(c.ceilingKpa()).isEqualTo(189);
        assertThat(analyzer.state().ceilingKpa()).isEqualTo(189);
        assertThat(types()).doesNotContain("pressure_too_high:raised")
                .containsSubsequence("calibration_started", "calibration_marked", "calibration_marked", "calibration_marked", "calibration_done");

        // The new ceiling is in force at once: 195 kPa is under the profile's 200 but over 189.
        long before = t;
        press(195, 300);
        Event raised = events.stream().filter(e -> e.type() == EventType.PRESSURE_TOO_HIGH).findFirst().orElseThrow();
        assertThat(raised.tMillis()).isEqualTo(before + 200);
        assertThat(raised.data().get("ceiling_kpa")).isEqualTo(189.0);
    }

    @Test
    void aMarkWithoutPressingIsRefusedAndChangesNothing() {
        press(0, 1_000);
        analyzer.onCommand(new Command.StartCalibration());
        Command.Result r = analyzer.onCommand(new Command.MarkCalibration(3));
        assertThat(r.ok()).isFalse();
        assertThat(r.message()).contains("not pressed");
        assertThat(analyzer.calibration()).isEmpty();
        assertThat(analyzer.onCommand(new Command.CancelCalibration()).ok()).isTrue();
        assertThat(analyzer.onCommand(new Command.CancelCalibration()).ok()).isFalse();
        assertThat(analyzer.state().ceilingKpa()).isEqualTo(200);
    }

    @Test
    void aCalibrationNeverFinishedTimesOutAfterTwoMinutesAndTheCeilingIsBack() {
        press(100, 1_000);
        long started = t - 10; // a command takes effect at the last sample's time
        assertThat(analyzer.onCommand(new Command.StartCalibration()).ok()).isTrue();
        // A forged start (or a forgotten one) must not leave the ceiling off: pressing past it while it runs,
        // and starting it again (which begins the marks anew, not the clock) ...
        press(230, 60_000);
        assertThat(analyzer.onCommand(new Command.StartCalibration()).ok()).isTrue();
        press(230, 59_000);
        assertThat(types()).doesNotContain("pressure_too_high:raised", "calibration_cancelled");
        // ... until the ramp has run for 2 minutes of sample time.
        press(230, 1_500);
        Event cancelled = events.stream().filter(e -> e.type() == EventType.CALIBRATION_CANCELLED).findFirst().orElseThrow();
        assertThat(cancelled.tMillis()).isEqualTo(started + 120_000);
        assertThat(cancelled.data()).containsEntry("reason", "timeout").containsEntry("ceiling_kpa", 200.0)
                .containsEntry("started_t_ms", started);
        assertThat(cancelled.message()).contains("200 kPa is back on");
        Event raised = events.stream().filter(e -> e.type() == EventType.PRESSURE_TOO_HIGH).findFirst().orElseThrow();
        assertThat(raised.tMillis()).as("the ceiling watches again from the timeout").isEqualTo(started + 120_000 + 200);
        assertThat(analyzer.calibration()).isEmpty();
        assertThat(analyzer.onCommand(new Command.MarkCalibration(3)).ok()).as("nothing left to mark").isFalse();
    }

    @Test
    void aCancelledCalibrationSaysSoAndKeepsTheCeilingInForce() {
        press(100, 1_000);
        analyzer.onCommand(new Command.StartCalibration());
        press(120, 1_000);
        analyzer.onCommand(new Command.MarkCalibration(3));
        assertThat(analyzer.onCommand(new Command.CancelCalibration()).ok()).isTrue();
        assertThat(types()).containsSubsequence("calibration_started", "calibration_marked", "calibration_cancelled");
        assertThat(events.get(events.size() - 1).data()).containsEntry("reason", "command");
        press(230, 300);
        assertThat(types()).contains("pressure_too_high:raised");
    }

    @Test
    void aStoredCalibrationIsInForceFromTheFirstSample() {
        List<Event> out = new ArrayList<>();
        Analyzer calibrated = new Analyzer(ball.thresholds(), ball.contactRadiusCm(),
                Optional.of(new Calibration(60, 100, 150)), out::add);
        for (long ms = 0; ms <= 300; ms += 10) {
            calibrated.onSample(Sample.withoutAccel(ms, ms / 10, 140, 50, 0, 0));
        }
        assertThat(out).extracting(Event::type).contains(EventType.PRESSURE_TOO_HIGH);
        assertThat(calibrated.state().bandLowKpa()).isEqualTo(80);
    }
}
