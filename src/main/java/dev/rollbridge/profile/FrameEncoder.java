package dev.rollbridge.profile;

import dev.rollbridge.stream.Sample;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The inverse of {@link FrameDecoder}: writes samples into a profile's frame layout, byte for byte
 * as the device would. Used by the simulator and by tools that turn traces into frames.
 */
public final class FrameEncoder {
    private final DeviceProfile profile;

    public FrameEncoder(DeviceProfile profile) {
        this.profile = profile;
    }

    /**
     * @param seq      the device's sample counter for the first sample (written modulo the field's range)
     * @param t0Micros the first sample's device time, for layouts that carry it
     */
    public byte[] encode(FrameLayout frame, long seq, long t0Micros, List<Sample> samples) {
        if (samples.isEmpty() || samples.size() > frame.maxSamples()) {
            throw new IllegalArgumentException("frame type " + frame.id() + " carries 1 to " + frame.maxSamples()
                    + " samples, not " + samples.size());
        }
        SampleLayout layout = profile.sample();
        ByteBuffer buf = ByteBuffer.allocate(frame.headerSize() + samples.size() * layout.size()).order(layout.byteOrder());
        frame.type().type().write(buf, frame.type().offset(), frame.id());
        frame.count().type().write(buf, frame.count().offset(), samples.size());
        writeWrapping(buf, frame.seq(), seq);
        frame.t0().ifPresent(t0 -> writeWrapping(buf, t0, t0Micros));
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            int base = frame.headerSize() + i * layout.size();
            layout.gyroX().put(buf, base, s.gxDps());
            layout.gyroY().put(buf, base, s.gyDps());
            layout.gyroZ().put(buf, base, s.gzDps());
            if (layout.hasAccel() && s.hasAccel()) {
                layout.accelX().orElseThrow().put(buf, base, s.axG());
                layout.accelY().orElseThrow().put(buf, base, s.ayG());
                layout.accelZ().orElseThrow().put(buf, base, s.azG());
            }
            layout.pressure().put(buf, base, s.pressureKpa());
        }
        return buf.array();
    }

    public byte[] encodeBattery(int percent) {
        FieldSpec level = profile.batteryLevel();
        ByteBuffer buf = ByteBuffer.allocate(level.end()).order(profile.sample().byteOrder());
        level.put(buf, 0, percent);
        return buf.array();
    }

    /** Counters and clocks wrap on the device; write their low bits as it would. */
    private static void writeWrapping(ByteBuffer buf, FieldSpec field, long value) {
        long mod = 1L << (field.type().size() * 8);
        long raw = Math.floorMod(value, mod);
        switch (field.type().size()) {
            case 1 -> buf.put(field.offset(), (byte) raw);
            case 2 -> buf.putShort(field.offset(), (short) raw);
            default -> buf.putInt(field.offset(), (int) raw);
        }
    }
}
