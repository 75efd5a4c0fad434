package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What the dashboard's pages see of the broker: in the daemon over the daemon's own link, or
 * standing alone (on another machine than the bridge, say) over a link of its own. It keeps
 * what a page that opens late needs (the retained topics, recent events, this session's pressure
 * over time with its holds and alerts, the history of the last weeks) and hands every message on
 * to the open pages.
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
    /**
     * The largest history summary taken: the bridge sends at most 32 KB; a little room for a newer
     * one. It is kept per device (one each), checked and rebuilt by {@link HistoryCheck}.
     */
    static final int HISTORY_MAX_BYTES = 48 * 1024;
    private static final Pattern DEVICE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** The topics of the contract a page shows, with the largest payload each may carry. */
    private enum Kind {
        BRIDGE_STATE(256), BRIDGE_INFO(64 * 1024), STATE(4 * 1024), EVENT(4 * 1024), AVAILABILITY(256), SESSION(16 * 1024),
        RESPONSE(4 * 1024), HISTORY(HISTORY_MAX_BYTES, 6),
        SEGMENTS(8 * 1024), CHECKIN(4 * 1024, 4);

        final int maxBytes;
        final int maxDepth;

        Kind(int maxBytes) {
            this(maxBytes, MAX_DEPTH);
        }

        Kind(int maxBytes, int maxDepth) {
            this.maxBytes = maxBytes;
            this.maxDepth = maxDepth;
        }
    }

    private record Route(Kind kind, String device) {
    }

    private record Incoming(String topic, byte[] payload) {
    }

    /** What may wait for the feed's thread: a page cannot use more than a few seconds' worth anyway. */
    static final int INBOX_MESSAGES = 1_024;
    static final long INBOX_BYTES = 1024 * 1024;
    static final int COMMANDS_IN_FLIGHT = 2;

    /** An alert on the pressure chart. */
    /** @param ts the event's wall time as published (ISO), shown in the page's clock */
    private record Mark(long tMillis, String type, String severity, String state, String ts) {
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
    private final MqttLink link;
    private final boolean ownsLink;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ignored = new AtomicLong();
    private final boolean inBridge;
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final MqttLink.MessageHandler handler = this::handOver;
    /**
     * Messages wait here for the feed's own thread. The link's callback thread also carries the
     * bridge's commands and acknowledgements, so it only queues: a flood of messages (anyone who
     * can publish can send one) costs the dashboard messages, never the bridge's connection.
     */
    private final BlockingQueue<Incoming> inbox = new ArrayBlockingQueue<>(INBOX_MESSAGES);
    private final AtomicLong inboxBytes = new AtomicLong();
    private final AtomicInteger commandsInFlight = new AtomicInteger();
    private final Thread worker;
    // Guarded by "this". Stored as the lines pages get: {"topic":…,"payload":…}.
    private final Set<String> devices = new LinkedHashSet<>();
    private final Map<String, String> latest = new LinkedHashMap<>();
    private final Map<String, Deque<String>> events = new LinkedHashMap<>();
    private final Map<String, Series> series = new LinkedHashMap<>();
    private final Map<String, Deque<Mark>> marks = new LinkedHashMap<>();
    private long eventChars;

    /** Standing alone, on a broker with no TLS or login: see {@link #standalone}. */
    public DashboardFeed(String brokerUrl, Topics topics) {
        this(new MqttLink(dashboardSettings(MqttSettings.of(brokerUrl, "dashboard", topics.base()))), true, topics, false);
    }

    /**
     * In the daemon, over its own link to the broker: the daemon names its devices
     * ({@link #bridgeDevices}), so bridge/info, which anyone who can publish could forge, does not
     * choose them. The link stays the daemon's: {@link #close} only ends the feed's subscriptions.
     */
    public static DashboardFeed inBridge(MqttLink daemonLink, Topics topics) {
        return new DashboardFeed(daemonLink, false, topics, true);
    }

    /**
     * Standing alone (it can run on another machine than the bridge), with the bridge's broker
     * settings (TLS, login) under a client id of its own; {@code bridge/info} names the devices.
     * {@link #connect} connects it.
     */
    public static DashboardFeed standalone(MqttSettings settings, Topics topics) {
        return new DashboardFeed(new MqttLink(dashboardSettings(settings)), true, topics, false);
    }

    private static MqttSettings dashboardSettings(MqttSettings settings) {
        return settings.withClientId("rollbridge-dashboard-" + Long.toHexString(System.nanoTime() & 0xFFFFFF));
    }

    private DashboardFeed(MqttLink link, boolean ownsLink, Topics topics, boolean inBridge) {
        this.topics = topics;
        this.link = link;
        this.ownsLink = ownsLink;
        this.inBridge = inBridge;
        this.worker = new Thread(this::work, "dashboard-feed");
        worker.setDaemon(true);
        worker.start();
        // The link makes its subscriptions again on every connect (a clean session forgets them).
        subscribe(topics.bridgeState(), topics.bridgeInfo());
    }

    /**
     * Standing alone: connects (waiting up to 10 s for the first time) and keeps reconnecting
     * after. In the daemon the daemon connects its link.
     */
    public void connect() throws MqttException {
        if (ownsLink) {
            link.connect(Duration.ofSeconds(10));
        }
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
                    .forEach(k -> m.addArray().add(k.tMillis()).add(k.type()).add(k.severity()).add(k.state()).add(k.ts()));
            out.add(message("$series/" + device, s));
        });
        return out;
    }

    /**
     * Sends a command for a device to {@code <base>/<device>/set} (QoS 1). At most
     * {@value #COMMANDS_IN_FLIGHT} wait for the broker at a time: in the daemon they share its
     * link's in-flight window, most of which the events' outbox holds.
     *
     * @throws IllegalStateException when the broker is not connected, the command was refused by
     *                               the link, or earlier commands still wait for the broker
     */
    public void command(String device, JsonNode command) {
        if (!link.isConnected()) {
            throw new IllegalStateException("not connected to the MQTT broker at " + link.settings().redactedBrokerUrl());
        }
        if (commandsInFlight.incrementAndGet() > COMMANDS_IN_FLIGHT) {
            commandsInFlight.decrementAndGet();
            throw new IllegalStateException("earlier commands still wait for the MQTT broker; try again");
        }
        CompletableFuture<Void> sent = link.publish(topics.device(device) + "/set",
                Json.write(command).getBytes(StandardCharsets.UTF_8), 1, false);
        sent.whenComplete((ok, err) -> commandsInFlight.decrementAndGet());
        if (sent.isCompletedExceptionally()) {
            throw new IllegalStateException("the MQTT client refused the command: " + sent.handle((ok, err) -> String.valueOf(
                    err.getMessage())).join());
        }
    }

    private void subscribe(String... filters) {
        for (String filter : filters) {
            subscribed.add(filter);
            link.subscribe(filter, handler);
        }
    }

    /** On the link's thread: queue, or drop and count; never wait. */
    void handOver(String topic, byte[] payload) {
        if (payload.length > Kind.BRIDGE_INFO.maxBytes) {
            ignore(topic, payload.length + " bytes, more than any topic of the contract may carry");
            return;
        }
        if (inboxBytes.addAndGet(payload.length) > INBOX_BYTES || !inbox.offer(new Incoming(topic, payload))) {
            inboxBytes.addAndGet(-payload.length);
            ignore(topic, "the dashboard is behind (" + inbox.size() + " messages waiting)");
        }
    }

    private void work() {
        try {
            while (true) {
                Incoming m = inbox.take();
                inboxBytes.addAndGet(-m.payload().length);
                receiveSafely(m.topic(), m.payload());
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void receiveSafely(String topic, byte[] payload) {
        try {
            receive(topic, payload);
        } catch (RuntimeException | Error e) {
            // The feed's thread must outlive any one message (a deep tree's StackOverflowError included).
            ignore(topic, e.toString());
        }
    }

    private String[] deviceTopics(String device) {
        return new String[]{topics.device(device), topics.event(device), topics.availability(device), topics.session(device),
                topics.commandResponse(device), topics.history(device), topics.segments(device),
                topics.checkin(device)};
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
                case "history" -> new Route(Kind.HISTORY, device);
                case "segments" -> new Route(Kind.SEGMENTS, device);
                case "checkin" -> new Route(Kind.CHECKIN, device);
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
            payload = bytes.length == 0 ? JsonNodeFactory.instance.nullNode() : Json.read(bytes, route.kind().maxDepth);
        } catch (IOException e) {
            ignore(topic, "not JSON");
            return;
        }
        if (!payload.isObject() && !payload.isNull()) {
            ignore(topic, "not a JSON object");
            return;
        }
        if (route.kind() == Kind.HISTORY && payload.isObject()) {
            try {
                payload = HistoryCheck.check(payload);
            } catch (HistoryCheck.Refused e) {
                ignore(topic, "a history summary the page cannot show: " + e.getMessage());
                return;
            }
        }
        if (payload.isObject() && (route.kind() == Kind.SEGMENTS || route.kind() == Kind.SESSION && payload.has("segments"))) {
            // Where on the muscle: checked field by field, as the history is.
            try {
                if (route.kind() == Kind.SEGMENTS) {
                    payload = SegmentsCheck.check(payload, route.device());
                } else {
                    ((ObjectNode) payload).set("segments", SegmentsCheck.segments(payload.get("segments")));
                }
            } catch (HistoryCheck.Refused e) {
                ignore(topic, "segments the page cannot show: " + e.getMessage());
                return;
            }
        }
        if (route.kind() == Kind.CHECKIN && payload.isObject()) {
            try {
                payload = CheckinCheck.check(payload, route.device());
            } catch (HistoryCheck.Refused e) {
                ignore(topic, "a check-in state the page cannot show: " + e.getMessage());
                return;
            }
        }
        if (route.kind() == Kind.EVENT && payload.path("type").asText().equals("coach_prompt")) {
            String problem = CoachPromptCheck.problem(payload);
            if (problem != null) {
                ignore(topic, "a coach prompt the page cannot show: " + problem);
                return;
            }
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
        for (String t : deviceTopics(device)) {
            subscribed.remove(t);
            link.unsubscribe(t, handler);
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
                // The coach's prompts are words, not something the person did: no mark on the chart.
                if (!type.startsWith("device_") && !type.startsWith("session_") && !type.startsWith("checkin_") && !type.equals("coach_prompt")) {
                    Deque<Mark> m = marks.computeIfAbsent(device, d -> new ArrayDeque<>());
                    m.addLast(new Mark(payload.path("t_ms").asLong(), Json.excerpt(type, 64), Json.excerpt(payload.path("severity").asText(), 16),
                            Json.excerpt(payload.path("state").asText(), 16), Json.excerpt(payload.path("ts").asText(), 40)));
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

    /** Ends the feed's subscriptions; a link of its own is closed too. */
    @Override
    public void close() {
        if (ownsLink) {
            link.close();
        } else {
            for (String filter : List.copyOf(subscribed)) {
                link.unsubscribe(filter, handler);
            }
            subscribed.clear();
        }
        worker.interrupt();
    }
}
