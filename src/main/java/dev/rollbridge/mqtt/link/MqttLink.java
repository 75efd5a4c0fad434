package dev.rollbridge.mqtt.link;

import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.outbox.OutboxLink;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.TimerPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge's one connection to the broker (Paho, MQTT 3.1.1): TCP_NODELAY sockets, memory
 * persistence (alerts are made durable by the outbox, not by Paho's per-message fsync), a retained
 * last will, and Paho's automatic reconnect after the first connect has succeeded.
 *
 * <p>Each publish returns a future completed on PUBACK (QoS 1) or on send (QoS 0). When the
 * connection drops, every outstanding future fails at once, so callers can resend in order.
 */
public final class MqttLink implements OutboxLink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttLink.class);

    /** Connection lifecycle, called on Paho's threads. */
    public interface Listener {
        void connected(boolean reconnect);

        void connectionLost(String reason);
    }

    /** Receives messages on a subscribed topic, on Paho's thread: must not block. */
    @FunctionalInterface
    public interface MessageHandler {
        void handle(String topic, byte[] payload);
    }

    /** The message the broker publishes for us if we vanish. */
    public record Will(String topic, byte[] payload) {
    }

    private final MqttSettings settings;
    /** Paho's threads, without its 100 ms naps on every connect (see {@link PahoThreads}). */
    private final PahoThreads threads = new PahoThreads();
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final Set<CompletableFuture<Void>> outstanding = ConcurrentHashMap.newKeySet();
    /** Each filter with its handlers: the bridge and its extensions share the one connection. */
    private final Map<String, List<MessageHandler>> subscriptions = new ConcurrentHashMap<>();
    /** The filters above with a wildcard; a message is looked up by topic among the others. */
    private final Set<String> wildcardFilters = new CopyOnWriteArraySet<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private volatile boolean closed;
    private volatile Listener listener = new Listener() {
        @Override
        public void connected(boolean reconnect) {
        }

        @Override
        public void connectionLost(String reason) {
        }
    };

    /** A link with no last will: a client that watches and commands, and whose going away means nothing. */
    public MqttLink(MqttSettings settings) {
        this(settings, Optional.empty());
    }

    public MqttLink(MqttSettings settings, Will will) {
        this(settings, Optional.of(will));
    }

    private MqttLink(MqttSettings settings, Optional<Will> will) {
        this.settings = settings;
        try {
            this.client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence(),
                    new TimerPingSender(), threads);
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot use broker URL " + settings.redactedBrokerUrl() + ": " + e.getMessage(), e);
        }
        options = settings.connectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(30_000);
        // A broker that accepts TCP but never answers (stopped, overloaded) must not hold a reconnect for long.
        options.setConnectionTimeout(Math.max(2, Math.min(10, settings.keepAliveSeconds())));
        options.setMaxInflight(settings.maxInflight());
        will.ifPresent(w -> options.setWill(w.topic(), w.payload(), 1, true));
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    reconnects.incrementAndGet();
                    log.info("MQTT reconnected to {}", settings.redactedBrokerUrl());
                }
                // A clean session forgets subscriptions: make them again on every connect.
                subscriptions.keySet().forEach(MqttLink.this::subscribeNow);
                listener.connected(reconnect);
            }

            @Override
            public void connectionLost(Throwable cause) {
                String reason = cause == null ? "unknown" : String.valueOf(cause.getMessage());
                log.warn("MQTT connection to {} lost ({}); reconnecting", settings.redactedBrokerUrl(), reason);
                failOutstanding(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST));
                listener.connectionLost(reason);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // A topic a broker sends has no wildcards; one that has is matched by no exact filter.
                List<MessageHandler> exact = TopicFilter.hasWildcard(topic) ? null : subscriptions.get(topic);
                if (exact != null) {
                    deliver(exact, topic, message.getPayload());
                }
                for (String filter : wildcardFilters) {
                    List<MessageHandler> handlers = subscriptions.get(filter);
                    if (handlers != null && TopicFilter.matches(filter, topic)) {
                        deliver(handlers, topic, message.getPayload());
                    }
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Completion is tracked per publish through its action listener.
            }
        });
    }

    private void deliver(List<MessageHandler> handlers, String topic, byte[] payload) {
        for (MessageHandler handler : handlers) {
            try {
                handler.handle(topic, payload);
            } catch (Throwable e) {
                // Whatever a message does to its handler, it must never reach Paho: an exception
                // (an Error too) thrown out of messageArrived drops the connection, and the
                // broker then publishes the bridge's last will. Anyone who can publish could do that.
                handlerFailed(topic, e);
            }
        }
    }

    private void handlerFailed(String topic, Throwable e) {
        long n = handlerFailures.incrementAndGet();
        if (n <= 3 || n % 1000 == 0) {
            log.warn("handling a message on {} failed ({} so far): {}", Json.excerpt(topic, 100), n, e.toString());
        }
    }

    /** Messages whose handler threw; each was dropped, the connection kept. */
    public long handlerFailures() {
        return handlerFailures.get();
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public MqttSettings settings() {
        return settings;
    }

    /**
     * Connects once, waiting up to {@code timeout}. Paho does not retry a first connect, so a
     * failure here is the caller's to handle; the message names the broker and the cause.
     */
    public void connect(Duration timeout) throws MqttException {
        IMqttToken token = client.connect(options);
        token.waitForCompletion(timeout.toMillis());
        if (!client.isConnected()) {
            throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
        }
        // Paho's connectComplete callback tells the listener; nothing more to do here.
        log.info("MQTT connected to {} as {}", settings.redactedBrokerUrl(), settings.clientId());
    }

    /**
     * Subscribes at QoS 1, now if connected and again after every reconnect. Another handler of
     * the same filter is kept: each gets the messages.
     */
    public void subscribe(String filter, MessageHandler handler) {
        synchronized (subscriptions) {
            subscriptions.computeIfAbsent(filter, f -> new CopyOnWriteArrayList<>()).add(handler);
            if (TopicFilter.hasWildcard(filter)) {
                wildcardFilters.add(filter);
            }
        }
        if (client.isConnected()) {
            subscribeNow(filter);
        }
    }

    /** Ends what {@link #subscribe} began for this handler; the broker is told once no handler is left. */
    public void unsubscribe(String filter, MessageHandler handler) {
        boolean last = false;
        synchronized (subscriptions) {
            List<MessageHandler> handlers = subscriptions.get(filter);
            if (handlers != null && handlers.remove(handler) && handlers.isEmpty()) {
                subscriptions.remove(filter);
                wildcardFilters.remove(filter);
                last = true;
            }
        }
        if (last && client.isConnected()) {
            try {
                client.unsubscribe(filter);
            } catch (MqttException e) {
                log.debug("cannot unsubscribe from {}: {}", filter, e.getMessage());
            }
        }
    }

    private void subscribeNow(String filter) {
        try {
            client.subscribe(filter, 1);
        } catch (MqttException | RuntimeException e) {
            // Also on the reconnect path: one bad filter must not keep the others from being made again.
            log.warn("cannot subscribe to {}: {}", Json.excerpt(filter, 100), e.getMessage());
        }
    }

    /** How many times the link came back after a drop. */
    public long reconnects() {
        return reconnects.get();
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    /** Publishes; the future completes when the broker has it (QoS 1) or it was sent (QoS 0). */
    @Override
    public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retained);
        outstanding.add(done);
        done.whenComplete((ok, err) -> outstanding.remove(done));
        try {
            client.publish(topic, message, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken asyncActionToken) {
                    done.complete(null);
                }

                @Override
                public void onFailure(IMqttToken asyncActionToken, Throwable exception) {
                    done.completeExceptionally(exception);
                }
            });
        } catch (MqttException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private void failOutstanding(Throwable cause) {
        for (CompletableFuture<Void> f : outstanding) {
            f.completeExceptionally(cause);
        }
    }

    /**
     * Drops the connection and makes a new one: for a link that says it is connected but moves
     * nothing (Paho's buffer can stall that way). Outstanding publishes fail, so they are resent.
     */
    public void forceReconnect() {
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException e) {
            log.debug("forced disconnect: {}", e.getMessage());
        }
        failOutstanding(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST));
        listener.connectionLost("reset by the watchdog");
        // Paho does not reconnect after an explicit disconnect, and refuses to start while it is
        // still disconnecting: ask again until it has started (it then retries on its own).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                client.reconnect();
                return;
            } catch (MqttException e) {
                int code = e.getReasonCode();
                if (code == MqttException.REASON_CODE_CLIENT_CONNECTED || code == MqttException.REASON_CODE_CONNECT_IN_PROGRESS) {
                    return;
                }
                if (code != MqttException.REASON_CODE_CLIENT_DISCONNECTING) {
                    log.warn("reconnect after a reset failed: {}", e.getMessage());
                    return;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("the MQTT client was still disconnecting after 10 s; it will be reset again if events keep waiting");
    }

    /** Disconnects cleanly (no last will), waiting up to {@code timeout} for in-flight messages. */
    public void disconnect(Duration timeout) {
        try {
            if (client.isConnected()) {
                client.disconnect(timeout.toMillis()).waitForCompletion(timeout.toMillis() + 1_000);
            }
        } catch (MqttException e) {
            log.warn("MQTT disconnect from {} did not complete: {}", settings.redactedBrokerUrl(), e.getMessage());
        }
    }

    /** Whether {@link #close} was called: the link never connects again. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        disconnect(Duration.ofSeconds(2));
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("closing MQTT client: {}", e.getMessage());
        }
        threads.shutdown();
        failOutstanding(new MqttException(MqttException.REASON_CODE_CLIENT_CLOSED));
    }
}
