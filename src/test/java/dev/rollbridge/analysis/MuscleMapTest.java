package dev.rollbridge.analysis;

import dev.rollbridge.analysis.SessionModel.Act;
import dev.rollbridge.analysis.SessionModel.Hold;
import dev.rollbridge.analysis.SessionModel.Link;
import dev.rollbridge.analysis.SessionModel.Rest;
import dev.rollbridge.analysis.SessionModel.Roll;
import dev.rollbridge.analysis.SessionModel.Span;
import dev.rollbridge.analysis.SessionModel.Tool;
import dev.rollbridge.analysis.SessionModel.Truth;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Where on the muscle (issue 20, part 1): the position anchored on the warm-up's long strokes, and
 * the time and dose per segment, checked against what the person did (the true positions of a
 * generated session), on clean and messy signals.
 */
class MuscleMapTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final double CEILING = BALL.thresholds().pressure().ceilingKpa();
    private static final double ROLL_KPA = CEILING * 0.35;
    private static final double HOLD_KPA = CEILING * 0.4;
    private static final double SPAN_CM = 30;
    private static final double PEAK_CM_S = 5;

    /** Long strokes of the whole span, fold to knee and back, {@code cycles} times: the warm-up. */
    private static Roll warmUp(int cycles, double peak) {
        return new Roll(Math.round(cycles * Math.PI * SPAN_CM / Math.abs(peak) * 1000), ROLL_KPA, peak, SPAN_CM);
    }

    /** Half a stroke: the tool ends {@code cm} further on. */
    private static Roll moveAlong(double cm) {
        double peak = 4;
        return new Roll(Math.round(Math.PI * Math.abs(cm) / (2 * peak) * 1000), ROLL_KPA, Math.copySign(peak, cm), Math.abs(cm));
    }

    /** The true position (cm from where the first act began, along its first stroke's way) at sample time {@code t}. */
    private static double truePositionCm(List<Span> spans, double startCm, long t) {
        double x = startCm;
        for (Span s : spans) {
            long local = Math.min(t, s.toMs()) - s.fromMs();
            if (local < 0) {
                break;
            }
            if (s.act() instanceof Roll r) {
                double half = Math.PI * r.strokeCm() / (2 * Math.abs(r.peakCmS())) * 1000;
                x += Math.signum(r.peakCmS()) * r.strokeCm() / 2 * (1 - Math.cos(Math.PI * local / half));
            }
        }
        return x;
    }

    private record Run(List<Event> events, long anchoredAt, List<double[]> positions) {
        Event ended() {
            return events.stream().filter(e -> e.type() == EventType.SESSION_ENDED).findFirst().orElseThrow();
        }

        List<Event> advised() {
            return events.stream().filter(e -> e.type() == EventType.SEGMENT_ADVISED).toList();
        }

        /** The position the bridge reported at sample time {@code t} (the last sample at or before it). */
        double pctAt(long t) {
            double pct = Double.NaN;
            for (double[] p : positions) {
                if (p[0] > t) {
                    break;
                }
                pct = p[1];
            }
            return pct;
        }
    }

    private static Run run(List<Sample> samples, Thresholds thresholds, double radiusCm) {
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(thresholds, radiusCm, SensorRange.UNKNOWN, Optional.empty(), events::add);
        long anchoredAt = -1;
        List<double[]> positions = new ArrayList<>();
        for (Sample s : samples) {
            analyzer.onSample(s);
            double pct = analyzer.state().positionPct();
            positions.add(new double[]{s.tMillis(), pct});
            if (anchoredAt < 0 && !Double.isNaN(pct)) {
                anchoredAt = s.tMillis();
            }
        }
        analyzer.interrupt("end_of_stream");
        return new Run(events, anchoredAt, positions);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> segments(Event ended) {
        return (List<Map<String, Object>>) ended.data().get("segments");
    }

    /**
     * Warm-up strokes over 30 cm from the fold, then the tool moves to 45 % (13.5 cm) and holds 40 s:
     * time and dose per segment match the true positions within 5 %, and the hold is in segment 4.
     */
    @ParameterizedTest(name = "{0} ms samples")
    @CsvSource({"10", "100", "5"})
    void knownStrokePatternGivesKnownSegmentFigures(long periodMs) {
        List<Act> acts = List.of(new Rest(3_000), warmUp(4, PEAK_CM_S), moveAlong(13.5), new Hold(40_000, HOLD_KPA, 0.02), new Rest(2_000));
        Truth truth = SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(periodMs), 20);
        Run run = run(truth.samples(), BALL.thresholds(), BALL.contactRadiusCm());

        // Anchored when the first stroke turns back, not before.
        Span warm = truth.of(Roll.class).get(0);
        long firstStrokeEnds = warm.fromMs() + Math.round(Math.PI * SPAN_CM / (2 * PEAK_CM_S) * 1000);
        assertThat(run.anchoredAt()).isBetween(firstStrokeEnds, firstStrokeEnds + 1_000);
        assertThat(run.pctAt(firstStrokeEnds - 2_000)).isNaN();

        double contactKpa = BALL.thresholds().contact().kpa();
        double[] trueTime = new double[10];
        double[] trueDose = new double[10];
        for (int i = 0; i < truth.trueKpa().length; i++) {
            long t = i * periodMs;
            if (t < run.anchoredAt() || truth.trueKpa()[i] < contactKpa) {
                continue;
            }
            double pct = 100 * truePositionCm(truth.spans(), 0, t) / SPAN_CM;
            int seg = Math.max(0, Math.min(9, (int) (pct / 10)));
            trueTime[seg] += periodMs / 1000.0;
            trueDose[seg] += truth.trueKpa()[i] * periodMs / 1000.0;
        }
        List<Map<String, Object>> segments = segments(run.ended());
        assertThat(segments).hasSize(10);
        double totalTime = 0;
        for (double x : trueTime) {
            totalTime += x;
        }
        for (int s = 0; s < 10; s++) {
            Map<String, Object> seg = segments.get(s);
            assertThat((double) seg.get("from_pct")).isEqualTo(s * 10.0);
            // Within 5 % of the segment's own figure, or 1 % of the session's mapped time for the small ones.
            double timeSlack = Math.max(0.05 * trueTime[s], 0.01 * totalTime);
            assertThat((double) seg.get("time_s")).as("segment %d time, truth %.2f s", s, trueTime[s]).isCloseTo(trueTime[s], within(timeSlack));
            double doseSlack = Math.max(0.05 * trueDose[s], 0.01 * totalTime * ROLL_KPA);
            assertThat((double) seg.get("dose_kpa_s")).as("segment %d dose, truth %.1f", s, trueDose[s]).isCloseTo(trueDose[s], within(doseSlack));
        }
        assertThat((List<Double>) segments.get(4).get("holds")).singleElement().satisfies(h -> assertThat(h).isCloseTo(40.0, within(2.5)));
        Span hold = truth.of(Hold.class).get(0);
        assertThat(run.pctAt(hold.fromMs() + 20_000)).isCloseTo(45.0, within(3.0));
        assertThat(run.pctAt(hold.toMs() + 1_000)).as("lifted: unknown").isNaN();
    }

    /**
     * Messy signals: a gyro offset that drifts, noise, 10 and 200 Hz, bursts of lost frames. The hold
     * at 45 % is placed within 7 % of the muscle's length, in segment 4.
     */
    @ParameterizedTest(name = "{0} ms, offset {1} deg/s, drift {2}, losses {3}")
    @CsvSource({"100, 2, 0.3, 0.02", "5, 3, 0.5, 0.01", "10, 1, 0.2, 0.05", "100, 0, 0, 0.1"})
    void anchoringHoldsUnderBiasJitterRatesAndLostFrames(long periodMs, double offsetDps, double drift, double lossRate) {
        List<String> failures = new ArrayList<>();
        for (int seed = 0; seed < 8; seed++) {
            Tool tool = Tool.clean(BALL.contactRadiusCm()).withBias(offsetDps, -offsetDps, offsetDps / 2).withDrift(drift, -drift, 0);
            Link link = new Link(periodMs, 1, lossRate, 0.5);
            List<Act> acts = List.of(new Rest(4_000), warmUp(4, PEAK_CM_S), moveAlong(13.5), new Hold(40_000, HOLD_KPA, 0.02), new Rest(2_000));
            Truth truth = SessionModel.generate(acts, tool, link, seed);
            Run run = run(truth.samples(), BALL.thresholds(), BALL.contactRadiusCm());
            Span hold = truth.of(Hold.class).get(0);
            double pct = run.pctAt(hold.fromMs() + 20_000);
            List<Map<String, Object>> segments = segments(run.ended());
            // The hold is counted in the segment of the position reported for it.
            if (!(Math.abs(pct - 45) <= 7) || segments.isEmpty() || ((List<?>) segments.get((int) (pct / 10)).get("holds")).size() != 1) {
                failures.add("seed " + seed + ": hold at " + pct + " %, segments " + segments);
            }
        }
        assertThat(failures).isEmpty();
    }

    /** The first long stroke sets the direction: whichever way the gyro reads it, its start is the gluteal fold. */
    @ParameterizedTest(name = "gyro axis at {0} degrees")
    @CsvSource({"0", "90", "200"})
    void theFirstLongStrokeStartsAtTheGlutealFold(double angleDeg) {
        Tool tool = Tool.clean(BALL.contactRadiusCm()).oriented(new double[]{0.2, -0.3, 1}, angleDeg);
        List<Act> acts = List.of(new Rest(3_000), warmUp(3, PEAK_CM_S), moveAlong(24), new Hold(20_000, HOLD_KPA, 0.02), new Rest(2_000));
        Truth truth = SessionModel.generate(acts, tool, Link.clean(10), 3);
        Run run = run(truth.samples(), BALL.thresholds(), BALL.contactRadiusCm());
        assertThat(run.pctAt(truth.of(Hold.class).get(0).fromMs() + 10_000)).isCloseTo(80.0, within(4.0));
    }

    /**
     * After a lift the position is unknown until a long stroke; the tool put down at the knee and
     * rolled toward the fold first is still read the right way round (the stroke axis tells it),
     * placed on the span learned before, and a stroke past an end moves that end.
     */
    @Test
    void aLiftLosesThePositionAndTheNextLongStrokePlacesItTheRightWayRound() {
        List<Act> acts = List.of(new Rest(3_000), warmUp(2, PEAK_CM_S), moveAlong(SPAN_CM), new Rest(3_000),
                warmUp(2, -PEAK_CM_S), moveAlong(-13.5), new Hold(20_000, HOLD_KPA, 0.02), new Rest(2_000));
        Truth truth = SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 5);
        Run run = run(truth.samples(), BALL.thresholds(), BALL.contactRadiusCm());
        List<Span> rolls = truth.of(Roll.class);
        Span second = rolls.get(2);
        assertThat(run.pctAt(second.fromMs() + 3_000)).as("after the put-down, before a long stroke").isNaN();
        // Knee (30 cm) minus 13.5 cm: 55 % from the fold. Read the wrong way round it would be 45 %.
        assertThat(run.pctAt(truth.of(Hold.class).get(0).fromMs() + 10_000)).isCloseTo(55.0, within(4.0));
        assertThat(run.events().stream().filter(e -> e.type() == EventType.SESSION_STARTED)).hasSize(1);
    }

    @Test
    void aReversalBeyondAnEndMovesThatEndOut() {
        long half = Math.round(Math.PI * 40 / (2 * 5.0) * 1000);
        List<Act> acts = List.of(new Rest(3_000), warmUp(1, PEAK_CM_S), new Roll(4 * half, ROLL_KPA, 5, 40), new Rest(2_000));
        Truth truth = SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 9);
        Run run = run(truth.samples(), BALL.thresholds(), BALL.contactRadiusCm());
        Span longer = truth.of(Roll.class).get(1);
        // The 40 cm strokes go 10 cm past the first stroke's end: the span grows to 40 cm, so 20 cm
        // from the fold is then 50 % (it would read 67 % on the first stroke's 30 cm).
        assertThat(run.pctAt(longer.fromMs() + 2 * half + half / 2)).isCloseTo(50.0, within(4.0));
        assertThat(run.pctAt(longer.fromMs() + 3 * half)).isCloseTo(100.0, within(3.0));
    }

    @Test
    void aConcentratedDoseIsAdvisedOnceAndAnEvenOneNot() {
        List<Act> concentrated = List.of(new Rest(3_000), warmUp(4, PEAK_CM_S), moveAlong(13.5), new Hold(55_000, HOLD_KPA, 0.02),
                moveAlong(1), new Hold(50_000, HOLD_KPA, 0.02), new Rest(2_000));
        Run c = run(SessionModel.generate(concentrated, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 11).samples(),
                BALL.thresholds(), BALL.contactRadiusCm());
        assertThat(c.advised()).singleElement().satisfies(e -> {
            assertThat(e.severity()).isEqualTo(Severity.INFO);
            assertThat(e.data()).containsEntry("segment", 4).containsEntry("reason", "dose_share").containsEntry("from_pct", 40.0)
                    .containsEntry("to_pct", 50.0);
            assertThat((double) e.data().get("dose_share")).isGreaterThan(0.4);
        });

        List<Act> even = List.of(new Rest(3_000), warmUp(9, PEAK_CM_S), new Rest(2_000));
        Run e = run(SessionModel.generate(even, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 12).samples(),
                BALL.thresholds(), BALL.contactRadiusCm());
        assertThat(segments(e.ended())).hasSize(10);
        assertThat(e.advised()).isEmpty();
    }

    @Test
    void sustainedDeepPressureAtAnAttachmentIsAdvisedOnce() {
        double deep = CEILING * 0.6;
        List<Act> acts = List.of(new Rest(3_000), warmUp(2, PEAK_CM_S), moveAlong(1.2), new Hold(25_000, deep, 0.02), new Rest(2_000));
        Truth truth = SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 13);
        Run run = run(truth.samples(), BALL.thresholds(), BALL.contactRadiusCm());
        Span hold = truth.of(Hold.class).get(0);
        assertThat(run.advised()).singleElement().satisfies(e -> {
            assertThat(e.data()).containsEntry("segment", 0).containsEntry("reason", "attachment_pressure");
            // 10 s of deep pressure, counted from when the press got deep (the tool settles in over a few hundred ms).
            assertThat(e.tMillis()).isBetween(hold.fromMs() + 9_000, hold.fromMs() + 11_500);
        });
        // The same press mid-muscle is a trigger point hold, not an attachment.
        List<Act> middle = List.of(new Rest(3_000), warmUp(2, PEAK_CM_S), moveAlong(15), new Hold(25_000, deep, 0.02), new Rest(2_000));
        Run mid = run(SessionModel.generate(middle, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 13).samples(),
                BALL.thresholds(), BALL.contactRadiusCm());
        assertThat(mid.advised()).isEmpty();
    }

    @Test
    void aSessionWithoutALongStrokeHasNoSegmentsAndNoPosition() {
        List<Act> acts = List.of(new Rest(3_000), new Hold(30_000, HOLD_KPA, 0.02), new Rest(2_000));
        Run run = run(SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 1).samples(),
                BALL.thresholds(), BALL.contactRadiusCm());
        assertThat(run.anchoredAt()).isEqualTo(-1);
        assertThat(segments(run.ended())).isEmpty();
    }

    @Test
    void theSummarysSegmentsCarryTheContractsFieldsInOrderAndPainWhereTheToolWas() {
        List<Act> acts = List.of(new Rest(3_000), warmUp(2, PEAK_CM_S), moveAlong(22.5), new Hold(20_000, HOLD_KPA, 0.02), new Rest(1_000));
        Truth truth = SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 4);
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), events::add);
        long painAt = truth.of(Hold.class).get(0).fromMs() + 10_000;
        for (Sample s : truth.samples()) {
            analyzer.onSample(s);
            if (s.tMillis() == painAt) {
                analyzer.onCommand(new Command.ReportPain(5));
            }
        }
        analyzer.interrupt("end_of_stream");
        Event ended = events.stream().filter(e -> e.type() == EventType.SESSION_ENDED).findFirst().orElseThrow();
        List<Map<String, Object>> segments = segments(ended);
        assertThat(segments).hasSize(10);
        assertThat(segments.get(7).keySet()).containsExactly("from_pct", "to_pct", "time_s", "dose_kpa_s", "holds", "ease_off", "pain",
                "friction_s");
        assertThat(segments.get(7)).containsEntry("pain", 1).containsEntry("from_pct", 70.0).containsEntry("to_pct", 80.0);
        assertThat(segments.stream().mapToInt(s -> (int) s.get("pain")).sum()).isEqualTo(1);
        assertThat(ended.data().keySet()).endsWith("segments");
    }

    /** A tremor in a hold at 25 % and a minute's friction at 75 %: each is counted where it happened. */
    @Test
    void easeOffAndFrictionAreCountedWhereTheyHappened() {
        List<Act> acts = List.of(new Rest(3_000), warmUp(2, PEAK_CM_S), moveAlong(7.5),
                new Hold(30_000, HOLD_KPA, 0.02, 15_000, 2_500, 8, 0.12), moveAlong(15), new SessionModel.Friction(40_000, ROLL_KPA, 2.5, 1.2),
                new Rest(2_000));
        Run run = run(SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 21).samples(),
                BALL.thresholds(), BALL.contactRadiusCm());
        assertThat(run.events().stream().filter(e -> e.type() == EventType.EASE_OFF)).hasSize(1);
        List<Map<String, Object>> segments = segments(run.ended());
        assertThat(segments).extracting(m -> m.get("ease_off")).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat((List<?>) segments.get(2).get("holds")).hasSize(1);
        assertThat((double) segments.get(7).get("friction_s")).isBetween(34.0, 40.5);
        double elsewhere = segments.stream().filter(m -> m != segments.get(7)).mapToDouble(m -> (double) m.get("friction_s")).sum();
        assertThat(elsewhere).isLessThan(1.0);
    }

    /** The live figures are a new list at most once a second of sample time, and the same list while nothing changes. */
    @Test
    void theLiveFiguresChangeAtMostOnceASecondAndNotWhileIdle() {
        List<Act> acts = List.of(new Rest(3_000), warmUp(3, PEAK_CM_S), new Rest(20_000));
        Truth truth = SessionModel.generate(acts, Tool.clean(BALL.contactRadiusCm()), Link.clean(10), 2);
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), e -> { });
        List<Long> changes = new ArrayList<>();
        Object last = null;
        for (Sample s : truth.samples()) {
            analyzer.onSample(s);
            if (s.tMillis() % 100 == 0) {
                List<EventDetail.MuscleSegment> now = analyzer.state().segments();
                if (now != last) {
                    changes.add(s.tMillis());
                    last = now;
                }
            }
        }
        for (int i = 1; i < changes.size(); i++) {
            assertThat(changes.get(i) - changes.get(i - 1)).isGreaterThanOrEqualTo(1_000);
        }
        Span rest = truth.spans().get(2);
        // The warm-up updates them every second once anchored; the lift and rest after it, at most once more.
        assertThat(changes.stream().filter(t -> t > rest.fromMs() + 1_000)).hasSizeLessThanOrEqualTo(1);
        assertThat(changes.size()).isGreaterThan(30);
    }
}
