package dev.rollbridge.analysis;

/**
 * The values of the last {@code windowMs} of sample time (samples with {@code now - window < t <= now}),
 * with running sums for their mean and their scatter around a least-squares line: O(1) per
 * sample, whatever the window holds. The sums are kept relative to an origin near the window and
 * rebuilt from the values every {@value #REBUILD_EVERY} additions, so rounding never accumulates.
 * Storage starts small and doubles up to the capacity as the window fills: most windows hold a
 * few dozen samples, and a fresh analyzer per device or session should not zero tens of kB.
 */
final class SlidingWindow {
    private static final int REBUILD_EVERY = 1024;
    private static final int INITIAL_STORAGE = 64;

    private final int capacity;
    private long[] times;
    private double[] values;
    private int mask;
    private final boolean fitsLine;
    private int head;
    private int size;
    private int sinceRebuild;

    private long originT;
    private double originV;
    private double sx;
    private double sy;
    private double sxx;
    private double sxy;
    private double syy;

    /** A window for the mean alone (the line-fit sums are not kept). */
    static SlidingWindow forMean(int capacity) {
        return new SlidingWindow(capacity, false);
    }

    /** A window for the mean and {@link #scatterAroundLine()}. */
    static SlidingWindow forLineFit(int capacity) {
        return new SlidingWindow(capacity, true);
    }

    /** @param capacity most samples the window holds (a power of two); the oldest go first beyond it */
    private SlidingWindow(int capacity, boolean fitsLine) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        this.capacity = capacity;
        int storage = Math.min(capacity, INITIAL_STORAGE);
        times = new long[storage];
        values = new double[storage];
        mask = storage - 1;
        this.fitsLine = fitsLine;
    }

    void clear() {
        size = 0;
        sx = sy = sxx = sxy = syy = 0;
    }

    /** Adds a sample at {@code t} and drops those at or before {@code t - windowMs}. */
    void add(long t, double value, long windowMs) {
        long cutoff = t - windowMs;
        while (size > 0 && times[oldestIndex()] <= cutoff) {
            removeOldest();
        }
        if (size == times.length) {
            if (size < capacity) {
                grow();
            } else {
                removeOldest();
            }
        }
        if (size == 0) {
            clear();
            originT = t;
            originV = value;
            sinceRebuild = 0;
        }
        times[head] = t;
        values[head] = value;
        head = (head + 1) & mask;
        size++;
        accumulate(t, value, 1);
        if (++sinceRebuild >= REBUILD_EVERY) {
            rebuild();
        }
    }

    int size() {
        return size;
    }

    /** Time of the oldest sample; only when {@link #size()} > 0. */
    long oldestTime() {
        return times[oldestIndex()];
    }

    double latest() {
        return values[(head - 1) & mask];
    }

    double mean() {
        return size == 0 ? 0 : originV + sy / size;
    }

    /** Standard deviation of the values around their least-squares line over time (0 below 3 samples). */
    double scatterAroundLine() {
        if (!fitsLine) {
            throw new IllegalStateException("this window keeps the mean only");
        }
        int n = size;
        if (n < 3) {
            return 0;
        }
        double inverseN = 1.0 / n;
        double varX = sxx - sx * sx * inverseN;
        double covXY = sxy - sx * sy * inverseN;
        double varY = syy - sy * sy * inverseN;
        double residual = varX > 1e-12 ? varY - covXY * covXY / varX : varY;
        return Math.sqrt(Math.max(0, residual) * inverseN);
    }

    /** Doubles the storage, oldest sample first at index 0. */
    private void grow() {
        int n = size;
        int first = oldestIndex();
        long[] newTimes = new long[times.length * 2];
        double[] newValues = new double[values.length * 2];
        for (int i = 0; i < n; i++) {
            int k = (first + i) & mask;
            newTimes[i] = times[k];
            newValues[i] = values[k];
        }
        times = newTimes;
        values = newValues;
        mask = newTimes.length - 1;
        head = n & mask;
    }

    private int oldestIndex() {
        return (head - size) & mask;
    }

    private void removeOldest() {
        int k = oldestIndex();
        accumulate(times[k], values[k], -1);
        size--;
    }

    private void accumulate(long t, double value, int sign) {
        double y = value - originV;
        sy += sign * y;
        if (fitsLine) {
            double x = (t - originT) / 1000.0;
            sx += sign * x;
            sxx += sign * x * x;
            sxy += sign * x * y;
            syy += sign * y * y;
        }
    }

    private void rebuild() {
        sinceRebuild = 0;
        int n = size;
        int first = oldestIndex();
        originT = times[first];
        originV = values[first];
        sx = sy = sxx = sxy = syy = 0;
        for (int i = 0; i < n; i++) {
            int k = (first + i) & mask;
            accumulate(times[k], values[k], 1);
        }
    }
}
