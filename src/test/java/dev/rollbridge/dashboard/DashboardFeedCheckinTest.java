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
 * The morning check-in's retained state through the feed (issue 20): the bridge's reaches the page
 * rebuilt (no question text, no unknown field), a hostile one is refused whole, and the check-in's
 * events are no marks on the session's chart.
 */
class DashboardFeedCheckinTest {
    private static final String TOPIC = "rb/ball/checkin";

    private static String state(String due, String answer, String adaptation) {
        return "{\"device\":\"ball\",\"ts\":\"2026-12-01T07:00:00Z\",\"day\":\"2026-12-01\",\"question\":\"<b>How?</b>\",\"asked\":true,"
                + "\"due\":" + due + ",\"answer\":" + answer + ",\"time\":\"08:00\",\"adaptation\":" + adaptation + ",\"extra\":\"x\"}";
    }

    private static final String LOWERED = "{\"lowered\":true,\"factor\":0.8,\"since\":\"2026-12-01\",\"sore\":6,\"reference\":2,"
            + "\"good_mornings\":0,\"good_mornings_to_restore\":2,\"last_checkin\":6,\"last_checkin_day\":\"2026-12-01\"}";

    @Test
    void theBridgesStateReachesThePageRebuiltAndAHostileOneIsRefused() {
        try (MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "feed-" + System.nanoTime(), "rb"))) {
            DashboardFeed feed = DashboardFeed.inBridge(link, new Topics("rb"));
            feed.bridgeDevices(List.of("ball"));
            try {
                handOverAndWait(feed, "rb/ball", "{\"pressure_kpa\":50,\"speed_cm_s\":1,\"phase\":\"rolling\",\"t_ms\":2000}");
                handOverAndWait(feed, TOPIC, state("false", "6", LOWERED));
                assertThat(feed.ignoredCount()).isZero();
                String kept = snapshot(feed);
                String line = kept.lines().filter(l -> l.contains(TOPIC)).findFirst().orElseThrow();
                assertThat(line).contains("\"answer\":6").contains("\"lowered\":true").contains("\"factor\":0.8")
                        .doesNotContain("How?").doesNotContain("extra");
                handOverAndWait(feed, "rb/ball/event", "{\"id\":\"k1\",\"seq\":1,\"type\":\"checkin_due\",\"severity\":\"info\","
                        + "\"state\":\"instant\",\"t_ms\":2500,\"message\":\"m\",\"data\":{}}");
                kept = snapshot(feed);
                assertThat(kept.lines().filter(l -> l.contains("$series/ball")).findFirst().orElseThrow()).doesNotContain("checkin_due");

                List<String> hostile = List.of(
                        state("\"yes\"", "null", LOWERED),
                        state("true", "11", LOWERED),
                        state("true", "2.5", LOWERED),
                        state("true", "\"<img>\"", LOWERED),
                        state("true", "null", LOWERED.replace("0.8", "0.1")),
                        state("true", "null", LOWERED.replace("\"2026-12-01\",\"sore\"", "\"<script>\",\"sore\"")),
                        state("true", "null", "[]"),
                        state("true", "null", LOWERED).replace("\"08:00\"", "\"8 o'clock\""),
                        "[1]");
                for (String payload : hostile) {
                    long before = feed.ignoredCount();
                    handOverAndWait(feed, TOPIC, payload);
                    assertThat(feed.ignoredCount()).as("refused: %s", payload).isEqualTo(before + 1);
                    assertThat(snapshot(feed)).as("the page keeps what it had").isEqualTo(kept);
                }
            } finally {
                feed.close();
            }
        }
    }
}
