package dev.rollbridge.profile;

import dev.rollbridge.stream.SampleView;

/**
 * A decoder's one sample, filled in place for each: a new object per sample was most of the hot
 * path's garbage. Valid only during the listener's call.
 */
final class ReusableSample implements SampleView {
    long tMillis;
    long seq;
    double pressureKpa;
    double gxDps;
    double gyDps;
    double gzDps;
    double axG;
    double ayG;
    double azG;
    long pressureAgeMillis;
    long motionAgeMillis;

    @Override
    public long tMillis() {
        return tMillis;
    }

    @Override
    public long seq() {
        return seq;
    }

    @Override
    public double pressureKpa() {
        return pressureKpa;
    }

    @Override
    public double gxDps() {
        return gxDps;
    }

    @Override
    public double gyDps() {
        return gyDps;
    }

    @Override
    public double gzDps() {
        return gzDps;
    }

    @Override
    public double axG() {
        return axG;
    }

    @Override
    public double ayG() {
        return ayG;
    }

    @Override
    public double azG() {
        return azG;
    }

    @Override
    public long pressureAgeMillis() {
        return pressureAgeMillis;
    }

    @Override
    public long motionAgeMillis() {
        return motionAgeMillis;
    }
}
