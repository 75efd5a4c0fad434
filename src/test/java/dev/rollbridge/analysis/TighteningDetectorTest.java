package dev.rollbridge.analysis;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tightening detector over many synthetic holds: calm ones (sensor noise, breathing, a slow
 * lean, a gentle easing off) must never raise {@code ease_off}; holds with a tremor must, within
 * half a second. Seeds are fixed, so the counts are exact.
 */
class TighteningDetectorTest {
    private static final int HOLDS = 200;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rollsense-ball", "rollsense-roller"})
    void calmHoldsNeverRaiseEaseOffAndTremorsAlwaysDo(String profileName) {
        DeviceProfile profile = new ProfileLoader().builtIn(profileName);
        double holdKpa = profile.thresholds().pressure().ceilingKpa() * 0.55;
        Random rnd = new Random(2026);
        int falseAlarms = 0;
        int detected = 0;
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < HOLDS; i++) {
            double noise = holdKpa * (0.002 + 0.008 * rnd.nextDouble());
            double breath = holdKpa * (0.01 + 0.04 * rnd.nextDouble());
            double breathPeriod = 3 + 3 * rnd.nextDouble();
            double lean = holdKpa * (rnd.nextDouble() - 0.5) * 0.3;  // up to ±15 % over the hold
            DoubleUnaryOperator calm = s -> holdKpa + breath * Math.sin(2 * Math.PI * s / breathPeriod) + lean * s / 45;
            if (!events(profile, calm, noise, rnd.nextLong()).isEmpty()) {
                falseAlarms++;
            }
            double freq = 6 + 4 * rnd.nextDouble();
            double amplitude = holdKpa * (0.08 + 0.07 * rnd.nextDouble());
            DoubleUnaryOperator tremor = s -> calm.applyAsDouble(s) + (s >= 20 && s < 22 ? amplitude * Math.sin(2 * Math.PI * freq * (s - 20)) : 0);
            List<Event> easeOff = events(profile, tremor, noise, rnd.nextLong());
            if (!easeOff.isEmpty() && easeOff.get(0).tMillis() >= 20_000 && easeOff.get(0).tMillis() <= 20_500) {
                detected++;
                latencies.add(easeOff.get(0).tMillis() - 20_000);
            }
        }
        System.out.printf("%s: %d/%d calm holds raised ease_off; %d/%d tremors detected, latency %d..%d ms%n", profileName,
                falseAlarms, HOLDS, detected, HOLDS, latencies.stream().mapToLong(Long::longValue).min().orElse(-1),
                latencies.stream().mapToLong(Long::longValue).max().orElse(-1));
        assertThat(falseAlarms).as("false alarms on calm holds").isZero();
        assertThat(detected).as("tremors detected within 500 ms").isEqualTo(HOLDS);
    }

    /** The ease_off events of one 45 s still hold whose pressure follows {@code pressure(seconds)}. */
    private static List<Event> events(DeviceProfile profile, DoubleUnaryOperator pressure, double noiseKpa, long seed) {
        Random rnd = new Random(seed);
        List<Event> out = new ArrayList<>();
        Analyzer analyzer = new Analyzer(profile.thresholds(), profile.contactRadiusCm(), e -> {
            if (e.type() == EventType.EASE_OFF) {
                out.add(e);
            }
        });
        for (long t = 0; t <= 45_000; t += 10) {
            double p = pressure.applyAsDouble(t / 1000.0) + rnd.nextGaussian() * noiseKpa;
            analyzer.onSample(new Sample(t, t / 10, p, rnd.nextGaussian() * 0.3, rnd.nextGaussian() * 0.3,
                    rnd.nextGaussian() * 0.3, 0, 0, 1));
        }
        // A gentle release at the end: easing off is not tightening.
        for (long t = 45_010; t <= 46_000; t += 10) {
            analyzer.onSample(new Sample(t, t / 10, pressure.applyAsDouble(45) * (46_000 - t) / 1000.0, 0, 0, 0, 0, 0, 1));
        }
        return out;
    }

    /**
     * Single-sample outliers of 20–35 % (an ADC glitch, a flipped bit) on calm holds never raise
     * {@code ease_off} (before: 150 ms after the glitch), while a real twitch of three samples
     * (30 ms) repeated at 8 Hz still does, within half a second.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rollsense-ball", "rollsense-roller"})
    void oneSampleGlitchesAreNotReflexesButThreeSampleTwitchesAre(String profileName) {
        DeviceProfile profile = new ProfileLoader().builtIn(profileName);
        double holdKpa = profile.thresholds().pressure().ceilingKpa() * 0.55;
        Random rnd = new Random(17);
        int falseAlarms = 0;
        int detected = 0;
        for (int i = 0; i < HOLDS; i++) {
            double noise = holdKpa * (0.002 + 0.008 * rnd.nextDouble());
            double breath = holdKpa * (0.01 + 0.04 * rnd.nextDouble());
            double breathPeriod = 3 + 3 * rnd.nextDouble();
            DoubleUnaryOperator calm = s -> holdKpa + breath * Math.sin(2 * Math.PI * s / breathPeriod);
            // Five glitches in the hold, each one 10 ms sample, up or down.
            long[] glitchAt = new long[5];
            double[] glitchSize = new double[5];
            for (int g = 0; g < glitchAt.length; g++) {
                glitchAt[g] = 6_000 + g * 7_000 + 10L * rnd.nextInt(300);
                glitchSize[g] = holdKpa * (0.20 + 0.15 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
            }
            DoubleUnaryOperator glitched = s -> {
                long t = Math.round(s * 1000);
                for (int g = 0; g < glitchAt.length; g++) {
                    if (t == glitchAt[g]) {
                        return calm.applyAsDouble(s) + glitchSize[g];
                    }
                }
                return calm.applyAsDouble(s);
            };
            if (!events(profile, glitched, noise, rnd.nextLong()).isEmpty()) {
                falseAlarms++;
            }
            double twitch = holdKpa * (0.20 + 0.15 * rnd.nextDouble());
            DoubleUnaryOperator twitches = s -> calm.applyAsDouble(s) + (s >= 20 && s < 22 && ((s - 20) % 0.125) < 0.0295 ? twitch : 0);
            List<Event> easeOff = events(profile, twitches, noise, rnd.nextLong());
            if (!easeOff.isEmpty() && easeOff.get(0).tMillis() >= 20_000 && easeOff.get(0).tMillis() <= 20_500) {
                detected++;
            }
        }
        assertThat(falseAlarms).as("ease_off from one-sample glitches").isZero();
        assertThat(detected).as("three-sample twitches detected within 500 ms").isEqualTo(HOLDS);
    }
}
