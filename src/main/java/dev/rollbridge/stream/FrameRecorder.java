package dev.rollbridge.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A sink that keeps what a transport hands over: its frames and link changes (for benchmarks and tests). */
public final class FrameRecorder implements FrameSink {
    private final List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
    private final List<Boolean> links = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public boolean offer(Frame frame) {
        frames.add(frame);
        return true;
    }

    @Override
    public void put(Frame frame) {
        frames.add(frame);
    }

    @Override
    public void linkChanged(boolean up) {
        links.add(up);
    }

    @Override
    public void endOfStream() {
        ended.countDown();
    }

    /** The frames so far, in arrival order (a copy). */
    public List<Frame> frames() {
        synchronized (frames) {
            return new ArrayList<>(frames);
        }
    }

    public int frameCount() {
        return frames.size();
    }

    /** Link changes so far: true up, false down (a copy). */
    public List<Boolean> links() {
        synchronized (links) {
            return new ArrayList<>(links);
        }
    }

    /** Waits for a finite source to say it has delivered everything. */
    public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }
}
