package dev.rollbridge.simulator;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Phase;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's scripted session, through the real pipeline (frames → decode → analysis), for
 * both tools and both frame types: the guide's story must come out as events, in order.
 */
class SimulatedSessionTest {

    @ParameterizedTest(name = "{0} at MTU {1}")
    @CsvSource({"rollsense-ball, 23", "rollsense-ball, 185", "rollsense-roller, 23", "rollsense-roller, 185"})
    void theScriptedSessionProducesTheGuidesEventsInOrder(String profileName, int mtu) throws Exception {
        DeviceProfile profile = new ProfileLoader().builtIn(profileName);
        Recorder recorder = new Recorder();
        List<Event> events = recorder.events;
        List<DeviceState> states = recorder.states;
        DevicePipeline pipeline = new DevicePipeline("dev", profile, profile.thresholds(), 1024, recorder);
        HamstringSessionScript script = HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa());
        SimulatedRollsense sim = new SimulatedRollsense(profile, script,
                new SimulatedRollsense.Options("C0:FF:EE:00:00:01", 0, mtu, false, 7));
        pipeline.start();
        sim.start(pipeline);
        assertThat(pipeline.awaitEndOfStream(Duration.ofSeconds(60))).isTrue();
        pipeline.close();
        // Where on the muscle: the script's holds lie past the end of its 15 cm warm-up strokes, at
        // the knee end of the learned span (a tendon attachment), so each draws its advice once.
        List<Event> advised = events.stream().filter(e -> e.type() == EventType.SEGMENT_ADVISED).toList();
        assertThat(advised).extracting(e -> e.data().get("reason")).containsExactly("attachment_pressure", "dose_share");
        assertThat(advised).extracting(e -> e.data().get("segment")).containsOnly(9);
        events = events.stream().filter(e -> e.type() != EventType.SEGMENT_ADVISED).toList();

        List<String> story = events.stream()
                .map(e -> e.type().wireName() + (e.state().name().equals("INSTANT") ? "" : ":" + e.state().name().toLowerCase()))
                .toList();
        assertThat(story).containsExactly(
                "device_connected",
                "session_started",
                "hold_started", "hold_target_reached", "hold_ended",
                "speed_too_fast:raised", "speed_too_fast:cleared",
                "pressure_too_high:raised", "pressure_too_high:cleared",
                "hold_started", "hold_target_reached", "ease_off", "hold_max_reached", "hold_ended",
                "friction_limit_reached", "leg_target_reached",
                "session_ended");

        Event firstHoldEnd = events.get(4);
        assertThat((double) firstHoldEnd.data().get("duration_s")).isBetween(40.0, 43.0);
        assertThat(firstHoldEnd.data().get("target_met")).isEqualTo(true);
        Event easeOff = events.get(11);
        Event secondHoldStart = events.get(9);
        // The twitch comes 40 s into the 70 s hold segment, about 2 s after the hold was detected.
        assertThat(easeOff.tMillis() - secondHoldStart.tMillis()).isBetween(38_000L, 41_000L);
        Event lastHoldEnd = events.get(13);
        assertThat((double) lastHoldEnd.data().get("duration_s")).isBetween(70.0, 72.0);
        assertThat(lastHoldEnd.data().get("reason")).isEqualTo("moved");
        Event summary = events.get(16);
        assertThat(summary.data().get("holds")).isEqualTo(2);
        assertThat(summary.data().get("holds_met_target")).isEqualTo(2);
        assertThat((double) summary.data().get("friction_s")).isBetween(60.0, 66.0);
        assertThat((double) summary.data().get("too_fast_s")).isBetween(2.0, 4.0);
        assertThat((double) summary.data().get("active_s")).isBetween(300.0, 310.0);
        assertThat(states).extracting(DeviceState::phase).contains(Phase.FRICTION);
        // Sample time runs the whole script whatever the wall clock did (speed 0 here).
        assertThat(states.get(states.size() - 1).tMillis()).isBetween(script.durationMs() - 100, script.durationMs() + 100);
        assertThat(states).extracting(DeviceState::phase).contains(Phase.IDLE, Phase.ROLLING, Phase.HOLD);
        assertThat(states.get(states.size() - 1).battery()).isBetween(80, 87);
        // The device started near its seq wrap: the wrap must not be mistaken for a loss.
        assertThat(pipeline.stats().decoder().lostSamples()).isLessThan(script.durationMs() / 10 / 100);
        assertThat(pipeline.stats().decoder().malformed()).isZero();
    }
}
