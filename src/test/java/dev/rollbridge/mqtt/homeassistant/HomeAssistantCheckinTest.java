package dev.rollbridge.mqtt.homeassistant;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the morning check-in on, each device gets a "Check-in due" binary sensor and a 0-10
 * "Thigh soreness check-in" number that answers it with {@code {"checkin": N}}, both fed by the
 * retained {@code <device>/checkin}. Off: nothing that would never change.
 */
class HomeAssistantCheckinTest {
    private static Map<String, Object> components(boolean checkin) {
        return DiscoveredComponents.of(false, checkin);
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
