package dev.rollbridge.profile;

import dev.rollbridge.stream.SampleView;
import dev.rollbridge.stream.Frame;

import java.nio.ByteOrder;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Turns one device's frames into samples ({@link SampleView}), following its profile. Stateful
 * (sample counter and clock extension), so one decoder per device, used from one thread.
 *
 * <p>Time: sample times come from the device (the frame's {@code t0} or {@code seq * period}),
 * anchored so the first sample lands at the first frame's receive time. A 16-bit {@code seq} or
 * 32-bit {@code t0} wrap is followed; a gap in {@code seq} is counted as lost samples and frames;
 * a frame from the past (duplicate or reordered) is dropped and counted. Malformed frames are
 * counted and reported to the listener, never thrown.
 */
public final class FrameDecoder implements SampleDecoder {

    /** Receives what the decoder makes of each frame. */
    public interface Listener {
        /** One sample; the view is reused for the next one, so keep {@link SampleView#toSample()} if needed. */
        void onSample(SampleView sample);

        void onBattery(long tMillis, int percent);

        /** A frame that could not be decoded; {@code reason} names what was wrong. */
        void onMalformed(Frame frame, String reason);

        /**
         * Samples and battery levels to these, malformed frames left to the decoder's own count
         * ({@link FrameDecoder#stats()}): an analysis fed straight from a decoder.
         */
        static Listener of(Consumer<SampleView> samples, IntConsumer battery) {
            return new Listener() {
                @Override
                public void onSample(SampleView sample) {
                    samples.accept(sample);
                }

                @Override
                public void onBattery(long tMillis, int percent) {
                    battery.accept(percent);
                }

                @Override
                public void onMalformed(Frame frame, String reason) {
                }
            };
        }
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
    /** Filled in place for each sample: a new object per sample was most of the hot path's garbage. */
    private final ReusableSample current = new ReusableSample();

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

    @Override
    public Stats stats() {
        return new Stats(frames, samples, lostSamples, lostFrames, malformed, outOfOrder, ignored);
    }

    /**
     * The link dropped: the next frame (the first of the next connection) starts a new run of the
     * device's counter and clock, placed at its receive time (never before the last sample), with
     * no samples counted as lost for the time the link was down.
     */
    @Override
    public void resync() {
        resyncPending = true;
    }

    @Override
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
        double percent = level.value(frame.bytes(), 0, profile.sample().byteOrder());
        if (percent < 0 || percent > 100) {
            malformed(frame, "battery level " + percent + " % is out of range [0, 100]");
            return;
        }
        listener.onBattery(started ? lastTMillis : frame.receivedMicros() / 1000, (int) Math.round(percent));
    }

    // Runs for every frame; checks and placement are methods of their own so each stays small
    // enough for the JIT to inline.
    private void decodeData(Frame frame) {
        byte[] bytes = frame.bytes();
        int count = checkedCount(frame, bytes);
        if (count < 0) {
            return;
        }
        FrameLayout f = layoutsById[bytes[0] & 0xFF];
        ByteOrder order = profile.sample().byteOrder();
        int seqRaw = (int) f.seq().raw(bytes, 0, order);
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
            case HEADER_T0 -> extendT0(f.t0().orElseThrow().raw(bytes, 0, order));
        };
        placeOnSampleClock(frame, f.timeSource(), firstDeviceMicros, afterDrop);
        started = true;
        frames++;
        emitSamples(bytes, f.headerSize(), count, firstDeviceMicros);
    }

    private void placeOnSampleClock(Frame frame, FrameLayout.TimeSource timeSource, long firstDeviceMicros, boolean afterDrop) {
        if (afterDrop) {
            anchorMillis = Math.max(lastTMillis + Math.max(1, periodMicros / 1000), frame.receivedMicros() / 1000);
            anchorDeviceMicros = firstDeviceMicros;
            lastTimeSource = timeSource;
        } else if (!started || timeSource != lastTimeSource || firstDeviceMicros < anchorDeviceMicros) {
            anchor(frame, firstDeviceMicros);
            lastTimeSource = timeSource;
        }
    }

    /** The frame's sample count, or -1 (reported as malformed) when the frame does not fit its layout. */
    private int checkedCount(Frame frame, byte[] bytes) {
        if (bytes.length == 0) {
            malformed(frame, "empty frame");
            return -1;
        }
        int typeId = bytes[0] & 0xFF;
        FrameLayout f = layoutsById[typeId];
        if (f == null) {
            malformed(frame, "unknown frame type " + typeId);
            return -1;
        }
        if (bytes.length < f.headerSize()) {
            malformed(frame, "frame type " + typeId + " is " + bytes.length + " bytes, shorter than its "
                    + f.headerSize() + "-byte header");
            return -1;
        }
        int count = (int) f.count().raw(bytes, 0, profile.sample().byteOrder());
        if (count < 1 || count > f.maxSamples()) {
            malformed(frame, "frame type " + typeId + " says " + count + " samples, expected 1 to " + f.maxSamples());
            return -1;
        }
        int expected = f.headerSize() + count * profile.sample().size();
        if (bytes.length != expected) {
            malformed(frame, "frame type " + typeId + " with " + count + " samples is " + bytes.length
                    + " bytes, expected " + expected);
            return -1;
        }
        return count;
    }

    private void emitSamples(byte[] bytes, int headerSize, int count, long firstDeviceMicros) {
        SampleLayout layout = profile.sample();
        ByteOrder order = layout.byteOrder();
        ReusableSample s = current;
        for (int i = 0; i < count; i++) {
            int base = headerSize + i * layout.size();
            long deviceMicros = firstDeviceMicros + i * periodMicros;
            long tMillis = anchorMillis + Math.floorDiv(deviceMicros - anchorDeviceMicros, 1000);
            lastTMillis = tMillis;
            samples++;
            s.tMillis = tMillis;
            s.seq = extendedSeq + i;
            s.pressureKpa = layout.pressure().value(bytes, base, order);
            s.gxDps = layout.gyroX().value(bytes, base, order);
            s.gyDps = layout.gyroY().value(bytes, base, order);
            s.gzDps = layout.gyroZ().value(bytes, base, order);
            s.axG = accelX == null ? Double.NaN : accelX.value(bytes, base, order);
            s.ayG = accelY == null ? Double.NaN : accelY.value(bytes, base, order);
            s.azG = accelZ == null ? Double.NaN : accelZ.value(bytes, base, order);
            listener.onSample(s);
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
