package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.MqttSettings;
import dev.rollbridge.mqtt.PahoThreads;
import dev.rollbridge.mqtt.Topics;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.TimerPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The dashboard's own MQTT subscriber: it can run on another machine than the bridge. It keeps
 * what a page that opens late needs (the retained topics, recent events, this session's pressure
 * over time with its holds and alerts) and hands every message on to the open pages.
 */
public final class DashboardFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);
    private static final int EVENTS_KEPT = 50;
    private static final int POINTS_KEPT = 3_600;

    private final Topics topics;
    private final MqttSettings settings;
    private final PahoThreads threads = new PahoThreads();
    private final MqttAsyncClient client;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    // Guarded by "this".
    private final Map<String, JsonNode> latest = new LinkedHashMap<>();
    private final Map<String, Deque<JsonNode>> events = new LinkedHashMap<>();
    private final Map<String, Deque<double[]>> series = new LinkedHashMap<>();
    private final Map<String, ArrayNode> marks = new LinkedHashMap<>();

    public DashboardFeed(String brokerUrl, Topics topics) throws MqttException {
        this(MqttSettings.of(brokerUrl, "dashboard", topics.base()), topics);
    }

    /** Subscribes with the bridge's own broker settings (TLS, login), under its own client id. */
    public DashboardFeed(MqttSettings settings, Topics topics) throws MqttException {
        this.topics = topics;
        this.settings = settings;
        this.client = new MqttAsyncClient(settings.brokerUrl(), "rollbridge-dashboard-" + Long.toHexString(System.nanoTime() & 0xFFFFFF),
                new MemoryPersistence(), new TimerPingSender(), threads);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    client.subscribe(topics.base() + "/#", 1);
                } catch (MqttException e) {
                    log.warn("dashboard cannot subscribe to {}/#: {}", topics.base(), e.getMessage());
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                log.warn("dashboard lost the broker ({}); reconnecting", cause == null ? "?" : cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                receive(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** Connects (waiting up to 10 s for the first time) and keeps reconnecting after. */
    public void connect() throws MqttException {
        MqttConnectOptions options = settings.connectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(10_000);
        options.setMaxInflight(64);
        client.connect(options).waitForCompletion(10_000);
    }

    public Topics topics() {
        return topics;
    }

    /** A page's channel: gets every message from now on as a JSON line. */
    public void listen(Consumer<String> listener) {
        listeners.add(listener);
    }

    public void unlisten(Consumer<String> listener) {
        listeners.remove(listener);
    }

    /** Everything a page needs to show the present: retained topics, recent events, session series. */
    public synchronized List<String> snapshot() {
        List<String> out = new ArrayList<>();
        latest.forEach((topic, payload) -> out.add(message(topic, payload)));
        events.forEach((device, list) -> list.forEach(e -> out.add(message(topics.event(device), e))));
        series.forEach((device, points) -> {
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            ArrayNode p = s.putArray("points");
            points.forEach(pt -> p.addArray().add((long) pt[0]).add(pt[1]));
            s.set("marks", marks.getOrDefault(device, JsonNodeFactory.instance.arrayNode()));
            out.add(message("$series/" + device, s));
        });
        return out;
    }

    /** Sends a command for a device to {@code <base>/<device>/set}. */
    public void command(String device, JsonNode command) throws MqttException {
        MqttMessage m = new MqttMessage(Json.write(command).getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        client.publish(topics.device(device) + "/set", m);
    }

    private void receive(String topic, byte[] bytes) {
        JsonNode payload;
        try {
            payload = bytes.length == 0 ? JsonNodeFactory.instance.nullNode() : Json.read(bytes);
        } catch (java.io.IOException e) {
            return; // not ours
        }
        String line = message(topic, payload);
        synchronized (this) {
            remember(topic, payload);
        }
        for (Consumer<String> l : listeners) {
            l.accept(line);
        }
    }

    private void remember(String topic, JsonNode payload) {
        String rest = topic.startsWith(topics.base() + "/") ? topic.substring(topics.base().length() + 1) : null;
        if (rest == null || rest.endsWith("/set") || rest.endsWith("/set/response")) {
            return;
        }
        String[] parts = rest.split("/");
        String device = parts[0];
        if (parts.length == 2 && parts[1].equals("event")) {
            Deque<JsonNode> list = events.computeIfAbsent(device, d -> new ArrayDeque<>());
            list.addLast(payload);
            while (list.size() > EVENTS_KEPT) {
                list.removeFirst();
            }
            String type = payload.path("type").asText();
            if (type.equals("session_started")) {
                series.remove(device);
                marks.remove(device);
            }
            if (!type.startsWith("device_") && !type.startsWith("session_")) {
                marks.computeIfAbsent(device, d -> JsonNodeFactory.instance.arrayNode()).addArray()
                        .add(payload.path("t_ms").asLong()).add(type).add(payload.path("severity").asText())
                        .add(payload.path("state").asText());
            }
            return;
        }
        if (parts.length == 1 && !device.equals("bridge") && payload.has("pressure_kpa")) {
            Deque<double[]> points = series.computeIfAbsent(device, d -> new ArrayDeque<>());
            points.addLast(new double[]{payload.path("t_ms").asDouble(), payload.path("pressure_kpa").asDouble()});
            while (points.size() > POINTS_KEPT) {
                points.removeFirst();
            }
        }
        latest.put(topic, payload);
    }

    private static String message(String topic, JsonNode payload) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("topic", topic);
        m.set("payload", payload);
        return Json.write(m);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1_000).waitForCompletion(2_000);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("closing the dashboard's MQTT client: {}", e.getMessage());
        }
        threads.shutdown();
    }
}
