package dev.rollbridge.profile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/** The encodings a profile field may use: integers, and IEEE 754 single precision ({@code f32}). */
public enum FieldType {
    U8(1, false), S8(1, true), U16(2, false), S16(2, true), U32(4, false), S32(4, true), F32(4, true);

    private final int size;
    private final boolean signed;

    FieldType(int size, boolean signed) {
        this.size = size;
        this.signed = signed;
    }

    public int size() {
        return size;
    }

    public boolean signed() {
        return signed;
    }

    /**
     * Reads the raw integer at {@code offset} straight from the array: the decoder runs this for
     * every field of every sample, and a {@code ByteBuffer} per frame was garbage on the hot path.
     */
    public long read(byte[] bytes, int offset, ByteOrder order) {
        return switch (this) {
            case U8 -> bytes[offset] & 0xFFL;
            case S8 -> bytes[offset];
            case U16 -> short16(bytes, offset, order) & 0xFFFFL;
            case S16 -> short16(bytes, offset, order);
            case U32 -> int32(bytes, offset, order) & 0xFFFF_FFFFL;
            case S32 -> int32(bytes, offset, order);
            case F32 -> throw new IllegalStateException("f32 is not an integer: use readNumber");
        };
    }

    /** The raw number at {@code offset}: the integer, or the float's value. */
    public double readNumber(byte[] bytes, int offset, ByteOrder order) {
        return this == F32 ? Float.intBitsToFloat(int32(bytes, offset, order)) : read(bytes, offset, order);
    }

    /** Writes a raw number: a float as its IEEE bits, an integer rounded and clamped to the type's range. */
    public void writeNumber(ByteBuffer buf, int offset, double raw) {
        if (this == F32) {
            buf.putFloat(offset, (float) raw);
        } else {
            write(buf, offset, Math.round(raw));
        }
    }

    private static short short16(byte[] b, int o, ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN
                ? (short) ((b[o] & 0xFF) | (b[o + 1] << 8))
                : (short) ((b[o] << 8) | (b[o + 1] & 0xFF));
    }

    private static int int32(byte[] b, int o, ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN
                ? (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | b[o + 3] << 24
                : b[o] << 24 | (b[o + 1] & 0xFF) << 16 | (b[o + 2] & 0xFF) << 8 | (b[o + 3] & 0xFF);
    }

    /** Writes {@code raw}, clamped to the type's range so a simulator never wraps a value. */
    public void write(ByteBuffer buf, int offset, long raw) {
        long clamped = Math.max(min(), Math.min(max(), raw));
        switch (this) {
            case U8, S8 -> buf.put(offset, (byte) clamped);
            case U16, S16 -> buf.putShort(offset, (short) clamped);
            case U32, S32 -> buf.putInt(offset, (int) clamped);
            case F32 -> buf.putFloat(offset, (float) raw);
        }
    }

    public long min() {
        if (this == F32) {
            return Long.MIN_VALUE;
        }
        return signed ? -(1L << (size * 8 - 1)) : 0;
    }

    public long max() {
        if (this == F32) {
            return Long.MAX_VALUE;
        }
        return signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
    }

    public static FieldType parse(String text) {
        for (FieldType t : values()) {
            if (t.name().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown type '" + text + "' (expected one of u8, s8, u16, s16, u32, s32, f32)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
