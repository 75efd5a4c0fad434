package dev.rollbridge.profile;

import java.util.List;
import java.util.Optional;

/**
 * Several notifying characteristics, each carrying some channels at its own rate, fused into one
 * sample stream in time order ({@link ChannelDecoder}); values written at connect and at stop; an
 * optional baseline for a pressure that reads a rise over rest.
 */
public record ChannelLayout(List<Notification> notifications, List<GattWrite> connectWrites, List<GattWrite> stopWrites,
                            Optional<Baseline> pressureBaseline) implements Wire {

    public boolean carries(String channel) {
        return notifications.stream().anyMatch(n -> n.carries(channel));
    }

    /** The fastest notification's rate: the fused stream's sample rate at most. */
    public double maxRateHz() {
        return notifications.stream().mapToDouble(Notification::rateHz).max().orElse(1);
    }

    public Optional<ChannelField> field(String channel) {
        return notifications.stream().flatMap(n -> n.fields().stream()).filter(f -> f.channel().equals(channel)).findFirst();
    }
}
