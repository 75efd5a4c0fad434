package dev.rollbridge.analysis;

/**
 * The gyro's zero-rate offset, per axis, learned while the tool is known to be still: the standard
 * IMU practice of zero-velocity updates. A MEMS gyro reads a few deg/s when it is not turning, and
 * the offset wanders with temperature; uncorrected, 2 deg/s per axis reads as 0.4–0.6 cm/s on a
 * foam roller, against the 0.5 cm/s a hold must stay under.
 *
 * <p>The samples are cut into blocks of {@value #BLOCK_MS} ms of sample time. A block is steady
 * when every axis varies by at most {@value #MAX_SPREAD_DPS} deg/s (standard deviation): rolling,
 * a stroke's turn, carrying the tool or a glitched sample are not steady. A steady block is still:
 * <ul>
 * <li>unloaded (the tool lying on the floor), when its mean is within {@value #REST_GATE_DPS} deg/s
 * of zero: nothing else turns a resting tool at a constant rate;</li>
 * <li>loaded (a hold), when it turns slower, less the offset, than a hold's still speed allows
 * ({@code hold_still_cm_s} / radius): a steady slow roll is not taken for an offset, and one
 * slower than that is a hold anyway.</li>
 * </ul>
 * The first {@value #SETTLE_BLOCKS} still blocks in a row that agree within
 * {@value #SETTLE_AGREEMENT_DPS} deg/s (a second) and, with an accelerometer, see gravity within
 * {@value #GRAVITY_AGREEMENT_G} g (a tool that turns slowly moves gravity) set the offset to their
 * mean; {@value #REPLACE_BLOCKS} such resting blocks (3 s) that disagree with it replace it later;
 * every still block close to the offset moves it with a time constant of
 * {@value #TRACK_TIME_CONSTANT_MS} ms. An offset larger than a hold's still speed can only be
 * learned at rest. A tool spun steadily about the vertical while lying unloaded, without an
 * accelerometer, or for 3 s, can still teach a wrong offset. Sample time only, no allocation.
 */
final class GyroBias {
    static final long BLOCK_MS = 250;
    private static final int MIN_SAMPLES = 3;
    static final double MAX_SPREAD_DPS = 1.5;
    static final double REST_GATE_DPS = 15;
    static final double SETTLE_AGREEMENT_DPS = 1;
    static final int SETTLE_BLOCKS = 4;
    static final int REPLACE_BLOCKS = 12;
    /** Blocks of one still run must see gravity within this (g): a tool turning 3 deg/s moves it 0.05 g a second. */
    static final double GRAVITY_AGREEMENT_G = 0.03;
    static final long TRACK_TIME_CONSTANT_MS = 20_000;
    /** A gap longer than this in the stream starts a new block: samples either side are not one stretch. */
    private static final long MAX_GAP_MS = 500;

    /** The turn rate (deg/s) at which the tool's contact point moves at a hold's still speed. */
    private final double stillDps;
    private long blockStart = -1;
    private long lastMillis;
    private int n;
    private double sx;
    private double sy;
    private double sz;
    private double sxx;
    private double syy;
    private double szz;
    private int loadedSamples;
    private int accelN;
    private double sax;
    private double say;
    private double saz;
    // Gravity as the run's first block saw it: a tool that turns moves it, whatever the gyro says.
    private boolean runHasAccel;
    private double runAx;
    private double runAy;
    private double runAz;

    // The first estimate: a run of agreeing still blocks.
    private int settled;
    private double settleX;
    private double settleY;
    private double settleZ;

    private volatile boolean known;
    private volatile double bx;
    private volatile double by;
    private volatile double bz;
    private volatile long stillBlocks;

    GyroBias(double stillCmS, double radiusCm) {
        this.stillDps = Math.toDegrees(stillCmS / radiusCm);
    }

    /** Adds a raw sample (deg/s), with or without load on the tool; NaN axes (no gyro) are ignored. */
    void add(long tMillis, boolean loaded, double gx, double gy, double gz, double ax, double ay, double az) {
        if (!(Double.isFinite(gx) && Double.isFinite(gy) && Double.isFinite(gz))) {
            return;
        }
        if (blockStart < 0 || tMillis - lastMillis > MAX_GAP_MS || tMillis < lastMillis) {
            startBlock(tMillis);
        }
        lastMillis = tMillis;
        n++;
        if (loaded) {
            loadedSamples++;
        }
        sx += gx;
        sy += gy;
        sz += gz;
        sxx += gx * gx;
        syy += gy * gy;
        szz += gz * gz;
        if (Double.isFinite(ax) && Double.isFinite(ay) && Double.isFinite(az)) {
            accelN++;
            sax += ax;
            say += ay;
            saz += az;
        }
        if (tMillis - blockStart >= BLOCK_MS && n >= MIN_SAMPLES) {
            closeBlock(tMillis - blockStart);
            startBlock(tMillis);
        }
    }

    private void startBlock(long tMillis) {
        blockStart = tMillis;
        n = 0;
        loadedSamples = 0;
        accelN = 0;
        sax = say = saz = 0;
        sx = sy = sz = sxx = syy = szz = 0;
    }

    private void closeBlock(long blockMillis) {
        double mx = sx / n;
        double my = sy / n;
        double mz = sz / n;
        double limit = MAX_SPREAD_DPS * MAX_SPREAD_DPS;
        boolean steady = sxx / n - mx * mx <= limit && syy / n - my * my <= limit && szz / n - mz * mz <= limit;
        boolean loaded = loadedSamples == n;
        if (!steady || loadedSamples != 0 && !loaded) {
            settled = 0;
            return;
        }
        if (known && length(mx - bx, my - by, mz - bz) <= stillDps) {
            double alpha = (double) blockMillis / (TRACK_TIME_CONSTANT_MS + blockMillis);
            bx += alpha * (mx - bx);
            by += alpha * (my - by);
            bz += alpha * (mz - bz);
            stillBlocks++;
            settled = 0;
            return;
        }
        double fromZero = length(mx, my, mz);
        boolean candidate = loaded ? !known && fromZero <= stillDps : fromZero <= REST_GATE_DPS;
        if (!candidate) {
            settled = 0;
            return;
        }
        boolean hasAccel = accelN == n;
        double ax = hasAccel ? sax / n : 0;
        double ay = hasAccel ? say / n : 0;
        double az = hasAccel ? saz / n : 0;
        if (settled > 0 && (length(mx - settleX / settled, my - settleY / settled, mz - settleZ / settled) > SETTLE_AGREEMENT_DPS
                || hasAccel && runHasAccel && length(ax - runAx, ay - runAy, az - runAz) > GRAVITY_AGREEMENT_G)) {
            settled = 0;
        }
        if (settled == 0) {
            settleX = settleY = settleZ = 0;
            runHasAccel = hasAccel;
            runAx = ax;
            runAy = ay;
            runAz = az;
        }
        settled++;
        settleX += mx;
        settleY += my;
        settleZ += mz;
        stillBlocks++;
        // Replacing an estimate takes longer than making the first: a slow turn must not do it.
        if (settled >= (known ? REPLACE_BLOCKS : SETTLE_BLOCKS)) {
            bx = settleX / settled;
            by = settleY / settled;
            bz = settleZ / settled;
            known = true;
            settled = 0;
        }
    }

    private static double length(double x, double y, double z) {
        return Math.sqrt(x * x + y * y + z * z);
    }

    double x() {
        return bx;
    }

    double y() {
        return by;
    }

    double z() {
        return bz;
    }

    /** A snapshot for another thread (the fields are each volatile; a health report needs no more). */
    GyroOffset snapshot() {
        return new GyroOffset(known, Rounding.r2(bx), Rounding.r2(by), Rounding.r2(bz), stillBlocks * BLOCK_MS / 1000.0);
    }

    /** Whether an estimate exists yet (until then the offset is taken as zero). */
    boolean known() {
        return known;
    }

    /** Still blocks seen so far: how often the estimate has been checked against the tool at rest. */
    long stillBlocks() {
        return stillBlocks;
    }
}
