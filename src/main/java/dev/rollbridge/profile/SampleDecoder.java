package dev.rollbridge.profile;

import dev.rollbridge.stream.Frame;

/**
 * Turns one device's notifications into samples, following its profile: stateful (clocks,
 * counters, baselines), so one per device, used from one thread. Malformed values are counted and
 * reported to the listener, never thrown.
 */
public interface SampleDecoder {

    void decode(Frame frame);

    /** The link dropped: the next notification starts a new run of the device's clocks. */
    void resync();

    FrameDecoder.Stats stats();

    /** The decoder the profile's wire needs. */
    static SampleDecoder of(DeviceProfile profile, FrameDecoder.Listener listener) {
        return profile.isFramed() ? new FrameDecoder(profile, listener) : new ChannelDecoder(profile, listener);
    }
}
