package dev.rollbridge.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where on the muscle the work goes: the position along the hamstring as a share of its length,
 * from 0 % (the gluteal fold) to 100 % (the knee), and per segment of it the time under load, the
 * dose (pressure × time), the holds, and where {@code ease_off}, pain reports and friction were.
 *
 * <p>Anchoring, per session. {@link Motion} integrates a signed position along the muscle since the
 * tool was put down, in its own coordinates (positive along the put-down's first rolling). Strokes
 * are cut at reversals of the signed speed (it passes {@code friction_reversal_cm_s} the other way);
 * a stroke ends where it went furthest. The guide's warm-up rolls "from the gluteal fold down
 * toward the knee", so:
 * <ul>
 * <li>the session's first long stroke ({@value #LONG_STROKE_CM} cm or more) is taken to start at
 * the gluteal fold and to end toward the knee: its start is 0 %, its end 100 %, and its direction
 * is "toward the knee". Before it ends the position is unknown (null on the wire, not 0);</li>
 * <li>at every later stroke end, a reversal beyond an end of the span moves that end out to it (the
 * strokes span the muscle). The span never grows past {@value #MAX_SPAN_CM} cm (a hamstring is no
 * longer): past that the far end follows, so integration drift shifts the span instead of
 * stretching it;</li>
 * <li>a long stroke that covers {@value #FULL_STROKE_SHARE} of the span or more is a stroke over the
 * whole muscle: the span is re-centred on it, which takes out drift that accumulated inward;</li>
 * <li>a lift loses the position (Motion starts afresh). The first long stroke after the put-down
 * places it again, centred on the span learned so far; its direction comes from the stroke axis
 * compared with the one before the lift (within 45° either way: a roller always, a ball put
 * down as it was lifted), else, as at the start, from the stroke: fold toward knee.</li>
 * </ul>
 *
 * <p>Advice, an {@code info} {@link EventType#SEGMENT_ADVISED} once per segment, reason and
 * session: {@code dose_share} when one segment has more than {@value #DOSE_SHARE_ADVISED} of the
 * session's dose (judged once {@value #DOSE_SHARE_AFTER_MS} ms under load have been mapped, so a
 * first hold on its own is not "the rest"), and {@code attachment_pressure} when an end segment (the
 * tendon attachments at the hip and the knee) is pressed at half the pressure ceiling or more for
 * {@value #ATTACHMENT_SUSTAINED_MS} ms in a row.
 *
 * <p>Per sample this is a few comparisons and array updates: nothing is allocated but the advice
 * event and, at most once a second of sample time, the live snapshot.
 */
final class MuscleMap {
    static final int SEGMENTS = 10;
    static final double LONG_STROKE_CM = 10;
    static final double MAX_SPAN_CM = 45;
    static final double FULL_STROKE_SHARE = 0.8;
    static final double DOSE_SHARE_ADVISED = 0.40;
    static final long DOSE_SHARE_AFTER_MS = 120_000;
    static final double ATTACHMENT_DEEP_SHARE = 0.5;
    static final long ATTACHMENT_SUSTAINED_MS = 10_000;
    /** Holds kept per segment for the summary (a session has a handful). */
    static final int HOLDS_KEPT = 8;
    /** Cosine of the widest angle between the stroke axes before and after a lift that still tells the direction. */
    private static final double SAME_AXIS = Math.cos(Math.toRadians(45));
    private static final long SNAPSHOT_EVERY_MS = 1_000;

    private final double reversalCmS;

    // The span, learned this session: its length, and whether it is known at all.
    private boolean anchored;
    private double spanCm;
    // This put-down's place on the muscle: Motion's position of the fold, and +1 when Motion's
    // positive direction runs toward the knee.
    private boolean placed;
    private double foldCm;
    private int towardKnee;
    // The stroke axis (sensor frame) while placed, to tell the direction after a lift.
    private boolean haveLastAxis;
    private double lastAxX;
    private double lastAxY;
    private double lastAxZ;
    private int lastTowardKnee;

    // The stroke in progress, in Motion's coordinates.
    private int direction;
    private double strokeStartCm;
    private double extremeCm;

    /** Position this sample, percent from the fold; NaN when unknown. */
    private double positionPct = Double.NaN;
    private int segment = -1;
    private int lastSegment = -1;
    private int holdSegment = -1;

    private final long[] timeMs = new long[SEGMENTS];
    private final double[] doseKpaS = new double[SEGMENTS];
    private final double[][] holdsS = new double[SEGMENTS][HOLDS_KEPT];
    private final int[] holds = new int[SEGMENTS];
    private final int[] easeOffs = new int[SEGMENTS];
    private final int[] pains = new int[SEGMENTS];
    private final long[] frictionMs = new long[SEGMENTS];
    private final boolean[] shareAdvised = new boolean[SEGMENTS];
    private final boolean[] attachmentAdvised = new boolean[SEGMENTS];
    private long mappedMs;
    private double totalDoseKpaS;
    private long deepSince = -1;

    private boolean changed;
    private long snapshotAt = Long.MIN_VALUE / 2;
    private List<EventDetail.MuscleSegment> snapshot = List.of();

    MuscleMap(Thresholds thresholds) {
        this.reversalCmS = thresholds.friction().reversalCmS();
    }

    /** A new session: the span is learned again, the figures start from zero. */
    void newSession() {
        anchored = false;
        placed = false;
        haveLastAxis = false;
        positionPct = Double.NaN;
        segment = -1;
        lastSegment = -1;
        holdSegment = -1;
        Arrays.fill(timeMs, 0);
        Arrays.fill(doseKpaS, 0);
        Arrays.fill(holds, 0);
        Arrays.fill(easeOffs, 0);
        Arrays.fill(pains, 0);
        Arrays.fill(frictionMs, 0);
        Arrays.fill(shareAdvised, false);
        Arrays.fill(attachmentAdvised, false);
        mappedMs = 0;
        totalDoseKpaS = 0;
        deepSince = -1;
        changed = true;
    }

    /**
     * One sample, after the rules.
     *
     * @param inFriction cross-fibre friction is going on
     * @param ceilingKpa the pressure ceiling in force (not finite: no attachment advice)
     */
    void onSample(Motion m, boolean inFriction, double ceilingKpa, boolean sessionOpen, int session, EventSink out) {
        if (!m.contact) {
            lose();
        } else if (m.hasAxis()) {
            followStroke(m);
        }
        if (!placed) {
            positionPct = Double.NaN;
            segment = -1;
            return;
        }
        double fromFold = (m.positionCm - foldCm) * towardKnee;
        positionPct = 100 * Math.max(0, Math.min(1, fromFold / spanCm));
        segment = Math.min(SEGMENTS - 1, (int) (positionPct * SEGMENTS / 100));
        lastSegment = segment;
        if (m.hasAxis()) {
            haveLastAxis = true;
            lastAxX = m.axisX();
            lastAxY = m.axisY();
            lastAxZ = m.axisZ();
            lastTowardKnee = towardKnee;
        }
        if (!sessionOpen || m.releasePending) {
            return;
        }
        long step = m.contactStepMillis;
        double dose = m.pressureKpa * step / 1000.0;
        timeMs[segment] += step;
        doseKpaS[segment] += dose;
        mappedMs += step;
        totalDoseKpaS += dose;
        if (inFriction) {
            frictionMs[segment] += step;
        }
        changed |= step > 0;
        adviseDoseShare(m.tMillis, session, out);
        adviseAttachment(m, ceilingKpa, session, out);
    }

    private void adviseDoseShare(long now, int session, EventSink out) {
        if (mappedMs < DOSE_SHARE_AFTER_MS || shareAdvised[segment] || totalDoseKpaS <= 0) {
            return;
        }
        double share = doseKpaS[segment] / totalDoseKpaS;
        if (share > DOSE_SHARE_ADVISED) {
            shareAdvised[segment] = true;
            out.emit(Event.of(EventType.SEGMENT_ADVISED, AlertState.INSTANT, now, session,
                    String.format(Locale.ROOT, "%.0f %% of this session's pressure went to %s: spread the work along the muscle.",
                            share * 100, where(segment)),
                    HoldRule.data("segment", segment, "from_pct", fromPct(segment), "to_pct", toPct(segment), "reason", "dose_share",
                            "dose_share", Rounding.r2(share), "dose_kpa_s", Rounding.r1(doseKpaS[segment]),
                            "time_s", Rounding.seconds(timeMs[segment]))));
        }
    }

    private void adviseAttachment(Motion m, double ceilingKpa, int session, EventSink out) {
        boolean end = segment == 0 || segment == SEGMENTS - 1;
        double deepKpa = ATTACHMENT_DEEP_SHARE * ceilingKpa;
        if (!end || !Double.isFinite(deepKpa) || m.pressureKpa < deepKpa) {
            deepSince = -1;
            return;
        }
        if (deepSince < 0) {
            deepSince = m.tMillis;
        }
        if (!attachmentAdvised[segment] && m.tMillis - deepSince >= ATTACHMENT_SUSTAINED_MS) {
            attachmentAdvised[segment] = true;
            out.emit(Event.of(EventType.SEGMENT_ADVISED, AlertState.INSTANT, m.tMillis, session,
                    "Sustained deep pressure on " + where(segment) + ", where the tendons attach: ease off there and work the muscle belly.",
                    HoldRule.data("segment", segment, "from_pct", fromPct(segment), "to_pct", toPct(segment), "reason", "attachment_pressure",
                            "pressure_kpa", Rounding.r1(m.pressureKpa), "deep_kpa", Rounding.r1(deepKpa),
                            "sustained_s", Rounding.seconds(m.tMillis - deepSince))));
        }
    }

    private static String where(int segment) {
        return segment == 0 ? "the segment at the gluteal fold (0-10 %)"
                : segment == SEGMENTS - 1 ? "the segment at the knee (90-100 %)"
                : String.format(Locale.ROOT, "the segment %d-%d %% from the gluteal fold", segment * 100 / SEGMENTS,
                (segment + 1) * 100 / SEGMENTS);
    }

    /** The tool was lifted: Motion forgets its position, so does the map until it is placed again. */
    private void lose() {
        placed = false;
        direction = 0;
    }

    private void followStroke(Motion m) {
        double p = m.positionCm;
        double v = m.alongCmS;
        if (direction > 0 ? p > extremeCm : direction < 0 && p < extremeCm) {
            extremeCm = p;
        }
        int now = v > reversalCmS ? 1 : v < -reversalCmS ? -1 : 0;
        if (now == 0 || now == direction) {
            return;
        }
        if (direction != 0) {
            strokeEnded(m, strokeStartCm, extremeCm);
            strokeStartCm = extremeCm;
        } else {
            strokeStartCm = p;
        }
        direction = now;
        extremeCm = p;
    }

    private void strokeEnded(Motion m, double startCm, double endCm) {
        double length = Math.abs(endCm - startCm);
        if (!placed) {
            if (length < LONG_STROKE_CM) {
                return;
            }
            int strokeWay = endCm > startCm ? 1 : -1;
            if (!anchored) {
                // The warm-up's first long stroke: from the gluteal fold toward the knee.
                anchored = true;
                towardKnee = strokeWay;
                foldCm = startCm;
                spanCm = Math.min(length, MAX_SPAN_CM);
            } else {
                towardKnee = directionAfterLift(m, strokeWay);
                foldCm = (startCm + endCm) / 2 - towardKnee * spanCm / 2;
            }
            placed = true;
            changed = true;
        }
        reanchor(startCm, endCm, length);
    }

    /** Toward the knee after a lift: from the stroke axis before it when the two agree, else the stroke's own way. */
    private int directionAfterLift(Motion m, int strokeWay) {
        if (!haveLastAxis || !m.hasAxis()) {
            return strokeWay;
        }
        double dot = lastAxX * m.axisX() + lastAxY * m.axisY() + lastAxZ * m.axisZ();
        if (Math.abs(dot) < SAME_AXIS) {
            return strokeWay;
        }
        return dot > 0 ? lastTowardKnee : -lastTowardKnee;
    }

    /** A stroke end beyond the span moves that end out (up to the longest span, then the span shifts); a full stroke re-centres it. */
    private void reanchor(double startCm, double endCm, double length) {
        double endFromFold = (endCm - foldCm) * towardKnee;
        if (endFromFold < 0) {
            foldCm = endCm;
            spanCm = Math.min(MAX_SPAN_CM, spanCm - endFromFold);
        } else if (endFromFold > spanCm) {
            if (endFromFold > MAX_SPAN_CM) {
                foldCm += towardKnee * (endFromFold - MAX_SPAN_CM);
            }
            spanCm = Math.min(MAX_SPAN_CM, endFromFold);
        } else if (length >= LONG_STROKE_CM && length >= FULL_STROKE_SHARE * spanCm) {
            foldCm = (startCm + endCm) / 2 - towardKnee * spanCm / 2;
        }
    }

    /** Every event of the session passes here: holds, ease-offs and pain reports are placed where the tool was. */
    void observe(Event e) {
        switch (e.type()) {
            case HOLD_STARTED -> holdSegment = segment;
            case HOLD_ENDED -> {
                if (holdSegment >= 0 && e.detail() instanceof EventDetail.HoldEnded h && holds[holdSegment] < HOLDS_KEPT) {
                    holdsS[holdSegment][holds[holdSegment]++] = h.durationS();
                    changed = true;
                }
                holdSegment = -1;
            }
            case EASE_OFF -> {
                if (segment >= 0) {
                    easeOffs[segment]++;
                    changed = true;
                }
            }
            case PAIN_REPORTED -> {
                // A pain report may come with the tool lifted: it counts where the tool last was.
                if (lastSegment >= 0) {
                    pains[lastSegment]++;
                    changed = true;
                }
            }
            default -> {
            }
        }
    }

    /** Position along the muscle this sample, percent from the gluteal fold; NaN when not known. */
    double positionPct() {
        return positionPct;
    }

    /** The span learned this session, cm; NaN before the first long stroke. */
    double spanCm() {
        return anchored ? spanCm : Double.NaN;
    }

    /** The session's figures per segment; empty when the position was never known. */
    List<EventDetail.MuscleSegment> segments() {
        if (!anchored) {
            return List.of();
        }
        List<EventDetail.MuscleSegment> out = new ArrayList<>(SEGMENTS);
        for (int i = 0; i < SEGMENTS; i++) {
            List<Double> held = new ArrayList<>(holds[i]);
            for (int k = 0; k < holds[i]; k++) {
                held.add(holdsS[i][k]);
            }
            out.add(new EventDetail.MuscleSegment(fromPct(i), toPct(i), Rounding.seconds(timeMs[i]), Rounding.r1(doseKpaS[i]), held,
                    easeOffs[i], pains[i], Rounding.seconds(frictionMs[i])));
        }
        return out;
    }

    /** The figures for the live view: rebuilt at most once a second of sample time, and only when they changed. */
    List<EventDetail.MuscleSegment> liveSegments(long now) {
        if (changed && now - snapshotAt >= SNAPSHOT_EVERY_MS) {
            snapshot = segments();
            snapshotAt = now;
            changed = false;
        }
        return snapshot;
    }

    private static double fromPct(int segment) {
        return segment * 100.0 / SEGMENTS;
    }

    private static double toPct(int segment) {
        return (segment + 1) * 100.0 / SEGMENTS;
    }
}
