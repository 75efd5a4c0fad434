package dev.rollbridge.bridge;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.mqtt.outbox.EventOutbox;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A feature that follows the bridge (Home Assistant discovery, history, the audible cue, the
 * console, the dashboard, the bridge's own API...), one file each, in the zigbee2mqtt manner. The
 * core keeps only the device pipelines and the publish path; everything else is an extension,
 * started after the core in list order and stopped in reverse. Each is isolated: one that throws
 * is logged (rate-limited) and the others, and the alerts, go on.
 */
public interface Extension {

    /** A short name for the log ({@code history}, {@code home-assistant}). */
    String name();

    /** Once, before any device starts: subscribe, read what it needs, contribute to info and health. */
    default void start(BridgeContext context) throws Exception {
    }

    /** An event of a device, on its pipeline thread: must not block. */
    default void onEvent(String deviceId, Event event) {
    }

    /** A device's state (every 100 ms of sample time, and after a command), on its pipeline thread: must not block. */
    default void onState(String deviceId, DeviceState state) {
    }

    /** A device's link came up or went down, on its pipeline thread. */
    default void onLink(String deviceId, boolean up) {
    }

    /** An event the broker has acknowledged, on the outbox's thread, in order. */
    default void onDelivered(EventOutbox.Message message) {
    }

    /**
     * Waits until the work queued so far is done (a finite source's last events written to the
     * history, say), at most {@code timeout}; false if it was not.
     */
    default boolean drain(Duration timeout) throws InterruptedException {
        return true;
    }

    /** Once, after the devices have stopped and before the bridge goes offline. */
    default void stop() {
    }

    /** An extension that only adds {@code key} to {@code bridge/info} (the configuration it runs with, say). */
    static Extension info(String key, Supplier<Object> value) {
        return new Extension() {
            @Override
            public String name() {
                return "info:" + key;
            }

            @Override
            public void start(BridgeContext context) {
                context.info(key, value);
            }
        };
    }
}
