package dev.rollbridge.profile;

/**
 * How a device's bytes carry its samples: frames of whole samples on one characteristic
 * ({@link FramedWire}, RollSense), or separate characteristics each carrying some channels at
 * their own rate ({@link ChannelLayout}, published sensors like the Thingy:52).
 */
public sealed interface Wire permits FramedWire, ChannelLayout {
}
