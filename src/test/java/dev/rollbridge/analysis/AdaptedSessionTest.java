package dev.rollbridge.analysis;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sore morning's check-in lowers the next session (issue 20): the pressure ceiling and the leg
 * target and limit times the factor, from the next session on; an open session keeps the figures
 * it started with; 1 restores them. And the check-in answer itself as an event.
 */
class AdaptedSessionTest {
    private final DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
    private final Thresholds thresholds = ball.thresholds();
    private final List<Event> events = new ArrayList<>();
    private final Analyzer analyzer = new Analyzer(thresholds, ball.contactRadiusCm(), events::add);
    private long t;

    /** Samples every 10 ms for {@code millis}, still, at {@code kpa}. */
    private void press(double kpa, long millis) {
        for (long end = t + millis; t < end; t += 10) {
            analyzer.onSample(Sample.withoutAccel(t, t / 10, kpa, 0, 0, 0));
        }
    }

    private List<Event> of(EventType type) {
        return events.stream().filter(e -> e.type() == type && e.state() != AlertState.CLEARED).toList();
    }

    @Test
    void betweenSessionsTheLoweredCeilingHoldsAtOnce() {
        double ceiling = thresholds.pressure().ceilingKpa();
        press(ceiling * 0.9, 3_000);
        assertThat(of(EventType.PRESSURE_TOO_HIGH)).as("90 % of the calibrated ceiling is fine").isEmpty();
        analyzer.onCommand(new Command.StopSession());
        analyzer.adapt(0.8);
        assertThat(analyzer.state().ceilingKpa()).isCloseTo(ceiling * 0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(analyzer.loadFactor()).isEqualTo(0.8);
        analyzer.onCommand(new Command.StartSession("left"));
        press(ceiling * 0.9, 3_000);
        assertThat(of(EventType.PRESSURE_TOO_HIGH)).as("the same pressure is above the lowered ceiling").hasSize(1);
        assertThat(of(EventType.PRESSURE_TOO_HIGH).get(0).data().get("ceiling_kpa")).isEqualTo(ceiling * 0.8);
    }

    @Test
    void theLegTargetComesEarlierInTheNextSessionNotInTheOpenOne() {
        double light = thresholds.contact().kpa() * 2;
        analyzer.onCommand(new Command.StartSession("left"));
        press(light, 60_000);
        analyzer.adapt(0.8); // the morning's answer arrives mid-session
        press(light, 230_000);
        assertThat(of(EventType.LEG_TARGET_REACHED)).as("the open session keeps its five minutes").isEmpty();
        press(light, 60_000);
        assertThat(of(EventType.LEG_TARGET_REACHED)).hasSize(1);
        assertThat(of(EventType.LEG_TARGET_REACHED).get(0).message()).startsWith("5 minutes");

        analyzer.onCommand(new Command.StartSession("right"));
        Event started = of(EventType.SESSION_STARTED).get(1);
        assertThat(started.message()).contains("aim for 4 to 8 minutes");
        long start = t;
        press(light, 245_000);
        List<Event> target = of(EventType.LEG_TARGET_REACHED);
        assertThat(target).hasSize(2);
        assertThat(target.get(1).message()).startsWith("4 minutes on the right leg");
        assertThat(target.get(1).tMillis() - start).isBetween(239_000L, 241_000L);

        analyzer.adapt(1.0);
        analyzer.onCommand(new Command.StartSession("left"));
        assertThat(of(EventType.SESSION_STARTED).get(2).message()).as("restored").contains("aim for 5 to 10 minutes");
    }

    @Test
    void aCheckinAnswerIsAnEventButNotPartOfTheSession() {
        press(100, 5_000);
        Command.Result r = analyzer.onCommand(new Command.ReportCheckin(6));
        assertThat(r.ok()).isTrue();
        assertThat(r.message()).isEqualTo("check-in 6/10 recorded");
        Event answer = of(EventType.CHECKIN_RECORDED).get(0);
        assertThat(answer.data()).isEqualTo(Map.of("soreness", 6));
        assertThat(answer.detail()).isEqualTo(new EventDetail.CheckinReport(6));
        analyzer.onCommand(new Command.StopSession());
        Event ended = of(EventType.SESSION_ENDED).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Integer> alerts = (Map<String, Integer>) ended.data().get("alerts");
        assertThat(alerts).doesNotContainKey("checkin_recorded").containsKey("hold_started");
    }

    @Test
    void aFactorOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> analyzer.adapt(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> analyzer.adapt(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> analyzer.adapt(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
