package dev.rollbridge.profile;

import dev.rollbridge.stream.Sample;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FrameEncoderTest {
    private final DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");

    @Test
    void encodedBatchesDecodeBackToTheSamplesAtTheDeviceResolution() {
        FrameEncoder encoder = new FrameEncoder(ball);
        List<Sample> in = List.of(
                new Sample(0, 0, 65.34, 12.46, -0.31, 0, 0.0121, -0.5, 0.866),
                new Sample(0, 0, 250, -300, 0.04, 1.0, 0, 0, 1));
        byte[] bytes = encoder.encode(ball.frame(1).orElseThrow(), 65_535, 4_294_967_000L, in);
        assertThat(bytes).hasSize(8 + 2 * 14);

        Recorder recorder = new Recorder();
        new FrameDecoder(ball, recorder).decode(new Frame("C0:FF:EE:00:00:01", ball.data().uuid(), bytes, 2_000_000));
        assertThat(recorder.malformed).isEmpty();
        List<Sample> out = recorder.samples;
        assertThat(out).hasSize(2);
        assertThat(out.get(0).tMillis()).isEqualTo(2000);
        assertThat(out.get(1).tMillis()).isEqualTo(2010);
        assertThat(out.get(0).seq()).isEqualTo(65_535);
        assertThat(out.get(1).seq()).isEqualTo(65_536);
        assertThat(out.get(0).pressureKpa()).isCloseTo(65.3, within(1e-9));
        assertThat(out.get(0).gxDps()).isCloseTo(12.5, within(1e-9));
        assertThat(out.get(0).axG()).isCloseTo(0.012, within(1e-9));
        assertThat(out.get(1).gxDps()).isCloseTo(-300, within(1e-9));
        assertThat(out.get(1).pressureKpa()).isCloseTo(250, within(1e-9));
    }

    @Test
    void valuesBeyondAFieldAreClampedNotWrapped() {
        byte[] bytes = new FrameEncoder(ball).encode(ball.frame(2).orElseThrow(), 0, 0,
                List.of(Sample.withoutAccel(0, 0, 10_000, 5_000, -5_000, 0)));
        // pressure u16 at 0.1 kPa tops out at 6553.5 kPa; gyro s16 at 0.1 deg/s at ±3276.7/8.
        assertThat(bytes[4 + 12] & 0xFF).isEqualTo(0xFF);
        assertThat(bytes[4 + 13] & 0xFF).isEqualTo(0xFF);
        assertThat(bytes[4 + 1]).isEqualTo((byte) 0x7F);
        assertThat(bytes[4 + 3]).isEqualTo((byte) 0x80);
    }
}
