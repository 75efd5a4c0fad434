package dev.rollbridge.profile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * One channel in a notification's value, and how to turn it into the unit the analysis uses
 * (kPa of pressure, deg/s, g, battery %): {@code ((raw × scale) + fraction + add) × unit factor}.
 *
 * @param channel        {@code pressure}, {@code gyro_x|y|z}, {@code accel_x|y|z} or {@code battery}
 * @param type           binary encoding; null for a text value
 * @param fraction       a second field added to this one (an int32 + uint8 hundredths pair); null if none
 * @param unknownRaw     a raw value that means "no reading" (the channel keeps its last value); null if none
 * @param group          for a text value: the pattern's named group holding the number; null for binary
 * @param unitFactor     from the field's unit to the analysis unit
 * @param validMin       readings below this (in the field's unit) are no reading (a barometer's 0 before it is ready)
 * @param validMax       likewise above
 */
public record ChannelField(String channel, String unit, FieldType type, int offset, ByteOrder order, double scale,
                           FieldSpec fraction, Long unknownRaw, double add, String group, double unitFactor,
                           double validMin, double validMax) {

    /** Channels a notification may carry. */
    public static final List<String> CHANNELS =
            List.of("pressure", "gyro_x", "gyro_y", "gyro_z", "accel_x", "accel_y", "accel_z", "battery");

    /** The units each kind of channel may be given in, and the factor to the analysis unit ({@code area} for force units). */
    static final Map<String, Map<String, Double>> UNITS = Map.of(
            "pressure", Map.of("Pa", 0.001, "hPa", 0.1, "kPa", 1.0),
            "gyro", Map.of("deg/s", 1.0, "rad/s", 180 / Math.PI),
            "accel", Map.of("g", 1.0, "m/s2", 1 / 9.80665),
            "battery", Map.of("%", 1.0));
    /** Force on the tool, turned into a pressure over the profile's contact area: kPa per unit per cm². */
    static final Map<String, Double> FORCE_UNITS = Map.of("kg", 98.0665, "N", 10.0, "mN", 0.01);

    static String kind(String channel) {
        int underscore = channel.indexOf('_');
        return underscore < 0 ? channel : channel.substring(0, underscore);
    }

    public boolean isText() {
        return group != null;
    }

    /** The value in the analysis unit, or NaN when the raw value says there is no reading. */
    public double read(byte[] bytes) {
        double raw = type.readNumber(bytes, offset, order);
        if (unknownRaw != null && raw == unknownRaw) {
            return Double.NaN;
        }
        double v = raw * scale;
        if (fraction != null) {
            v += fraction.value(bytes, 0, order);
        }
        v += add;
        return outsideValid(v) ? Double.NaN : v * unitFactor;
    }

    /** A finite reading outside the field's valid range (an infinite one stays infinite: that is malformed, not missing). */
    private boolean outsideValid(double v) {
        return Double.isFinite(v) && (v < validMin || v > validMax);
    }

    /** The value in the analysis unit from a matched text value, or NaN when the group is empty or not a number. */
    public double parse(Matcher m) {
        String text;
        try {
            text = m.group(group);
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
        if (text == null || text.isEmpty()) {
            return Double.NaN;
        }
        double v;
        try {
            v = Double.parseDouble(text) * scale + add;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        return outsideValid(v) ? Double.NaN : v * unitFactor;
    }

    /** Writes {@code value} (analysis unit) the way the device would: the inverse of {@link #read}, at the field's resolution. */
    public void put(ByteBuffer buf, double value) {
        double inUnit = value / unitFactor - add;
        if (fraction != null) {
            // The integer part, then the rest in the fraction's steps (an int32 + uint8 hundredths pair).
            long total = Math.round(inUnit / fraction.scale());
            long perWhole = Math.max(1, Math.round(scale / fraction.scale()));
            type.write(buf, offset, Math.floorDiv(total, perWhole));
            fraction.type().write(buf, fraction.offset(), Math.floorMod(total, perWhole));
        } else {
            type.writeNumber(buf, offset, inUnit / scale);
        }
    }

    /** The largest magnitude the field can carry, in the analysis unit (infinite for text and floats). */
    public double maxMagnitude() {
        if (type == null || type == FieldType.F32) {
            return Double.POSITIVE_INFINITY;
        }
        double rawMax = Math.max(Math.abs((double) type.min()), Math.abs((double) type.max()));
        double extra = fraction == null ? 0 : fraction.maxMagnitude();
        return Math.abs((rawMax * scale + extra + add) * unitFactor);
    }
}
