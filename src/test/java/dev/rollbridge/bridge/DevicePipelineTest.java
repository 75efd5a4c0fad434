package dev.rollbridge.bridge;

import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DevicePipelineTest {
    private final DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");

    @Test
    void malformedFramesAmongGoodOnesAreCountedAndSkippedAndTheHoldIsStillSeen() throws Exception {
        Recorder recorder = new Recorder();
        List<Event> events = recorder.events;
        DevicePipeline pipeline = new DevicePipeline("dev", ball, ball.thresholds(), 256, recorder);
        pipeline.start();
        FrameEncoder encoder = new FrameEncoder(ball);
        Random random = new Random(1);
        int garbage = 0;
        // 35 s of a still press, one sample per frame, with random junk frames in between.
        for (int i = 0; i <= 3_500; i++) {
            byte[] good = encoder.encode(ball.frame(2).orElseThrow(), i, 0, List.of(Sample.withoutAccel(0, 0, 100, 0, 0, 0)));
            pipeline.put(new Frame("C0:FF:EE:00:00:01", ball.data().uuid(), good, i * 10_000L));
            if (i % 50 == 7) {
                byte[] junk = new byte[random.nextInt(30)];
                random.nextBytes(junk);
                if (junk.length > 0) {
                    junk[0] = (byte) (junk.length % 2 == 0 ? 9 : 2); // unknown type, or type 2 of the wrong length
                }
                if (junk.length == 18) {
                    junk = new byte[17];
                }
                pipeline.put(new Frame("C0:FF:EE:00:00:01", ball.data().uuid(), junk, i * 10_000L));
                garbage++;
            }
        }
        pipeline.endOfStream();
        assertThat(pipeline.awaitEndOfStream(Duration.ofSeconds(10))).isTrue();
        pipeline.close();

        assertThat(pipeline.stats().decoder().malformed()).isEqualTo(garbage);
        assertThat(pipeline.stats().decoder().samples()).isEqualTo(3_501);
        assertThat(pipeline.stats().decoder().lostSamples()).isZero();
        assertThat(events).extracting(Event::type)
                .containsExactly(EventType.SESSION_STARTED, EventType.HOLD_STARTED, EventType.WARMUP_ADVISED,
                        EventType.HOLD_TARGET_REACHED, EventType.HOLD_ENDED, EventType.SESSION_ENDED);
        assertThat(events.get(4).data().get("reason")).isEqualTo("end_of_stream");
    }

    /**
     * Real BlueZ turns kept notification sessions back on by itself at a reconnection, and a
     * device may stream at once: the first frames of the new connection reach the queue before
     * the link says it is up. The decoder must already treat them as a new run. Before, with a
     * ball that rebooted during a 21 s drop (counter restarted at 0), they were read as the old
     * run's: 20,808 samples "lost" and t_ms 213.8 s ahead.
     */
    @Test
    void framesOfANewConnectionThatComeBeforeItsUpStartANewRunWithNothingLost() throws Exception {
        Recorder recorder = new Recorder();
        DevicePipeline pipeline = new DevicePipeline("dev", ball, ball.thresholds(), 8192, recorder);
        pipeline.start();
        FrameEncoder encoder = new FrameEncoder(ball);
        String address = "C0:FF:EE:00:00:01";
        pipeline.linkChanged(true);
        // 10 s at 100 Hz, one sample a frame; the counter is far from 0, as on a ball that ran a while.
        long seq0 = 40_000;
        for (int i = 0; i < 1_000; i++) {
            byte[] f = encoder.encode(ball.frame(2).orElseThrow(), seq0 + i, 0, List.of(Sample.withoutAccel(0, 0, 30, 10, 0, 0)));
            pipeline.put(new Frame(address, ball.data().uuid(), f, i * 10_000L));
        }
        pipeline.linkChanged(false);
        // 21 s later the ball is back, rebooted: its counter starts at 0, and it streams before "up".
        long back = 1_000 * 10_000L + 21_000_000L;
        for (int i = 0; i < 500; i++) {
            byte[] f = encoder.encode(ball.frame(2).orElseThrow(), i, 0, List.of(Sample.withoutAccel(0, 0, 30, 10, 0, 0)));
            pipeline.put(new Frame(address, ball.data().uuid(), f, back + i * 10_000L));
            if (i == 20) {
                pipeline.linkChanged(true);
            }
        }
        pipeline.endOfStream();
        assertThat(pipeline.awaitEndOfStream(Duration.ofSeconds(10))).isTrue();
        pipeline.close();

        assertThat(pipeline.stats().decoder().lostSamples()).as("samples counted lost").isZero();
        assertThat(pipeline.stats().decoder().samples()).isEqualTo(1_500);
        List<Long> times = recorder.states.stream().map(s -> s.tMillis()).distinct().sorted().toList();
        long last = times.get(times.size() - 1);
        // The new run sits at its receive time: 10 s of stream, 21 s away, 5 s of stream.
        assertThat(last).as("t_ms at the end").isBetween(35_900L, 36_100L);
        assertThat(recorder.links).containsExactly(true, false, true);
    }
}
