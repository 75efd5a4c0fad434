package dev.rollbridge.mqtt.link;

import dev.rollbridge.testing.WithMosquitto;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The one connection the bridge and its extensions share, against a real Mosquitto. */
class MqttLinkIT extends WithMosquitto {

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void handlersOfOneFilterEachGetTheMessagesAndOneLeavingKeepsTheOther() throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        MqttLink.MessageHandler one = (topic, payload) -> first.add(new String(payload, StandardCharsets.UTF_8));
        MqttLink.MessageHandler two = (topic, payload) -> {
            second.add(new String(payload, StandardCharsets.UTF_8));
            throw new IllegalStateException("a handler that throws costs only itself");
        };
        try (MqttLink link = new MqttLink(MqttSettings.of(broker.url(), "shared-" + System.nanoTime(), "shared"));
             MqttLink sender = new MqttLink(MqttSettings.of(broker.url(), "sender-" + System.nanoTime(), "shared"))) {
            // Subscribed before the connection: made on connect.
            link.subscribe("shared/x", one);
            link.connect(Duration.ofSeconds(5));
            link.subscribe("shared/x", two);
            sender.connect(Duration.ofSeconds(5));

            sender.publish("shared/x", text("a"), 1, false).get();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> first.size() == 1 && second.size() == 1);
            assertThat(link.handlerFailures()).isEqualTo(1);
            assertThat(link.isConnected()).as("a handler's exception never drops the link").isTrue();

            link.unsubscribe("shared/x", two);
            sender.publish("shared/x", text("b"), 1, false).get();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> first.size() == 2);
            link.unsubscribe("shared/x", one);
            sender.publish("shared/x", text("c"), 1, false).get();
            // A marker on another topic shows that "c" would have arrived by now.
            List<String> marker = new CopyOnWriteArrayList<>();
            link.subscribe("shared/marker", (topic, payload) -> marker.add(topic));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                sender.publish("shared/marker", text("m"), 1, false).get();
                return !marker.isEmpty();
            });
            assertThat(first).containsExactly("a", "b");
            assertThat(second).containsExactly("a");
        }
    }

    @Test
    void aMessageReachesTheHandlersOfEveryFilterItMatchesExactOrWildcard() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (MqttLink link = new MqttLink(MqttSettings.of(broker.url(), "match-" + System.nanoTime(), "match"));
             MqttLink sender = new MqttLink(MqttSettings.of(broker.url(), "sender-" + System.nanoTime(), "match"))) {
            link.subscribe("match/roller-1", (topic, payload) -> got.add("exact " + topic));
            link.subscribe("match/+/set", (topic, payload) -> got.add("plus " + topic));
            link.subscribe("match/roller-1/#", (topic, payload) -> got.add("hash " + topic));
            link.subscribe("match/end", (topic, payload) -> got.add("end"));
            link.connect(Duration.ofSeconds(5));
            sender.connect(Duration.ofSeconds(5));

            for (String topic : List.of("match/roller-1", "match/roller-1/set", "match/roller-2/set", "match/roller-10",
                    "match/roller-1/set/response", "match/end")) {
                sender.publish(topic, text("x"), 1, false).get();
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("end"));
            assertThat(got).containsExactlyInAnyOrder(
                    "exact match/roller-1", "hash match/roller-1",
                    "plus match/roller-1/set", "hash match/roller-1/set",
                    "plus match/roller-2/set",
                    "hash match/roller-1/set/response",
                    "end");
        }
    }
}
