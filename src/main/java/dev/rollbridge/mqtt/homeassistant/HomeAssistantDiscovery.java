package dev.rollbridge.mqtt.homeassistant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.bridge.BridgeContext;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Payloads;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Home Assistant MQTT discovery, device-based ({@code <prefix>/device/<id>/config}, retained):
 * pressure, rolling speed, phase, hold time, battery, RSSI (diagnostic) and an event entity with
 * every event type. Unique ids come from the BLE address; an entity is available only while both
 * the bridge and the device are online. Sent on every connect, again a moment (random, up to 3 s)
 * after Home Assistant announces {@code <prefix>/status} = {@code online}, and a device that left
 * the configuration gets an empty retained config so Home Assistant removes it.
 */
public final class HomeAssistantDiscovery implements Extension {
    private static final Logger log = LoggerFactory.getLogger(HomeAssistantDiscovery.class);

    /**
     * What discovery needs to know of a device.
     *
     * @param manufacturer empty when the profile does not say (a maker's own sensor)
     * @param pressure     it measures a load: a pressure entity (none otherwise: no dead entities)
     * @param motion       it measures rotation: a rolling speed entity
     */
    public record Device(String id, String address, String profile, String description, Optional<String> manufacturer,
                         boolean pressure, boolean motion) {
        /** A RollSense tool: both channels. */
        public Device(String id, String address, String profile, String description) {
            this(id, address, profile, description, Optional.of("RollSense"), true, true);
        }
    }

    private final String prefix;
    private final Optional<Path> stateFile;
    private final String version = Bridge.version();
    private MqttLink link;
    private Topics topics;
    private List<Device> devices = List.of();
    /** The devices the coach speaks for: they get a "Coach" sensor. */
    private Set<String> coached = Set.of();
    /** The morning check-in is on: each device gets its question and answer entities. */
    private final boolean checkin;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ha-discovery");
        t.setDaemon(true);
        return t;
    });

    /** @param stateFile remembers which devices were announced, so removed ones can be withdrawn */
    public HomeAssistantDiscovery(String prefix, Optional<Path> stateFile) {
        this(prefix, stateFile, false);
    }

    /**
     * @param stateFile remembers which devices were announced, so removed ones can be withdrawn
     * @param checkin   the morning check-in is on: a "Check-in due" binary sensor and a 0-10 number to answer it
     */
    public HomeAssistantDiscovery(String prefix, Optional<Path> stateFile, boolean checkin) {
        if (prefix.isBlank() || prefix.contains("#") || prefix.contains("+")) {
            throw new IllegalArgumentException("discovery prefix '" + prefix + "' must be non-empty and without wildcards");
        }
        this.prefix = prefix;
        this.stateFile = stateFile;
        this.checkin = checkin;
    }

    @Override
    public String name() {
        return "home-assistant";
    }

    public String configTopic(String deviceId) {
        return prefix + "/device/rollbridge_" + deviceId + "/config";
    }

    /**
     * Announces the bridge's devices on every connect ({@link #publishAll}), and again when Home
     * Assistant comes online.
     */
    @Override
    public void start(BridgeContext context) {
        this.link = context.link();
        this.topics = context.topics();
        this.devices = context.devices().stream()
                .map(d -> new Device(d.id(), d.transport().deviceAddress(), d.profile().name(),
                        d.profile().description().replaceAll(" \\(.*\\)$", ""), d.profile().manufacturer(),
                        d.profile().has(Capability.PRESSURE), d.profile().has(Capability.MOTION)))
                .toList();
        this.coached = context.pipelines().stream().filter(DevicePipeline::coached).map(DevicePipeline::deviceId)
                .collect(Collectors.toUnmodifiableSet());
        context.publisher().alsoOnConnect(this::publishAll);
        link.subscribe(prefix + "/status", (topic, payload) -> {
            if ("online".equals(new String(payload, StandardCharsets.UTF_8).strip())) {
                long delay = ThreadLocalRandom.current().nextLong(500, 3_000);
                timer.schedule(this::publishAll, delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Announces every device, and withdraws those announced before that are no longer configured. */
    public void publishAll() {
        for (String gone : withdrawn()) {
            log.info("Home Assistant: removing {}, no longer configured", gone);
            link.publish(configTopic(gone), new byte[0], 1, true);
        }
        for (Device d : devices) {
            link.publish(configTopic(d.id()), Payloads.json(config(d)), 1, true);
        }
        remember();
    }

    /** The discovery payload of one device. */
    public Map<String, Object> config(Device d) {
        return config(d, coached.contains(d.id()));
    }

    /** The discovery payload of one device, with a "Coach" sensor when the coach speaks for it. */
    public Map<String, Object> config(Device d, boolean coach) {
        String uid = "rollbridge_" + d.address().replace(":", "").toLowerCase(Locale.ROOT);
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> dev = map("ids", List.of(uid), "name", d.description() + " " + d.address());
        d.manufacturer().ifPresent(mf -> dev.put("mf", mf));
        dev.putAll(map("mdl", d.profile(), "sw", version, "cns", List.of(List.of("bluetooth", d.address().toLowerCase(Locale.ROOT)))));
        m.put("dev", dev);
        m.put("o", map("name", "rollbridge", "sw", version));
        m.put("avty", List.of(map("t", topics.bridgeState(), "val_tpl", "{{ value_json.state }}"),
                map("t", topics.availability(d.id()), "val_tpl", "{{ value_json.state }}")));
        m.put("avty_mode", "all");
        m.put("stat_t", topics.device(d.id()));
        m.put("qos", 1);
        Map<String, Object> cmps = new LinkedHashMap<>();
        if (d.pressure()) {
            cmps.put("pressure", sensor(uid, "pressure", "Pressure", "{{ value_json.pressure_kpa }}", map("unit_of_measurement", "kPa",
                    "device_class", "pressure", "state_class", "measurement")));
        }
        if (d.motion()) {
            cmps.put("speed", sensor(uid, "speed", "Rolling speed", "{{ value_json.speed_cm_s }}", map("unit_of_measurement", "cm/s",
                    "state_class", "measurement", "icon", "mdi:speedometer")));
        }
        cmps.put("phase", sensor(uid, "phase", "Phase", "{{ value_json.phase }}", map("device_class", "enum",
                "options", List.of("idle", "rolling", "hold", "friction"))));
        cmps.put("hold_time", sensor(uid, "hold_time", "Hold time", "{{ value_json.hold_s }}", map("unit_of_measurement", "s",
                "device_class", "duration", "state_class", "measurement")));
        cmps.put("battery", sensor(uid, "battery", "Battery", "{{ value_json.battery }}", map("unit_of_measurement", "%",
                "device_class", "battery", "state_class", "measurement", "entity_category", "diagnostic")));
        cmps.put("rssi", sensor(uid, "rssi", "Signal strength", "{{ value_json.rssi }}", map("unit_of_measurement", "dBm",
                "device_class", "signal_strength", "state_class", "measurement", "entity_category", "diagnostic",
                "enabled_by_default", false)));
        Map<String, Object> fault = new LinkedHashMap<>();
        fault.put("p", "binary_sensor");
        fault.put("name", "Sensor fault");
        fault.put("uniq_id", uid + "_sensor_fault");
        fault.put("val_tpl", "{{ 'ON' if value_json.sensor_fault else 'OFF' }}");
        fault.put("json_attr_t", topics.device(d.id()));
        fault.put("json_attr_tpl", "{{ {'kind': value_json.sensor_fault} | tojson }}");
        fault.put("device_class", "problem");
        fault.put("entity_category", "diagnostic");
        cmps.put("sensor_fault", fault);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("p", "event");
        event.put("name", "Massage event");
        event.put("uniq_id", uid + "_event");
        event.put("stat_t", topics.event(d.id()));
        event.put("evt_typ", Arrays.stream(EventType.values()).map(EventType::wireName).toList());
        event.put("val_tpl", "{{ {'event_type': value_json.type, 'severity': value_json.severity, "
                + "'message': value_json.message, 't_ms': value_json.t_ms} | tojson }}");
        cmps.put("event", event);
        // The last finished session: its active minutes, and the whole summary as attributes
        // (per-segment figures included: where on the muscle the work went).
        Map<String, Object> session = sensor(uid, "last_session", "Last session", "{{ (value_json.active_s / 60) | round(1) }}",
                map("unit_of_measurement", "min", "device_class", "duration", "icon", "mdi:human-male"));
        session.put("stat_t", topics.session(d.id()));
        session.put("json_attr_t", topics.session(d.id()));
        cmps.put("last_session", session);
        if (coach) {
            // The coach's latest prompt (docs/coach.md): set by coach_prompt events, kept through the others.
            Map<String, Object> prompt = sensor(uid, "coach", "Coach", "{{ value_json.data.text[:255] if value_json.type == 'coach_prompt' "
                    + "else this.state }}", map("icon", "mdi:account-voice"));
            prompt.put("stat_t", topics.event(d.id()));
            prompt.put("json_attr_t", topics.event(d.id()));
            prompt.put("json_attr_tpl", "{{ {'step': value_json.data.step} | tojson if value_json.type == 'coach_prompt' "
                    + "else this.attributes | tojson }}");
            cmps.put("coach", prompt);
        }
        if (checkin) {
            // The morning check-in (docs/checkin.md): due from the retained <device>/checkin, answered with {"checkin": N}.
            Map<String, Object> due = new LinkedHashMap<>();
            due.put("p", "binary_sensor");
            due.put("name", "Check-in due");
            due.put("uniq_id", uid + "_checkin_due");
            due.put("stat_t", topics.checkin(d.id()));
            due.put("val_tpl", "{{ 'ON' if value_json.due else 'OFF' }}");
            due.put("json_attr_t", topics.checkin(d.id()));
            due.put("json_attr_tpl", "{{ {'question': value_json.question, 'day': value_json.day, "
                    + "'next_session_lowered': value_json.adaptation.lowered} | tojson }}");
            due.put("icon", "mdi:calendar-question");
            cmps.put("checkin_due", due);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("p", "number");
            answer.put("name", "Thigh soreness check-in");
            answer.put("uniq_id", uid + "_checkin");
            answer.put("cmd_t", topics.command(d.id()));
            answer.put("cmd_tpl", "{\"checkin\": {{ value | int }}}");
            answer.put("stat_t", topics.checkin(d.id()));
            answer.put("val_tpl", "{{ value_json.answer if value_json.answer is number else 'None' }}");
            answer.put("min", 0);
            answer.put("max", 10);
            answer.put("step", 1);
            answer.put("mode", "slider");
            answer.put("icon", "mdi:emoticon-sad-outline");
            cmps.put("checkin", answer);
        }
        m.put("cmps", cmps);
        return m;
    }

    private static Map<String, Object> sensor(String uid, String key, String name, String template, Map<String, Object> extra) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("p", "sensor");
        s.put("name", name);
        s.put("uniq_id", uid + "_" + key);
        s.put("val_tpl", template);
        s.putAll(extra);
        return s;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private List<String> withdrawn() {
        if (stateFile.isEmpty() || !Files.isRegularFile(stateFile.get())) {
            return List.of();
        }
        try {
            JsonNode ids = Json.read(Files.readAllBytes(stateFile.get()));
            if (!ids.isArray()) {
                throw new IOException("expected a JSON list of device ids");
            }
            List<String> before = new ArrayList<>();
            ids.forEach(id -> before.add(id.asText()));
            List<String> now = devices.stream().map(Device::id).toList();
            return before.stream().filter(id -> !now.contains(id)).toList();
        } catch (IOException e) {
            log.warn("cannot read {}: {}", stateFile.get(), e.getMessage());
            return List.of();
        }
    }

    private void remember() {
        if (stateFile.isEmpty()) {
            return;
        }
        try {
            Files.write(stateFile.get(), Json.bytes(devices.stream().map(Device::id).toList()));
        } catch (IOException e) {
            log.warn("cannot write {}: {}", stateFile.get(), e.getMessage());
        }
    }

    @Override
    public void stop() {
        timer.shutdownNow();
    }
}
