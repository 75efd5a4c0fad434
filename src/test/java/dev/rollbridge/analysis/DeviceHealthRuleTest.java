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
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Device health (issue 17, item 5): {@code battery_low} with hysteresis, and {@code sensor_fault}
 * per kind, raised and cleared, on generated sessions: never on a good one (noise, quantisation,
 * holds that read almost one value), always on the fault.
 */
class DeviceHealthRuleTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final DeviceProfile ROLLER = new ProfileLoader().builtIn("rollsense-roller");

    private static List<Act> session(DeviceProfile p) {
        double kpa = p.thresholds().pressure().ceilingKpa() * 0.5;
        return List.of(new Rest(3_000), new Roll(60_000, kpa, 4, 20), new Hold(35_000, kpa, 0.01), new Friction(20_000, kpa, 2.5, 1.5),
                new Roll(20_000, kpa, 2, 10), new Rest(2_000));
    }

    private static List<Event> faults(DeviceProfile p, List<Sample> samples) {
        List<Event> out = new ArrayList<>();
        Analyzer analyzer = new Analyzer(p.thresholds(), p.contactRadiusCm(), p.sensorRange(), Optional.empty(), e -> {
            if (e.type() == EventType.SENSOR_FAULT || e.type() == EventType.BATTERY_LOW) {
                out.add(e);
            }
        });
        samples.forEach(analyzer::onSample);
        analyzer.interrupt("end_of_stream");
        return out;
    }

    private static String story(Event e) {
        return e.type().wireName() + ":" + e.state().name().toLowerCase() + (e.data().containsKey("kind") ? ":" + e.data().get("kind") : "");
    }

    /** The session's samples with {@code change} applied from {@code fromMs} to {@code toMs}. */
    private static List<Sample> with(List<Sample> samples, long fromMs, long toMs, UnaryOperator<Sample> change) {
        return samples.stream().map(s -> s.tMillis() >= fromMs && s.tMillis() < toMs ? change.apply(s) : s).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rollsense-ball", "rollsense-roller"})
    void goodSessionsRaiseNoFaultAtAnyQuantisation(String profileName) {
        DeviceProfile p = new ProfileLoader().builtIn(profileName);
        Random rnd = new Random(15);
        for (int i = 0; i < 30; i++) {
            double step = new double[]{0, 0.1, 0.5, 1}[i % 4];
            Tool tool = new Tool(p.contactRadiusCm(), SessionModel.unit(new double[]{rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()}),
                    rnd.nextDouble() * 360, new double[]{1, -2, 0.5}, new double[3], 0.3, 0, 0.05 + 0.3 * rnd.nextDouble(), step, 0);
            List<Sample> samples = SessionModel.generate(session(p), tool, Link.clean(new long[]{5, 10, 20, 50}[i % 4]), rnd.nextLong()).samples();
            assertThat(faults(p, samples)).as("session %d (step %.1f kPa)", i, step).isEmpty();
        }
    }

    @Test
    void aPressureStuckWhileTheBallRollsIsAFaultUntilItMovesAgain() {
        List<Sample> good = SessionModel.generate(session(BALL), Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 1).samples();
        // 10 s into the rolling the sensor freezes at 97.3 kPa for 8 s.
        List<Sample> stuck = with(good, 13_000, 21_000, s -> new Sample(s.tMillis(), s.seq(), 97.3, s.gxDps(), s.gyDps(), s.gzDps(), s.axG(), s.ayG(), s.azG()));
        List<Event> faults = faults(BALL, stuck);
        assertThat(faults).extracting(DeviceHealthRuleTest::story).containsExactly("sensor_fault:raised:pressure_stuck", "sensor_fault:cleared:pressure_stuck");
        assertThat(faults.get(0).tMillis()).isCloseTo(16_000L, within(20L));
        assertThat(faults.get(1).tMillis()).isEqualTo(21_000L);
        // The same value during a hold (nothing rolls) is no fault.
        List<Sample> stillHold = with(good, 70_000, 90_000, s -> new Sample(s.tMillis(), s.seq(), 97.3, s.gxDps(), s.gyDps(), s.gzDps(), s.axG(), s.ayG(), s.azG()));
        assertThat(faults(BALL, stillHold)).isEmpty();
    }

    @Test
    void readingsPinnedAtTheFieldsLimitAreFaultsButOneGlitchedSampleIsNot() {
        double pMax = BALL.sensorRange().pressureMaxKpa();
        double gMax = BALL.sensorRange().gyroMaxDps();
        assertThat(pMax).isEqualTo(6553.5, within(1e-9)); // u16 at 0.1 kPa
        assertThat(gMax).isEqualTo(3276.7, within(1e-9)); // s16 at 0.1 deg/s
        List<Sample> good = SessionModel.generate(session(BALL), Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 2).samples();
        List<Sample> pinned = with(good, 30_000, 32_000, s -> new Sample(s.tMillis(), s.seq(), pMax, s.gxDps(), s.gyDps(), s.gzDps(), s.axG(), s.ayG(), s.azG()));
        List<Event> faults = faults(BALL, pinned);
        assertThat(faults).extracting(DeviceHealthRuleTest::story).containsExactly("sensor_fault:raised:pressure_pinned", "sensor_fault:cleared:pressure_pinned");
        assertThat(faults.get(0).tMillis()).isEqualTo(30_500L);
        List<Sample> saturated = with(good, 40_000, 41_000, s -> new Sample(s.tMillis(), s.seq(), s.pressureKpa(), -gMax, s.gyDps(), s.gzDps(), s.axG(), s.ayG(), s.azG()));
        assertThat(faults(BALL, saturated)).extracting(DeviceHealthRuleTest::story)
                .containsExactly("sensor_fault:raised:gyro_saturated", "sensor_fault:cleared:gyro_saturated");
        List<Sample> glitch = with(good, 50_000, 50_010, s -> new Sample(s.tMillis(), s.seq(), pMax, gMax, s.gyDps(), s.gzDps(), s.axG(), s.ayG(), s.azG()));
        assertThat(faults(BALL, glitch)).isEmpty();
    }

    @Test
    void aLinkThatLosesAThirdOfItsSamplesIsAFaultAndClearsWhenItRecovers() {
        Tool tool = Tool.clean(ROLLER.contactRadiusCm());
        List<Sample> lossy = SessionModel.generate(session(ROLLER), tool, new Link(10, 10, 0.15, 0.25), 3).samples();
        List<Sample> whole = SessionModel.generate(session(ROLLER), tool, Link.clean(10), 3).samples();
        // Lossy for the first minute, whole after.
        List<Sample> mixed = new ArrayList<>(lossy.stream().filter(s -> s.tMillis() < 60_000).toList());
        mixed.addAll(whole.stream().filter(s -> s.tMillis() >= 60_000).toList());
        List<Event> faults = faults(ROLLER, mixed);
        assertThat(faults).extracting(DeviceHealthRuleTest::story).containsExactly("sensor_fault:raised:data_loss", "sensor_fault:cleared:data_loss");
        assertThat(faults.get(0).tMillis()).as("two bad 5 s blocks in a row, within the lossy minute").isLessThanOrEqualTo(40_000L);
        assertThat(faults.get(1).tMillis()).isBetween(60_000L, 70_100L);
    }

    @Test
    void aDeviceWhoseFramesAllFailToDecodeIsAFault() {
        List<Event> out = new ArrayList<>();
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), BALL.sensorRange(), Optional.empty(), out::add);
        for (long t = 0; t < 2_000; t += 10) {
            analyzer.onSample(new Sample(t, t / 10, 0, 0, 0, 0, 0, 0, 1));
        }
        // Then its firmware changes: nothing decodes any more, so no block of samples ever closes.
        for (int i = 0; i < DeviceHealthRule.MALFORMED_IN_ROW; i++) {
            analyzer.onMalformedFrame();
        }
        assertThat(out).extracting(DeviceHealthRuleTest::story).containsExactly("sensor_fault:raised:data_loss");
    }

    @Test
    void aSessionCommandDoesNotClearAFaultThatIsStillThere() {
        List<Event> out = new ArrayList<>();
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), BALL.sensorRange(), Optional.empty(),
                e -> {
                    if (e.type() == EventType.SENSOR_FAULT) {
                        out.add(e);
                    }
                });
        long t = 0;
        for (; t < 2_000; t += 10) {
            analyzer.onSample(new Sample(t, t / 10, 6553.5, 0, 0, 0, 0, 0, 1)); // pinned
        }
        analyzer.onCommand(new Command.StartSession("left"));
        analyzer.onCommand(new Command.StopSession());
        for (; t < 4_000; t += 10) {
            analyzer.onSample(new Sample(t, t / 10, 6553.5, 0, 0, 0, 0, 0, 1));
        }
        assertThat(out).extracting(DeviceHealthRuleTest::story).containsExactly("sensor_fault:raised:pressure_pinned");
        analyzer.interrupt("link_lost");
        assertThat(out).extracting(DeviceHealthRuleTest::story)
                .containsExactly("sensor_fault:raised:pressure_pinned", "sensor_fault:cleared:pressure_pinned");
    }

    @Test
    void glitchesReplacedInAHoldAreCountedForTheHealthReport() {
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), e -> { });
        for (long t = 0; t <= 20_000; t += 10) {
            boolean glitch = t == 8_000 || t == 12_000 || t == 16_000;
            analyzer.onSample(new Sample(t, t / 10, glitch ? 150 : 100, 0, 0, 0, 0, 0, 1));
        }
        assertThat(analyzer.pressureGlitches()).isEqualTo(3);
    }

    @Test
    void batteryLowOncePerDropClearedOnlyByACharge() {
        List<Event> out = new ArrayList<>();
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), out::add);
        analyzer.onSample(new Sample(0, 0, 0, 0, 0, 0, 0, 0, 1));
        for (int percent : new int[]{50, 16, 15, 14, 16, 15, 12, 19, 20, 18, 15}) {
            analyzer.onBattery(percent);
        }
        assertThat(out).extracting(DeviceHealthRuleTest::story)
                .containsExactly("battery_low:raised", "battery_low:cleared", "battery_low:raised");
        assertThat(out.get(0).data().get("battery")).isEqualTo(15);
        assertThat(out.get(1).data().get("battery")).isEqualTo(20);
    }
}
