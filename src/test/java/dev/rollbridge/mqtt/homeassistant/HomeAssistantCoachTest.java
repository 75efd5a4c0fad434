package dev.rollbridge.mqtt.homeassistant;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the coach on, each device's discovery gets a "Coach" sensor showing the latest prompt (from
 * the event topic, kept through other events); the event entity carries {@code coach_prompt} with
 * every other type. With the coach off nothing changes: no entity that would never change.
 */
class HomeAssistantCoachTest {
    private static Map<String, Object> components(boolean coached) {
        return DiscoveredComponents.of(coached, false);
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
