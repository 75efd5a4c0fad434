package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.HistorySummary;
import dev.rollbridge.session.SessionRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history summary through the feed: what the bridge publishes reaches the page (one per
 * device, in the snapshot), and a summary anyone could publish is checked first: fields the
 * contract does not have are left out, wrong ones refuse it whole.
 */
class DashboardFeedHistoryTest {
    private static final Topics TOPICS = new Topics("rb");
    private static final String TOPIC = "rb/ball/history";
    private static final Instant NOW = Instant.parse("2026-11-27T18:00:00Z");
    @TempDir
    Path dir;

    /** What the bridge publishes for two sessions and a pain report. */
    private byte[] bridgeSummary() {
        try (HistoryStore store = HistoryStore.open(dir)) {
            store.recordSession(new SessionRecord("ball", "s1", "left", NOW.minus(Duration.ofDays(2)), "idle", 420, 360, 3, 2, 95, 180, 4, 30, -1,
                    "{\"pressure_too_high\":1}"));
            store.recordSession(new SessionRecord("ball", "s2", "right", NOW.minus(Duration.ofDays(1)), "idle", 400, 300, 2, 2, 95, 180, 4, 30, -1,
                    "{}"));
            store.recordPain("ball", NOW.minus(Duration.ofDays(1)), 4);
            return HistorySummary.payload(store, "ball", NOW, ZoneOffset.UTC, new Thresholds.Sessions(300_000, 300_000, 600_000));
        }
    }

    private static Optional<JsonNode> kept(DashboardFeed feed) throws Exception {
        for (String line : feed.snapshot()) {
            JsonNode m = Json.read(line);
            if (m.path("topic").asText().equals(TOPIC)) {
                return Optional.of(m.path("payload"));
            }
        }
        return Optional.empty();
    }

    private static void withFeed(Consumer<DashboardFeed> test) {
        try (MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "feed-" + System.nanoTime(), "rb"))) {
            DashboardFeed feed = DashboardFeed.inBridge(link, TOPICS);
            feed.bridgeDevices(List.of("ball"));
            try {
                test.accept(feed);
            } finally {
                feed.close();
            }
        }
    }

    private static void handOverAndWait(DashboardFeed feed, byte[] payload) {
        long seen = feed.ignoredCount();
        String before = snapshotText(feed);
        feed.handOver(TOPIC, payload);
        // The feed's thread takes it: kept (the snapshot changes) or ignored (counted).
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> feed.ignoredCount() > seen || !snapshotText(feed).equals(before));
    }

    private static String snapshotText(DashboardFeed feed) {
        return String.join("\n", feed.snapshot());
    }

    @Test
    void theBridgesSummaryReachesThePageWhole() {
        byte[] published = bridgeSummary();
        withFeed(feed -> {
            handOverAndWait(feed, published);
            try {
                JsonNode page = kept(feed).orElseThrow();
                JsonNode bridge = Json.read(published);
                assertThat(feed.ignoredCount()).isZero();
                // Everything the page draws, unchanged (the device's name is the topic's).
                for (String field : List.of("from", "to", "ts", "zone", "legs", "days", "weeks", "pain", "frequency", "seek_professional")) {
                    assertThat(page.get(field)).as(field).isEqualTo(bridge.get(field));
                }
                assertThat(page.path("days")).hasSize(2);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void fieldsTheContractDoesNotHaveAreLeftOutAndAWrongOneRefusesTheSummary() throws Exception {
        ObjectNode good = (ObjectNode) Json.read(bridgeSummary());
        withFeed(feed -> {
            try {
                ObjectNode extra = good.deepCopy();
                extra.put("note", "<img src=x onerror=alert(1)>");
                ((ObjectNode) extra.path("days").get(0)).put("comment", "<script>alert(1)</script>");
                handOverAndWait(feed, Json.write(extra).getBytes(StandardCharsets.UTF_8));
                assertThat(snapshotText(feed)).contains("\"days\"").doesNotContain("<img").doesNotContain("<script");
                String kept = snapshotText(feed);

                List<String> hostile = List.of(
                        replaceLeg(good, "<img src=x onerror=alert(1)>"),
                        good.toString().replace("\"to\":\"2026-11-27\"", "\"to\":\"<b>2026-11-27</b>\""),
                        good.toString().replace("\"holds\":3", "\"holds\":1e300"),
                        good.toString().replace("\"active_min\":6.0", "\"active_min\":-6"),
                        good.toString().replace("\"active_min\":6.0", "\"active_min\":\"6\""),
                        good.toString().replace("\"holds_met\":2,\"alerts\":{\"warning\":1", "\"holds_met\":99,\"alerts\":{\"warning\":1"),
                        good.toString().replace("\"mean\":4.0", "\"mean\":11"),
                        good.toString().replace("\"due\":false", "\"due\":\"<b>yes</b>\""),
                        good.toString().replace("\"trend\":null", "\"trend\":\"<i>bad</i>\""),
                        good.toString().replace("\"daily_per_week\":7", "\"daily_per_week\":99999999999999999999"),
                        good.toString().replace("\"from\":\"", "\"from\":\"1900-01-01\",\"x\":\""),
                        "{\"days\":" + "[".repeat(40) + "]".repeat(40) + "}",
                        "[1,2,3]");
                for (String payload : hostile) {
                    assertThat(payload).as("a change was made").isNotEqualTo(good.toString());
                    long before = feed.ignoredCount();
                    handOverAndWait(feed, payload.getBytes(StandardCharsets.UTF_8));
                    assertThat(feed.ignoredCount()).as("refused: %s", payload).isEqualTo(before + 1);
                    assertThat(snapshotText(feed)).as("the page keeps what it had").isEqualTo(kept);
                }
                long before = feed.ignoredCount();
                handOverAndWait(feed, new byte[DashboardFeed.HISTORY_MAX_BYTES + 1]);
                assertThat(feed.ignoredCount()).as("too large").isEqualTo(before + 1);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static String replaceLeg(ObjectNode summary, String leg) {
        ObjectNode copy = summary.deepCopy();
        ((ObjectNode) copy.path("days").get(0)).put("leg", leg);
        return copy.toString();
    }
}
