package dev.rollbridge.dashboard;

import org.awaitility.Awaitility;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Hands a payload to a feed as the MQTT client would, and waits until the feed took or refused it. */
final class FeedHandOver {
    private FeedHandOver() {
    }

    static String snapshot(DashboardFeed feed) {
        return String.join("\n", feed.snapshot());
    }

    static void handOverAndWait(DashboardFeed feed, String topic, String payload) {
        long seen = feed.ignoredCount();
        String before = snapshot(feed);
        feed.handOver(topic, payload.getBytes(StandardCharsets.UTF_8));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> feed.ignoredCount() > seen || !snapshot(feed).equals(before));
    }
}
