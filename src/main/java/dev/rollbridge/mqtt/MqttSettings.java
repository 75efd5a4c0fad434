package dev.rollbridge.mqtt;

import java.net.URI;

/**
 * How to reach the broker.
 *
 * @param maxInflight Paho's window of unacknowledged messages; the event outbox keeps itself well
 *                    inside it so state updates always find room
 */
public record MqttSettings(String brokerUrl, String clientId, String baseTopic, int keepAliveSeconds, int maxInflight) {

    public static MqttSettings of(String brokerUrl, String clientId, String baseTopic) {
        return new MqttSettings(brokerUrl, clientId, baseTopic, 30, 64);
    }

    public MqttSettings {
        URI uri;
        try {
            uri = URI.create(brokerUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("broker URL '" + brokerUrl + "' is not a URL like tcp://127.0.0.1:1883");
        }
        if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("broker URL '" + brokerUrl + "' must look like tcp://HOST:PORT");
        }
    }

    /** The broker URL without any user info, safe for logs and {@code bridge/info}. */
    public String redactedBrokerUrl() {
        URI uri = URI.create(brokerUrl);
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }
}
