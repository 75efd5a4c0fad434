package dev.rollbridge.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SlidingWindowTest {

    private record Point(long t, double v) {
    }

    /** 64: the window is full at times and drops its oldest; 512: its storage grows while it holds samples. */
    @ParameterizedTest
    @ValueSource(ints = {64, 512})
    void runningSumsMatchARecomputationOverAHundredThousandSamples(int capacity) {
        SlidingWindow window = SlidingWindow.forLineFit(capacity);
        ArrayDeque<Point> naive = new ArrayDeque<>();
        Random random = new Random(7);
        long t = 1_000_000;
        for (int i = 0; i < 100_000; i++) {
            t += 1 + random.nextInt(20);
            // A high level with a small, rough signal on it: the case where cancellation would show.
            double v = 140 + Math.sin(i / 50.0) * 3 + random.nextGaussian() * 0.05;
            long windowMs = i % 10_000 < 5_000 ? 300 : 2_000; // ~190 samples: past a capacity of 64
            window.add(t, v, windowMs);
            naive.addLast(new Point(t, v));
            long cutoff = t - windowMs;
            while (naive.peekFirst().t() <= cutoff || naive.size() > capacity) {
                naive.removeFirst();
            }
            assertThat(window.size()).isEqualTo(naive.size());
            assertThat(window.oldestTime()).isEqualTo(naive.peekFirst().t());
            assertThat(window.latest()).isEqualTo(v);
            assertThat(window.mean()).isCloseTo(naiveMean(naive), within(1e-9));
            assertThat(window.scatterAroundLine()).isCloseTo(naiveScatter(naive), within(1e-7));
        }
    }

    @Test
    void fewerThanThreeSamplesHaveNoScatterAndAClearedWindowStartsAfresh() {
        SlidingWindow window = SlidingWindow.forLineFit(8);
        window.add(0, 5, 100);
        window.add(10, 9, 100);
        assertThat(window.scatterAroundLine()).isZero();
        assertThat(window.mean()).isEqualTo(7);
        window.clear();
        assertThat(window.size()).isZero();
        assertThat(window.mean()).isZero();
        window.add(20, 1, 100);
        assertThat(window.mean()).isEqualTo(1);
        // A straight line has no scatter around itself.
        window.add(30, 2, 100);
        window.add(40, 3, 100);
        assertThat(window.scatterAroundLine()).isCloseTo(0, within(1e-12));
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> SlidingWindow.forMean(100)).hasMessageContaining("power of two, was 100");
    }

    private static double naiveMean(ArrayDeque<Point> points) {
        return points.stream().mapToDouble(Point::v).average().orElse(0);
    }

    private static double naiveScatter(ArrayDeque<Point> points) {
        int n = points.size();
        if (n < 3) {
            return 0;
        }
        long t0 = points.peekFirst().t();
        double mx = points.stream().mapToDouble(p -> (p.t() - t0) / 1000.0).average().orElseThrow();
        double my = naiveMean(points);
        double varX = 0;
        double cov = 0;
        double varY = 0;
        for (Point p : points) {
            double dx = (p.t() - t0) / 1000.0 - mx;
            double dy = p.v() - my;
            varX += dx * dx;
            cov += dx * dy;
            varY += dy * dy;
        }
        double residual = varX > 1e-12 ? varY - cov * cov / varX : varY;
        return Math.sqrt(Math.max(0, residual) / n);
    }
}
