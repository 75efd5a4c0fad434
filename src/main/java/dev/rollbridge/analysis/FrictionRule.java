package dev.rollbridge.analysis;


import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Cross-fibre friction: "short, firm strokes ... for short periods, usually no more than one
 * minute per area".
 *
 * <p>Detector: the signed speeds across and along the fibres are each cut into strokes at their
 * reversals (a reversal is the speed passing {@code friction_reversal_cm_s} the other way). A
 * stroke is a friction stroke when it lasts {@code friction_stroke_min_ms} to
 * {@code friction_stroke_max_ms} (back-and-forth at roughly 0.5–3 Hz) and covers
 * {@code friction_stroke_min_cm} to {@code friction_stroke_max_cm}. Two friction strokes in a row
 * start friction; each further one adds its duration; a stroke that runs too long or too far, or
 * lift-off, ends it. Time is credited stroke by stroke, so only finished strokes count, to the
 * area ({@code friction_area_cm} bins of position along the muscle) where the run of friction
 * began, so a spot on a bin edge is not split in two.
 * {@code friction_limit_reached} comes once per area and session, at the reversal that takes the
 * area to {@code friction_limit_ms}.
 */
final class FrictionRule {

    /** Strokes of one signed speed component. */
    private final class Strokes {
        private int direction;
        private long start;
        private double length;
        private int inRow;
        private long firstInRowDuration;
        private long runArea;

        /** Returns the duration of the stroke that just closed as a friction stroke, or -1. */
        long update(long t, long stepMillis, double speedCmS) {
            length += Math.abs(speedCmS) * stepMillis / 1000.0;
            int now = speedCmS > thresholds.friction().reversalCmS() ? 1 : speedCmS < -thresholds.friction().reversalCmS() ? -1 : 0;
            long closed = -1;
            if (now != 0 && now != direction) {
                if (direction != 0) {
                    long duration = t - start;
                    boolean friction = duration >= thresholds.friction().strokeMinMs() && duration <= thresholds.friction().strokeMaxMs()
                            && length >= thresholds.friction().strokeMinCm() && length <= thresholds.friction().strokeMaxCm();
                    if (friction) {
                        inRow++;
                        if (inRow == 1) {
                            firstInRowDuration = duration;
                        }
                        closed = duration;
                    } else {
                        inRow = 0;
                    }
                }
                direction = now;
                start = t;
                length = 0;
            } else if (direction != 0 && (t - start > thresholds.friction().strokeMaxMs() || length > thresholds.friction().strokeMaxCm())) {
                inRow = 0; // too long or too far: not friction (any more)
            }
            return closed;
        }

        boolean active() {
            return inRow >= 2;
        }

        void reset() {
            direction = 0;
            length = 0;
            inRow = 0;
        }
    }

    private final Thresholds thresholds;
    private final Strokes across = new Strokes();
    private final Strokes along = new Strokes();
    private final Map<Long, Long> millisByArea = new HashMap<>();
    private final Set<Long> alerted = new HashSet<>();
    private long totalMillis;

    FrictionRule(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    boolean active() {
        return across.active() || along.active();
    }

    /** Friction time credited in this session, all areas. */
    long totalMillis() {
        return totalMillis;
    }

    void newSession() {
        millisByArea.clear();
        alerted.clear();
        totalMillis = 0;
    }

    void onSample(Motion m, int session, EventSink out) {
        if (!m.contact) {
            across.reset();
            along.reset();
            return;
        }
        credit(m, across, across.update(m.tMillis, m.stepMillis, m.crossCmS), "across", session, out);
        credit(m, along, along.update(m.tMillis, m.stepMillis, m.alongCmS), "along", session, out);
    }

    private void credit(Motion m, Strokes strokes, long closedMillis, String axis, int session, EventSink out) {
        if (closedMillis < 0 || !strokes.active()) {
            return;
        }
        long millis = closedMillis;
        if (strokes.inRow == 2) {
            // The stroke that started friction is credited together with the one that confirmed it.
            millis += strokes.firstInRowDuration;
            strokes.runArea = (long) Math.floor(m.positionCm / thresholds.friction().areaCm());
        }
        long area = strokes.runArea;
        long inArea = millisByArea.merge(area, millis, Long::sum);
        totalMillis += millis;
        if (inArea >= thresholds.friction().limitMs() && alerted.add(area)) {
            double from = area * thresholds.friction().areaCm();
            out.emit(Event.of(EventType.FRICTION_LIMIT_REACHED, AlertState.INSTANT, m.tMillis, session,
                    "A minute of cross-fibre friction on this spot: move to another area or stop the friction.",
                    HoldRule.data("area_from_cm", Rounding.r1(from), "area_to_cm", Rounding.r1(from + thresholds.friction().areaCm()),
                            "friction_s", Rounding.seconds(inArea), "axis", axis)));
        }
    }
}
