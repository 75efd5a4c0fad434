package dev.rollbridge.analysis;

import dev.rollbridge.stream.SampleView;

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
 * Position along the muscle integrates the signed speed while the tool moves (not while it is
 * still: a zero-velocity update), stays within ±{@value #MAX_POSITION_CM} cm so drift is bounded,
 * and resets with the axis when the tool is lifted.
 *
 * <p>Every gyro reading has the gyro's zero-rate offset taken off first ({@link GyroBias}, learned
 * while the tool is still), so a biased gyro reads neither speed nor drift.
 */
final class Motion {
    private static final double NORMAL_TIME_CONSTANT_MS = 300;
    /** Longest gap between samples that still counts as continuous time (lost frames, pauses). */
    static final long MAX_STEP_MS = 100;
    static final double MAX_POSITION_CM = 60;
    /**
     * Longest gap the position integrates over at this sample's speed: a few lost frames at 10 Hz
     * (each one cost a share of every stroke's length when only {@link #MAX_STEP_MS} counted).
     */
    static final long MAX_POSITION_STEP_MS = 300;
    /** Cosine of the widest angle between a rotation and the stroke axis that still refines the axis. */
    private static final double AXIS_ALIGNED = Math.cos(Math.toRadians(30));
    private static final double AXIS_TIME_CONSTANT_MS = 2_000;

    private final Thresholds thresholds;
    private final double radiusCm;
    /** The gyro's zero-rate offset, learned while the tool is still and taken off every reading. */
    final GyroBias gyroBias;

    /** Smoothing window over sample time of the instant speeds. */
    private final SlidingWindow speeds = SlidingWindow.forMean(4096);

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
    private long alphaStepMillis = -1;
    private double normalAlpha;
    private double axisAlpha;
    long tMillis;
    /** Sample time since the previous sample, capped so a gap does not count as activity. */
    long stepMillis;
    /**
     * Contact time since the previous sample: the whole gap when the tool was loaded on both
     * sides of it and the gap is at most {@code contact_gap_ms} (frames lost on the way), nothing
     * for a longer gap (no data), otherwise {@link #stepMillis}.
     */
    long contactStepMillis;
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

    /** The tool measures a load; without one, contact is the tool being worked ({@link #loaded()}). */
    private final boolean pressureSensed;
    /** Without a load channel: how long after its last movement a tool still counts as being worked. */
    private final long workedMillis;
    private long lastMovedMillis = Long.MIN_VALUE / 2;

    /** The tool measures rotation; without it, it never moves (a hold is then a steady load). */
    private final boolean motionSensed;

    Motion(Thresholds thresholds, double radiusCm) {
        this(thresholds, radiusCm, true, true);
    }

    Motion(Thresholds thresholds, double radiusCm, boolean pressureSensed, boolean motionSensed) {
        this.thresholds = thresholds;
        this.radiusCm = radiusCm;
        this.pressureSensed = pressureSensed;
        this.motionSensed = motionSensed;
        // A hold runs to its maximum (and is told so) before a still roller counts as put away.
        this.workedMillis = thresholds.hold().maxMs() + 1_000;
        this.gyroBias = new GyroBias(thresholds.hold().stillCmS(), radiusCm);
    }

    /** How old this sample's pressure and motion values are (a slower characteristic's, held): 0 when fresh. */
    long pressureAgeMillis;
    long motionAgeMillis;

    /** This sample's raw gyro reading, deg/s (before the offset is taken off). */
    double gxDps;
    double gyDps;
    double gzDps;

    void update(SampleView s) {
        // Each value read once: with several kinds of device in one JVM the calls are megamorphic,
        // and twenty interface calls a sample were a sixth of the fused path's time.
        long t = s.tMillis();
        double pressure = s.pressureKpa();
        gxDps = s.gxDps();
        gyDps = s.gyDps();
        gzDps = s.gzDps();
        double ax = s.axG();
        double ay = s.ayG();
        double az = s.azG();
        pressureAgeMillis = s.pressureAgeMillis();
        motionAgeMillis = s.motionAgeMillis();
        long gapMillis = first ? 0 : Math.max(0, t - tMillis);
        boolean wasLoaded = !first && contact && !releasePending;
        stepMillis = Math.min(MAX_STEP_MS, gapMillis);
        first = false;
        if (stepMillis != alphaStepMillis) {
            // The step is almost always the sample period: the filters' divisions are done once for it.
            alphaStepMillis = stepMillis;
            normalAlpha = stepMillis / (NORMAL_TIME_CONSTANT_MS + stepMillis);
            axisAlpha = stepMillis / (AXIS_TIME_CONSTANT_MS + stepMillis);
        }
        tMillis = t;
        // A tool without a load channel reads no load (its samples carry NaN).
        pressureKpa = pressureSensed ? pressure : 0;
        updateContact();
        if (wasLoaded && contact && !releasePending) {
            contactStepMillis = gapMillis <= thresholds.contact().gapMs() ? gapMillis : 0;
        } else {
            contactStepMillis = stepMillis;
        }
        instantSpeedCmS = motionSensed ? speedOf(ax, ay, az) : 0;
        speeds.add(tMillis, instantSpeedCmS, thresholds.speed().windowMs());
        speedCmS = Math.max(0, speeds.mean());
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
        // |ω⊥| · r is this sample's speed, already computed.
        if (instantSpeedCmS >= thresholds.warmup().rollingMinCmS() && instantSpeedCmS > 0) {
            refineAxis(radiusCm / instantSpeedCmS);
        }
        if (!haveAxis) {
            alongCmS = 0;
            crossCmS = 0;
            return;
        }
        projectOnAxis();
    }

    /** Signed speeds along and across the fibres, and the position along the muscle. */
    private void projectOnAxis() {
        // b = n × a, with the sensor's z axis standing in for an unknown normal.
        double mx = haveNormal ? nx : 0;
        double my = haveNormal ? ny : 0;
        double mz = haveNormal ? nz : 1;
        double bx = my * axZ - mz * axY;
        double by = mz * axX - mx * axZ;
        double bz = mx * axY - my * axX;
        double bn = Math.sqrt(bx * bx + by * by + bz * bz);
        alongCmS = (wpx * axX + wpy * axY + wpz * axZ) * radiusCm;
        crossCmS = bn < 1e-9 ? 0 : (wpx * bx + wpy * by + wpz * bz) * (radiusCm / bn);
        if (speedCmS >= thresholds.hold().stillCmS()) {
            // Zero-velocity update: a tool that is still (holding) does not move, whatever the gyro's noise says.
            positionCm = Math.max(-MAX_POSITION_CM, Math.min(MAX_POSITION_CM, positionCm + alongCmS * Math.min(contactStepMillis, MAX_POSITION_STEP_MS) / 1000.0));
        }
    }

    /** The stroke axis is known (the tool has rolled since it was put down). */
    boolean hasAxis() {
        return haveAxis;
    }

    /** The stroke axis, a unit vector in the sensor's frame (meaningful while {@link #hasAxis()}). */
    double axisX() {
        return axX;
    }

    double axisY() {
        return axY;
    }

    double axisZ() {
        return axZ;
    }

    /** A rolling sample: the first fixes the stroke axis, later ones close to it refine it. */
    private void refineAxis(double inverseW) {
        double ux = wpx * inverseW;
        double uy = wpy * inverseW;
        double uz = wpz * inverseW;
        if (!haveAxis) {
            axX = ux;
            axY = uy;
            axZ = uz;
            haveAxis = true;
            return;
        }
        double dot = ux * axX + uy * axY + uz * axZ;
        // Only rotations close to the axis refine it: cross-fibre strokes must not turn it.
        if (Math.abs(dot) >= AXIS_ALIGNED) {
            double sign = Math.signum(dot);
            axX += axisAlpha * (sign * ux - axX);
            axY += axisAlpha * (sign * uy - axY);
            axZ += axisAlpha * (sign * uz - axZ);
            double inverseN = 1 / Math.sqrt(axX * axX + axY * axY + axZ * axZ);
            axX *= inverseN;
            axY *= inverseN;
            axZ *= inverseN;
        }
    }

    /**
     * The tool is loaded: its pressure at the contact level or above; for a tool without a load
     * channel (a roller with a motion sensor only), it rolled at hold_move_cm_s or faster within
     * the last hold's maximum length — a hold is stillness on a tool being worked.
     */
    private boolean loaded() {
        return pressureSensed ? pressureKpa >= thresholds.contact().kpa() : tMillis - lastMovedMillis <= workedMillis;
    }

    private void updateContact() {
        if (!pressureSensed && instantSpeedCmS >= thresholds.hold().moveCmS()) {
            lastMovedMillis = tMillis;
        }
        if (loaded()) {
            contact = true;
            releasePending = false;
            belowSince = -1;
            lastLoadedMillis = tMillis;
        } else if (contact) {
            if (belowSince < 0) {
                belowSince = tMillis;
            }
            releasePending = tMillis - belowSince < thresholds.contact().releaseMs();
            contact = releasePending;
        }
    }

    private double speedOf(double ax, double ay, double az) {
        double wx = Math.toRadians(gxDps - gyroBias.x());
        double wy = Math.toRadians(gyDps - gyroBias.y());
        double wz = Math.toRadians(gzDps - gyroBias.z());
        gyroBias.add(tMillis, loaded(), gxDps, gyDps, gzDps, ax, ay, az);
        updateNormal(ax, ay, az);
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

    /** Low-passes the direction of gravity, the contact normal, from a plausible accelerometer reading. */
    private void updateNormal(double ax, double ay, double az) {
        // Without an accelerometer the axes are NaN, and so is the norm: no range check passes.
        double norm = Math.sqrt(ax * ax + ay * ay + az * az);
        if (!(norm > 0.5 && norm < 1.5)) {
            return;
        }
        if (!haveNormal) {
            double inverseNorm = 1 / norm;
            nx = ax * inverseNorm;
            ny = ay * inverseNorm;
            nz = az * inverseNorm;
            haveNormal = true;
            return;
        }
        // n + α(a/|a| − n), scaled by |a| (the scale goes with the normalisation): one division
        // fewer on the path every sample waits for.
        double keep = (1 - normalAlpha) * norm;
        nx = keep * nx + normalAlpha * ax;
        ny = keep * ny + normalAlpha * ay;
        nz = keep * nz + normalAlpha * az;
        double inverseN = 1 / Math.sqrt(nx * nx + ny * ny + nz * nz);
        nx *= inverseN;
        ny *= inverseN;
        nz *= inverseN;
    }
}
