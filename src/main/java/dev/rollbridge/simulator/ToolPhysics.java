package dev.rollbridge.simulator;

import dev.rollbridge.stream.Sample;

import java.util.Random;

/**
 * The tool as a rigid body under the script: it rolls at {@code ω = v / r} about the horizontal
 * axis across the muscle (strokes along it) or along the muscle (cross-fibre strokes); its
 * orientation is integrated, so the accelerometer sees gravity turn as it would, and a little twist
 * about the contact normal is added (which the speed estimate must ignore). Readings carry sensor
 * noise; the load noise scales with the tool's pressure range.
 */
final class ToolPhysics {
    private final double radiusCm;
    private final double loadNoiseKpa;
    private final Random rnd;
    // World directions seen from the sensor: gravity (the contact normal) and the axis a stroke
    // along the muscle turns about. Both turn against the sensor's rotation.
    private final double[] normal = {0, 0, 1};
    private final double[] axis = {1, 0, 0};

    /** @param loadNoiseKpa the load reading's noise at rest (0.3 kPa for a 200 kPa RollSense ball) */
    ToolPhysics(double radiusCm, double loadNoiseKpa, Random rnd) {
        this.radiusCm = radiusCm;
        this.loadNoiseKpa = loadNoiseKpa;
        this.rnd = rnd;
    }

    /** One reading {@code local} s into the segment, the tool having turned for {@code dt} s since the last. */
    Sample step(HamstringSessionScript.Segment segment, double local, double dt) {
        double pressure = segment.pressureKpa().applyAsDouble(local);
        double along = pressure > 0 ? segment.velocityCmS().applyAsDouble(local) : 0;
        double across = pressure > 0 ? segment.crossVelocityCmS().applyAsDouble(local) : 0;
        double twist = pressure > 0 && (along != 0 || across != 0) ? Math.toRadians(4 * Math.sin(local * 1.3)) : 0;
        double[] cross = cross(normal, axis);
        double[] w = new double[3];
        for (int k = 0; k < 3; k++) {
            w[k] = along / radiusCm * axis[k] + across / radiusCm * cross[k] + twist * normal[k];
        }
        turn(normal, w, dt);
        turn(axis, w, dt);
        double loaded = pressure > 0 ? Math.max(0, pressure + rnd.nextGaussian() * 0.004 * pressure + rnd.nextGaussian() * loadNoiseKpa)
                : Math.abs(rnd.nextGaussian() * loadNoiseKpa);
        return new Sample(0, 0, loaded,
                Math.toDegrees(w[0]) + rnd.nextGaussian() * 0.3,
                Math.toDegrees(w[1]) + rnd.nextGaussian() * 0.3,
                Math.toDegrees(w[2]) + rnd.nextGaussian() * 0.3,
                normal[0] + rnd.nextGaussian() * 0.01, normal[1] + rnd.nextGaussian() * 0.01,
                normal[2] + rnd.nextGaussian() * 0.01);
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** A world-fixed direction seen from a sensor turning at {@code w} (rad/s) for {@code dt} s: v -= (w × v) dt. */
    private static void turn(double[] v, double[] w, double dt) {
        double[] c = cross(w, v);
        double n = 0;
        for (int k = 0; k < 3; k++) {
            v[k] -= c[k] * dt;
            n += v[k] * v[k];
        }
        n = Math.sqrt(n);
        for (int k = 0; k < 3; k++) {
            v[k] /= n;
        }
    }
}
