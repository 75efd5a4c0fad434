package dev.rollbridge.bridge;

import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** What an {@link Extension} may use of the running bridge. */
public interface BridgeContext {
    Topics topics();

    /** The bridge's one connection to the broker: subscriptions, and messages that are not events. */
    MqttLink link();

    /** The publish path: events (durable, numbered), command answers, {@code bridge/info}. */
    MqttPublisher publisher();

    List<Bridge.Device> devices();

    Optional<DevicePipeline> pipeline(String deviceId);

    /** Every device's pipeline, in the order of {@link #devices}. */
    List<DevicePipeline> pipelines();

    /** Wall clock, for stamps and days (never for analysis, which takes time from the samples). */
    Clock clock();

    /** Adds {@code key} to {@code bridge/info}, read each time it is published. */
    void info(String key, Supplier<Object> value);

    /** Adds {@code key} to {@code bridge/health}, read each time it is published. */
    void health(String key, Supplier<Object> value);

    /** What the extensions add to {@code bridge/health}, read now. */
    Map<String, Object> contributedHealth();
}
