package dev.rollbridge.mqtt.link;

import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicFilterTest {
    @Test
    void followsTheExamplesOfTheMqttSpecification() {
        assertThat(TopicFilter.matches("sport/tennis/player1/#", "sport/tennis/player1")).isTrue();
        assertThat(TopicFilter.matches("sport/tennis/player1/#", "sport/tennis/player1/ranking")).isTrue();
        assertThat(TopicFilter.matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon")).isTrue();
        assertThat(TopicFilter.matches("sport/#", "sport")).isTrue();
        assertThat(TopicFilter.matches("sport/tennis/+", "sport/tennis/player1")).isTrue();
        assertThat(TopicFilter.matches("sport/tennis/+", "sport/tennis/player1/ranking")).isFalse();
        assertThat(TopicFilter.matches("sport/+", "sport")).isFalse();
        assertThat(TopicFilter.matches("sport/+", "sport/")).isTrue();
        assertThat(TopicFilter.matches("+/+", "/finance")).isTrue();
        assertThat(TopicFilter.matches("/+", "/finance")).isTrue();
        assertThat(TopicFilter.matches("+", "/finance")).isFalse();
        assertThat(TopicFilter.matches("rollbridge/+/set", "rollbridge//set")).isTrue();
        assertThat(TopicFilter.matches("rollbridge/+/set", "rollbridge/set")).isFalse();
        assertThat(TopicFilter.matches("#", "$SYS/broker/uptime")).isFalse();
        assertThat(TopicFilter.matches("+/monitor/Clients", "$SYS/monitor/Clients")).isFalse();
        assertThat(TopicFilter.matches("$SYS/#", "$SYS/broker/uptime")).isTrue();
        assertThat(TopicFilter.matches("$SYS/monitor/+", "$SYS/monitor/Clients")).isTrue();
    }

    @Test
    void agreesWithPahoOnTheBridgesFiltersAndNearMisses() {
        List<String> filters = List.of("rollbridge/+/set", "rollbridge/bridge/request/+", "rollbridge/#", "#", "+",
                "rollbridge/bridge/state", "rollbridge/roller-1", "rollbridge/roller-1/event", "homeassistant/status",
                "rollbridge/+/+", "rollbridge/+", "+/roller-1/#", "a/b/c", "a//c", "a/+/c", "/#", "a/b/#");
        List<String> topics = List.of("rollbridge/roller-1/set", "rollbridge/roller-1/set/x", "rollbridge//set",
                "rollbridge/set", "rollbridge/bridge/request/info", "rollbridge/bridge/request/", "rollbridge/bridge/request",
                "rollbridge/bridge/state", "rollbridge/bridge/stat", "rollbridge/bridge/states", "rollbridge/roller-1",
                "rollbridge/roller-10", "rollbridge/roller-1/", "rollbridge/roller-1/event", "rollbridge", "rollbridge/",
                "homeassistant/status", "homeassistant/statusx", "a/b/c", "a//c", "a/b", "a/b/c/d", "/", "", "a", "/a/b",
                "x/roller-1", "x/roller-1/y/z");
        for (String filter : filters) {
            for (String topic : topics) {
                if (topic.isEmpty() || topic.startsWith("/") || topic.endsWith("/") || topic.contains("//")) {
                    // Paho's "+" does not match an empty level, the specification's (and every broker's) does
                    continue;
                }
                assertThat(TopicFilter.matches(filter, topic))
                        .as("%s against %s", filter, topic)
                        .isEqualTo(MqttTopic.isMatched(filter, topic));
            }
        }
    }

    @Test
    void tellsFiltersWithWildcardsApart() {
        assertThat(TopicFilter.hasWildcard("rollbridge/+/set")).isTrue();
        assertThat(TopicFilter.hasWildcard("rollbridge/#")).isTrue();
        assertThat(TopicFilter.hasWildcard("rollbridge/bridge/state")).isFalse();
    }
}
