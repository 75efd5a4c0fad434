package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What anyone who can publish to the broker, or open a socket to the dashboard, can do to the
 * daemon users run: the shipped jar with the unit's JVM flags (256 kB stacks, a 48 MB heap).
 */
class HostileInputIT extends WithMosquitto {
    private static final String DEVICE = "rollsense_c0ffee000001";

    private Daemon start() throws IOException {
        return Daemon.shipped(Map.of(), "run", "--broker", broker.url(), "--no-cue", "--dashboard-port", "0");
    }

    private static MqttClient publisher(String url) throws Exception {
        MqttClient client = new MqttClient(url, "attacker-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        client.connect(options);
        return client;
    }

    /**
     * A command nested 1,000 deep overflowed the recursive reader's 256 kB stack; the
     * StackOverflowError escaped to Paho, which dropped the connection, and the broker published
     * the bridge's last will: 40 such messages gave 20 disconnects.
     */
    @Test
    void deeplyNestedMessagesAreRefusedAndNeverDropTheConnection() throws Exception {
        try (Daemon daemon = start(); MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/#")) {
            probe.await("bridge online", Duration.ofSeconds(30),
                    m -> m.topic().equals("rollbridge/bridge/state") && m.payload().contains("online"));
            MqttClient attacker = publisher(broker.url());
            String nested = "[".repeat(1_000) + "]".repeat(1_000);
            for (int i = 0; i < 40; i++) {
                attacker.publish("rollbridge/" + DEVICE + "/set", ("{\"pain\":3,\"transaction\":" + nested + "}").getBytes(StandardCharsets.UTF_8), 1, false);
                attacker.publish("rollbridge/bridge/request/health_check", ("{\"transaction\":" + nested + "}").getBytes(StandardCharsets.UTF_8), 1, false);
            }
            probe.await("40 refusals", Duration.ofSeconds(30), m -> probe.on("rollbridge/" + DEVICE + "/set/response").size() >= 40);
            assertThat(probe.on("rollbridge/" + DEVICE + "/set/response")).allSatisfy(r ->
                    assertThat(r.json().path("error").asText()).contains("invalid JSON").contains("depth"));

            attacker.publish("rollbridge/bridge/request/health_check", "{\"transaction\":\"after\"}".getBytes(StandardCharsets.UTF_8), 1, false);
            JsonNode health = probe.await("health", Duration.ofSeconds(10), m -> m.topic().equals("rollbridge/bridge/response/health_check")
                    && m.payload().contains("\"after\"")).json();
            assertThat(health.path("data").path("reconnects").asLong()).as("reconnects").isZero();
            assertThat(health.path("data").path("mqtt_connected").asBoolean()).isTrue();
            attacker.publish("rollbridge/" + DEVICE + "/set", "{\"pain\":3,\"transaction\":\"good\"}".getBytes(StandardCharsets.UTF_8), 1, false);
            probe.await("a good command still answered", Duration.ofSeconds(10),
                    m -> m.topic().endsWith("/set/response") && m.payload().contains("\"good\"") && m.payload().contains("\"ok\":true"));
            assertThat(sinceOnline(probe)).as("the last will never fired").noneMatch(p -> p.contains("offline"));
            attacker.disconnect();
            attacker.close();

            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            assertThat(daemon.stderr()).doesNotContain("StackOverflowError").doesNotContain("connection to").doesNotContain("lost");
        }
    }

    /**
     * The dashboard kept the last payload of every topic under the base (3,000 junk topics of
     * 64 kB: +180 MB), ran a thread per connection with no cap (800 event streams: 832 threads,
     * over the unit's MemoryMax) and let slow sockets hold threads for ever.
     */
    @Test
    void junkTopicsManyPagesAndSlowSocketsCostBoundedMemoryAndThreads() throws Exception {
        try (Daemon daemon = start(); MqttProbe probe = new MqttProbe(broker.url(), "rollbridge/bridge/#")) {
            probe.await("bridge online", Duration.ofSeconds(30), m -> m.topic().equals("rollbridge/bridge/state") && m.payload().contains("online"));
            String line = daemon.awaitLine("dashboard address", Duration.ofSeconds(30), l -> l.startsWith("Dashboard: "));
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            int port = Integer.parseInt(m.group(1));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI page = URI.create("http://127.0.0.1:" + port + "/");

            // 1,000 retained junk topics of 64 kB under the base, some shaped like device ids, some under the real device.
            MqttClient attacker = publisher(broker.url());
            byte[] junk = ("{\"pressure_kpa\":1,\"t_ms\":1,\"x\":\"" + "a".repeat(64 * 1024 - 40) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 1_000; i++) {
                String topic = i % 4 == 0 ? "rollbridge/" + DEVICE + "/junk" + i : "rollbridge/junk_" + i;
                attacker.publish(topic, junk, 0, true);
            }
            attacker.publish("rollbridge/" + DEVICE, junk, 0, true); // the real state topic, far over its size
            // A forged device list, and events that parse into trees many times their size ({} is a node).
            StringBuilder devices = new StringBuilder("{\"devices\":[");
            for (int i = 0; i < 40; i++) {
                devices.append(i == 0 ? "" : ",").append("{\"id\":\"forged_").append(i).append("\"}");
            }
            attacker.publish("rollbridge/bridge/info", devices.append("]}").toString().getBytes(StandardCharsets.UTF_8), 0, false);
            byte[] padded = ("{\"type\":\"ease_off\",\"pad\":[" + "{},".repeat(1_300) + "{}]}").getBytes(StandardCharsets.UTF_8);
            byte[] large = ("{\"type\":\"ease_off\",\"pad\":[" + "{},".repeat(2_600) + "{}]}").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 200; i++) {
                attacker.publish("rollbridge/" + DEVICE + "/event", padded, 0, false);
                attacker.publish("rollbridge/" + DEVICE + "/event", large, 0, false);
                attacker.publish("rollbridge/forged_" + (i % 40) + "/event", padded, 0, false);
            }
            Thread.sleep(2_000); // let them all arrive before a page opens
            long samplesBefore = samples(attacker, probe);
            long before = System.nanoTime();
            int snapshot = snapshotBytes(port);
            assertThat(snapshot).as("bytes of the event stream's snapshot (50 events of 4 kB at most)").isLessThan(400_000);
            assertThat(daemon.procStatus("VmRSS")).as("RSS kB with the junk retained").isLessThan(128 * 1024);

            // 800 pages open the event stream at once: at most 8 are served, the rest refused or closed.
            long threadsBefore = daemon.procStatus("Threads");
            List<Socket> pages = new ArrayList<>();
            int served = 0;
            long maxThreads = 0;
            try {
                for (int i = 0; i < 800; i++) {
                    Socket s = new Socket();
                    pages.add(s);
                    try {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                        s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException refused) {
                        // Over the connection cap: refused or closed at once, as it should be.
                    }
                    if (i % 100 == 99) {
                        maxThreads = Math.max(maxThreads, daemon.procStatus("Threads"));
                    }
                }
                for (Socket s : pages) {
                    if (s.isConnected() && statusLine(s).contains(" 200 ")) {
                        served++;
                    }
                }
                maxThreads = Math.max(maxThreads, daemon.procStatus("Threads"));
                assertThat(served).as("event streams served").isBetween(1, 8);
                assertThat(maxThreads - threadsBefore).as("threads added by 800 pages").isLessThanOrEqualTo(40);
                assertThat(daemon.procStatus("VmRSS")).as("RSS kB with 800 pages").isLessThan(128 * 1024);
                System.out.printf("800 event streams: %d served, threads %d -> at most %d, RSS %d kB; junk snapshot %d bytes%n",
                        served, threadsBefore, maxThreads, daemon.procStatus("VmRSS"), snapshot);
            } finally {
                for (Socket s : pages) {
                    s.close();
                }
            }

            // 100 sockets that never finish their headers are closed by the server, and the page loads after.
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                assertThat(daemon.procStatus("Threads") - threadsBefore).as("threads added by 100 slow sockets").isLessThanOrEqualTo(40);
                int closedByServer = 0;
                for (Socket s : slow) {
                    s.setSoTimeout(20_000);
                    try {
                        s.getInputStream().readAllBytes(); // a 408, or nothing, then the end
                        closedByServer++;
                    } catch (SocketTimeoutException e) {
                        // still open after 20 s: counted as not closed
                    } catch (IOException e) {
                        closedByServer++; // reset
                    }
                }
                assertThat(closedByServer).as("slow sockets closed by the server").isEqualTo(100);
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(snapshotBytes(port)).as("a new page still gets its snapshot").isGreaterThan(0);
            assertThat(sinceOnline(probe)).as("the last will never fired").noneMatch(p -> p.contains("offline"));
            assertThat(samples(attacker, probe)).as("the device's samples are still analysed").isGreaterThan(samplesBefore);
            attacker.disconnect();
            attacker.close();
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMinutes(2));
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            assertThat(daemon.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    /** Samples the daemon has analysed for the device, from a health_check (a pipeline killed by a full heap stops counting). */
    private static long samples(MqttClient asker, MqttProbe probe) throws Exception {
        String tx = "t" + System.nanoTime();
        asker.publish("rollbridge/bridge/request/health_check", ("{\"transaction\":\"" + tx + "\"}").getBytes(StandardCharsets.UTF_8), 1, false);
        return probe.await("health " + tx, Duration.ofSeconds(10), m -> m.topic().equals("rollbridge/bridge/response/health_check")
                && m.payload().contains(tx)).json().path("data").path("devices").path(DEVICE).path("samples").asLong();
    }

    /** bridge/state since this daemon went online (a retained "offline" of an earlier daemon may come first). */
    private static List<String> sinceOnline(MqttProbe probe) {
        List<String> states = probe.on("rollbridge/bridge/state").stream().map(MqttProbe.Received::payload).toList();
        int online = states.indexOf("{\"state\":\"online\"}");
        assertThat(online).as("went online: %s", states).isNotNegative();
        return states.subList(online, states.size());
    }

    /** Bytes of the event stream a new page reads in its first two seconds (the snapshot, then live messages). */
    private static int snapshotBytes(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(250);
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int total = 0;
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                } catch (SocketTimeoutException e) {
                    // nothing new this moment
                }
            }
            return total;
        }
    }

    private static String statusLine(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        StringBuilder line = new StringBuilder();
        try {
            InputStream in = s.getInputStream();
            for (int c = in.read(); c != -1 && c != '\n' && line.length() < 200; c = in.read()) {
                line.append((char) c);
            }
        } catch (IOException e) {
            return "closed: " + e.getMessage();
        }
        return line.toString();
    }
}
