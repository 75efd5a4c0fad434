package dev.rollbridge.analysis;

import dev.rollbridge.analysis.SessionModel.Act;
import dev.rollbridge.analysis.SessionModel.Friction;
import dev.rollbridge.analysis.SessionModel.Hold;
import dev.rollbridge.analysis.SessionModel.Link;
import dev.rollbridge.analysis.SessionModel.Rest;
import dev.rollbridge.analysis.SessionModel.Roll;
import dev.rollbridge.analysis.SessionModel.Tool;
import dev.rollbridge.analysis.SessionModel.Truth;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fidelity report (issue 17): a fixed corpus of generated sessions — both tools, good ones and
 * each kind of fault, at 10–200 Hz, with gyro offsets, noise, quantisation, glitches and bursts of
 * lost frames — analysed by the rules, and compared with what the guide's rules say about the
 * <em>true</em> signals of each session ({@link Oracle}, which never sees the program's output):
 * precision, recall and timing error per event type, false alarms in good sessions, the hold cue's
 * timing and the leg time under loss. Prints the report and writes it to
 * {@code target/fidelity-report.md}; the targets of the issue are asserted. Run it alone with
 * {@code scripts/fidelity}.
 */
class FidelityReportTest {
    static final int SESSIONS_PER_TOOL = 120;
    private static final long[] PERIODS = {5, 10, 20, 50, 100};

    enum Kind { GOOD, TOO_HARD, TOO_FAST, SHORT_HOLD, LONG_FRICTION, NO_WARMUP, LOSSY, TREMOR }

    /** Each run of eleven sessions: four good ones, then one of each fault. */
    private static final Kind[] CYCLE = {Kind.GOOD, Kind.GOOD, Kind.GOOD, Kind.GOOD, Kind.TOO_HARD, Kind.TOO_FAST, Kind.SHORT_HOLD,
            Kind.LONG_FRICTION, Kind.NO_WARMUP, Kind.LOSSY, Kind.TREMOR};

    /** The events the report judges, with the window in which a prediction matches an expectation. */
    enum Judged {
        PRESSURE_TOO_HIGH(EventType.PRESSURE_TOO_HIGH, 3_000), SPEED_TOO_FAST(EventType.SPEED_TOO_FAST, 3_000),
        HOLD_TARGET_REACHED(EventType.HOLD_TARGET_REACHED, 3_000), WARMUP_ADVISED(EventType.WARMUP_ADVISED, 3_000),
        EASE_OFF(EventType.EASE_OFF, 1_000),
        FRICTION_LIMIT_REACHED(EventType.FRICTION_LIMIT_REACHED, 5_000), LEG_TARGET_REACHED(EventType.LEG_TARGET_REACHED, 3_000);

        final EventType type;
        final long windowMs;

        Judged(EventType type, long windowMs) {
            this.type = type;
            this.windowMs = windowMs;
        }
    }

    record Session(int number, String tool, Kind kind, long periodMs, int perFrame, double lossRate, Truth truth) {
    }

    /** The guide's rules applied to a session's true signals (no noise, no offset, no loss). */
    static final class Oracle {
        final Map<Judged, List<Long>> expected = new EnumMap<>(Judged.class);
        long contactMillis;

        Oracle(Thresholds t, Truth truth) {
            for (Judged j : Judged.values()) {
                expected.put(j, new ArrayList<>());
            }
            long p = truth.periodMs();
            int window = (int) Math.max(1, t.speed().windowMs() / p);
            double sum = 0;
            long overSince = -1;
            boolean pressureRaised = false;
            long underSince = -1;
            long fastSince = -1;
            boolean fastRaised = false;
            long stillSince = -1;
            boolean inHold = false;
            long holdStart = 0;
            long moveSince = -1;
            boolean cued = false;
            long rolling = 0;
            boolean advised = false;
            long friction = 0;
            boolean frictionAlerted = false;
            boolean legReached = false;
            for (int i = 0; i < truth.trueKpa().length; i++) {
                long now = i * p;
                double kpa = truth.trueKpa()[i];
                sum += truth.trueSpeedCmS()[i];
                if (i >= window) {
                    sum -= truth.trueSpeedCmS()[i - window];
                }
                double speed = sum / Math.min(i + 1, window);
                boolean contact = kpa >= t.contact().kpa();
                // Pressure: above the ceiling for the dwell raises; below the clear level for the dwell re-arms.
                if (kpa > t.pressure().ceilingKpa()) {
                    underSince = -1;
                    overSince = overSince < 0 ? now : overSince;
                    if (!pressureRaised && now - overSince >= t.pressure().dwellMs()) {
                        pressureRaised = true;
                        expected.get(Judged.PRESSURE_TOO_HIGH).add(now);
                    }
                } else {
                    overSince = -1;
                    if (kpa < t.pressure().clearKpa()) {
                        underSince = underSince < 0 ? now : underSince;
                        if (now - underSince >= t.pressure().dwellMs()) {
                            pressureRaised = false;
                        }
                    }
                }
                // Speed: the 0.5 s mean above the limit for a second, in contact; re-armed below the re-arm speed.
                if (contact && speed > t.speed().limitCmS()) {
                    fastSince = fastSince < 0 ? now : fastSince;
                    if (!fastRaised && now - fastSince >= t.speed().limitMs()) {
                        fastRaised = true;
                        expected.get(Judged.SPEED_TOO_FAST).add(now);
                    }
                } else {
                    fastSince = -1;
                    if (!contact || speed < t.speed().rearmCmS()) {
                        fastRaised = false;
                    }
                }
                // Warm-up: broad rolling (not friction) before the first hold.
                if (contact && !truth.inFriction()[i] && speed >= t.warmup().rollingMinCmS()) {
                    rolling += p;
                }
                // Holds: still for the start time, timed from the stillness; the cue at the target unless moving off.
                if (!inHold) {
                    if (contact && speed < t.hold().stillCmS()) {
                        stillSince = stillSince < 0 ? now : stillSince;
                        if (now - stillSince >= t.hold().startMs()) {
                            inHold = true;
                            holdStart = stillSince;
                            moveSince = -1;
                            cued = false;
                            if (!advised && rolling < t.warmup().rollingMs()) {
                                advised = true;
                                expected.get(Judged.WARMUP_ADVISED).add(now);
                            }
                        }
                    } else {
                        stillSince = -1;
                    }
                } else if (!contact) {
                    inHold = false;
                    stillSince = -1;
                } else {
                    if (speed >= t.hold().moveCmS()) {
                        moveSince = moveSince < 0 ? now : moveSince;
                        if (now - moveSince >= t.hold().moveMs()) {
                            inHold = false;
                            stillSince = -1;
                        }
                    } else {
                        moveSince = -1;
                    }
                    if (inHold && moveSince < 0 && !cued && now - holdStart >= t.hold().targetMs()) {
                        cued = true;
                        expected.get(Judged.HOLD_TARGET_REACHED).add(now);
                    }
                }
                // Reflexive tightening: a tremor in a hold, past the hold's first 3 s (its baseline), at 40 Hz or more.
                if (truth.tremorStarts().contains(now) && inHold && now - holdStart >= t.tightening().baselineMs()
                        && p <= 25) { // the README's limit: ease_off needs 40 Hz or more
                    expected.get(Judged.EASE_OFF).add(now);
                }
                // Friction: all of a session's friction is on one spot.
                if (contact && truth.inFriction()[i]) {
                    friction += p;
                    if (!frictionAlerted && friction >= t.friction().limitMs()) {
                        frictionAlerted = true;
                        expected.get(Judged.FRICTION_LIMIT_REACHED).add(now);
                    }
                }
                if (contact) {
                    contactMillis += p;
                    if (!legReached && contactMillis >= t.sessions().legTargetMs()) {
                        legReached = true;
                        expected.get(Judged.LEG_TARGET_REACHED).add(now);
                    }
                }
            }
        }
    }

    static List<Session> corpus() {
        List<Session> out = new ArrayList<>();
        int n = 0;
        for (String toolName : List.of("rollsense-ball", "rollsense-roller")) {
            DeviceProfile profile = new ProfileLoader().builtIn(toolName);
            Random rnd = new Random(toolName.hashCode() * 31L + 2026);
            for (int i = 0; i < SESSIONS_PER_TOOL; i++) {
                Kind kind = CYCLE[i % CYCLE.length];
                long period = PERIODS[rnd.nextInt(PERIODS.length)];
                int perFrame = period >= 50 ? 1 : new int[]{1, 5, 10}[rnd.nextInt(3)];
                double enter = kind == Kind.LOSSY ? 0.04 + 0.04 * rnd.nextDouble() : rnd.nextDouble() < 0.3 ? 0.01 * rnd.nextDouble() : 0;
                double[] normal = SessionModel.unit(new double[]{rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()});
                double biasScale = 3 * rnd.nextDouble();
                Tool tool = new Tool(profile.contactRadiusCm(), normal, rnd.nextDouble() * 360,
                        new double[]{biasScale * rnd.nextGaussian(), biasScale * rnd.nextGaussian(), biasScale * rnd.nextGaussian()},
                        new double[]{0.2 * rnd.nextGaussian(), 0.2 * rnd.nextGaussian(), 0.2 * rnd.nextGaussian()},
                        0.1 + 0.4 * rnd.nextDouble(), 0, 0.1 + profile.thresholds().pressure().ceilingKpa() * 0.003 * rnd.nextDouble(),
                        new double[]{0, 0.1, 0.5}[rnd.nextInt(3)], 3 * rnd.nextDouble());
                Truth truth = SessionModel.generate(acts(profile.thresholds(), kind, rnd), tool, new Link(period, perFrame, enter, 0.25), rnd.nextLong());
                double loss = (double) truth.samplesLost() / (truth.samplesLost() + truth.samples().size());
                out.add(new Session(n++, toolName, kind, period, perFrame, loss, truth));
            }
        }
        return out;
    }

    /** One session on one leg: warm-up, holds, friction on a spot, strokes to the leg target; the kind adds its fault. */
    static List<Act> acts(Thresholds t, Kind kind, Random rnd) {
        double ceiling = t.pressure().ceilingKpa();
        double kpa = ceiling * (0.4 + 0.25 * rnd.nextDouble());
        List<Act> acts = new ArrayList<>();
        acts.add(new Rest(3_000 + rnd.nextInt(5_000)));
        acts.add(new Roll(kind == Kind.NO_WARMUP ? 20_000 + rnd.nextInt(10_000) : 85_000 + rnd.nextInt(10_000), kpa,
                3 + 2 * rnd.nextDouble(), 15 + 10 * rnd.nextDouble()));
        acts.add(new Hold(kind == Kind.SHORT_HOLD ? 15_000 + rnd.nextInt(10_000) : 33_000 + rnd.nextInt(12_000), kpa * 1.1, 0.01 + 0.04 * rnd.nextDouble()));
        acts.add(new Roll(10_000 + rnd.nextInt(10_000), kpa, 3 + 2 * rnd.nextDouble(), 15 + 10 * rnd.nextDouble()));
        if (kind == Kind.TOO_FAST) {
            acts.add(new Roll(4_000 + rnd.nextInt(3_000), kpa, 15 + 4 * rnd.nextDouble(), 30));
            acts.add(new Roll(8_000, kpa, 3, 15));
        }
        if (kind == Kind.TOO_HARD) {
            acts.add(new Roll(1_000 + rnd.nextInt(2_000), ceiling * (1.2 + 0.2 * rnd.nextDouble()), 2, 10));
            acts.add(new Roll(8_000, kpa, 3, 15));
        }
        double strokeCm = 1.5 + rnd.nextDouble();
        double hz = 1 + 0.4 * rnd.nextDouble();
        long firstBout = 20_000 + rnd.nextInt(10_000);
        acts.add(new Friction(firstBout, kpa, strokeCm, hz));
        acts.add(new Hold(4_000, kpa, 0.02));
        acts.add(new Friction(kind == Kind.LONG_FRICTION ? 75_000 - firstBout : 40_000 - firstBout, kpa, strokeCm, hz));
        acts.add(new Roll(15_000, kpa, 3 + 2 * rnd.nextDouble(), 15 + 10 * rnd.nextDouble()));
        long lastHold = 33_000 + rnd.nextInt(10_000);
        double breath = 0.01 + 0.04 * rnd.nextDouble();
        acts.add(kind == Kind.TREMOR
                ? new Hold(lastHold, kpa * 1.1, breath, 8_000 + rnd.nextInt(15_000), 2_000, 6 + 4 * rnd.nextDouble(), 0.08 + 0.07 * rnd.nextDouble())
                : new Hold(lastHold, kpa * 1.1, breath));
        long loaded = acts.stream().filter(a -> !(a instanceof Rest)).mapToLong(Act::ms).sum();
        acts.add(new Roll(Math.max(20_000, 320_000 - loaded), kpa, 3 + 2 * rnd.nextDouble(), 15 + 10 * rnd.nextDouble()));
        acts.add(new Rest(3_000));
        return acts;
    }

    @Test
    void theCorpusMeetsTheTargets() throws IOException {
        List<Session> corpus = corpus();
        Map<Judged, long[]> counts = new EnumMap<>(Judged.class); // expected, predicted, matched
        Map<Judged, List<Long>> errors = new EnumMap<>(Judged.class);
        for (Judged j : Judged.values()) {
            counts.put(j, new long[3]);
            errors.put(j, new ArrayList<>());
        }
        List<String> falseAlarms = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        double worstLegError = 0;
        String worstLeg = "";
        long lossy = 0;
        for (Session s : corpus) {
            DeviceProfile profile = new ProfileLoader().builtIn(s.tool());
            Thresholds t = profile.thresholds();
            List<Event> events = SessionModel.analyse(t, profile.contactRadiusCm(), profile.sensorRange(), s.truth().samples());
            Oracle oracle = new Oracle(t, s.truth());
            for (Judged j : Judged.values()) {
                List<Long> want = new ArrayList<>(oracle.expected.get(j));
                List<Long> got = events.stream().filter(e -> e.type() == j.type && e.state() != AlertState.CLEARED).map(Event::tMillis).toList();
                long[] c = counts.get(j);
                c[0] += want.size();
                c[1] += got.size();
                for (long g : got) {
                    Long match = want.stream().filter(w -> Math.abs(w - g) <= j.windowMs).min((a, b) -> Long.compare(Math.abs(a - g), Math.abs(b - g))).orElse(null);
                    if (match != null) {
                        want.remove(match);
                        c[2]++;
                        errors.get(j).add(g - match);
                    } else {
                        falseAlarms.add(describe(s) + ": " + j.type.wireName() + " at " + g + " ms, expected " + oracle.expected.get(j));
                    }
                }
                want.forEach(w -> missed.add(describe(s) + ": " + j.type.wireName() + " due at " + w + " ms, got " + got));
            }
            // Alerts nobody should get here: the session has no tremor, no fault of the sensor, no hold past 60 s,
            // and data_loss is right only where the link really lost a fifth of the samples in the 10 s before it.
            for (Event e : events) {
                boolean dataLoss = e.type() == EventType.SENSOR_FAULT && "data_loss".equals(e.data().get("kind"));
                if ((e.type() == EventType.HOLD_MAX_REACHED || e.type() == EventType.LEG_LIMIT_REACHED
                        || e.type() == EventType.SENSOR_FAULT && !dataLoss) && e.state() != AlertState.CLEARED
                        || dataLoss && e.state() == AlertState.RAISED && trueLoss(s.truth(), e.tMillis() - 10_000, e.tMillis()) < 0.15) {
                    falseAlarms.add(describe(s) + ": " + e.type().wireName() + " " + e.data() + " at " + e.tMillis() + " ms");
                }
            }
            Event ended = events.stream().filter(e -> e.type() == EventType.SESSION_ENDED).reduce((a, b) -> b).orElseThrow();
            double active = ((Number) ended.data().get("active_s")).doubleValue() * 1000;
            double legError = Math.abs(active - oracle.contactMillis) / oracle.contactMillis;
            if (s.lossRate() > 0) {
                lossy++;
            }
            if (legError > worstLegError) {
                worstLegError = legError;
                worstLeg = describe(s);
            }
        }
        String report = report(corpus, counts, errors, falseAlarms, missed, worstLegError, worstLeg, lossy);
        System.out.println(report);
        Path out = Path.of("target", "fidelity-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);

        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        // The targets: no false alarm in good sessions; recall 100 % for four events. Reached, and so
        // held to more: no unexpected alert in any session, and every judged event found.
        assertThat(falseAlarms.stream().filter(f -> f.contains("GOOD")).toList()).as("false alarms in good sessions").isEmpty();
        assertThat(falseAlarms).as("unexpected alerts in any session").isEmpty();
        for (Judged j : Judged.values()) {
            assertThat(counts.get(j)[2]).as("recall of %s: missed %s", j.type.wireName(),
                    missed.stream().filter(m -> m.contains(j.type.wireName())).limit(5).toList()).isEqualTo(counts.get(j)[0]);
        }
        assertThat(errors.get(Judged.HOLD_TARGET_REACHED)).as("hold cue timing (ms)").allMatch(e -> Math.abs(e) <= 1_000);
        assertThat(worstLegError).as("leg time error, worst: %s", worstLeg).isLessThanOrEqualTo(0.01);
    }

    /** The share of samples the link really lost between two sample times. */
    private static double trueLoss(Truth truth, long fromMs, long toMs) {
        int from = (int) Math.max(0, fromMs / truth.periodMs());
        int to = (int) Math.min(truth.lost().length, toMs / truth.periodMs());
        int lost = 0;
        for (int i = from; i < to; i++) {
            if (truth.lost()[i]) {
                lost++;
            }
        }
        return to > from ? (double) lost / (to - from) : 0;
    }

    private static String describe(Session s) {
        return String.format(Locale.ROOT, "#%d %s %s %d Hz x%d loss %.0f%%", s.number(), s.tool(), s.kind(), 1000 / s.periodMs(), s.perFrame(),
                s.lossRate() * 100);
    }

    private static String report(List<Session> corpus, Map<Judged, long[]> counts, Map<Judged, List<Long>> errors, List<String> falseAlarms,
                                 List<String> missed, double worstLegError, String worstLeg, long lossy) {
        StringBuilder b = new StringBuilder();
        Map<Kind, Long> kinds = new EnumMap<>(Kind.class);
        corpus.forEach(s -> kinds.merge(s.kind(), 1L, Long::sum));
        double maxLoss = corpus.stream().mapToDouble(Session::lossRate).max().orElse(0);
        b.append(String.format(Locale.ROOT, "# Fidelity report%n%n%d generated sessions (%s), 10-200 Hz, 1-10 samples per frame, "
                + "%d with lost frames (up to %.0f %%), gyro offsets up to ~5 deg/s per axis with drift, noise, quantisation, glitches.%n%n",
                corpus.size(), kinds, lossy, maxLoss * 100));
        b.append("| event | expected | predicted | matched | precision | recall | timing error median | p95 | max |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Judged j : Judged.values()) {
            long[] c = counts.get(j);
            List<Long> e = errors.get(j).stream().sorted((x, y) -> Long.compare(Math.abs(x), Math.abs(y))).toList();
            b.append(String.format(Locale.ROOT, "| `%s` | %d | %d | %d | %.1f %% | %.1f %% | %s | %s | %s |%n", j.type.wireName(), c[0], c[1], c[2],
                    c[1] == 0 ? 100.0 : 100.0 * c[2] / c[1], c[0] == 0 ? 100.0 : 100.0 * c[2] / c[0],
                    ms(e, 0.5), ms(e, 0.95), ms(e, 1.0)));
        }
        b.append(String.format(Locale.ROOT, "%nTiming error: the rule's time minus the time the guide's rule gives on the true signals "
                + "(absolute, ms).%nLeg time (contact) error, worst session: %.2f %% (%s).%n", worstLegError * 100, worstLeg));
        b.append(String.format(Locale.ROOT, "%nUnexpected alerts (%d):%n", falseAlarms.size()));
        falseAlarms.stream().limit(200).forEach(f -> b.append("- ").append(f).append('\n'));
        b.append(String.format(Locale.ROOT, "%nMissed (%d):%n", missed.size()));
        missed.stream().limit(20).forEach(m -> b.append("- ").append(m).append('\n'));
        return b.toString();
    }

    private static String ms(List<Long> sortedByMagnitude, double q) {
        if (sortedByMagnitude.isEmpty()) {
            return "–";
        }
        int i = (int) Math.min(sortedByMagnitude.size() - 1, Math.ceil(q * sortedByMagnitude.size()) - 1);
        return String.valueOf(Math.abs(sortedByMagnitude.get(Math.max(0, i))));
    }
}
