package dev.rollbridge.analysis;

import dev.rollbridge.analysis.SessionModel.Act;
import dev.rollbridge.analysis.SessionModel.Friction;
import dev.rollbridge.analysis.SessionModel.Hold;
import dev.rollbridge.analysis.SessionModel.Link;
import dev.rollbridge.analysis.SessionModel.Rest;
import dev.rollbridge.analysis.SessionModel.Roll;
import dev.rollbridge.analysis.SessionModel.Tool;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate independence (issue 17, item 6): one session — warm-up strokes, a hold, a fast stretch, a
 * press over the ceiling, a minute of friction, a second hold, strokes to the leg target, each
 * rule's situation — sampled at 10, 20, 50, 100 and 200 Hz (a gyro offset and noise at every
 * rate) must give the same events as at 100 Hz, each within its tolerance: two sample periods
 * plus 150 ms for the rules that time from samples, and 1 s for friction, whose time is credited
 * stroke by stroke. The session's holds are calm: no {@code ease_off} may come at 50 Hz and above
 * (at 10–20 Hz the tightening rule's 300 ms window holds 3–6 samples and a 6–10 Hz tremor cannot be
 * sampled at all, so it is not judged there; its tremor detection is measured at 100 Hz by
 * {@code TighteningDetectorTest}).
 */
class RateIndependenceTest {
    private static final Set<EventType> STROKE_TIMED = EnumSet.of(EventType.FRICTION_LIMIT_REACHED);

    private static List<Act> session(double ceilingKpa) {
        double kpa = ceilingKpa * 0.5;
        return List.of(new Rest(3_000), new Roll(70_000, kpa, 4, 20), new Hold(40_000, kpa, 0.03), new Roll(6_000, kpa, 13, 30),
                new Roll(10_000, kpa, 4, 20), new Roll(3_000, ceilingKpa * 1.25, 3, 10), new Roll(5_000, kpa, 4, 20),
                new Friction(65_000, kpa, 2.5, 1.5), new Hold(35_000, kpa, 0.03), new Roll(80_000, kpa, 4, 20), new Rest(2_000));
    }

    private static List<Event> run(DeviceProfile profile, long periodMs) {
        Tool tool = Tool.clean(profile.contactRadiusCm()).oriented(SessionModel.unit(new double[]{0.3, -0.5, 0.8}), 37).withBias(1.5, -1, 0.7);
        return SessionModel.analyse(profile.thresholds(), profile.contactRadiusCm(),
                SessionModel.generate(session(profile.thresholds().pressure().ceilingKpa()), tool, Link.clean(periodMs), 100 + periodMs).samples());
    }

    private static String story(Event e) {
        return e.type().wireName() + (e.state() == AlertState.INSTANT ? "" : ":" + e.state().name().toLowerCase());
    }

    @ParameterizedTest(name = "{0} at {1} ms")
    @CsvSource({"rollsense-ball, 5", "rollsense-ball, 20", "rollsense-ball, 50", "rollsense-ball, 100",
            "rollsense-roller, 5", "rollsense-roller, 20", "rollsense-roller, 50", "rollsense-roller, 100"})
    void everyRuleGivesTheSameEventsAtAnyRate(String profileName, long periodMs) {
        DeviceProfile profile = new ProfileLoader().builtIn(profileName);
        List<Event> reference = run(profile, 10).stream().filter(e -> e.type() != EventType.EASE_OFF).toList();
        List<Event> got = run(profile, periodMs).stream().filter(e -> periodMs <= 20 || e.type() != EventType.EASE_OFF).toList();
        assertThat(reference.stream().map(RateIndependenceTest::story).toList()).as("the session raises every rule's event")
                .contains("session_started", "hold_target_reached", "speed_too_fast:raised", "pressure_too_high:raised",
                        "friction_limit_reached", "leg_target_reached");
        assertThat(got.stream().map(RateIndependenceTest::story).toList()).as("events at %d ms", periodMs)
                .containsExactlyElementsOf(reference.stream().map(RateIndependenceTest::story).toList());
        List<String> late = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < reference.size(); i++) {
            Event want = reference.get(i);
            long tolerance = STROKE_TIMED.contains(want.type()) ? 1_000 : 2 * periodMs + 150;
            long error = got.get(i).tMillis() - want.tMillis();
            errors.add(story(want) + "@" + want.tMillis() / 1000 + "s " + (error >= 0 ? "+" : "") + error);
            if (Math.abs(error) > tolerance) {
                late.add(story(want) + " " + error + " ms (tolerance " + tolerance + ")");
            }
        }
        System.out.printf("%s at %d ms: %s%n", profileName, periodMs, errors);
        assertThat(late).as("events off their 100 Hz time at %d ms", periodMs).isEmpty();
    }
}
