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
        return new MqttSettings(brokerUrl, clientId, baseTopic, 30, 20);
    }

    /** The same with another keepalive: a silent broker is noticed after about 1.5 × this. */
    public MqttSettings withKeepAlive(int seconds) {
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("keepalive must be 1 to 3600 s, not " + seconds);
        }
        return new MqttSettings(brokerUrl, clientId, baseTopic, seconds, maxInflight);
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
