package dev.rollbridge.profile;

import java.nio.ByteBuffer;
import java.util.Locale;

/** The integer encodings a profile field may use. */
public enum FieldType {
    U8(1, false), S8(1, true), U16(2, false), S16(2, true), U32(4, false), S32(4, true);

    private final int size;
    private final boolean signed;

    FieldType(int size, boolean signed) {
        this.size = size;
        this.signed = signed;
    }

    public int size() {
        return size;
    }

    /** Reads the raw integer at {@code offset}; the buffer's byte order decides endianness. */
    public long read(ByteBuffer buf, int offset) {
        return switch (this) {
            case U8 -> buf.get(offset) & 0xFFL;
            case S8 -> buf.get(offset);
            case U16 -> buf.getShort(offset) & 0xFFFFL;
            case S16 -> buf.getShort(offset);
            case U32 -> buf.getInt(offset) & 0xFFFF_FFFFL;
            case S32 -> buf.getInt(offset);
        };
    }

    /** Writes {@code raw}, clamped to the type's range so a simulator never wraps a value. */
    public void write(ByteBuffer buf, int offset, long raw) {
        long clamped = Math.max(min(), Math.min(max(), raw));
        switch (this) {
            case U8, S8 -> buf.put(offset, (byte) clamped);
            case U16, S16 -> buf.putShort(offset, (short) clamped);
            case U32, S32 -> buf.putInt(offset, (int) clamped);
        }
    }

    public long min() {
        return signed ? -(1L << (size * 8 - 1)) : 0;
    }

    public long max() {
        return signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
    }

    public static FieldType parse(String text) {
        for (FieldType t : values()) {
            if (t.name().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown type '" + text + "' (expected one of u8, s8, u16, s16, u32, s32)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
