package dev.rollbridge.analysis;


/**
 * Reflexive tightening during a hold: "If the pressure causes a reflexive tightening ... it is too
 * deep and should be reduced immediately."
 *
 * <p>Detector: the roughness of the pressure is its standard deviation around a straight line
 * fitted over the last {@code tightening_window_ms} (so breathing and a slow lean, which are
 * smooth, do not count; a tremor, a twitch or a sudden push do). The hold's own roughness over its
 * first {@code tightening_baseline_ms} is the baseline. {@code ease_off} is raised when the
 * roughness stays above both {@code tightening_factor} × baseline and
 * {@code tightening_floor_kpa} for {@code tightening_sustain_ms}; then at most once more per hold,
 * after the roughness has been back under the threshold for a full baseline period. Easing off is
 * never tightening: while the window's mean pressure is well below the hold's level (a 3 s moving
 * average; "well" is twice the threshold or 10 % of the level) nothing counts, nor does the moment
 * the hold is ending (the tool moving off).
 *
 * <p>Glitches: one sample far from both its neighbours (an ADC error, a flipped bit) is not a
 * reflex: no muscle twitch lasts one sample of 10 ms. Where the neighbours are at most
 * {@value #GLITCH_SPAN_MS} ms apart, a sample more than {@code tightening_floor_kpa} from the
 * median of itself and its neighbours is replaced by that median (a median-of-3 that touches only
 * outliers: a tremor's peaks move less than the floor). The window so runs one sample behind.
 * The span allows a few lost frames either side (at 20 % loss a glitch beside a gap was read as a
 * twitch); with samples more than 30 ms apart (20 Hz and under; 40 Hz is judged) roughness is not
 * judged at all: a 300 ms window then holds too few samples and a 6–10 Hz tremor cannot be sampled.
 */
final class TighteningRule {
    private static final int CAPACITY = 4096;
    /** Widest span of a sample's two neighbours for it to count as a possible one-sample glitch. */
    static final long GLITCH_SPAN_MS = 150;

    private final Thresholds t;
    private final SlidingWindow pressures = SlidingWindow.forLineFit(CAPACITY);

    private boolean inHold;
    private long holdStart;
    private double baselineSum;
    private long baselineCount;
    private double baseline;
    private long aboveSince = -1;
    private long calmSince = -1;
    private boolean armed;
    // The two samples before this one (the window takes the middle one once the next has come).
    private int samplesHeld;
    private long prevT;
    private double prevKpa;
    private long prevPrevT;
    private double prevPrevKpa;
    /** Written by the pipeline thread only; read for bridge/health. */
    private volatile long glitches;

    TighteningRule(Thresholds thresholds) {
        this.t = thresholds;
    }

    /** The longest typical sample step at which roughness is judged: 30 ms (40 Hz and faster, with room for loss). */
    static final long MAX_STEP_JUDGED_MS = 30;
    /** The stream's sample step (lost frames aside), learned from every sample; starts at 10 ms (100 Hz). */
    private double typicalStepMillis = 10;
    private long lastFreshMillis = -1;

    /**
     * Judged on fresh pressure readings only: a fused stream repeats a slower pressure
     * characteristic's last value between its notifications, and that staircase is not the
     * pressure's own rate (nor a steady pressure).
     */
    void onSample(Motion m, boolean holding, boolean ending, long holdStartMillis, int session, EventSink out) {
        boolean fresh = m.pressureAgeMillis == 0;
        if (fresh) {
            long step = lastFreshMillis < 0 ? 0 : Math.min(Motion.MAX_STEP_MS, m.tMillis - lastFreshMillis);
            lastFreshMillis = m.tMillis;
            if (step > 0) {
                // The lower envelope of the steps: down quickly, up slowly, so lost frames barely move it.
                typicalStepMillis += (step - typicalStepMillis) * (step < typicalStepMillis ? 0.2 : 0.02);
            }
        }
        if (!holding || !m.contact || m.releasePending) {
            inHold = false;
            pressures.clear();
            samplesHeld = 0;
            return;
        }
        if (!fresh) {
            return;
        }
        if (!inHold || holdStartMillis != holdStart) {
            newHold(holdStartMillis);
        }
        if (samplesHeld > 0) {
            double middle = samplesHeld > 1 ? deglitched(m.tMillis, m.pressureKpa) : prevKpa;
            pressures.add(prevT, middle, t.tightening().windowMs());
            double step = Math.min(Motion.MAX_STEP_MS, m.tMillis - prevT);
            levelKpa = Double.isNaN(levelKpa) ? middle
                    : levelKpa + step / (LEVEL_TIME_CONSTANT_MS + step) * (middle - levelKpa);
        }
        prevPrevT = prevT;
        prevPrevKpa = prevKpa;
        prevT = m.tMillis;
        prevKpa = m.pressureKpa;
        samplesHeld = Math.min(2, samplesHeld + 1);
        if (pressures.size() == 0) {
            return;
        }
        if (m.tMillis - pressures.oldestTime() < t.tightening().windowMs() * 9 / 10) {
            return; // not a full window yet
        }
        if (typicalStepMillis > MAX_STEP_JUDGED_MS) {
            return; // at 20 Hz and under a 300 ms window holds too few samples, and a 6-10 Hz tremor cannot be sampled
        }
        judge(m, ending, session, out);
    }

    /** The previous sample, or the median of it and its neighbours when it stands alone far from both. */
    private double deglitched(long nextT, double nextKpa) {
        if (nextT - prevPrevT > GLITCH_SPAN_MS) {
            return prevKpa;
        }
        double median = Math.max(Math.min(prevPrevKpa, nextKpa), Math.min(Math.max(prevPrevKpa, nextKpa), prevKpa));
        if (Math.abs(prevKpa - median) <= t.tightening().floorKpa()) {
            return prevKpa;
        }
        glitches++;
        return median;
    }

    /** Samples replaced as one-sample glitches since the rule was made. */
    long glitches() {
        return glitches;
    }

    /** A full window: learn the baseline, or compare the roughness with it. */
    private void judge(Motion m, boolean ending, int session, EventSink out) {
        double roughness = pressures.scatterAroundLine();
        double windowMeanKpa = pressures.mean();
        if (m.tMillis - holdStart < t.tightening().baselineMs()) {
            baselineSum += roughness;
            baselineCount++;
            return;
        }
        if (Double.isNaN(baseline)) {
            baseline = baselineCount == 0 ? 0 : baselineSum / baselineCount;
        }
        double threshold = Math.max(t.tightening().factor() * baseline, t.tightening().floorKpa());
        boolean easingOff = windowMeanKpa < levelKpa - Math.max(2 * threshold, 0.1 * levelKpa);
        if (roughness > threshold && !easingOff && !ending) {
            calmSince = -1;
            if (aboveSince < 0) {
                aboveSince = m.tMillis;
            }
            if (armed && m.tMillis - aboveSince >= t.tightening().sustainMs()) {
                easeOff(m, roughness, threshold, session, out);
            }
        } else {
            aboveSince = -1;
            if (calmSince < 0) {
                calmSince = m.tMillis;
            }
            if (!armed && m.tMillis - calmSince >= t.tightening().baselineMs()) {
                armed = true;
            }
        }
    }

    private void newHold(long holdStartMillis) {
        inHold = true;
        holdStart = holdStartMillis;
        pressures.clear();
        baselineSum = 0;
        baselineCount = 0;
        baseline = Double.NaN;
        aboveSince = -1;
        calmSince = -1;
        armed = true;
        levelKpa = Double.NaN;
        samplesHeld = 0;
    }

    private void easeOff(Motion m, double roughness, double threshold, int session, EventSink out) {
        armed = false;
        out.emit(Event.of(EventType.EASE_OFF, AlertState.INSTANT, m.tMillis, session,
                "The muscle is tightening against the pressure: ease off now, it is too deep.",
                HoldRule.data("roughness_kpa", Rounding.r2(roughness), "threshold_kpa", Rounding.r2(threshold),
                        "baseline_kpa", Rounding.r2(baseline), "pressure_kpa", Rounding.r1(m.pressureKpa))));
    }

    private static final double LEVEL_TIME_CONSTANT_MS = 3_000;
    /** The hold's pressure level: a slow moving average. */
    private double levelKpa = Double.NaN;
}
