package dev.rollbridge.profile;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One notifying characteristic of a channel profile and the channels its value carries.
 *
 * @param rateHz the rate the device notifies at once the profile's connect writes are made: the
 *               expected spacing for smoothing receive times and counting lost notifications
 * @param size   the value's exact length in bytes (binary values)
 * @param text   for text values: a pattern with a named group per channel, matched on the whole value
 * @param textFormat for text values: how the device writes them, {@code {group:%05.1f}} per channel
 *                   group and {@code {group:rising}} for a 1/0 flag of that group's value rising
 *                   (what the simulator sends; the decoder reads with {@code text})
 */
public record Notification(String name, Characteristic characteristic, double rateHz, int size, Optional<Pattern> text,
                           Optional<String> textFormat, List<ChannelField> fields) {

    public long periodMicros() {
        return Math.round(1_000_000.0 / rateHz);
    }

    public boolean carries(String channel) {
        return fields.stream().anyMatch(f -> f.channel().equals(channel));
    }
}
