package dev.rollbridge;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.Phase;
import dev.rollbridge.ble.Transport;
import dev.rollbridge.mqtt.EventOutbox;
import dev.rollbridge.mqtt.MqttLink;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.Payloads;
import dev.rollbridge.mqtt.Topics;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.Thresholds;
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
import java.util.Properties;

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
    private boolean stopped;

    public Bridge(MqttLink link, Topics topics, List<Device> devices, Clock clock, Watcher watcher) {
        this.link = link;
        this.topics = topics;
        this.devices = List.copyOf(devices);
        this.watcher = watcher;
        this.publisher = new MqttPublisher(link, topics, clock, this::info, watcher);
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

    /** Starts publishing and then the devices. The link must already be connected. */
    public void start() {
        publisher.start();
        DevicePipeline.Listener toMqtt = new DevicePipeline.Listener() {
            @Override
            public void onEvent(String deviceId, Event event) {
                publisher.event(deviceId, event);
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
            DevicePipeline pipeline = new DevicePipeline(d.id(), d.profile(), d.thresholds(), QUEUE_CAPACITY, toMqtt);
            pipelines.add(pipeline);
            pipeline.start();
            d.transport().start(pipeline);
            log.info("device {} ({}, {} via {})", d.id(), d.profile().name(), d.transport().deviceAddress(), d.transport().kind());
        }
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
            dm.put("thresholds", Payloads.snakeCase(d.thresholds()));
            list.add(dm);
        }
        m.put("devices", list);
        m.put("profiles", devices.stream().map(d -> d.profile().name()).distinct().toList());
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
        publisher.stop(grace);
        link.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
