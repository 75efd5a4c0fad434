package dev.rollbridge.bridge;

import dev.rollbridge.analysis.Calibration;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.CommandParser;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.outbox.EventOutbox;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ThresholdReasons;
import dev.rollbridge.stream.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The core of a running bridge: a {@link DevicePipeline} per device fed by its transport, the
 * publish path ({@link MqttPublisher}), commands in, and the {@link Extension}s that follow it.
 * Built whole by its constructor; {@link #start} runs it, {@link #stop} ends it in reverse.
 */
public final class Bridge implements BridgeContext, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bridge.class);
    private static final int QUEUE_CAPACITY = 8192;

    /** One device the bridge serves. */
    public record Device(String id, DeviceProfile profile, Thresholds thresholds, Transport transport) {
    }

    private final MqttLink link;
    private final Topics topics;
    private final List<Device> devices;
    private final Clock clock;
    private final List<Extension> extensions;
    private final MqttPublisher publisher;
    private final boolean coached;
    private final Map<String, DevicePipeline> pipelines = new LinkedHashMap<>();
    private final Map<String, Supplier<Object>> info = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Supplier<Object>> health = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, AtomicLong> extensionFailures = new ConcurrentHashMap<>();
    private final AtomicLong refusedCommands = new AtomicLong();
    private final List<Extension> started = new CopyOnWriteArrayList<>();
    private volatile boolean startedOnce;
    private volatile boolean stopped;

    /**
     * @param journal    keeps undelivered events on disk across broker outages and restarts
     * @param extensions the features, started in this order and stopped in reverse
     */
    public Bridge(MqttLink link, Topics topics, List<Device> devices, Clock clock, Optional<OutboxJournal> journal,
                  List<Extension> extensions) {
        this(link, topics, devices, clock, journal, extensions, false);
    }

    /**
     * @param journal    keeps undelivered events on disk across broker outages and restarts
     * @param extensions the features, started in this order and stopped in reverse
     * @param coached    the spoken coach is on for every device: its prompts go out as the device's events
     */
    public Bridge(MqttLink link, Topics topics, List<Device> devices, Clock clock, Optional<OutboxJournal> journal,
                  List<Extension> extensions, boolean coached) {
        this.link = link;
        this.coached = coached;
        this.topics = topics;
        this.devices = List.copyOf(devices);
        this.clock = clock;
        this.extensions = List.copyOf(extensions);
        this.publisher = new MqttPublisher(link, topics, clock, this::bridgeInfo, this::delivered, journal);
        DevicePipeline.Listener route = new DevicePipeline.Listener() {
            @Override
            public void onEvent(String deviceId, Event event) {
                publisher.event(deviceId, event);
                each("event", x -> x.onEvent(deviceId, event));
            }

            @Override
            public void onState(String deviceId, DeviceState state) {
                publisher.state(deviceId, state);
                each("state", x -> x.onState(deviceId, state));
            }

            @Override
            public void onLink(String deviceId, boolean up) {
                each("link", x -> x.onLink(deviceId, up));
            }
        };
        for (Device d : this.devices) {
            pipelines.put(d.id(), new DevicePipeline(d.id(), d.profile(), d.thresholds(), Optional.empty(), coached, QUEUE_CAPACITY, route));
        }
    }

    public static String version() {
        try (InputStream in = Bridge.class.getResourceAsStream("/rollbridge-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /**
     * Starts the extensions (so what they add is in the first {@code bridge/info}, and what they
     * publish on connect goes out with it), then publishing and commands, then the devices. The
     * link may connect later: events wait in the outbox and the retained topics go out when it does.
     */
    public synchronized void start() {
        if (startedOnce) {
            throw new IllegalStateException("the bridge was started already");
        }
        startedOnce = true;
        for (Extension x : extensions) {
            try {
                x.start(this);
                started.add(x);
            } catch (Exception | LinkageError e) {
                log.error("the {} extension did not start ({}); the bridge runs without it", x.name(),
                        e.getMessage() != null ? e.getMessage() : e.toString());
                // Whatever it set up before failing (a subscription, a thread) is its to take back.
                try {
                    x.stop();
                } catch (RuntimeException | LinkageError stopFailed) {
                    log.debug("stopping the {} extension after its failed start: {}", x.name(), stopFailed.toString());
                }
            }
        }
        // Subscribe before "online" goes out: the broker takes the two in order from one connection,
        // so a client that sees the bridge online can command it (a command sent earlier is lost).
        publisher.listenForCommands(this::command);
        publisher.start();
        for (Device d : devices) {
            DevicePipeline pipeline = pipelines.get(d.id());
            pipeline.start();
            d.transport().start(pipeline);
            log.info("device {} ({}, {} via {})", d.id(), d.profile().name(), d.transport().deviceAddress(), d.transport().kind());
            Map<String, String> off = pipeline.rulesOff();
            if (!off.isEmpty()) {
                log.info("device {}: off for this tool: {}", d.id(), off);
            }
        }
    }

    /** Every extension that started, each on its own: one that throws costs only itself. */
    private void each(String what, Consumer<Extension> call) {
        for (Extension x : started) {
            try {
                call.accept(x);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                long n = extensionFailures.computeIfAbsent(x.name(), k -> new AtomicLong()).incrementAndGet();
                if (n <= 3 || n % 1000 == 0) {
                    log.warn("the {} extension failed on a {} ({} failure(s) so far): {}", x.name(), what, n, e.toString());
                }
            }
        }
    }

    private void delivered(EventOutbox.Message message) {
        each("delivery", x -> x.onDelivered(message));
    }

    /** A {@code <device>/set} payload: parsed, carried out in order with the samples, answered on set/response. */
    private void command(String deviceId, byte[] payload) {
        Object transaction = CommandParser.transaction(payload);
        DevicePipeline pipeline = pipelines.get(deviceId);
        if (pipeline == null) {
            publisher.respond(deviceId, false, "unknown device '" + deviceId + "' (known: "
                    + String.join(", ", pipelines.keySet()) + ")", transaction);
            return;
        }
        Command command;
        try {
            command = CommandParser.parse(payload);
        } catch (CommandParser.BadCommand e) {
            long n = refusedCommands.incrementAndGet();
            if (n <= 3 || n % 1000 == 0) {
                log.info("{}: refused a command ({} so far): {}", deviceId, n, e.getMessage());
            }
            publisher.respond(deviceId, false, e.getMessage(), transaction);
            return;
        }
        pipeline.submit(command, result -> {
            publisher.respond(deviceId, result.ok(), result.message(), transaction);
            if (command instanceof Command.MarkCalibration && result.ok()) {
                publisher.republishInfo();
            }
        });
    }

    @Override
    public Topics topics() {
        return topics;
    }

    @Override
    public MqttLink link() {
        return link;
    }

    @Override
    public MqttPublisher publisher() {
        return publisher;
    }

    @Override
    public List<Device> devices() {
        return devices;
    }

    @Override
    public Optional<DevicePipeline> pipeline(String deviceId) {
        return Optional.ofNullable(pipelines.get(deviceId));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void info(String key, Supplier<Object> value) {
        info.put(key, value);
    }

    @Override
    public void health(String key, Supplier<Object> value) {
        health.put(key, value);
    }

    @Override
    public Map<String, Object> contributedHealth() {
        Map<String, Object> out = new LinkedHashMap<>();
        health.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public List<DevicePipeline> pipelines() {
        return List.copyOf(pipelines.values());
    }

    /** Every device pipeline is still running (for the service watchdog); true before {@link #start}. */
    public boolean pipelinesAlive() {
        return !startedOnce || stopped || pipelines.values().stream().allMatch(DevicePipeline::isAlive);
    }

    /** For finite sources: waits until every device's stream has ended and its events are acknowledged. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (DevicePipeline p : pipelines.values()) {
            if (!p.awaitEndOfStream(left(deadline))) {
                return false;
            }
        }
        // Work the extensions queued for the last events (history, and any advice it publishes) comes first.
        for (Extension x : started) {
            if (!x.drain(left(deadline))) {
                return false;
            }
        }
        return publisher.awaitEventsDelivered(left(deadline));
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private Map<String, Object> bridgeInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version());
        m.put("base_topic", topics.base());
        m.put("broker", link.settings().redactedBrokerUrl());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Device d : devices) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("id", d.id());
            dm.put("address", d.transport().deviceAddress());
            dm.put("profile", d.profile().name());
            dm.put("transport", d.transport().kind());
            dm.put("thresholds", d.thresholds().published());
            dm.put("capabilities", d.profile().capabilities().stream().map(Capability::wireName).sorted().toList());
            dm.put("rules_off", pipelines.get(d.id()).rulesOff());
            Optional<Calibration> c = pipelines.get(d.id()).calibration();
            dm.put("calibration", c.map(cal -> Map.of("pain3_kpa", cal.pain3Kpa(), "pain5_kpa", cal.pain5Kpa(),
                    "pain7_kpa", cal.pain7Kpa(), "band_low_kpa", cal.bandLowKpa(), "band_high_kpa", cal.bandHighKpa(),
                    "ceiling_kpa", cal.ceilingKpa())).orElse(null));
            // Numbers not the rules' own defaults, with who set them; the reasons are in threshold_reasons, once.
            dm.put("threshold_set_by", ThresholdReasons.setBy(d.profile(), d.thresholds(), c.isPresent()));
            list.add(dm);
        }
        m.put("devices", list);
        Map<String, Object> reasons = new LinkedHashMap<>();
        ThresholdReasons.all().forEach((name, reason) -> reasons.put(name, reason.published()));
        m.put("threshold_reasons", reasons);
        m.put("profiles", devices.stream().map(d -> d.profile().name()).distinct().toList());
        m.put("coach", Map.of("enabled", coached));
        info.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /**
     * Stops the devices (each open session ends, recorded and published), then the extensions in
     * reverse, lets queued events reach the broker (up to {@code grace}), goes offline.
     */
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Device d : devices) {
            d.transport().stop();
        }
        for (DevicePipeline p : pipelines.values()) {
            p.close();
        }
        List<Extension> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        for (Extension x : reverse) {
            try {
                x.stop();
            } catch (RuntimeException | LinkageError e) {
                log.warn("stopping the {} extension failed: {}", x.name(), e.toString());
            }
        }
        publisher.stop(grace);
        link.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
