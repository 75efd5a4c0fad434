package dev.rollbridge.mqtt;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.mqtt.contract.Payloads;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.outbox.EventOutbox;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Publishes the bridge's side of the MQTT contract (design §5): {@code bridge/state} (online,
 * offline as last will), {@code bridge/info}, per-device availability, state (retained, at most
 * 2 Hz and only on change) and events (QoS 1 through the {@link EventOutbox}, each with a unique
 * {@code id} and a per-device {@code seq} that goes up by one).
 *
 * <p>Retained messages are published again on every reconnect, so a broker that restarted
 * without persistence still shows the truth.
 */
public final class MqttPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttPublisher.class);
    private static final long STATE_INTERVAL_MS = 500;
    private static final DateTimeFormatter SESSION_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final MqttLink link;
    private final Topics topics;
    private final Clock clock;
    private final Supplier<Map<String, Object>> info;
    private final EventOutbox outbox;
    private final ScheduledExecutorService stateTimer;
    private final Map<String, Boolean> availability = new ConcurrentHashMap<>();
    private final SplittableRandom eventIds = new SplittableRandom(new SecureRandom().nextLong());
    private final Map<String, String> sessionIds = new ConcurrentHashMap<>();
    private final Map<String, LatestState> states = new ConcurrentHashMap<>();
    private volatile boolean started;

    private static final class LatestState {
        volatile DeviceState state;
        volatile Instant seen;
        DeviceState published;
        /** The per-segment figures last published: the analysis hands a new list only when they changed, at most once a second. */
        Object publishedSegments;
    }

    /**
     * @param info         builds the {@code bridge/info} payload (no secrets in it)
     * @param onDelivered  told about each event once the broker has acknowledged it
     */
    public MqttPublisher(MqttLink link, Topics topics, Clock clock, Supplier<Map<String, Object>> info,
                         EventOutbox.DeliveryListener onDelivered) {
        this(link, topics, clock, info, onDelivered, Optional.empty());
    }

    /** @param journal where undelivered events are kept across restarts (none: in memory only) */
    public MqttPublisher(MqttLink link, Topics topics, Clock clock, Supplier<Map<String, Object>> info,
                         EventOutbox.DeliveryListener onDelivered, Optional<OutboxJournal> journal) {
        this.link = link;
        this.topics = topics;
        this.clock = clock;
        this.info = info;
        // Leave a few of Paho's in-flight slots to retained and state messages.
        this.outbox = new EventOutbox(link, Math.max(1, link.settings().maxInflight() - 4), onDelivered, journal,
                EventOutbox.Bounds.defaults(), clock, link::forceReconnect);
        this.stateTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-state");
            t.setDaemon(true);
            return t;
        });
    }

    /** The retained last will that marks the bridge offline if the process dies. */
    public static MqttLink.Will will(Topics topics) {
        return new MqttLink.Will(topics.bridgeState(), Payloads.offline());
    }

    public void start() {
        started = true;
        link.setListener(new MqttLink.Listener() {
            @Override
            public void connected(boolean reconnect) {
                publishRetained();
                outbox.connected();
            }

            @Override
            public void connectionLost(String reason) {
                // The outbox resends what was not acknowledged once the link is back.
                outbox.connectionLost();
            }
        });
        if (link.isConnected()) {
            // Connected before we listened (the connection is started early): catch up now.
            publishRetained();
            outbox.connected();
        }
        stateTimer.scheduleAtFixedRate(this::publishChangedStates, STATE_INTERVAL_MS, STATE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private final List<Runnable> onConnect = new CopyOnWriteArrayList<>();

    /**
     * Something else to publish (retained) on every connect, after the bridge's own topics:
     * discovery. Added once publishing has started on a connected link, it is published at once too.
     */
    public void alsoOnConnect(Runnable publish) {
        onConnect.add(publish);
        if (started && link.isConnected()) {
            publish.run();
        }
    }

    private void publishRetained() {
        link.publish(topics.bridgeState(), Payloads.online(), 1, true);
        link.publish(topics.bridgeInfo(), Payloads.json(info.get()), 1, true);
        availability.forEach((device, up) -> link.publish(topics.availability(device),
                up ? Payloads.online() : Payloads.offline(), 1, true));
        onConnect.forEach(Runnable::run);
    }

    /** A device's availability (retained); before {@link #start} only noted, then published after bridge/state and info. */
    public void availability(String deviceId, boolean up) {
        availability.put(deviceId, up);
        if (started && link.isConnected()) {
            link.publish(topics.availability(deviceId), up ? Payloads.online() : Payloads.offline(), 1, true);
        }
    }

    /**
     * Stamps the event (id, ts, session id, and its seq where it enters the outbox, so events from
     * any thread leave in seq order) and queues it for at-least-once delivery.
     */
    public void event(String deviceId, Event e) {
        Instant now = clock.instant();
        String sessionId = sessionId(deviceId, e.session());
        String id = newEventId();
        String severity = e.severity().name().toLowerCase(Locale.ROOT);
        outbox.submitEvent(deviceId, seq -> {
            EventOutbox.Message event = new EventOutbox.Message(topics.event(deviceId),
                    Payloads.event(id, seq, deviceId, sessionId, e, now), false, true, deviceId, seq, severity, now.toEpochMilli());
            if (e.type() != EventType.SESSION_ENDED) {
                return List.of(event);
            }
            return List.of(event, new EventOutbox.Message(topics.session(deviceId), Payloads.sessionSummary(deviceId, sessionId, e, now),
                    true, false, deviceId, -1, severity, now.toEpochMilli()));
        });
    }

    /**
     * A random (version 4) UUID for consumers to de-duplicate on. From a generator seeded once by
     * {@code SecureRandom}: {@code UUID.randomUUID()} asks {@code SecureRandom} every time, which
     * cost tens of microseconds on the way out of each alert. Ids need to be unique, not secret.
     */
    private String newEventId() {
        long msb;
        long lsb;
        synchronized (eventIds) {
            msb = eventIds.nextLong();
            lsb = eventIds.nextLong();
        }
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** Handles {@code <device>/set} payloads (on Paho's thread: must not block). */
    @FunctionalInterface
    public interface CommandHandler {
        void handle(String deviceId, byte[] payload);
    }

    public void listenForCommands(CommandHandler handler) {
        link.subscribe(topics.commandFilter(), (topic, payload) -> {
            String device = topics.deviceOfCommandTopic(topic);
            if (device != null) {
                handler.handle(device, payload);
            }
        });
    }

    /**
     * Answers a command on {@code <device>/set/response}: QoS 0, not retained, not queued, so a
     * flood of bad requests can never fill the in-flight window the events need.
     */
    public void respond(String deviceId, boolean ok, String message, Object transaction) {
        link.publish(topics.commandResponse(deviceId), Payloads.commandResponse(ok, message, transaction), 0, false);
    }

    /** The id of a device's session number: device, when it was first seen, and the number; null for 0. */
    public String sessionId(String deviceId, int session) {
        return session == 0 ? null : sessionIds.computeIfAbsent(deviceId + "#" + session,
                k -> deviceId + "-" + SESSION_STAMP.format(clock.instant()) + "-" + session);
    }

    /** Publishes {@code bridge/info} again (its content changed, e.g. after a calibration). */
    public void republishInfo() {
        if (link.isConnected()) {
            link.publish(topics.bridgeInfo(), Payloads.json(info.get()), 1, true);
        }
    }

    /** Records the latest state; the timer publishes it if it changed (latest value wins). */
    public void state(String deviceId, DeviceState state) {
        LatestState latest = states.computeIfAbsent(deviceId, d -> new LatestState());
        latest.state = state;
        latest.seen = clock.instant();
    }

    private synchronized void publishChangedStates() {
        if (!link.isConnected()) {
            return;
        }
        states.forEach((device, latest) -> {
            DeviceState s = latest.state;
            if (s != null && !sameForPeople(s, latest.published)) {
                latest.published = s;
                link.publish(topics.device(device), Payloads.state(s, latest.seen), 0, true);
            }
            if (s != null && s.segments() != latest.publishedSegments) {
                latest.publishedSegments = s.segments();
                link.publish(topics.segments(device), Payloads.segments(device, s, latest.seen), 0, true);
            }
        });
    }

    /** Ignores the sample clock alone, so an idle device does not publish twice a second. */
    private static boolean sameForPeople(DeviceState a, DeviceState b) {
        return b != null && a.pressureKpa() == b.pressureKpa() && a.speedCmS() == b.speedCmS() && a.phase() == b.phase()
                && a.holdS() == b.holdS() && a.legActiveS() == b.legActiveS() && a.battery() == b.battery()
                && a.leg().equals(b.leg()) && a.ceilingKpa() == b.ceilingKpa() && a.session() == b.session()
                && Double.compare(a.positionPct(), b.positionPct()) == 0;
    }

    public EventOutbox outbox() {
        return outbox;
    }

    /** Waits until every event has been acknowledged by the broker. */
    public boolean awaitEventsDelivered(Duration timeout) throws InterruptedException {
        return outbox.awaitDrained(timeout);
    }

    /**
     * Goes offline cleanly: last state, devices offline, {@code bridge/state} offline, after giving
     * queued events up to {@code grace} to reach the broker.
     */
    public void stop(Duration grace) {
        stateTimer.shutdownNow();
        try {
            if (!outbox.awaitDrained(grace)) {
                log.warn("{} event(s) were not acknowledged by the broker before shutdown", outbox.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (link.isConnected()) {
            publishChangedStates();
            availability.replaceAll((d, up) -> false);
            availability.keySet().forEach(d -> link.publish(topics.availability(d), Payloads.offline(), 1, true));
            try {
                link.publish(topics.bridgeState(), Payloads.offline(), 1, true).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("could not publish bridge offline: {}", e.toString());
            }
        }
        outbox.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }
}
