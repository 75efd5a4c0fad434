package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * In the daemon the feed's handler runs on the link's callback thread, which also carries the
 * bridge's commands and acknowledgements: it must queue and return, whatever the feed is doing.
 * (The link is never connected: messages are handed over as the link would hand them.)
 */
class DashboardFeedTest {
    private static final Topics TOPICS = new Topics("rb");

    private static MqttLink unconnectedLink() {
        return new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "feed-" + System.nanoTime(), "rb"));
    }

    /** A feed whose own thread is stuck in a page's listener until {@code release}. */
    private static DashboardFeed stuckFeed(MqttLink link, List<String> seen, CountDownLatch release) throws Exception {
        DashboardFeed feed = DashboardFeed.inBridge(link, TOPICS);
        feed.bridgeDevices(List.of("ball"));
        CountDownLatch stuck = new CountDownLatch(1);
        feed.listen(line -> {
            seen.add(line);
            stuck.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        feed.handOver("rb/ball/event", "{\"type\":\"first\"}".getBytes(StandardCharsets.UTF_8));
        stuck.await();
        return feed;
    }

    @Test
    void aFloodWhileTheFeedIsBusyIsDroppedAndCountedAndTheLinksThreadNeverWaits() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (MqttLink link = unconnectedLink()) {
            DashboardFeed feed = stuckFeed(link, seen, release);
            byte[] event = "{\"type\":\"hold_ended\",\"severity\":\"info\"}".getBytes(StandardCharsets.UTF_8);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 3_000; i++) {
                    feed.handOver("rb/ball/event", event);
                }
            }, "the link's thread waited for the feed");
            assertThat(feed.ignoredCount()).isEqualTo(3_000 - DashboardFeed.INBOX_MESSAGES);

            release.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1 + DashboardFeed.INBOX_MESSAGES);
            feed.handOver("rb/ball/event", event);
            Awaitility.await("the feed goes on after the flood").atMost(Duration.ofSeconds(10))
                    .until(() -> seen.size() == 2 + DashboardFeed.INBOX_MESSAGES);
            feed.close();
        }
    }

    @Test
    void whatWaitsIsBoundedInBytesToo() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (MqttLink link = unconnectedLink()) {
            DashboardFeed feed = stuckFeed(link, seen, release);
            byte[] large = new byte[64 * 1024];
            Arrays.fill(large, (byte) 'a');
            byte[] prefix = "{\"x\":\"".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(prefix, 0, large, 0, prefix.length);
            large[large.length - 2] = '"';
            large[large.length - 1] = '}';
            for (int i = 0; i < 20; i++) {
                feed.handOver("rb/bridge/info", large);
            }
            long perMegabyte = DashboardFeed.INBOX_BYTES / large.length;
            assertThat(feed.ignoredCount()).isEqualTo(20 - perMegabyte);
            feed.handOver("rb/bridge/info", new byte[64 * 1024 + 1]);
            assertThat(feed.ignoredCount()).as("more than any topic may carry is not even queued").isEqualTo(21 - perMegabyte);

            release.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1 + perMegabyte);
            feed.close();
        }
    }

    /**
     * A broker that accepts the connection and never acknowledges a publish: what a busy or
     * stalled broker looks like to the commands.
     */
    private static Thread silentBroker(ServerSocket server) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.read(); // CONNECT's fixed header
                int length = 0;
                for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
                    b = in.read();
                    length |= (b & 0x7F) << shift;
                }
                in.readNBytes(length);
                OutputStream out = s.getOutputStream();
                out.write(new byte[]{0x20, 0x02, 0x00, 0x00}); // CONNACK, accepted
                out.flush();
                while (in.read(new byte[4096]) >= 0) {
                    // subscribes and publishes, never answered
                }
            } catch (IOException e) {
                // the test is over
            }
        }, "silent-broker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void commandsWaitingForTheBrokerAreFewTheRestRefusedSoTheyCannotTakeTheEventsWindow() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            silentBroker(server);
            try (MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:" + server.getLocalPort(), "feed-" + System.nanoTime(), "rb"))) {
                DashboardFeed feed = DashboardFeed.inBridge(link, TOPICS);
                feed.bridgeDevices(List.of("ball"));
                link.connect(Duration.ofSeconds(5));
                ObjectNode calibrate = JsonNodeFactory.instance.objectNode().put("calibrate", "start");
                for (int i = 0; i < DashboardFeed.COMMANDS_IN_FLIGHT; i++) {
                    feed.command("ball", calibrate);
                }
                assertThatThrownBy(() -> feed.command("ball", calibrate)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("earlier commands still wait");
                feed.close();
            }
        }
    }
}
