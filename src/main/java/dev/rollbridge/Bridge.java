package dev.rollbridge;

import dev.rollbridge.analysis.Calibration;
import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.Phase;
import dev.rollbridge.stream.Transport;
import dev.rollbridge.mqtt.contract.CommandParser;
import dev.rollbridge.mqtt.outbox.EventOutbox;
import dev.rollbridge.mqtt.homeassistant.HomeAssistantDiscovery;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import dev.rollbridge.mqtt.contract.Payloads;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.SessionRecord;
import dev.rollbridge.session.TrendAdvisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Wires the stages together, in one place: for each device a transport feeding a
 * {@link DevicePipeline}, whose events and state go to the {@link MqttPublisher}. Owns their
 * lifecycle: start in flow order, stop in reverse.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bridge.class);
    private static final int QUEUE_CAPACITY = 8192;

    /** Someone watching the bridge as a person would: the console of {@code run}, or a test. */
    public interface Watcher extends EventOutbox.DeliveryListener {
        /** The device's phase changed (idle, rolling, hold); called on its pipeline thread. */
        default void phaseChanged(String deviceId, DeviceState state) {
        }
    }

    /** A feature that follows the events of every device (the audible cue, for one). */
    public interface Extension extends AutoCloseable {
        /** Called on the device's pipeline thread: must not block. */
        void onEvent(String deviceId, Event event);

        @Override
        default void close() {
        }
    }

    /** Where history, pain reports and calibrations are kept, and whose they are. */
    public record History(HistoryStore store, String user) {
    }

    /** One device the bridge serves. */
    public record Device(String id, DeviceProfile profile, Thresholds thresholds, Transport transport) {
    }

    private final MqttLink link;
    private final Topics topics;
    private final List<Device> devices;
    private final MqttPublisher publisher;
    private final Watcher watcher;
    private final List<DevicePipeline> pipelines = new ArrayList<>();
    private final Map<String, Phase> phases = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, DevicePipeline> byId = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Extension> extensions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Device> devicesById = new LinkedHashMap<>();
    private BridgeApi api;
    private final java.util.concurrent.atomic.AtomicLong refusedCommands = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong historyFailures = new java.util.concurrent.atomic.AtomicLong();
    private String discoveryPrefix;
    private Optional<java.nio.file.Path> discoveryState = Optional.empty();
    private HomeAssistantDiscovery discovery;
    private Duration healthInterval = Duration.ofSeconds(60);
    private volatile Map<String, Object> configInfo = Map.of();
    private final Clock clock;
    private final Optional<History> history;
    private final TrendAdvisor advisor;
    // History I/O runs here, off the pipeline threads.
    private final ExecutorService historyWorker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "history");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopped;

    public Bridge(MqttLink link, Topics topics, List<Device> devices, Clock clock, Watcher watcher) {
        this(link, topics, devices, clock, watcher, Optional.empty());
    }

    public Bridge(MqttLink link, Topics topics, List<Device> devices, Clock clock, Watcher watcher, Optional<History> history) {
        this(link, topics, devices, clock, watcher, history, Optional.empty());
    }

    /** @param journal keeps undelivered events on disk across broker outages and restarts */
    public Bridge(MqttLink link, Topics topics, List<Device> devices, Clock clock, Watcher watcher, Optional<History> history,
                  Optional<OutboxJournal> journal) {
        this.link = link;
        this.topics = topics;
        this.devices = List.copyOf(devices);
        this.watcher = watcher;
        this.clock = clock;
        this.history = history;
        this.advisor = new TrendAdvisor(clock);
        this.publisher = new MqttPublisher(link, topics, clock, this::info, watcher, journal);
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

    /** The retained last will for this bridge's MQTT link. */
    public static MqttLink.Will will(Topics topics) {
        return MqttPublisher.will(topics);
    }

    /**
     * Announces the devices to Home Assistant under {@code prefix}; {@code stateFile} remembers them
     * so a device removed from the configuration is withdrawn. Call before {@link #start}.
     */
    public void enableHomeAssistant(String prefix, Optional<java.nio.file.Path> stateFile) {
        this.discoveryPrefix = prefix;
        this.discoveryState = stateFile;
    }

    public Optional<HomeAssistantDiscovery> discovery() {
        return Optional.ofNullable(discovery);
    }

    /** Every device pipeline is still running (for the service watchdog); true before {@link #start}. */
    public boolean pipelinesAlive() {
        return stopped || pipelines.stream().allMatch(DevicePipeline::isAlive);
    }

    /** The configuration shown in {@code bridge/info}: the caller removes the secrets. */
    public void setConfigInfo(Map<String, Object> withoutSecrets) {
        this.configInfo = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(withoutSecrets));
    }

    /** How often {@code bridge/health} goes out (default 60 s); call before {@link #start}. */
    public void setHealthInterval(Duration interval) {
        this.healthInterval = interval;
    }

    /** Adds a feature that follows every event; call before {@link #start}. Closed when the bridge stops. */
    public void addExtension(Extension extension) {
        extensions.add(extension);
    }

    /**
     * Starts publishing and then the devices. The link may connect later: events wait in the
     * outbox and the retained topics go out when it does.
     */
    public void start() {
        if (discoveryPrefix != null) {
            discovery = new HomeAssistantDiscovery(link, topics, discoveryPrefix, version(), devices.stream()
                    .map(d -> new HomeAssistantDiscovery.Device(d.id(), d.transport().deviceAddress(), d.profile().name(),
                            d.profile().description().replaceAll(" \\(.*\\)$", "")))
                    .toList(), discoveryState);
            publisher.alsoOnConnect(discovery::publishAll);
            discovery.start();
        }
        publisher.start();
        publisher.listenForCommands(this::command);
        DevicePipeline.Listener toMqtt = new DevicePipeline.Listener() {
            @Override
            public void onEvent(String deviceId, Event event) {
                publisher.event(deviceId, event);
                extensions.forEach(x -> x.onEvent(deviceId, event));
                history.ifPresent(h -> historyWorker.execute(() -> remember(h, deviceId, event)));
            }

            @Override
            public void onState(String deviceId, DeviceState state) {
                publisher.state(deviceId, state);
                if (phases.put(deviceId, state.phase()) != state.phase()) {
                    watcher.phaseChanged(deviceId, state);
                }
            }

            @Override
            public void onLink(String deviceId, boolean up) {
                publisher.availability(deviceId, up);
            }
        };
        for (Device d : devices) {
            publisher.availability(d.id(), false);
            Optional<Calibration> calibration = storedCalibration(d.id());
            calibration.ifPresent(c -> log.info("device {}: calibrated ceiling {} kPa for user {}", d.id(), c.ceilingKpa(),
                    history.get().user()));
            DevicePipeline pipeline = new DevicePipeline(d.id(), d.profile(), d.thresholds(), calibration, QUEUE_CAPACITY, toMqtt);
            pipelines.add(pipeline);
            byId.put(d.id(), pipeline);
            devicesById.put(d.id(), d);
            pipeline.start();
            d.transport().start(pipeline);
            log.info("device {} ({}, {} via {})", d.id(), d.profile().name(), d.transport().deviceAddress(), d.transport().kind());
        }
        api = new BridgeApi(link, topics, publisher, devicesById, byId, history.map(h -> h.store()::health));
        api.start(healthInterval);
    }

    /** The person's stored calibration; none when the history cannot be read (the profile's ceiling holds). */
    private Optional<Calibration> storedCalibration(String deviceId) {
        try {
            return history.flatMap(h -> h.store().calibration(h.user(), deviceId));
        } catch (RuntimeException e) {
            log.warn("device {}: cannot read the stored calibration ({}); the profile's pressure ceiling applies", deviceId, e.getMessage());
            return Optional.empty();
        }
    }

    /** A {@code <device>/set} payload: parsed, carried out in order with the samples, answered on set/response. */
    private void command(String deviceId, byte[] payload) {
        Object transaction = CommandParser.transaction(payload);
        DevicePipeline pipeline = byId.get(deviceId);
        if (pipeline == null) {
            publisher.respond(deviceId, false, "unknown device '" + deviceId + "' (known: "
                    + String.join(", ", byId.keySet()) + ")", transaction);
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

    /** Keeps what history needs from an event; runs on the history thread. */
    private void remember(History h, String deviceId, Event event) {
        try {
            switch (event.type()) {
                case PAIN_REPORTED -> h.store().recordPain(deviceId, clock.instant(), (Integer) event.data().get("pain"));
                case CALIBRATION_DONE -> h.store().saveCalibration(h.user(), deviceId, new Calibration(
                        (Double) event.data().get("pain3_kpa"), (Double) event.data().get("pain5_kpa"),
                        (Double) event.data().get("pain7_kpa")), clock.instant());
                case SESSION_ENDED -> {
                    Map<String, Object> d = event.data();
                    @SuppressWarnings("unchecked")
                    List<Integer> pains = (List<Integer>) d.get("pain_reports");
                    h.store().recordSession(new SessionRecord(deviceId, publisher.sessionId(deviceId, event.session()),
                            (String) d.get("leg"), clock.instant(), (String) d.get("reason"), num(d, "duration_s"), num(d, "active_s"),
                            ((Number) d.get("holds")).intValue(), ((Number) d.get("holds_met_target")).intValue(),
                            num(d, "mean_pressure_kpa"), num(d, "max_pressure_kpa"), num(d, "too_fast_s"), num(d, "friction_s"),
                            pains.stream().mapToInt(Integer::intValue).max().orElse(-1),
                            new String(Payloads.json(d.get("alerts")), java.nio.charset.StandardCharsets.UTF_8)));
                    for (Event advice : advisor.afterSession(h.store(), deviceId, (String) d.get("leg"), event.tMillis(), event.session())) {
                        publisher.event(deviceId, advice);
                    }
                }
                default -> {
                }
            }
        } catch (RuntimeException e) {
            long n = historyFailures.incrementAndGet();
            if (n <= 3 || n % 100 == 0) {
                log.warn("{}: could not update the history for {} ({} failure(s) so far): {}", deviceId, event.type().wireName(), n,
                        e.getMessage());
            }
        }
    }

    private static double num(Map<String, Object> data, String key) {
        return ((Number) data.get(key)).doubleValue();
    }

    public List<DevicePipeline> pipelines() {
        return List.copyOf(pipelines);
    }

    public MqttPublisher publisher() {
        return publisher;
    }

    /** For finite sources: waits until every device's stream has ended and its events are acknowledged. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (DevicePipeline p : pipelines) {
            if (!p.awaitEndOfStream(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        // History work queued by the last events (and any advice it publishes) comes first.
        try {
            historyWorker.submit(() -> { }).get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
        return publisher.awaitEventsDelivered(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private Map<String, Object> info() {
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
            dm.put("thresholds", d.thresholds().flat());
            DevicePipeline p = byId.get(d.id());
            Optional<Calibration> c = p == null ? Optional.empty() : p.calibration();
            dm.put("calibration", c.map(cal -> Map.of("pain3_kpa", cal.pain3Kpa(), "pain5_kpa", cal.pain5Kpa(),
                    "pain7_kpa", cal.pain7Kpa(), "band_low_kpa", cal.bandLowKpa(), "band_high_kpa", cal.bandHighKpa(),
                    "ceiling_kpa", cal.ceilingKpa())).orElse(null));
            list.add(dm);
        }
        m.put("devices", list);
        m.put("profiles", devices.stream().map(d -> d.profile().name()).distinct().toList());
        if (!configInfo.isEmpty()) {
            m.put("config", configInfo);
        }
        return m;
    }

    /** Stops the devices, lets queued events reach the broker (up to {@code grace}), goes offline. */
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Device d : devices) {
            d.transport().stop();
        }
        for (DevicePipeline p : pipelines) {
            p.close();
        }
        // Let the last session be recorded (and its advice queued) before going offline.
        if (api != null) {
            api.close();
        }
        if (discovery != null) {
            discovery.close();
        }
        historyWorker.shutdown();
        try {
            historyWorker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.stop(grace);
        link.close();
        extensions.forEach(Extension::close);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
