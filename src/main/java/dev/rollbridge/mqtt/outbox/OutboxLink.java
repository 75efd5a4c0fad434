package dev.rollbridge.mqtt.outbox;

import java.util.concurrent.CompletableFuture;

/** What the outbox needs of a connection to the broker: the MQTT link is one; a test can bring its own. */
public interface OutboxLink {
    boolean isConnected();

    /** Completes when the broker has the message (QoS 1), fails when the connection drops first. */
    CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained);
}
