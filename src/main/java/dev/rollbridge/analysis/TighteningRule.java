package dev.rollbridge.analysis;

import dev.rollbridge.profile.Thresholds;

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
 */
final class TighteningRule {
    private static final int CAPACITY = 4096;

    private final Thresholds t;
    private final long[] times = new long[CAPACITY];
    private final double[] values = new double[CAPACITY];
    private int head;
    private int size;

    private boolean inHold;
    private long holdStart;
    private double baselineSum;
    private long baselineCount;
    private double baseline;
    private long aboveSince = -1;
    private long calmSince = -1;
    private boolean armed;

    TighteningRule(Thresholds thresholds) {
        this.t = thresholds;
    }

    void onSample(Motion m, boolean holding, boolean ending, long holdStartMillis, int session, EventSink out) {
        if (!holding || !m.contact || m.releasePending) {
            inHold = false;
            size = 0;
            return;
        }
        if (!inHold || holdStartMillis != holdStart) {
            inHold = true;
            holdStart = holdStartMillis;
            size = 0;
            baselineSum = 0;
            baselineCount = 0;
            baseline = Double.NaN;
            aboveSince = -1;
            calmSince = -1;
            armed = true;
            levelKpa = Double.NaN;
        }
        push(m.tMillis, m.pressureKpa);
        levelKpa = Double.isNaN(levelKpa) ? m.pressureKpa
                : levelKpa + m.stepMillis / (LEVEL_TIME_CONSTANT_MS + m.stepMillis) * (m.pressureKpa - levelKpa);
        if (m.tMillis - times[(head - size + CAPACITY) % CAPACITY] < t.tighteningWindowMs() * 9 / 10) {
            return; // not a full window yet
        }
        double roughness = detrend();
        if (m.tMillis - holdStart < t.tighteningBaselineMs()) {
            baselineSum += roughness;
            baselineCount++;
            return;
        }
        if (Double.isNaN(baseline)) {
            baseline = baselineCount == 0 ? 0 : baselineSum / baselineCount;
        }
        double threshold = Math.max(t.tighteningFactor() * baseline, t.tighteningFloorKpa());
        boolean easingOff = windowMeanKpa < levelKpa - Math.max(2 * threshold, 0.1 * levelKpa);
        if (roughness > threshold && !easingOff && !ending) {
            calmSince = -1;
            if (aboveSince < 0) {
                aboveSince = m.tMillis;
            }
            if (armed && m.tMillis - aboveSince >= t.tighteningSustainMs()) {
                armed = false;
                out.emit(Event.of(EventType.EASE_OFF, AlertState.INSTANT, m.tMillis, session,
                        "The muscle is tightening against the pressure: ease off now, it is too deep.",
                        HoldRule.data("roughness_kpa", Rounding.r2(roughness), "threshold_kpa", Rounding.r2(threshold),
                                "baseline_kpa", Rounding.r2(baseline), "pressure_kpa", Rounding.r1(m.pressureKpa))));
            }
        } else {
            aboveSince = -1;
            if (calmSince < 0) {
                calmSince = m.tMillis;
            }
            if (!armed && m.tMillis - calmSince >= t.tighteningBaselineMs()) {
                armed = true;
            }
        }
    }

    private void push(long time, double value) {
        long cutoff = time - t.tighteningWindowMs();
        while (size > 0 && times[(head - size + CAPACITY) % CAPACITY] <= cutoff) {
            size--;
        }
        if (size == CAPACITY) {
            size--;
        }
        times[head] = time;
        values[head] = value;
        head = (head + 1) % CAPACITY;
        size++;
    }

    private static final double LEVEL_TIME_CONSTANT_MS = 3_000;
    /** The hold's pressure level: a slow moving average. */
    private double levelKpa = Double.NaN;
    /** Mean pressure of the window, set by {@link #detrend}. */
    private double windowMeanKpa;

    /** Standard deviation of the window's values around their least-squares line (and the window mean). */
    private double detrend() {
        int n = size;
        if (n < 3) {
            windowMeanKpa = n == 0 ? 0 : values[(head - 1 + CAPACITY) % CAPACITY];
            return 0;
        }
        long t0 = times[(head - n + CAPACITY) % CAPACITY];
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            int k = (head - n + i + CAPACITY) % CAPACITY;
            double x = (times[k] - t0) / 1000.0;
            double y = values[k];
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        double varX = sxx - sx * sx / n;
        double covXY = sxy - sx * sy / n;
        double varY = syy - sy * sy / n;
        double residual = varX > 1e-12 ? varY - covXY * covXY / varX : varY;
        windowMeanKpa = sy / n;
        return Math.sqrt(Math.max(0, residual) / n);
    }
}
