package dev.rollbridge.dashboard;

import dev.rollbridge.mqtt.Topics;
import dev.rollbridge.testing.WithMosquitto;
import dev.rollbridge.testing.MqttProbe;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's HTTP side without a browser: pages, SSE snapshot, command rules. */
class DashboardServerTest extends WithMosquitto {
    private final HttpClient http = HttpClient.newHttpClient();


    private HttpResponse<String> post(DashboardServer server, String body, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.url() + "api/command"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("X-Rollbridge-Token", token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageTheSnapshotAndCommandsWithATokenWhenOneIsSet() throws Exception {
        // Something retained before the dashboard starts: the page must get it at once.
        MqttClient bridge = new MqttClient(broker.url(), "fake-bridge");
        bridge.connect();
        bridge.publish("srv/bridge/state", "{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true);
        DashboardFeed feed = new DashboardFeed(broker.url(), new Topics("srv"));
        feed.connect();
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, "s3cret");
             MqttProbe probe = new MqttProbe(broker.url(), "srv/+/set")) {
            assertThat(server.url()).startsWith("http://127.0.0.1:");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.url())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>rollbridge</title>").contains("/app.js");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "app.js")).build(),
                    HttpResponse.BodyHandlers.ofString()).headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "nope")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/config")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("{\"base\":\"srv\",\"read_only\":false,\"token_required\":true}");

            // The event stream starts with what is retained.
            HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(server.url() + "events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.headers().firstValue("Content-Type")).contains("text/event-stream");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                assertThat(lines.readLine()).isEqualTo("data: {\"topic\":\"srv/bridge/state\",\"payload\":{\"state\":\"online\"}}");
            }

            String pain = "{\"device\":\"rollsense_c0ffee000001\",\"command\":{\"pain\":4}}";
            assertThat(post(server, pain, null).statusCode()).isEqualTo(403);
            assertThat(post(server, pain, "wrong").statusCode()).isEqualTo(403);
            assertThat(post(server, "{\"device\":\"../x\",\"command\":{}}", "s3cret").statusCode()).isEqualTo(400);
            assertThat(post(server, "not json", "s3cret").statusCode()).isEqualTo(400);
            assertThat(post(server, pain, "s3cret").statusCode()).isEqualTo(202);
            probe.await("the command", Duration.ofSeconds(5),
                    m -> m.topic().equals("srv/rollsense_c0ffee000001/set") && m.payload().equals("{\"pain\":4}"));
            assertThat(probe.messages()).hasSize(1);
        } finally {
            feed.close();
            bridge.disconnect();
            bridge.close();
        }
    }

    @Test
    void beyondLoopbackThePageIsReadOnlyUnlessATokenIsSet() throws Exception {
        InetAddress lan = InetAddress.getByAddress(new byte[]{(byte) 192, (byte) 168, 1, 20});
        assertThat(DashboardServer.commandsAllowed(InetAddress.getLoopbackAddress(), null)).isTrue();
        assertThat(DashboardServer.commandsAllowed(lan, null)).isFalse();
        assertThat(DashboardServer.commandsAllowed(lan, "token")).isTrue();
        assertThat(DashboardServer.commandsAllowed(InetAddress.getByName("0.0.0.0"), null)).isFalse();
    }
}
