package dev.rollbridge.profile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes a channel profile's notifications the way the device does: the inverse of
 * {@link ChannelDecoder} at each field's resolution (for the simulator and tests). Text values
 * follow the notification's {@code format}; a rising flag compares with the last value sent.
 */
public final class ChannelEncoder {
    private final Map<String, Double> lastByGroup = new HashMap<>();

    /**
     * @param value each channel's value in the analysis unit ({@code pressure} as the device reads
     *              it: for a profile with a baseline, the absolute pressure, not the rise)
     */
    public byte[] encode(Notification n, ToDoubleFunction<String> value) {
        if (n.text().isPresent()) {
            String format = n.textFormat().orElseThrow(() -> new IllegalArgumentException(
                    "notification " + n.name() + " has no text format: it cannot be written"));
            Map<String, Double> now = new HashMap<>();
            for (ChannelField f : n.fields()) {
                now.put(f.group(), value.applyAsDouble(f.channel()));
            }
            String text = TextFormat.write(format, n.fields(), f -> now.get(f.group()),
                    group -> lastByGroup.containsKey(group) && now.getOrDefault(group, 0.0) > lastByGroup.get(group));
            lastByGroup.putAll(now);
            return text.getBytes(StandardCharsets.US_ASCII);
        }
        ByteBuffer buf = ByteBuffer.allocate(n.size());
        for (ChannelField f : n.fields()) {
            buf.order(f.order()); // a fraction is written in its field's order too
            f.put(buf, value.applyAsDouble(f.channel()));
        }
        return buf.array();
    }

    /** A Battery Level (0x2A19) value. */
    public static byte[] battery(FieldSpec level, int percent) {
        ByteBuffer buf = ByteBuffer.allocate(level.end());
        level.put(buf, 0, percent);
        return buf.array();
    }
}
