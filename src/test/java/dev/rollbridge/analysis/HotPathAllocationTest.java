package dev.rollbridge.analysis;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decode + analysis allocate nothing per sample: between events, thousands of samples through the
 * decoder and every rule leave the thread's allocation counter where it was (a counter, not a
 * clock, so this is exact on a busy machine). Rolling exercises speed, direction and friction;
 * a still hold exercises the hold and the tightening detector on full windows.
 */
class HotPathAllocationTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final int SAMPLES = 2_500;
    private static final int WARM_UP = 1_000;

    @ParameterizedTest(name = "{0}, {1}-sample frames")
    @CsvSource({"rolling, 1", "rolling, 10", "holding, 1", "holding, 10"})
    void noAllocationPerSampleBetweenEvents(String motion, int samplesPerFrame) {
        double kpa = BALL.thresholds().pressure().ceilingKpa() * 0.55;
        double slowRollDps = Math.toDegrees(BALL.thresholds().speed().limitCmS() * 0.5 / BALL.contactRadiusCm());
        Random noise = new Random(11);
        LongFunction<Sample> sampleAt = motion.equals("rolling")
                ? t -> new Sample(t, 0, kpa + noise.nextGaussian() * 0.3, slowRollDps, 0.5, 0, 0.02, 0, 1)
                : t -> new Sample(t, 0, kpa + noise.nextGaussian() * 0.3, 0, 0, 0, 0.02, 0, 1);
        List<Frame> frames = frames(samplesPerFrame, sampleAt);

        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), events::add);
        FrameDecoder decoder = new FrameDecoder(BALL, FrameDecoder.Listener.of(analyzer::onSample, analyzer::onBattery));
        int warmUpFrames = WARM_UP / samplesPerFrame;
        for (Frame f : frames.subList(0, warmUpFrames)) {
            decoder.decode(f);
        }
        int eventsBefore = events.size();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (Frame f : frames.subList(warmUpFrames, frames.size())) {
            decoder.decode(f);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(decoder.stats().samples()).isEqualTo(SAMPLES);
        assertThat(decoder.stats().malformed()).isZero();
        assertThat(events.subList(eventsBefore, events.size())).as("events in the measured stretch").isEmpty();
        if (motion.equals("holding")) {
            assertThat(events).extracting(Event::type).contains(EventType.HOLD_STARTED);
        }
        // The counter's own call may take a few dozen bytes; one object per sample would be 1,500 × 16 or more.
        assertThat(allocated).as("bytes allocated for %d samples", SAMPLES - WARM_UP).isLessThan(256);
    }

    private static List<Frame> frames(int samplesPerFrame, LongFunction<Sample> sampleAt) {
        FrameEncoder encoder = new FrameEncoder(BALL);
        FrameLayout layout = BALL.frames().stream().filter(f -> f.maxSamples() >= samplesPerFrame)
                .filter(f -> samplesPerFrame > 1 || f.maxSamples() == 1).findFirst().orElseThrow();
        UUID data = BALL.data().uuid();
        long periodMicros = BALL.periodMicros();
        List<Frame> frames = new ArrayList<>();
        for (int first = 0; first < SAMPLES; first += samplesPerFrame) {
            List<Sample> batch = new ArrayList<>();
            for (int i = first; i < first + samplesPerFrame; i++) {
                batch.add(sampleAt.apply(i * periodMicros / 1000));
            }
            frames.add(new Frame("C0:FF:EE:00:00:01", data,
                    encoder.encode(layout, first, first * periodMicros, batch), first * periodMicros));
        }
        return frames;
    }
}
