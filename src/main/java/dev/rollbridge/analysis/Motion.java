package dev.rollbridge.analysis;

import dev.rollbridge.profile.Sample;
import dev.rollbridge.profile.Thresholds;

/**
 * The shared motion estimate every rule reads: contact (debounced), and rolling speed along the
 * tissue, updated in place once per sample.
 *
 * <p>Speed: the contact point moves at {@code v = |ω⊥| · r}, where ω⊥ is the angular velocity
 * perpendicular to the contact normal (spin about the normal moves nothing). The tool lies
 * between the floor and the thigh, so the contact normal is the direction of gravity, which the
 * accelerometer measures (low-passed to reject shakes). Without a usable accelerometer reading the
 * whole angular velocity is used. The speed the rules use is the mean over the last
 * {@code speed_window_ms} of sample time: samples with {@code now - window < t <= now}.
 *
 * <p>Direction: the first rolling after the tool is put down fixes the stroke axis {@code a} (the
 * rotation axis of a stroke along the muscle, in the sensor's frame). Per sample the signed speed
 * along the muscle is {@code (ω⊥·a)·r} and across the fibres {@code (ω⊥·b)·r} with
 * {@code b = n × a} (n the contact normal, or the sensor's z axis when there is no accelerometer).
 * Position along the muscle integrates the signed speed, stays within ±{@value #MAX_POSITION_CM} cm
 * so drift is bounded, and resets with the axis when the tool is lifted.
 */
final class Motion {
    private static final double NORMAL_TIME_CONSTANT_MS = 300;
    /** Longest gap between samples that still counts as continuous time (lost frames, pauses). */
    private static final long MAX_STEP_MS = 100;
    static final double MAX_POSITION_CM = 60;
    /** Cosine of the widest angle between a rotation and the stroke axis that still refines the axis. */
    private static final double AXIS_ALIGNED = Math.cos(Math.toRadians(30));
    private static final double AXIS_TIME_CONSTANT_MS = 2_000;

    private final Thresholds thresholds;
    private final double radiusCm;

    // Smoothing window over sample time: a ring of (t, speed).
    private final long[] windowT = new long[4096];
    private final double[] windowV = new double[4096];
    private int head;
    private int size;
    private double windowSum;

    private double nx;
    private double ny;
    private double nz;
    private boolean haveNormal;

    // Stroke axis (unit vector, sensor frame), set by the first rolling after each put-down.
    private double axX;
    private double axY;
    private double axZ;
    private boolean haveAxis;
    // This sample's angular velocity perpendicular to the normal, rad/s.
    private double wpx;
    private double wpy;
    private double wpz;

    private boolean first = true;
    long tMillis;
    /** Sample time since the previous sample, capped so a gap does not count as activity. */
    long stepMillis;
    double pressureKpa;
    /** Speed of this sample alone, cm/s. */
    double instantSpeedCmS;
    /** Windowed mean speed, cm/s: what the rules compare with thresholds. */
    double speedCmS;
    /** The tool is loaded (debounced: contact ends only after {@code contact_release_ms} below the level). */
    boolean contact;
    /** Pressure is below the contact level but contact has not been released yet. */
    boolean releasePending;
    /** Signed speed along the muscle (positive along the first stroke), cm/s, this sample alone. */
    double alongCmS;
    /** Signed speed across the fibres, cm/s, this sample alone. */
    double crossCmS;
    /** Position along the muscle since the tool was put down, cm. */
    double positionCm;
    /** Time of the last sample with pressure at or above the contact level. */
    long lastLoadedMillis = -1;
    private long belowSince = -1;

    Motion(Thresholds thresholds, double radiusCm) {
        this.thresholds = thresholds;
        this.radiusCm = radiusCm;
    }

    void update(Sample s) {
        stepMillis = first ? 0 : Math.max(0, Math.min(MAX_STEP_MS, s.tMillis() - tMillis));
        first = false;
        tMillis = s.tMillis();
        pressureKpa = s.pressureKpa();
        updateContact();
        instantSpeedCmS = speedOf(s);
        push(tMillis, instantSpeedCmS);
        speedCmS = size == 0 ? 0 : Math.max(0, windowSum / size);
        updateDirection();
    }

    private void updateDirection() {
        if (!contact) {
            haveAxis = false;
            positionCm = 0;
            alongCmS = 0;
            crossCmS = 0;
            return;
        }
        double w = Math.sqrt(wpx * wpx + wpy * wpy + wpz * wpz);
        if (w * radiusCm >= thresholds.rollingMinCmS()) {
            double ux = wpx / w;
            double uy = wpy / w;
            double uz = wpz / w;
            if (!haveAxis) {
                axX = ux;
                axY = uy;
                axZ = uz;
                haveAxis = true;
            } else {
                double dot = ux * axX + uy * axY + uz * axZ;
                // Only rotations close to the axis refine it: cross-fibre strokes must not turn it.
                if (Math.abs(dot) >= AXIS_ALIGNED) {
                    double sign = Math.signum(dot);
                    double alpha = stepMillis / (AXIS_TIME_CONSTANT_MS + stepMillis);
                    axX += alpha * (sign * ux - axX);
                    axY += alpha * (sign * uy - axY);
                    axZ += alpha * (sign * uz - axZ);
                    double n = Math.sqrt(axX * axX + axY * axY + axZ * axZ);
                    axX /= n;
                    axY /= n;
                    axZ /= n;
                }
            }
        }
        if (!haveAxis) {
            alongCmS = 0;
            crossCmS = 0;
            return;
        }
        // b = n × a, with the sensor's z axis standing in for an unknown normal.
        double mx = haveNormal ? nx : 0;
        double my = haveNormal ? ny : 0;
        double mz = haveNormal ? nz : 1;
        double bx = my * axZ - mz * axY;
        double by = mz * axX - mx * axZ;
        double bz = mx * axY - my * axX;
        double bn = Math.sqrt(bx * bx + by * by + bz * bz);
        alongCmS = (wpx * axX + wpy * axY + wpz * axZ) * radiusCm;
        crossCmS = bn < 1e-9 ? 0 : (wpx * bx + wpy * by + wpz * bz) / bn * radiusCm;
        positionCm = Math.max(-MAX_POSITION_CM, Math.min(MAX_POSITION_CM, positionCm + alongCmS * stepMillis / 1000.0));
    }

    private void updateContact() {
        if (pressureKpa >= thresholds.contactKpa()) {
            contact = true;
            releasePending = false;
            belowSince = -1;
            lastLoadedMillis = tMillis;
        } else if (contact) {
            if (belowSince < 0) {
                belowSince = tMillis;
            }
            releasePending = tMillis - belowSince < thresholds.contactReleaseMs();
            contact = releasePending;
        }
    }

    private double speedOf(Sample s) {
        double wx = Math.toRadians(s.gxDps());
        double wy = Math.toRadians(s.gyDps());
        double wz = Math.toRadians(s.gzDps());
        if (s.hasAccel()) {
            double norm = Math.sqrt(s.axG() * s.axG() + s.ayG() * s.ayG() + s.azG() * s.azG());
            if (norm > 0.5 && norm < 1.5) {
                double ux = s.axG() / norm;
                double uy = s.ayG() / norm;
                double uz = s.azG() / norm;
                if (!haveNormal) {
                    nx = ux;
                    ny = uy;
                    nz = uz;
                    haveNormal = true;
                } else {
                    double alpha = stepMillis / (NORMAL_TIME_CONSTANT_MS + stepMillis);
                    nx += alpha * (ux - nx);
                    ny += alpha * (uy - ny);
                    nz += alpha * (uz - nz);
                    double n = Math.sqrt(nx * nx + ny * ny + nz * nz);
                    nx /= n;
                    ny /= n;
                    nz /= n;
                }
            }
        }
        if (haveNormal) {
            double spin = wx * nx + wy * ny + wz * nz;
            wx -= spin * nx;
            wy -= spin * ny;
            wz -= spin * nz;
        }
        wpx = wx;
        wpy = wy;
        wpz = wz;
        return Math.sqrt(wx * wx + wy * wy + wz * wz) * radiusCm;
    }

    private void push(long t, double v) {
        long cutoff = t - thresholds.speedWindowMs();
        while (size > 0 && windowT[(head - size + windowT.length) % windowT.length] <= cutoff) {
            windowSum -= windowV[(head - size + windowT.length) % windowT.length];
            size--;
        }
        if (size == windowT.length) {
            windowSum -= windowV[(head - size + windowT.length) % windowT.length];
            size--;
        }
        windowT[head] = t;
        windowV[head] = v;
        head = (head + 1) % windowT.length;
        size++;
        windowSum += v;
        if (size == 1) {
            windowSum = v; // re-base the running sum so rounding errors never accumulate
        }
    }
}
