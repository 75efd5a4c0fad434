package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.PahoThreads;
import dev.rollbridge.mqtt.contract.Topics;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The dashboard's own MQTT subscriber: it can run on another machine than the bridge. It keeps
 * what a page that opens late needs (the retained topics, recent events, this session's pressure
 * over time with its holds and alerts) and hands every message on to the open pages.
 *
 * <p>Anyone who can publish to the broker can publish under the base topic, so the feed takes
 * only the topics of the MQTT contract, for the bridge's devices (given by the daemon it runs in,
 * or, standing alone, those {@code bridge/info} lists, at most {@value #MAX_DEVICES}), each within
 * a size limit. What it keeps is the messages' text, not parsed trees (a small payload can parse
 * into a tree many times its size), within a byte budget: the oldest events go first. A message
 * outside that is never stored and never reaches a page.
 */
public final class DashboardFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);
    static final int EVENTS_KEPT = 50;
    static final int POINTS_KEPT = 3_600;
    static final int MARKS_KEPT = 500;
    static final int MAX_DEVICES = 16;
    /** Characters of event messages kept for pages that open late, over all devices. */
    static final int EVENT_BUDGET_CHARS = 512 * 1024;
    private static final int MAX_DEPTH = 16;
    private static final Pattern DEVICE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** The topics of the contract a page shows, with the largest payload each may carry. */
    private enum Kind {
        BRIDGE_STATE(256), BRIDGE_INFO(64 * 1024), STATE(4 * 1024), EVENT(4 * 1024), AVAILABILITY(256), SESSION(16 * 1024),
        RESPONSE(4 * 1024);

        final int maxBytes;

        Kind(int maxBytes) {
            this.maxBytes = maxBytes;
        }
    }

    private record Route(Kind kind, String device) {
    }

    /** An alert on the pressure chart. */
    private record Mark(long tMillis, String type, String severity, String state) {
    }

    /** This session's pressure over time: a ring of the last {@value #POINTS_KEPT} points, primitives only. */
    private static final class Series {
        final long[] t = new long[POINTS_KEPT];
        final float[] kpa = new float[POINTS_KEPT];
        int start;
        int size;

        void add(long tMillis, double pressure) {
            int at = (start + size) % POINTS_KEPT;
            t[at] = tMillis;
            kpa[at] = (float) pressure;
            if (size < POINTS_KEPT) {
                size++;
            } else {
                start = (start + 1) % POINTS_KEPT;
            }
        }
    }

    private final Topics topics;
    private final MqttSettings settings;
    private final PahoThreads threads = new PahoThreads();
    private final MqttAsyncClient client;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ignored = new AtomicLong();
    private final boolean inBridge;
    // Guarded by "this". Stored as the lines pages get: {"topic":…,"payload":…}.
    private final Set<String> devices = new LinkedHashSet<>();
    private final Map<String, String> latest = new LinkedHashMap<>();
    private final Map<String, Deque<String>> events = new LinkedHashMap<>();
    private final Map<String, Series> series = new LinkedHashMap<>();
    private final Map<String, Deque<Mark>> marks = new LinkedHashMap<>();
    private long eventChars;

    public DashboardFeed(String brokerUrl, Topics topics) throws MqttException {
        this(MqttSettings.of(brokerUrl, "dashboard", topics.base()), topics, false);
    }

    /**
     * Subscribes with the bridge's own broker settings (TLS, login), under its own client id.
     *
     * @param inBridge the feed runs in the daemon, which names its devices ({@link #bridgeDevices});
     *                 then bridge/info, which anyone who can publish could forge, does not choose
     *                 them. Standing alone, bridge/info does.
     */
    public DashboardFeed(MqttSettings settings, Topics topics, boolean inBridge) throws MqttException {
        this.topics = topics;
        this.settings = settings;
        this.inBridge = inBridge;
        this.client = new MqttAsyncClient(settings.brokerUrl(), "rollbridge-dashboard-" + Long.toHexString(System.nanoTime() & 0xFFFFFF),
                new MemoryPersistence(), new TimerPingSender(), threads);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // A clean session forgets subscriptions: the bridge's topics, then each known device's.
                subscribe(topics.bridgeState(), topics.bridgeInfo());
                List<String> known;
                synchronized (DashboardFeed.this) {
                    known = List.copyOf(devices);
                }
                known.forEach(DashboardFeed.this::subscribeDevice);
            }

            @Override
            public void connectionLost(Throwable cause) {
                log.warn("dashboard lost the broker ({}); reconnecting", cause == null ? "?" : cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                try {
                    receive(topic, message.getPayload());
                } catch (Throwable e) {
                    // Never out to Paho: that would drop the connection.
                    ignore(topic, e.toString());
                }
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

    /** Whether the bridge lists this device (commands go only to those). */
    public synchronized boolean knows(String device) {
        return devices.contains(device);
    }

    /** Messages dropped: outside the contract, too large, not JSON, or for a device the bridge does not list. */
    public long ignoredCount() {
        return ignored.get();
    }

    /** Everything a page needs to show the present: retained topics, recent events, session series. */
    public synchronized List<String> snapshot() {
        List<String> out = new ArrayList<>(latest.values());
        events.values().forEach(out::addAll);
        series.forEach((device, points) -> {
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            ArrayNode p = s.putArray("points");
            for (int i = 0; i < points.size; i++) {
                int at = (points.start + i) % POINTS_KEPT;
                p.addArray().add(points.t[at]).add(points.kpa[at]);
            }
            ArrayNode m = s.putArray("marks");
            marks.getOrDefault(device, new ArrayDeque<>())
                    .forEach(k -> m.addArray().add(k.tMillis()).add(k.type()).add(k.severity()).add(k.state()));
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

    private void subscribe(String... filters) {
        try {
            int[] qos = new int[filters.length];
            Arrays.fill(qos, 1);
            client.subscribe(filters, qos);
        } catch (MqttException e) {
            log.warn("dashboard cannot subscribe to {}: {}", String.join(", ", filters), e.getMessage());
        }
    }

    private String[] deviceTopics(String device) {
        return new String[]{topics.device(device), topics.event(device), topics.availability(device), topics.session(device),
                topics.commandResponse(device)};
    }

    private void subscribeDevice(String device) {
        subscribe(deviceTopics(device));
    }

    /** Which topic of the contract this is; null when it is none of them or names an unknown device. */
    private Route route(String topic) {
        if (topic.equals(topics.bridgeState())) {
            return new Route(Kind.BRIDGE_STATE, null);
        }
        if (topic.equals(topics.bridgeInfo())) {
            return new Route(Kind.BRIDGE_INFO, null);
        }
        String prefix = topics.base() + "/";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String[] parts = topic.substring(prefix.length()).split("/", -1);
        String device = parts[0];
        synchronized (this) {
            if (!devices.contains(device)) {
                return null;
            }
        }
        if (parts.length == 1) {
            return new Route(Kind.STATE, device);
        }
        if (parts.length == 2) {
            return switch (parts[1]) {
                case "event" -> new Route(Kind.EVENT, device);
                case "availability" -> new Route(Kind.AVAILABILITY, device);
                case "session" -> new Route(Kind.SESSION, device);
                default -> null;
            };
        }
        return parts.length == 3 && parts[1].equals("set") && parts[2].equals("response") ? new Route(Kind.RESPONSE, device) : null;
    }

    private void receive(String topic, byte[] bytes) {
        Route route = route(topic);
        if (route == null) {
            ignore(topic, "not a topic of the contract for a device in bridge/info");
            return;
        }
        if (bytes.length > route.kind().maxBytes) {
            ignore(topic, bytes.length + " bytes, more than " + route.kind().maxBytes);
            return;
        }
        JsonNode payload;
        try {
            payload = bytes.length == 0 ? JsonNodeFactory.instance.nullNode() : Json.read(bytes, MAX_DEPTH);
        } catch (IOException e) {
            ignore(topic, "not JSON");
            return;
        }
        if (!payload.isObject() && !payload.isNull()) {
            ignore(topic, "not a JSON object");
            return;
        }
        String line = message(topic, payload);
        List<String> added = List.of();
        synchronized (this) {
            if (route.kind() == Kind.BRIDGE_INFO && !inBridge) {
                added = updateDevices(payload);
            }
            remember(topic, route, payload, line);
        }
        added.forEach(this::subscribeDevice);
        for (Consumer<String> l : listeners) {
            l.accept(line);
        }
    }

    /** In the daemon: its devices, the only ones the page shows and commands go to. */
    public void bridgeDevices(Collection<String> ids) {
        List<String> added;
        synchronized (this) {
            added = setDevices(ids);
        }
        added.forEach(this::subscribeDevice);
    }

    /** The devices {@code bridge/info} lists (valid ids, at most {@value #MAX_DEVICES}); returns the new ones. */
    private List<String> updateDevices(JsonNode info) {
        List<String> listed = new ArrayList<>();
        for (JsonNode d : info.path("devices")) {
            listed.add(d.path("id").asText(""));
        }
        return setDevices(listed);
    }

    private List<String> setDevices(Collection<String> ids) {
        Set<String> listed = new LinkedHashSet<>();
        for (String id : ids) {
            if (DEVICE_ID.matcher(id).matches() && !id.equals("bridge") && listed.size() < MAX_DEVICES) {
                listed.add(id);
            }
        }
        List<String> added = new ArrayList<>();
        for (String id : listed) {
            if (!devices.contains(id)) {
                added.add(id);
            }
        }
        for (String gone : new ArrayList<>(devices)) {
            if (!listed.contains(gone)) {
                forget(gone);
            }
        }
        devices.clear();
        devices.addAll(listed);
        return added;
    }

    private void forget(String device) {
        try {
            client.unsubscribe(deviceTopics(device));
        } catch (MqttException e) {
            log.debug("dashboard unsubscribe from {}: {}", device, e.getMessage());
        }
        for (String t : deviceTopics(device)) {
            latest.remove(t);
        }
        Deque<String> gone = events.remove(device);
        if (gone != null) {
            gone.forEach(l -> eventChars -= l.length());
        }
        series.remove(device);
        marks.remove(device);
    }

    private void remember(String topic, Route route, JsonNode payload, String line) {
        String device = route.device();
        switch (route.kind()) {
            case RESPONSE -> {
                // An answer to one click: shown live, not kept.
            }
            case EVENT -> {
                Deque<String> list = events.computeIfAbsent(device, d -> new ArrayDeque<>());
                list.addLast(line);
                eventChars += line.length();
                while (list.size() > EVENTS_KEPT) {
                    eventChars -= list.removeFirst().length();
                }
                keepWithinBudget();
                String type = payload.path("type").asText();
                if (type.equals("session_started")) {
                    series.remove(device);
                    marks.remove(device);
                }
                if (!type.startsWith("device_") && !type.startsWith("session_")) {
                    Deque<Mark> m = marks.computeIfAbsent(device, d -> new ArrayDeque<>());
                    m.addLast(new Mark(payload.path("t_ms").asLong(), Json.excerpt(type, 64), Json.excerpt(payload.path("severity").asText(), 16),
                            Json.excerpt(payload.path("state").asText(), 16)));
                    while (m.size() > MARKS_KEPT) {
                        m.removeFirst();
                    }
                }
            }
            case STATE -> {
                if (payload.path("pressure_kpa").isNumber() && payload.path("t_ms").isNumber()) {
                    series.computeIfAbsent(device, d -> new Series()).add(payload.path("t_ms").asLong(), payload.path("pressure_kpa").asDouble());
                }
                latest.put(topic, line);
            }
            default -> latest.put(topic, line);
        }
    }

    /** Past the budget, the oldest events of the device that keeps the most go first. */
    private void keepWithinBudget() {
        while (eventChars > EVENT_BUDGET_CHARS) {
            Deque<String> longest = null;
            for (Deque<String> list : events.values()) {
                if (!list.isEmpty() && (longest == null || list.size() > longest.size())) {
                    longest = list;
                }
            }
            if (longest == null) {
                return;
            }
            eventChars -= longest.removeFirst().length();
        }
    }

    private void ignore(String topic, String why) {
        long n = ignored.incrementAndGet();
        if (n <= 3 || n % 1000 == 0) {
            log.info("dashboard: ignored a message on {} ({} so far): {}", Json.excerpt(topic, 100), n, why);
        }
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
