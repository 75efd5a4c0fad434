package dev.rollbridge.testing;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.Transport;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.stream.Sample;

import java.util.List;

/** A device the test drives by hand: each call sends real type 2 frames, 100 Hz, on a clock of its own. */
public final class ManualTransport implements Transport {
    private final DeviceProfile profile;
    private final String address;
    private final FrameEncoder encoder;
    private FrameSink sink;
    private long seq;

    public ManualTransport(DeviceProfile profile, String address) {
        this.profile = profile;
        this.address = address;
        this.encoder = new FrameEncoder(profile);
    }

    @Override
    public String deviceAddress() {
        return address;
    }

    @Override
    public String kind() {
        return "manual";
    }

    @Override
    public void start(FrameSink sink) {
        this.sink = sink;
        sink.linkChanged(true);
    }

    /** {@code millis} of samples at {@code kpa}, rolling at {@code gxDps} about x. */
    public void press(double kpa, double gxDps, long millis) throws InterruptedException {
        for (long end = seq + millis / 10; seq < end; seq++) {
            byte[] bytes = encoder.encode(profile.frame(2).orElseThrow(), seq, 0,
                    List.of(new Sample(0, 0, kpa, gxDps, 0, 0, 0, 0, 1)));
            sink.put(new Frame(address, profile.data().uuid(), bytes, seq * 10_000));
        }
    }

    @Override
    public void stop() {
    }
}
