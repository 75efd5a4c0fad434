package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's HTTP side without a browser: pages, SSE snapshot, what a command must carry. */
class DashboardServerIT extends WithMosquitto {
    private static final String DEVICE = "rollsense_c0ffee000001";
    private final HttpClient http = HttpClient.newHttpClient();
    private MqttClient bridge;
    private DashboardFeed feed;

    @BeforeEach
    void aBridgeWithOneDevice() throws Exception {
        // Retained before the dashboard starts: the page must get it at once.
        bridge = new MqttClient(broker.url(), "fake-bridge-" + System.nanoTime());
        bridge.connect();
        bridge.publish("srv/bridge/state", "{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true);
        bridge.publish("srv/bridge/info", ("{\"devices\":[{\"id\":\"" + DEVICE + "\",\"profile\":\"rollsense-ball\"}]}")
                .getBytes(StandardCharsets.UTF_8), 1, true);
        feed = new DashboardFeed(broker.url(), new Topics("srv"));
        feed.connect();
        Awaitility.await("the feed knows the device").atMost(Duration.ofSeconds(5)).until(() -> feed.knows(DEVICE));
    }

    @AfterEach
    void stop() throws Exception {
        feed.close();
        bridge.publish("srv/bridge/info", new byte[0], 1, true);
        bridge.publish("srv/bridge/state", new byte[0], 1, true);
        bridge.disconnect();
        bridge.close();
    }

    /** A response read off a raw socket: status, headers (lower-case names) and body. */
    private record Raw(int statusCode, Map<String, String> headers, String body) {
    }

    /** A GET with exactly this Host (Java's HTTP client will not send another than the URL's). */
    private static Raw get(DashboardServer server, String path, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET /" + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5_000);
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] head = all.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(head[0].split(" ")[1]), headers, all.substring(end + 4));
        }
    }

    /** A raw request, so Host, Origin and Content-Type are exactly what a browser or an attacker would send. */
    private static String post(DashboardServer server, Map<String, String> headers, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            StringBuilder request = new StringBuilder("POST /api/command HTTP/1.1\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            request.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            s.setSoTimeout(5_000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String csrf(Raw config) throws Exception {
        return Json.read(config.body()).path("csrf").asText();
    }

    @Test
    void servesThePageTheSnapshotAndCommandsFromItsOwnPage() throws Exception {
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, "s3cret-token-for-tests");
             MqttProbe probe = new MqttProbe(broker.url(), "srv/+/set")) {
            String host = "127.0.0.1:" + server.port();
            assertThat(server.url()).isEqualTo("http://" + host + "/");
            Raw page = get(server, "", host);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>rollbridge</title>").contains("/app.js").doesNotContain("<script>");
            assertThat(page.headers().get("content-security-policy")).isEqualTo(DashboardServer.CONTENT_SECURITY_POLICY)
                    .contains("script-src 'self'").doesNotContain("unsafe-inline").contains("frame-ancestors 'none'");
            assertThat(page.headers().get("x-frame-options")).isEqualTo("DENY");
            assertThat(get(server, "app.js", host).headers().get("content-type")).startsWith("text/javascript");
            assertThat(get(server, "nope", host).statusCode()).isEqualTo(404);
            Raw config = get(server, "api/config", "localhost:" + server.port());
            JsonNode c = Json.read(config.body());
            assertThat(c.path("base").asText()).isEqualTo("srv");
            assertThat(c.path("token_required").asBoolean()).isTrue();
            assertThat(csrf(config)).hasSizeGreaterThanOrEqualTo(40);

            // The event stream starts with what is retained, in the order it came.
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(server.url() + "events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.headers().firstValue("Content-Type")).contains("text/event-stream");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                assertThat(lines.readLine()).isEqualTo("data: {\"topic\":\"srv/bridge/state\",\"payload\":{\"state\":\"online\"}}");
            }

            String pain = "{\"device\":\"" + DEVICE + "\",\"command\":{\"pain\":4}}";
            Map<String, String> good = Map.of("Host", host, "Origin", "http://" + host, "Content-Type", "application/json",
                    "X-Rollbridge-Csrf", csrf(config), "X-Rollbridge-Token", "s3cret-token-for-tests");
            assertThat(post(server, without(good, "X-Rollbridge-Token"), pain)).startsWith("HTTP/1.1 403");
            assertThat(post(server, with(good, "X-Rollbridge-Token", "wrong"), pain)).startsWith("HTTP/1.1 403");
            assertThat(post(server, good, "{\"device\":\"../x\",\"command\":{}}")).startsWith("HTTP/1.1 400");
            assertThat(post(server, good, "not json")).startsWith("HTTP/1.1 400");
            assertThat(post(server, good, "{\"device\":\"rollsense_ffffffffffff\",\"command\":{\"pain\":4}}"))
                    .as("a device the bridge does not list").startsWith("HTTP/1.1 404");
            assertThat(post(server, good, pain)).startsWith("HTTP/1.1 202");
            probe.await("the command", Duration.ofSeconds(5),
                    m -> m.topic().equals("srv/" + DEVICE + "/set") && m.payload().equals("{\"pain\":4}"));
            assertThat(probe.messages()).hasSize(1);
        }
    }

    /**
     * On loopback /api/command took a POST with no token, any Origin, any Host and any
     * Content-Type: any page the user visited could send commands (a no-cors text/plain fetch, a
     * form), and a rebinding host name could read the config and the event stream.
     */
    @Test
    void aCommandFromAnotherPageOrHostNameIsRefused() throws Exception {
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null);
             MqttProbe probe = new MqttProbe(broker.url(), "srv/+/set")) {
            String host = "127.0.0.1:" + server.port();
            String key = csrf(get(server, "api/config", host));
            String calibrate = "{\"device\":\"" + DEVICE + "\",\"command\":{\"calibrate\":\"start\"}}";
            Map<String, String> good = Map.of("Host", host, "Origin", "http://" + host, "Content-Type", "application/json",
                    "X-Rollbridge-Csrf", key);

            // What a foreign page can send: text/plain (no-cors fetch, a form), its own Origin, no key.
            assertThat(post(server, with(good, "Content-Type", "text/plain"), calibrate)).startsWith("HTTP/1.1 415");
            assertThat(post(server, with(good, "Content-Type", "application/x-www-form-urlencoded"), calibrate)).startsWith("HTTP/1.1 415");
            assertThat(post(server, with(good, "Origin", "http://evil.example"), calibrate)).startsWith("HTTP/1.1 403");
            assertThat(post(server, with(good, "Origin", "null"), calibrate)).startsWith("HTTP/1.1 403");
            assertThat(post(server, without(good, "Origin"), calibrate)).startsWith("HTTP/1.1 403");
            assertThat(post(server, without(good, "X-Rollbridge-Csrf"), calibrate)).startsWith("HTTP/1.1 403");
            assertThat(post(server, with(good, "X-Rollbridge-Csrf", key.substring(1) + "x"), calibrate)).startsWith("HTTP/1.1 403");
            // DNS rebinding: the browser sends the attacker's name, with a matching Origin.
            Map<String, String> rebound = with(with(good, "Host", "evil.example:" + server.port()), "Origin", "http://evil.example:" + server.port());
            assertThat(post(server, rebound, calibrate)).startsWith("HTTP/1.1 421");
            for (String path : List.of("", "api/config", "events", "app.js")) {
                assertThat(get(server, path, "evil.example:" + server.port()).statusCode()).as(path).isEqualTo(421);
                assertThat(get(server, path, "127.0.0.1:1").statusCode()).as("another port: " + path).isEqualTo(421);
            }
            assertThat(probe.messages()).as("nothing reached the broker").isEmpty();
            assertThat(server.refusedCount()).isGreaterThanOrEqualTo(8);

            assertThat(post(server, good, calibrate)).startsWith("HTTP/1.1 202");
            probe.await("the page's own command", Duration.ofSeconds(5), m -> m.payload().equals("{\"calibrate\":\"start\"}"));
        }
        // A name of one's own, configured, is accepted; the key is new at every start.
        try (DashboardServer server = DashboardServer.start(feed, new DashboardServer.Options("127.0.0.1", 0, Optional.empty(),
                List.of("rollbridge.local")))) {
            assertThat(get(server, "", "rollbridge.local:" + server.port()).statusCode()).isEqualTo(200);
            assertThat(get(server, "", "ROLLBRIDGE.local.:" + server.port()).statusCode()).isEqualTo(200);
            assertThat(get(server, "", "rollbridge.localhost:" + server.port()).statusCode()).isEqualTo(421);
        }
    }

    @Test
    void atMostEightEventStreamsAreOpenAtOnce() throws Exception {
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            List<Socket> open = new ArrayList<>();
            try {
                List<String> statuses = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    open.add(s);
                    s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(5_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    statuses.add(in.readLine());
                }
                assertThat(statuses.subList(0, DashboardServer.MAX_EVENT_STREAMS)).allMatch(l -> l.contains(" 200 "));
                assertThat(statuses.subList(DashboardServer.MAX_EVENT_STREAMS, 10)).allMatch(l -> l.contains(" 503 "));
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            // Closed pages free their places.
            Awaitility.await("a place free again, as soon as a page closes").atMost(Duration.ofSeconds(5)).until(() -> {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(5_000);
                    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine().contains(" 200 ");
                }
            });
        }
    }

    @Test
    void beyondLoopbackThePageIsReadOnlyUnlessATokenIsSet() throws Exception {
        InetAddress lan = InetAddress.getByAddress(new byte[]{(byte) 192, (byte) 168, 1, 20});
        assertThat(DashboardServer.commandsAllowed(InetAddress.getLoopbackAddress(), null)).isTrue();
        assertThat(DashboardServer.commandsAllowed(lan, null)).isFalse();
        assertThat(DashboardServer.commandsAllowed(lan, "token")).isTrue();
        assertThat(DashboardServer.commandsAllowed(InetAddress.getByName("0.0.0.0"), null)).isFalse();
        String machine = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        assertThat(DashboardServer.hostNames(lan, List.of("pi.lan"))).as("beyond loopback, this machine's own names too")
                .contains("192.168.1.20", "pi.lan", machine, machine.contains(".") ? machine : machine + ".local")
                .doesNotContain("localhost", "127.0.0.1");
        assertThat(DashboardServer.hostNames(InetAddress.getLoopbackAddress(), List.of()))
                .contains("127.0.0.1", "localhost", "[::1]");
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.remove(name);
        return copy;
    }

    /** An IPv6 address is one address however it is spelt in Host: [::1] and [0:0:0:0:0:0:0:1] both open the page. */
    @Test
    void anIpv6LiteralIsAcceptedInEitherSpelling() throws Exception {
        try (DashboardServer server = DashboardServer.start(feed, "::1", 0, null)) {
            for (String host : List.of("[::1]", "[0:0:0:0:0:0:0:1]", "[0::1]")) {
                try (Socket s = new Socket(InetAddress.getByName("::1"), server.port())) {
                    s.getOutputStream().write(("GET /api/config HTTP/1.1\r\nHost: " + host + ":" + server.port() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(5_000);
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as(host).startsWith("HTTP/1.1 200");
                }
            }
            try (Socket s = new Socket(InetAddress.getByName("::1"), server.port())) {
                s.getOutputStream().write(("GET /api/config HTTP/1.1\r\nHost: [::2]:" + server.port() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(5_000);
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as("another address").startsWith("HTTP/1.1 421");
            }
        }
    }
}
