package dev.rollbridge;

import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.ble.Frame;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.profile.Sample;
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
}
