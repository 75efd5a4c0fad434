package dev.rollbridge.cli;

import dev.rollbridge.dashboard.DashboardFeed;
import dev.rollbridge.dashboard.DashboardServer;
import dev.rollbridge.mqtt.MqttSettings;
import dev.rollbridge.mqtt.Topics;
import org.eclipse.paho.client.mqttv3.MqttException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code rollbridge dashboard}: the web page alone, fed by any broker the bridge publishes to. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Serve the live web dashboard for a bridge that publishes to BROKER.",
        description = {"A separate MQTT subscriber: it can run on another machine than the bridge.",
                "Commands from the page are allowed on 127.0.0.1; beyond it the page is read-only",
                "unless --token is given (then the page URL needs ?token=...).",
                "Exit codes: 0 stopped, 1 broker unreachable, 2 bad option."})
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--broker", paramLabel = "URL", required = true, description = "MQTT broker, tcp://HOST:PORT.")
    String broker;

    @Option(names = "--base-topic", paramLabel = "TOPIC", defaultValue = "rollbridge", description = "Base topic (default ${DEFAULT-VALUE}).")
    String baseTopic;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; a free one if taken).")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Commands from the page must carry this token.")
    String token;

    @Override
    public Integer call() throws Exception {
        Topics topics;
        try {
            MqttSettings.of(broker, "check", baseTopic);
            topics = new Topics(baseTopic);
        } catch (IllegalArgumentException e) {
            System.err.println("rollbridge dashboard: " + e.getMessage());
            return 2;
        }
        DashboardFeed feed = new DashboardFeed(broker, topics);
        try {
            feed.connect();
        } catch (MqttException e) {
            System.err.println("rollbridge dashboard: cannot reach the MQTT broker at " + broker + ": " + e.getMessage());
            return 1;
        }
        DashboardServer server = DashboardServer.start(feed, host, port, token);
        System.out.println("Dashboard: " + server.url());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            feed.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
