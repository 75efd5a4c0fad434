package dev.rollbridge.analysis;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ChannelEncoder;
import dev.rollbridge.profile.ChannelLayout;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.Notification;
import dev.rollbridge.profile.SampleDecoder;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    @ParameterizedTest(name = "{0}, {1}-sample frames, coach {2}")
    @CsvSource({"rolling, 1, false", "rolling, 10, false", "holding, 1, false", "holding, 10, false",
            "rolling, 1, true", "holding, 10, true"})
    void noAllocationPerSampleBetweenEvents(String motion, int samplesPerFrame, boolean coached) {
        double kpa = BALL.thresholds().pressure().ceilingKpa() * 0.55;
        double slowRollDps = Math.toDegrees(BALL.thresholds().speed().limitCmS() * 0.5 / BALL.contactRadiusCm());
        Random noise = new Random(11);
        LongFunction<Sample> sampleAt = motion.equals("rolling")
                ? t -> new Sample(t, 0, kpa + noise.nextGaussian() * 0.3, slowRollDps, 0.5, 0, 0.02, 0, 1)
                : t -> new Sample(t, 0, kpa + noise.nextGaussian() * 0.3, 0, 0, 0, 0.02, 0, 1);
        List<Frame> frames = frames(samplesPerFrame, sampleAt);

        // The JIT first: a method compiled (or deoptimised) in the middle of the measured stretch runs
        // in the interpreter for a while, which allocates what compiled code does not.
        for (int round = 0; round < 3; round++) {
            Analyzer warm = analyzer(coached, e -> { });
            FrameDecoder warmDecoder = new FrameDecoder(BALL, FrameDecoder.Listener.of(warm::onSample, warm::onBattery));
            frames.forEach(warmDecoder::decode);
        }
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = analyzer(coached, events::add);
        FrameDecoder decoder = new FrameDecoder(BALL, FrameDecoder.Listener.of(analyzer::onSample, analyzer::onBattery));
        int warmUpFrames = WARM_UP / samplesPerFrame;
        for (Frame f : frames.subList(0, warmUpFrames)) {
            decoder.decode(f);
        }
        int eventsBefore = events.size();
        long allocated = leastAllocated(frames.subList(warmUpFrames, frames.size()), decoder);

        assertThat(decoder.stats().samples()).isEqualTo(SAMPLES);
        assertThat(decoder.stats().malformed()).isZero();
        assertThat(events.subList(eventsBefore, events.size())).as("events in the measured stretch").isEmpty();
        if (motion.equals("holding")) {
            assertThat(events).extracting(Event::type).contains(EventType.HOLD_STARTED);
        }
        if (coached) {
            assertThat(events).as("the coach is on").extracting(Event::type).contains(EventType.COACH_PROMPT);
        }
        // The counter's own call may take a few dozen bytes; one object per sample would be 500 × 16 or more.
        assertThat(allocated).as("bytes allocated for a third of %d samples", SAMPLES - WARM_UP).isLessThan(256);
    }

    /** The spoken coach adds its checks after every sample's rules: they must not allocate either. */
    private static Analyzer analyzer(boolean coached, EventSink out) {
        return new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), SensorRange.UNKNOWN, java.util.EnumSet.allOf(Capability.class),
                java.util.Optional.empty(), coached, out);
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

    /** The fused path (issue 18): a Thingy:52 ball's pressure at 20 Hz and motion at 100 Hz, bursts of a 15 ms connection interval. */
    @Test
    void noAllocationPerNotificationOnTheFusedPath() {
        DeviceProfile thingy = new ProfileLoader().builtIn("thingy52-ball");
        ChannelLayout wire = thingy.channels().orElseThrow();
        ChannelEncoder encoder = new ChannelEncoder();
        Random noise = new Random(5);
        double rollDps = Math.toDegrees(thingy.thresholds().speed().limitCmS() * 0.5 / thingy.contactRadiusCm());
        List<Frame> frames = new ArrayList<>();
        for (long ms = 0; ms < 50_000; ms += 10) {
            for (Notification n : wire.notifications()) {
                if (ms % (n.periodMicros() / 1000) != 0) {
                    continue;
                }
                double hpaRise = 40 + noise.nextGaussian() * 0.05;
                byte[] bytes = encoder.encode(n, channel -> switch (channel) {
                    case "pressure" -> 101.325 + hpaRise / 10;
                    case "gyro_x" -> rollDps;
                    case "accel_z" -> 1.0;
                    default -> 0.0;
                });
                frames.add(new Frame("C0:FF:EE:00:00:01", n.characteristic().uuid(), bytes, (ms / 15 + 1) * 15_000));
            }
        }
        for (int round = 0; round < 3; round++) {
            Analyzer warm = new Analyzer(thingy.thresholds(), thingy.contactRadiusCm(), thingy.sensorRange(), thingy.capabilities(),
                    Optional.empty(), e -> { });
            SampleDecoder warmDecoder = SampleDecoder.of(thingy, FrameDecoder.Listener.of(warm::onSample, warm::onBattery));
            frames.forEach(warmDecoder::decode);
        }
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(thingy.thresholds(), thingy.contactRadiusCm(), thingy.sensorRange(), thingy.capabilities(),
                Optional.empty(), events::add);
        SampleDecoder decoder = SampleDecoder.of(thingy, FrameDecoder.Listener.of(analyzer::onSample, analyzer::onBattery));
        int warmUp = frames.size() / 2;
        for (Frame f : frames.subList(0, warmUp)) {
            decoder.decode(f);
        }
        int eventsBefore = events.size();
        long allocated = leastAllocated(frames.subList(warmUp, warmUp + 1_500), decoder);
        assertThat(decoder.stats().malformed()).isZero();
        assertThat(events.subList(eventsBefore, events.size())).as("events in the measured stretch").isEmpty();
        assertThat(allocated).as("bytes allocated for 500 notifications").isLessThan(256);
    }

    /**
     * The fewest bytes allocated in one of three equal parts of {@code frames}: a class loaded by
     * another test can deoptimise a call site in the middle of a part (its code then runs in the
     * interpreter for a while, allocating what compiled code does not), but not in all three; an
     * allocation per sample shows in each.
     */
    private static long leastAllocated(List<Frame> frames, SampleDecoder decoder) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int part = frames.size() / 3;
        long least = Long.MAX_VALUE;
        for (int p = 0; p < 3; p++) {
            List<Frame> slice = frames.subList(p * part, (p + 1) * part);
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < slice.size(); i++) {
                decoder.decode(slice.get(i));
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
