package dev.rollbridge.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small helpers for reporting: medians of runs, never single timings. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String range(List<Double> values, String format) {
        return String.format(format, Collections.min(values)) + "–" + String.format(format, Collections.max(values));
    }
}
