package dev.rollbridge.mqtt.homeassistant;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the morning check-in on, each device gets a "Check-in due" binary sensor and a 0-10
 * "Thigh soreness check-in" number that answers it with {@code {"checkin": N}}, both fed by the
 * retained {@code <device>/checkin}. Off: nothing that would never change.
 */
class HomeAssistantCheckinTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> components(boolean checkin) {
        Topics topics = new Topics("rb");
        MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "ha-checkin-" + System.nanoTime(), "rb"), MqttPublisher.will(topics));
        try (link) {
            Bridge bridge = new Bridge(link, topics, List.of(new Bridge.Device("ball", BALL, BALL.thresholds(),
                    new ManualTransport(BALL, "C0:FF:EE:00:00:01"))), Clock.systemUTC(), Optional.empty(), List.of(), false);
            HomeAssistantDiscovery discovery = new HomeAssistantDiscovery("homeassistant", Optional.empty(), checkin);
            discovery.start(bridge);
            try {
                Map<String, Object> config = discovery.config(new HomeAssistantDiscovery.Device("ball", "C0:FF:EE:00:00:01",
                        "rollsense-ball", "RollSense ball"));
                return (Map<String, Object>) config.get("cmps");
            } finally {
                discovery.stop();
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCheckinIsAskedAndAnsweredFromHomeAssistant() {
        Map<String, Object> cmps = components(true);
        Map<String, Object> due = (Map<String, Object>) cmps.get("checkin_due");
        assertThat(due).containsEntry("p", "binary_sensor").containsEntry("name", "Check-in due")
                .containsEntry("uniq_id", "rollbridge_c0ffee000001_checkin_due").containsEntry("stat_t", "rb/ball/checkin")
                .containsEntry("val_tpl", "{{ 'ON' if value_json.due else 'OFF' }}");
        Map<String, Object> answer = (Map<String, Object>) cmps.get("checkin");
        assertThat(answer).containsEntry("p", "number").containsEntry("name", "Thigh soreness check-in")
                .containsEntry("cmd_t", "rb/ball/set").containsEntry("cmd_tpl", "{\"checkin\": {{ value | int }}}")
                .containsEntry("stat_t", "rb/ball/checkin").containsEntry("min", 0).containsEntry("max", 10).containsEntry("step", 1);
        assertThat((List<String>) ((Map<String, Object>) cmps.get("event")).get("evt_typ"))
                .contains("checkin_due", "checkin_recorded", "session_adapted");
    }

    @Test
    void withoutTheCheckinTheEntitiesAreAsBefore() {
        Map<String, Object> off = components(false);
        assertThat(off).doesNotContainKeys("checkin", "checkin_due");
        assertThat(components(true).keySet()).containsAll(off.keySet());
    }
}
