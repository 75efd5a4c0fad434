package dev.rollbridge.replay;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.PlaybackTransport;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays recorded frames into the pipeline, paced by their receive times scaled by {@code speed}
 * (1 = as recorded, 10 = ten times faster, 0 = as fast as the pipeline takes them).
 */
public final class ReplayTransport extends PlaybackTransport {
    private final String address;
    private final List<Frame> frames;
    private final double speed;

    public ReplayTransport(String address, List<Frame> frames, double speed) {
        if (speed < 0 || !Double.isFinite(speed)) {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or positive, not " + speed);
        }
        this.address = address;
        this.frames = List.copyOf(frames);
        this.speed = speed;
    }

    @Override
    public String deviceAddress() {
        return address;
    }

    @Override
    public String kind() {
        return "replay";
    }

    @Override
    protected void play(FrameSink sink) throws InterruptedException {
        sink.linkChanged(true);
        long startNanos = System.nanoTime();
        long firstMicros = frames.isEmpty() ? 0 : frames.get(0).receivedMicros();
        for (Frame f : frames) {
            if (!running()) {
                return;
            }
            if (speed > 0) {
                long due = startNanos + (long) ((f.receivedMicros() - firstMicros) * 1000 / speed);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            sink.put(f);
        }
        // The recording is over, not the link: availability goes offline when the bridge stops.
        sink.endOfStream();
    }
}
