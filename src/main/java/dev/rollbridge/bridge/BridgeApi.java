package dev.rollbridge.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rollbridge.analysis.GyroOffset;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.Payloads;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The bridge's own API, in the zigbee2mqtt style: {@code bridge/health} on a timer, and
 * {@code bridge/request/<name>} answered on {@code bridge/response/<name>} with the request's
 * {@code transaction}. Requests: {@code health_check}, {@code devices}, {@code device/restart}
 * ({@code {"id":"rollsense_…"}}). A bad request gets {@code {"status":"error","error":…}}.
 */
public final class BridgeApi implements Extension {
    private static final Logger log = LoggerFactory.getLogger(BridgeApi.class);
    private static final List<String> REQUESTS = List.of("health_check", "devices", "device/restart");

    private final Duration healthInterval;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bridge-api");
        t.setDaemon(true);
        return t;
    });
    private BridgeContext bridge;
    private MqttLink link;
    private Topics topics;
    private Map<String, Bridge.Device> devices;

    /** @param healthInterval how often {@code bridge/health} goes out */
    public BridgeApi(Duration healthInterval) {
        if (healthInterval.isNegative() || healthInterval.isZero()) {
            throw new IllegalArgumentException("the health interval must be positive, not " + healthInterval);
        }
        this.healthInterval = healthInterval;
    }

    @Override
    public String name() {
        return "bridge-api";
    }

    @Override
    public void start(BridgeContext context) {
        this.bridge = context;
        this.link = context.link();
        this.topics = context.topics();
        Map<String, Bridge.Device> byId = new LinkedHashMap<>();
        context.devices().forEach(d -> byId.put(d.id(), d));
        this.devices = Collections.unmodifiableMap(byId);
        link.subscribe(topics.bridgeRequestFilter(), (topic, payload) -> worker.execute(() -> request(topic, payload)));
        worker.scheduleAtFixedRate(this::publishHealth, healthInterval.toMillis(), healthInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    Map<String, Object> health() {
        MqttPublisher publisher = bridge.publisher();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("uptime_s", (System.nanoTime() - startNanos) / 1_000_000_000);
        h.put("mqtt_connected", link.isConnected());
        h.put("reconnects", link.reconnects());
        h.put("outbox_depth", publisher.outbox().size());
        h.put("delivered", publisher.outbox().deliveredCount());
        h.put("dropped", publisher.outbox().droppedCount());
        h.put("resent", publisher.outbox().resentCount());
        long decodeErrors = 0;
        Map<String, Object> perDevice = new LinkedHashMap<>();
        for (DevicePipeline pipeline : bridge.pipelines()) {
            DevicePipeline.Stats s = pipeline.stats();
            decodeErrors += s.decoder().malformed();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("frames", s.decoder().frames());
            d.put("samples", s.decoder().samples());
            d.put("lost_samples", s.decoder().lostSamples());
            d.put("decode_errors", s.decoder().malformed());
            d.put("loss_rate", Math.round(s.lossRate() * 1000) / 1000.0);
            d.put("pressure_glitches", s.pressureGlitches());
            d.put("queue_depth", s.queueDepth());
            d.put("queue_dropped", s.queueDropped());
            GyroOffset gyro = s.gyroOffset();
            Map<String, Object> offset = new LinkedHashMap<>();
            offset.put("learned", gyro.learned());
            offset.put("x", gyro.xDps());
            offset.put("y", gyro.yDps());
            offset.put("z", gyro.zDps());
            offset.put("still_s", gyro.stillSeconds());
            d.put("gyro_offset_dps", offset);
            Bridge.Device device = devices.get(pipeline.deviceId());
            if (device != null && !device.transport().health().isEmpty()) {
                d.put("link", device.transport().health());
            }
            perDevice.put(pipeline.deviceId(), d);
        }
        h.put("decode_errors", decodeErrors);
        h.put("heap_used_mb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
        h.put("dropped_messages", link.handlerFailures());
        h.putAll(bridge.contributedHealth());
        h.put("devices", perDevice);
        return h;
    }

    private void publishHealth() {
        if (link.isConnected()) {
            link.publish(topics.bridgeHealth(), Payloads.json(health()), 0, false);
        }
    }

    private void request(String topic, byte[] payload) {
        String name = topics.requestName(topic);
        if (name == null) {
            return;
        }
        JsonNode body;
        try {
            body = payload.length == 0 ? JsonNodeFactory.instance.objectNode() : Json.read(payload);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            respond(name, null, null, "invalid JSON: " + Json.excerpt(String.valueOf(why).lines().findFirst().orElse(""), 200));
            return;
        }
        Object transaction = body != null && body.hasNonNull("transaction")
                && Json.write(body.get("transaction")).length() <= 256 ? body.get("transaction") : null;
        if (body == null || !body.isObject()) {
            respond(name, transaction, null, "expected a JSON object");
            return;
        }
        switch (name) {
            case "health_check" -> respond(name, transaction, health(), null);
            case "devices" -> respond(name, transaction, deviceList(), null);
            case "device/restart" -> {
                String id = body.path("id").asText("");
                Bridge.Device d = devices.get(id);
                if (d == null) {
                    respond(name, transaction, null, "unknown device '" + id + "' (known: " + String.join(", ", devices.keySet()) + ")");
                    return;
                }
                log.info("restarting the connection to {} on request", id);
                DevicePipeline pipeline = bridge.pipeline(id).orElseThrow();
                d.transport().stop();
                pipeline.linkChanged(false);
                d.transport().start(pipeline);
                respond(name, transaction, Map.of("id", id), null);
            }
            default -> respond(name, transaction, null, "unknown request '" + name + "' (known: " + String.join(", ", REQUESTS) + ")");
        }
    }

    private List<Map<String, Object>> deviceList() {
        List<Map<String, Object>> out = new ArrayList<>();
        devices.forEach((id, d) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("address", d.transport().deviceAddress());
            m.put("profile", d.profile().name());
            m.put("transport", d.transport().kind());
            out.add(m);
        });
        return out;
    }

    private void respond(String name, Object transaction, Object data, String error) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", error == null ? "ok" : "error");
        if (error == null) {
            r.put("data", data);
        } else {
            r.put("error", error);
        }
        if (transaction != null) {
            r.put("transaction", transaction);
        }
        link.publish(topics.bridgeResponse(name), Payloads.json(r), 0, false);
    }

    @Override
    public void stop() {
        worker.shutdownNow();
    }
}
