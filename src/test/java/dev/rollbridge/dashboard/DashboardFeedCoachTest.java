package dev.rollbridge.dashboard;

import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.rollbridge.dashboard.FeedHandOver.handOverAndWait;
import static dev.rollbridge.dashboard.FeedHandOver.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code coach_prompt} through the feed (issue 20): the bridge's reaches the page, one with a
 * step the contract does not have or a text that is not a short sentence is refused whole, and a
 * prompt is no mark on the session's chart.
 */
class DashboardFeedCoachTest {
    private static final String EVENTS = "rb/ball/event";

    private static String prompt(String id, String data) {
        return "{\"id\":\"" + id + "\",\"seq\":1,\"type\":\"coach_prompt\",\"severity\":\"info\",\"state\":\"instant\",\"t_ms\":3000,"
                + "\"ts\":\"2026-12-01T10:00:00Z\",\"message\":\"m\",\"data\":" + data + "}";
    }

    @Test
    void theBridgesPromptReachesThePageAndAHostileOneIsRefused() {
        try (MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "feed-" + System.nanoTime(), "rb"))) {
            DashboardFeed feed = DashboardFeed.inBridge(link, new Topics("rb"));
            feed.bridgeDevices(List.of("ball"));
            try {
                handOverAndWait(feed, "rb/ball", "{\"pressure_kpa\":50,\"speed_cm_s\":1,\"phase\":\"rolling\",\"t_ms\":2000}");
                handOverAndWait(feed, EVENTS, "{\"id\":\"h1\",\"seq\":1,\"type\":\"hold_started\",\"severity\":\"info\",\"state\":\"instant\","
                        + "\"t_ms\":2500,\"message\":\"m\",\"data\":{}}");
                handOverAndWait(feed, EVENTS, prompt("c1", "{\"step\":\"warm_up\",\"text\":\"Warm up first.\"}"));
                assertThat(feed.ignoredCount()).isZero();
                String kept = snapshot(feed);
                assertThat(kept).contains("\"text\":\"Warm up first.\"").contains("hold_started");
                String series = kept.lines().filter(l -> l.contains("$series/ball")).findFirst().orElseThrow();
                assertThat(series).as("the chart's marks").contains("hold_started").doesNotContain("coach_prompt");

                List<String> hostile = List.of(
                        prompt("c2", "{\"step\":\"<b>warm_up</b>\",\"text\":\"x\"}"),
                        prompt("c3", "{\"step\":\"warm_up\",\"text\":\"" + "x".repeat(CoachPromptCheck.MAX_TEXT + 1) + "\"}"),
                        prompt("c4", "{\"step\":\"warm_up\",\"text\":{\"toString\":\"x\"}}"),
                        prompt("c5", "{\"step\":\"warm_up\",\"text\":\"  \"}"),
                        prompt("c6", "{\"step\":[\"warm_up\"],\"text\":\"x\"}"),
                        prompt("c7", "[1]"));
                for (String payload : hostile) {
                    long before = feed.ignoredCount();
                    handOverAndWait(feed, EVENTS, payload);
                    assertThat(feed.ignoredCount()).as("refused: %s", payload).isEqualTo(before + 1);
                    assertThat(snapshot(feed)).as("the page keeps what it had").isEqualTo(kept);
                }
            } finally {
                feed.close();
            }
        }
    }
}
