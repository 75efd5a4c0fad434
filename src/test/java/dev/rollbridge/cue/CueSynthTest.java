package dev.rollbridge.cue;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import static org.assertj.core.api.Assertions.assertThat;

/** The cues rendered to a WAV buffer: their frequencies and durations, measured, not assumed. */
class CueSynthTest {

    private static double[] samples(byte[] pcm) {
        ByteBuffer b = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[pcm.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort() / 32768.0;
        }
        return out;
    }

    /** Power of one frequency in x[from, to) (Goertzel), normalised by length. */
    private static double power(double[] x, int from, int to, double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / CueSynth.SAMPLE_RATE);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < to; i++) {
            double s0 = x[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return p / ((double) (to - from) * (to - from));
    }

    private static int ms(int millis) {
        return millis * CueSynth.SAMPLE_RATE / 1000;
    }

    @Test
    void theChimeIsTwoRisingTonesInHalfASecond() throws Exception {
        byte[] wav = CueSynth.wav(CueSynth.render(CuePattern.CHIME, 1.0));
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            assertThat(in.getFormat().getSampleRate()).isEqualTo(44_100f);
            assertThat(in.getFormat().getChannels()).isEqualTo(1);
            assertThat(in.getFormat().getSampleSizeInBits()).isEqualTo(16);
            double seconds = in.getFrameLength() / (double) in.getFormat().getFrameRate();
            assertThat(seconds).isBetween(0.59, 0.61);
            double[] x = samples(in.readAllBytes());
            // First tone: E5 (659 Hz) dominates; the second: B5 (988 Hz).
            assertThat(power(x, ms(20), ms(200), 659.25)).isGreaterThan(100 * power(x, ms(20), ms(200), 987.77));
            assertThat(power(x, ms(240), ms(580), 987.77)).isGreaterThan(100 * power(x, ms(240), ms(580), 659.25));
            assertThat(power(x, ms(20), ms(200), 659.25)).isGreaterThan(100 * power(x, ms(20), ms(200), 1318.5));
        }
    }

    @Test
    void theUrgentPatternIsSixHighBeepsWithGaps() {
        double[] x = samples(CueSynth.render(CuePattern.URGENT, 1.0));
        // 6 beeps of 110 ms, 4 gaps of 70 ms and a 250 ms pause between the two triples.
        assertThat(x.length / 44_100.0).isBetween(1.185, 1.195);
        // Count bursts: 5 ms frames whose energy is above a tenth of the loudest.
        int frame = ms(5);
        List<Double> energy = new ArrayList<>();
        for (int i = 0; i + frame <= x.length; i += frame) {
            double e = 0;
            for (int k = i; k < i + frame; k++) {
                e += x[k] * x[k];
            }
            energy.add(e);
        }
        double max = energy.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        int bursts = 0;
        boolean on = false;
        for (double e : energy) {
            boolean loud = e > max / 10;
            if (loud && !on) {
                bursts++;
            }
            on = loud;
        }
        assertThat(bursts).isEqualTo(6);
        assertThat(power(x, ms(10), ms(100), 1318.5)).isGreaterThan(100 * power(x, ms(10), ms(100), 659.25));
    }

    @Test
    void volumeScalesTheAmplitude() {
        double[] loud = samples(CueSynth.render(CuePattern.CHIME, 1.0));
        double[] soft = samples(CueSynth.render(CuePattern.CHIME, 0.25));
        double peakLoud = Arrays.stream(loud).map(Math::abs).max().orElseThrow();
        double peakSoft = Arrays.stream(soft).map(Math::abs).max().orElseThrow();
        assertThat(peakSoft / peakLoud).isBetween(0.24, 0.26);
        assertThat(peakLoud).isLessThan(1.0);
    }
}
