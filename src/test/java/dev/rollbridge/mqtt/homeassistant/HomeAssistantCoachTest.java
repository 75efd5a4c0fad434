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
 * With the coach on, each device's discovery gets a "Coach" sensor showing the latest prompt (from
 * the event topic, kept through other events); the event entity carries {@code coach_prompt} with
 * every other type. With the coach off nothing changes: no entity that would never change.
 */
class HomeAssistantCoachTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> components(boolean coached) {
        Topics topics = new Topics("rb");
        MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "ha-coach-" + System.nanoTime(), "rb"), MqttPublisher.will(topics));
        try (link) {
            Bridge bridge = new Bridge(link, topics, List.of(new Bridge.Device("ball", BALL, BALL.thresholds(),
                    new ManualTransport(BALL, "C0:FF:EE:00:00:01"))), Clock.systemUTC(), Optional.empty(), List.of(), coached);
            HomeAssistantDiscovery discovery = new HomeAssistantDiscovery("homeassistant", Optional.empty());
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
    void aCoachedDeviceGetsACoachSensorFedByItsPrompts() {
        Map<String, Object> coach = (Map<String, Object>) components(true).get("coach");
        assertThat(coach).containsEntry("p", "sensor").containsEntry("name", "Coach")
                .containsEntry("uniq_id", "rollbridge_c0ffee000001_coach").containsEntry("stat_t", "rb/ball/event");
        assertThat((String) coach.get("val_tpl")).contains("value_json.type == 'coach_prompt'").contains("value_json.data.text[:255]")
                .contains("else this.state");
        assertThat((List<String>) ((Map<String, Object>) components(true).get("event")).get("evt_typ")).contains("coach_prompt");
    }

    @Test
    void withoutTheCoachTheEntitiesAreAsBefore() {
        Map<String, Object> off = components(false);
        assertThat(off).doesNotContainKey("coach");
        assertThat(components(true).keySet()).containsAll(off.keySet());
    }
}
