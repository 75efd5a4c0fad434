package dev.rollbridge.bench;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.PlaybackTransport;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.stream.Sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A device for the latency benchmark: one-sample frames at {@code rateHz} (wall clock), rolling
 * steadily at 3 cm/s while pressing above the ceiling for 0.6 s and below it for 0.6 s of sample
 * time, so {@code pressure_too_high} is raised and cleared over and over. The cycle starts
 * {@code phaseMillis} into its pattern, so several devices can be set not to alert in the same
 * instant (four people do not hit the ceiling in the same millisecond). Remembers when each
 * sample's frame was handed over, by sample time.
 */
final class PacedTransport extends PlaybackTransport {
    private final DeviceProfile profile;
    private final String address;
    private final double rateHz;
    private final long phaseMillis;
    private final FrameEncoder encoder;
    private final Map<Long, Long> handedOverNanos = new ConcurrentHashMap<>();

    PacedTransport(DeviceProfile profile, String address, double rateHz, long phaseMillis) {
        this.profile = profile;
        this.address = address;
        this.rateHz = rateHz;
        this.phaseMillis = phaseMillis;
        this.encoder = new FrameEncoder(profile);
    }

    @Override
    public String deviceAddress() {
        return address;
    }

    @Override
    public String kind() {
        return "bench";
    }

    /** When the frame carrying the sample at {@code tMillis} reached the pipeline, or null. */
    Long handedOver(long tMillis) {
        return handedOverNanos.get(tMillis);
    }

    @Override
    protected void play(FrameSink sink) {
        FrameLayout single = profile.frameForMtu(23);
        long periodMicros = profile.periodMicros();
        double ceiling = profile.thresholds().pressure().ceilingKpa();
        double rollDps = Math.toDegrees(3.0 / profile.contactRadiusCm());
        long start = System.nanoTime();
        long intervalNanos = (long) (1e9 / rateHz);
        sink.linkChanged(true);
        for (long seq = 0; running(); seq++) {
            long tMillis = seq * periodMicros / 1000;
            double kpa = ((tMillis + phaseMillis) / 600) % 2 == 0 ? ceiling * 1.2 : ceiling * 0.6;
            byte[] bytes = encoder.encode(single, seq, 0, List.of(new Sample(0, 0, kpa, rollDps, 0, 0, 0, 0, 1)));
            long due = start + seq * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            handedOverNanos.put(tMillis, System.nanoTime());
            sink.offer(new Frame(address, profile.data().uuid(), bytes, seq * periodMicros));
            if (seq % 1000 == 0) {
                long horizon = tMillis - 60_000;
                handedOverNanos.keySet().removeIf(t -> t < horizon);
            }
        }
    }
}
