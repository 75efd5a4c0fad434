package dev.rollbridge.analysis;


import java.util.Arrays;

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
 * lift-off, ends it. Time is credited stroke by stroke, so only finished strokes count, to a spot:
 * where the strokes are centred along the muscle (the middle of each stroke's start and end). A
 * run of friction goes to the spot whose centre is within half of {@code friction_area_cm} of
 * where its first strokes were centred, or starts a new spot there; a spot's centre is the mean of
 * what was credited to it, time-weighted, so it follows the work and not a fixed grid: a spot
 * worked in several bouts is one spot wherever it lies. Strokes on both axes at once credit their
 * time once. {@code friction_limit_reached} comes once
 * per spot and session, at the reversal that takes it to {@code friction_limit_ms}.
 */
final class FrictionRule {

    /** Strokes of one signed speed component. */
    private final class Strokes {
        private int direction;
        private long start;
        private double length;
        private double startPositionCm;
        private int inRow;
        private long firstInRowDuration;
        private double firstInRowCentreCm;
        /** Where the stroke that just closed was centred along the muscle. */
        private double closedCentreCm;
        private int runSpot = -1;

        /** Returns the duration of the stroke that just closed as a friction stroke, or -1. */
        long update(long t, long stepMillis, double speedCmS, double positionCm) {
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
                        closedCentreCm = (startPositionCm + positionCm) / 2;
                        if (inRow == 1) {
                            firstInRowDuration = duration;
                            firstInRowCentreCm = closedCentreCm;
                        }
                        closed = duration;
                    } else {
                        inRow = 0;
                    }
                }
                direction = now;
                start = t;
                startPositionCm = positionCm;
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
    /** At most this many spots a session (a thigh is ~40 cm: 16 areas of 5 cm; the rest is margin). */
    static final int MAX_SPOTS = 64;
    // Spots of this session: centre (time-weighted mean of credited stroke centres), time, alerted.
    private double[] spotCentreCm = new double[8];
    private long[] spotMillis = new long[8];
    private boolean[] spotAlerted = new boolean[8];
    private int spots;
    private long totalMillis;
    /** Friction time is credited up to here (either axis). */
    private long creditedUntil = Long.MIN_VALUE;

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
        spots = 0;
        totalMillis = 0;
        across.runSpot = -1;
        along.runSpot = -1;
    }

    void onSample(Motion m, int session, EventSink out) {
        if (!m.contact) {
            across.reset();
            along.reset();
            return;
        }
        credit(m, across, across.update(m.tMillis, m.stepMillis, m.crossCmS, m.positionCm), "across", session, out);
        credit(m, along, along.update(m.tMillis, m.stepMillis, m.alongCmS, m.positionCm), "along", session, out);
    }

    private void credit(Motion m, Strokes strokes, long closedMillis, String axis, int session, EventSink out) {
        if (closedMillis < 0 || !strokes.active()) {
            return;
        }
        long from = m.tMillis - closedMillis;
        double centreCm = strokes.closedCentreCm;
        if (strokes.inRow == 2) {
            // The stroke that started friction is credited together with the one that confirmed it.
            from -= strokes.firstInRowDuration;
            centreCm = (strokes.closedCentreCm * closedMillis + strokes.firstInRowCentreCm * strokes.firstInRowDuration)
                    / (closedMillis + strokes.firstInRowDuration);
            strokes.runSpot = spotNear(centreCm);
        } else if (strokes.runSpot < 0) {
            strokes.runSpot = spotNear(centreCm); // a run going on into a new session
        }
        // Time is credited once: strokes seen on both axes at once (a ball rolled across the fibres
        // turns its own idea of "along" with it) cover the same seconds.
        long millis = m.tMillis - Math.max(from, creditedUntil);
        creditedUntil = Math.max(creditedUntil, m.tMillis);
        if (millis <= 0) {
            return;
        }
        double centreMillisCm = centreCm * millis;
        int spot = strokes.runSpot;
        spotCentreCm[spot] = (spotCentreCm[spot] * spotMillis[spot] + centreMillisCm) / (spotMillis[spot] + millis);
        spotMillis[spot] += millis;
        totalMillis += millis;
        long inSpot = spotMillis[spot];
        if (inSpot >= thresholds.friction().limitMs() && !spotAlerted[spot]) {
            spotAlerted[spot] = true;
            double fromCm = spotCentreCm[spot] - thresholds.friction().areaCm() / 2;
            out.emit(Event.of(EventType.FRICTION_LIMIT_REACHED, AlertState.INSTANT, m.tMillis, session,
                    "A minute of cross-fibre friction on this spot: move to another area or stop the friction.",
                    HoldRule.data("area_from_cm", Rounding.r1(fromCm), "area_to_cm", Rounding.r1(fromCm + thresholds.friction().areaCm()),
                            "friction_s", Rounding.seconds(inSpot), "axis", axis)));
        }
    }

    /** The spot within half an area of {@code centreCm} (the nearest), or a new one there. */
    private int spotNear(double centreCm) {
        int nearest = -1;
        double best = thresholds.friction().areaCm() / 2;
        for (int i = 0; i < spots; i++) {
            double d = Math.abs(spotCentreCm[i] - centreCm);
            if (d <= best) {
                best = d;
                nearest = i;
            }
        }
        if (nearest >= 0) {
            return nearest;
        }
        if (spots == MAX_SPOTS) {
            // A session with more spots than a thigh has (or a hostile stream): the nearest takes it.
            nearest = 0;
            for (int i = 1; i < spots; i++) {
                if (Math.abs(spotCentreCm[i] - centreCm) < Math.abs(spotCentreCm[nearest] - centreCm)) {
                    nearest = i;
                }
            }
            return nearest;
        }
        if (spots == spotCentreCm.length) {
            spotCentreCm = Arrays.copyOf(spotCentreCm, spots * 2);
            spotMillis = Arrays.copyOf(spotMillis, spots * 2);
            spotAlerted = Arrays.copyOf(spotAlerted, spots * 2);
        }
        spotCentreCm[spots] = centreCm;
        spotMillis[spots] = 0;
        spotAlerted[spots] = false;
        return spots++;
    }
}
