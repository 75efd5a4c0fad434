package dev.rollbridge.cli;

import dev.rollbridge.config.ConfigException;
import dev.rollbridge.config.ConfigLoader;
import dev.rollbridge.config.RollbridgeConfig;
import dev.rollbridge.dashboard.DashboardFeed;
import dev.rollbridge.dashboard.DashboardServer;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.BrokerConnector;
import dev.rollbridge.mqtt.link.MqttSettings;
import org.eclipse.paho.client.mqttv3.MqttException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code rollbridge dashboard}: the web page alone, fed by any broker the bridge publishes to. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Serve the live web dashboard for a bridge that publishes to BROKER.",
        description = {"A separate MQTT subscriber: it can run on another machine than the bridge.",
                "Commands from the page are allowed on 127.0.0.1; beyond it the page is read-only",
                "unless --token is given (then the page URL needs ?token=...). It answers only",
                "to its own address and --allowed-host names, and takes commands only from",
                "its own page (docs/threat-model.md).",
                "Give --broker, or --config with the bridge's configuration file (for a broker",
                "with TLS or a login).",
                "Exit codes: 0 stopped, 1 broker unreachable, 2 bad option."})
final class DashboardCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--broker", paramLabel = "URL", description = "MQTT broker, tcp://HOST:PORT (or ssl://HOST:PORT).")
    String broker;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Take the broker, its TLS settings and login, and the base topic from the bridge's config file.")
    Path configFile;

    @Option(names = "--base-topic", paramLabel = "TOPIC", defaultValue = "rollbridge", description = "Base topic (default ${DEFAULT-VALUE}).")
    String baseTopic;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; a free one if taken).")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Commands from the page must carry this token.")
    String token;

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "A host name the page is opened by besides the listening address (repeatable), e.g. rollbridge.local; "
                    + "any other Host is refused (DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        MqttSettings settings;
        Topics topics;
        try {
            String clientId = "dashboard";
            if (configFile != null) {
                RollbridgeConfig.Mqtt mqtt = new ConfigLoader(System::getenv, Path.of(".")).load(configFile).config().mqtt();
                String url = broker != null ? broker : mqtt.broker().orElseThrow(() ->
                        new IllegalArgumentException(configFile + " uses the embedded broker: give --broker tcp://127.0.0.1:PORT"));
                settings = mqtt.settings(url, clientId);
                topics = new Topics(spec.commandLine().getParseResult().hasMatchedOption("--base-topic") ? baseTopic : mqtt.baseTopic());
            } else if (broker != null) {
                settings = MqttSettings.of(broker, clientId, baseTopic);
                topics = new Topics(baseTopic);
            } else {
                throw new IllegalArgumentException("give --broker URL or --config FILE");
            }
        } catch (ConfigException e) {
            System.err.println("rollbridge dashboard: the configuration " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("rollbridge dashboard: " + e.getMessage());
            return 2;
        }
        for (String name : allowedHosts) {
            if (!ConfigLoader.isHostName(name.toLowerCase(Locale.ROOT))) {
                System.err.println("rollbridge dashboard: --allowed-host " + name + " is not a host name (like rollbridge.local; no scheme, no port)");
                return 2;
            }
        }
        DashboardFeed feed = DashboardFeed.standalone(settings, topics);
        try {
            feed.connect();
        } catch (MqttException e) {
            System.err.println("rollbridge dashboard: cannot reach the MQTT broker at " + settings.redactedBrokerUrl() + ": "
                    + BrokerConnector.describe(e));
            feed.close();
            return 1;
        }
        DashboardServer server = DashboardServer.start(feed, new DashboardServer.Options(host, port, Optional.ofNullable(token),
                allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()));
        System.out.println("Dashboard: " + server.url());
        StopSignals signals = StopSignals.install();
        Thread hook = new Thread(() -> {
            server.close();
            feed.close();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        signals.await();
        StopSignals.stopOnce(hook);
        return 0;
    }
}
