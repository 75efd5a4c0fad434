package dev.rollbridge.stream;

import java.util.Map;

/**
 * The port every source of frames implements: a BLE backend, the simulator or a recording.
 * One transport serves one device. {@link #start} returns at once; frames then flow to the sink
 * from the transport's own thread until {@link #stop}.
 */
public interface Transport extends AutoCloseable {

    /** BLE address of the device this transport serves. */
    String deviceAddress();

    /** A short name for logs and {@code bridge/info}: {@code simulator}, {@code replay}, {@code bluez}. */
    String kind();

    void start(FrameSink sink);

    /** Counters of the link for {@code bridge/health} (connects, drops, reconnect ladder); empty when it has none. */
    default Map<String, Object> health() {
        return Map.of();
    }

    /** Stops delivering frames and releases the device; idempotent. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
