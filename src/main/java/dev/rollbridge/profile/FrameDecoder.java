package dev.rollbridge.profile;

import dev.rollbridge.ble.Frame;

import java.nio.ByteBuffer;

/**
 * Turns one device's frames into {@link Sample}s, following its profile. Stateful (sample counter
 * and clock extension), so one decoder per device, used from one thread.
 *
 * <p>Time: sample times come from the device (the frame's {@code t0} or {@code seq * period}),
 * anchored so the first sample lands at the first frame's receive time. A 16-bit {@code seq} or
 * 32-bit {@code t0} wrap is followed; a gap in {@code seq} is counted as lost samples and frames;
 * a frame from the past (duplicate or reordered) is dropped and counted. Malformed frames are
 * counted and reported to the listener, never thrown.
 */
public final class FrameDecoder {

    /** Receives what the decoder makes of each frame. */
    public interface Listener {
        void onSample(Sample sample);

        void onBattery(long tMillis, int percent);

        /** A frame that could not be decoded; {@code reason} names what was wrong. */
        void onMalformed(Frame frame, String reason);
    }

    /** Running counters, for health reporting. */
    public record Stats(long frames, long samples, long lostSamples, long lostFrames,
                        long malformed, long outOfOrder, long ignored) {
    }

    private static final long SEQ_MOD = 1L << 16;
    private static final long T0_MOD = 1L << 32;

    private final DeviceProfile profile;
    private final Listener listener;
    private final long periodMicros;

    private long frames;
    private long samples;
    private long lostSamples;
    private long lostFrames;
    private long malformed;
    private long outOfOrder;
    private long ignored;

    private boolean started;
    private int lastSeqRaw;
    private int lastCount;
    private long extendedSeq;
    private long lastT0Raw = -1;
    private long extendedT0;
    private FrameLayout.TimeSource lastTimeSource;
    private long anchorMillis;
    private long anchorDeviceMicros;
    private long lastTMillis;
    private boolean resyncPending;
    private final FrameLayout[] layoutsById = new FrameLayout[256];
    private final FieldSpec accelX;
    private final FieldSpec accelY;
    private final FieldSpec accelZ;

    public FrameDecoder(DeviceProfile profile, Listener listener) {
        this.profile = profile;
        this.listener = listener;
        this.periodMicros = profile.periodMicros();
        // Resolved once: an Optional lambda per field per sample was a measurable share of the allocation.
        this.accelX = profile.sample().accelX().orElse(null);
        this.accelY = profile.sample().accelY().orElse(null);
        this.accelZ = profile.sample().accelZ().orElse(null);
        for (FrameLayout f : profile.frames()) {
            layoutsById[f.id() & 0xFF] = f;
        }
    }

    public Stats stats() {
        return new Stats(frames, samples, lostSamples, lostFrames, malformed, outOfOrder, ignored);
    }

    /**
     * The link came back after a drop: the next frame starts a new run of the device's counter
     * and clock, placed at its receive time (never before the last sample), with no samples
     * counted as lost for the time the link was down.
     */
    public void resync() {
        resyncPending = true;
    }

    public void decode(Frame frame) {
        if (frame.characteristic().equals(profile.data().uuid())) {
            decodeData(frame);
        } else if (profile.battery().isPresent() && frame.characteristic().equals(profile.battery().get().uuid())) {
            decodeBattery(frame);
        } else {
            ignored++;
        }
    }

    private void decodeBattery(Frame frame) {
        FieldSpec level = profile.batteryLevel();
        if (frame.bytes().length < level.end()) {
            malformed(frame, "battery level is " + frame.bytes().length + " bytes, expected at least " + level.end());
            return;
        }
        double percent = level.value(ByteBuffer.wrap(frame.bytes()).order(profile.sample().byteOrder()), 0);
        if (percent < 0 || percent > 100) {
            malformed(frame, "battery level " + percent + " % is out of range [0, 100]");
            return;
        }
        listener.onBattery(started ? lastTMillis : frame.receivedMicros() / 1000, (int) Math.round(percent));
    }

    private void decodeData(Frame frame) {
        byte[] bytes = frame.bytes();
        if (bytes.length == 0) {
            malformed(frame, "empty frame");
            return;
        }
        SampleLayout layout = profile.sample();
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(layout.byteOrder());
        int typeId = bytes[0] & 0xFF;
        FrameLayout f = layoutsById[typeId];
        if (f == null) {
            malformed(frame, "unknown frame type " + typeId);
            return;
        }
        if (bytes.length < f.headerSize()) {
            malformed(frame, "frame type " + typeId + " is " + bytes.length + " bytes, shorter than its "
                    + f.headerSize() + "-byte header");
            return;
        }
        int count = (int) f.count().raw(buf, 0);
        if (count < 1 || count > f.maxSamples()) {
            malformed(frame, "frame type " + typeId + " says " + count + " samples, expected 1 to " + f.maxSamples());
            return;
        }
        int expected = f.headerSize() + count * layout.size();
        if (bytes.length != expected) {
            malformed(frame, "frame type " + typeId + " with " + count + " samples is " + bytes.length
                    + " bytes, expected " + expected);
            return;
        }
        int seqRaw = (int) f.seq().raw(buf, 0);
        boolean afterDrop = started && resyncPending;
        resyncPending = false;
        if (afterDrop) {
            // A new connection: the device's counter and clock may have restarted or run on
            // unheard; neither says how long the link was down, the receive time does.
            extendedSeq += lastCount;
            lastSeqRaw = seqRaw;
            lastCount = count;
            lastT0Raw = -1;
        } else if (!advanceSeq(seqRaw, count)) {
            return;
        }
        long firstDeviceMicros = switch (f.timeSource()) {
            case SEQ -> extendedSeq * periodMicros;
            case HEADER_T0 -> extendT0(f.t0().orElseThrow().raw(buf, 0));
        };
        if (afterDrop) {
            anchorMillis = Math.max(lastTMillis + Math.max(1, periodMicros / 1000), frame.receivedMicros() / 1000);
            anchorDeviceMicros = firstDeviceMicros;
            lastTimeSource = f.timeSource();
        } else if (!started || f.timeSource() != lastTimeSource || firstDeviceMicros < anchorDeviceMicros) {
            anchor(frame, firstDeviceMicros);
            lastTimeSource = f.timeSource();
        }
        started = true;
        frames++;
        for (int i = 0; i < count; i++) {
            int base = f.headerSize() + i * layout.size();
            long deviceMicros = firstDeviceMicros + i * periodMicros;
            long tMillis = anchorMillis + Math.floorDiv(deviceMicros - anchorDeviceMicros, 1000);
            lastTMillis = tMillis;
            samples++;
            listener.onSample(new Sample(tMillis, extendedSeq + i,
                    layout.pressure().value(buf, base),
                    layout.gyroX().value(buf, base), layout.gyroY().value(buf, base), layout.gyroZ().value(buf, base),
                    accelX == null ? Double.NaN : accelX.value(buf, base),
                    accelY == null ? Double.NaN : accelY.value(buf, base),
                    accelZ == null ? Double.NaN : accelZ.value(buf, base)));
        }
    }

    /** Follows the 16-bit sample counter; false when the frame is from the past and must be dropped. */
    private boolean advanceSeq(int seqRaw, int count) {
        if (!started) {
            extendedSeq = seqRaw;
        } else {
            long expectedRaw = (lastSeqRaw + lastCount) % SEQ_MOD;
            long gap = Math.floorMod(seqRaw - expectedRaw, SEQ_MOD);
            if (gap >= SEQ_MOD / 2) {
                outOfOrder++;
                return false;
            }
            if (gap > 0) {
                lostSamples += gap;
                lostFrames += (gap + lastCount - 1) / lastCount;
            }
            extendedSeq += lastCount + gap;
        }
        lastSeqRaw = seqRaw;
        lastCount = count;
        return true;
    }

    private long extendT0(long t0Raw) {
        if (lastT0Raw < 0) {
            extendedT0 = t0Raw;
        } else {
            long forward = Math.floorMod(t0Raw - lastT0Raw, T0_MOD);
            // A backwards step is a device reset: start a new time base from here.
            extendedT0 = forward < T0_MOD / 2 ? extendedT0 + forward : t0Raw;
        }
        lastT0Raw = t0Raw;
        return extendedT0;
    }

    /** Pins device time to the bridge's sample clock: at the receive time first, then one period on. */
    private void anchor(Frame frame, long deviceMicros) {
        anchorMillis = started ? lastTMillis + Math.max(1, periodMicros / 1000) : frame.receivedMicros() / 1000;
        anchorDeviceMicros = deviceMicros;
    }

    private void malformed(Frame frame, String reason) {
        malformed++;
        listener.onMalformed(frame, reason);
    }
}
