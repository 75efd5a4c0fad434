package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.Phase;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Payloads;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where on the muscle through the feed: the bridge's {@code <device>/segments} and the session
 * summary's {@code segments} reach the page; what anyone could publish is checked field by field
 * first, and a wrong one is refused whole.
 */
class DashboardFeedSegmentsTest {
    private static final Topics TOPICS = new Topics("rb");
    private static final String SEGMENTS = "rb/ball/segments";
    private static final String SESSION = "rb/ball/session";

    private static byte[] bridgeSegments() {
        List<EventDetail.MuscleSegment> segments = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            segments.add(new EventDetail.MuscleSegment(i * 10, i * 10 + 10, 5 + i, 300.5 * (i + 1), i == 4 ? List.of(40.0) : List.of(),
                    i == 4 ? 1 : 0, 0, i == 9 ? 61.0 : 0));
        }
        DeviceState s = new DeviceState(90_000, 80, 2, Phase.ROLLING, 0, "left", 80, 90, 1, 200, Double.NaN, Double.NaN, 3, null, 45.0,
                segments);
        return Payloads.segments("ball", s, Instant.parse("2026-12-01T10:00:00Z"));
    }

    private static Optional<JsonNode> kept(DashboardFeed feed, String topic) throws Exception {
        for (String line : feed.snapshot()) {
            JsonNode m = Json.read(line);
            if (m.path("topic").asText().equals(topic)) {
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

    private static void handOverAndWait(DashboardFeed feed, String topic, byte[] payload) {
        long seen = feed.ignoredCount();
        String before = String.join("\n", feed.snapshot());
        feed.handOver(topic, payload);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> feed.ignoredCount() > seen || !String.join("\n", feed.snapshot()).equals(before));
    }

    private static byte[] bytes(JsonNode n) {
        return Json.write(n).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBridgesSegmentsReachThePageAndUnknownFieldsAreLeftOut() {
        withFeed(feed -> {
            try {
                ObjectNode p = (ObjectNode) Json.read(bridgeSegments());
                p.put("script", "<img src=x onerror=alert(1)>");
                ((ObjectNode) p.get("segments").get(3)).put("colour", "red");
                handOverAndWait(feed, SEGMENTS, bytes(p));
                JsonNode kept = kept(feed, SEGMENTS).orElseThrow();
                assertThat(kept.has("script")).isFalse();
                assertThat(kept.get("segments")).hasSize(10);
                assertThat(kept.get("segments").get(3).has("colour")).isFalse();
                assertThat(kept.get("segments").get(4).get("holds").get(0).asDouble()).isEqualTo(40.0);
                assertThat(kept.get("position_pct").asDouble()).isEqualTo(45.0);
                assertThat(kept.get("device").asText()).isEqualTo("ball");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Each of these refuses the message: the page keeps what it had. */
    @ParameterizedTest
    @ValueSource(strings = {"count", "range", "negative", "text", "holds", "holdText", "leg", "position", "huge", "notList", "pain"})
    void aBadSegmentsPayloadIsRefusedWhole(String fault) {
        withFeed(feed -> {
            try {
                ObjectNode p = (ObjectNode) Json.read(bridgeSegments());
                ArrayNode segs = (ArrayNode) p.get("segments");
                ObjectNode s4 = (ObjectNode) segs.get(4);
                switch (fault) {
                    case "count" -> segs.remove(9);
                    case "range" -> s4.put("from_pct", 50.0);
                    case "negative" -> s4.put("time_s", -1.0);
                    case "text" -> s4.put("dose_kpa_s", "1e3");
                    case "holds" -> {
                        ArrayNode holds = s4.putArray("holds");
                        for (int i = 0; i < 9; i++) {
                            holds.add(30.0);
                        }
                    }
                    case "holdText" -> s4.putArray("holds").add("40");
                    case "leg" -> p.put("leg", "<b>left</b>");
                    case "position" -> p.put("position_pct", 140.0);
                    case "huge" -> s4.put("dose_kpa_s", 1e300);
                    case "notList" -> p.put("segments", "all");
                    case "pain" -> s4.put("pain", 1.5);
                    default -> throw new IllegalArgumentException(fault);
                }
                long ignored = feed.ignoredCount();
                handOverAndWait(feed, SEGMENTS, bytes(p));
                assertThat(feed.ignoredCount()).isEqualTo(ignored + 1);
                assertThat(kept(feed, SEGMENTS)).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aSessionSummaryWithBadSegmentsIsRefusedAndAGoodOneKeepsThem() {
        withFeed(feed -> {
            try {
                ObjectNode summary = JsonNodeFactory.instance.objectNode();
                summary.put("device", "ball");
                summary.put("leg", "left");
                summary.put("active_s", 300.0);
                summary.set("segments", Json.read(bridgeSegments()).get("segments"));
                handOverAndWait(feed, SESSION, bytes(summary));
                assertThat(kept(feed, SESSION).orElseThrow().get("segments")).hasSize(10);

                ((ObjectNode) summary.get("segments").get(2)).put("friction_s", "a lot");
                summary.put("active_s", 301.0);
                long ignored = feed.ignoredCount();
                handOverAndWait(feed, SESSION, bytes(summary));
                assertThat(feed.ignoredCount()).isEqualTo(ignored + 1);
                assertThat(kept(feed, SESSION).orElseThrow().get("active_s").asDouble()).as("the good one stays").isEqualTo(300.0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
