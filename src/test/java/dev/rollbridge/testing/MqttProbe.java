package dev.rollbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * A separate MQTT subscriber, as a dashboard or Home Assistant would be. Subscribes at QoS 2 so
 * each message arrives with the QoS it was published at.
 */
public final class MqttProbe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message as the subscriber saw it. */
    public record Received(String topic, String payload, int qos, boolean retained, long arrivedNanos) {
        public JsonNode json() {
            try {
                return JSON.readTree(payload);
            } catch (Exception e) {
                throw new AssertionError("not JSON on " + topic + ": " + payload, e);
            }
        }
    }

    private final MqttClient client;
    private final List<Received> messages = new CopyOnWriteArrayList<>();

    public MqttProbe(String url, String filter) throws MqttException {
        this(url, filter, false);
    }

    /**
     * @param persistent a persistent session that reconnects by itself, so the broker keeps QoS 1
     *                   messages for it across its own outages (as a real dashboard would)
     */
    public MqttProbe(String url, String filter, boolean persistent) throws MqttException {
        client = new MqttClient(url, "probe-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(!persistent);
        options.setAutomaticReconnect(persistent);
        options.setMaxReconnectDelay(500);
        options.setMaxInflight(1000);
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                messages.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.getQos(), message.isRetained(), System.nanoTime()));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
        client.subscribe(filter, 2);
    }

    public List<Received> messages() {
        return List.copyOf(messages);
    }

    public List<Received> on(String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    public Received await(String what, Duration timeout, Predicate<Received> condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> messages.stream().anyMatch(condition));
        return messages.stream().filter(condition).findFirst().orElseThrow();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
