package dev.rollbridge.profile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One field of a byte layout: where it sits, how it is encoded, and how to scale it. */
public record FieldSpec(String name, FieldType type, int offset, double scale, String unit) {

    public int end() {
        return offset + type.size();
    }

    public long raw(byte[] bytes, int base, ByteOrder order) {
        return type.read(bytes, base + offset, order);
    }

    public double value(byte[] bytes, int base, ByteOrder order) {
        return type.readNumber(bytes, base + offset, order) * scale;
    }

    /** Encodes a physical value (the inverse of {@link #value}), rounding to the field's resolution. */
    public void put(ByteBuffer buf, int base, double value) {
        type.writeNumber(buf, base + offset, value / scale);
    }

    /** The largest magnitude the field can carry, in its unit. */
    public double maxMagnitude() {
        if (type == FieldType.F32) {
            return Math.abs(scale) * Float.MAX_VALUE;
        }
        int bits = type.size() * 8;
        return Math.abs(scale) * (type.signed() ? Math.pow(2, bits - 1) - 1 : Math.pow(2, bits) - 1);
    }

    public boolean overlaps(FieldSpec other) {
        return offset < other.end() && other.offset < end();
    }
}
