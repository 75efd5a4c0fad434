package dev.rollbridge.cli;

import dev.rollbridge.Bridge;
import dev.rollbridge.ble.HamstringSessionScript;
import dev.rollbridge.ble.SimulatedRollsense;
import dev.rollbridge.cue.CueSettings;
import dev.rollbridge.cue.Cues;
import dev.rollbridge.cue.SpeakerPlayer;
import dev.rollbridge.dashboard.DashboardFeed;
import dev.rollbridge.dashboard.DashboardServer;
import dev.rollbridge.mqtt.EmbeddedBroker;
import dev.rollbridge.mqtt.MqttLink;
import dev.rollbridge.mqtt.MqttSettings;
import dev.rollbridge.mqtt.OutboxJournal;
import dev.rollbridge.mqtt.Topics;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileException;
import dev.rollbridge.session.HistoryStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code rollbridge run}: the daemon. With no options: embedded broker and a simulated ball. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run the bridge (default: embedded broker and a simulated ball).",
        description = {
                "With no options: starts an embedded MQTT broker on 127.0.0.1:1883 (or a",
                "free port, which it prints), and a simulated RollSense ball playing a",
                "scripted hamstring session. Prints every event once the broker has",
                "acknowledged it. Ctrl-C stops it cleanly (bridge and device go offline).",
                "Exit codes: 0 stopped, 1 failed, 2 bad option."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--broker", paramLabel = "URL",
            description = "Use this MQTT broker (tcp://HOST:PORT) instead of the embedded one.")
    String broker;

    @Option(names = "--port", paramLabel = "N", defaultValue = "1883",
            description = "Port of the embedded broker on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "rollsense-ball",
            description = "Profile of the simulated device: rollsense-ball or rollsense-roller (default ${DEFAULT-VALUE}).")
    String profileName;



    @Option(names = "--mtu", paramLabel = "N", defaultValue = "23",
            description = "ATT MTU the simulated device negotiates: 23 sends one sample per frame, 151 or more batches of 10 (default ${DEFAULT-VALUE}).")
    int mtu;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = CommonOptions.DEFAULT_DATA_DIR,
            description = "Where session history, pain reports and calibrations are kept (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--cue", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Play audible cues on this machine's speaker (--no-cue: silent).")
    boolean cue;

    @Option(names = "--cue-volume", paramLabel = "0..1", defaultValue = "0.8", description = "Cue volume (default ${DEFAULT-VALUE}).")
    double cueVolume;

    @Option(names = "--speech", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Speak a short phrase after a cue when espeak-ng is installed (--no-speech: tones only).")
    boolean speech;

    @Option(names = "--quiet-hours", paramLabel = "HH:MM-HH:MM",
            description = "No cues in this local time range (danger still sounds), e.g. 22:00-07:00.")
    String quietHours;

    @Option(names = "--dashboard-port", paramLabel = "N", defaultValue = "8080",
            description = "Port of the web dashboard on 127.0.0.1 (default ${DEFAULT-VALUE}; a free one if taken; -1: no dashboard).")
    int dashboardPort;

    @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "30",
            description = "MQTT keepalive: a broker that stops answering is noticed after about 1.5 x this (default ${DEFAULT-VALUE}).")
    int keepAlive;

    @Option(names = "--ha-discovery", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Announce the devices to Home Assistant (MQTT discovery; --no-ha-discovery: don't).")
    boolean haDiscovery;

    @Option(names = "--ha-prefix", paramLabel = "PREFIX", defaultValue = "homeassistant",
            description = "Home Assistant discovery prefix (default ${DEFAULT-VALUE}).")
    String haPrefix;

    @Option(names = "--once", description = "Play the simulated session once, then stop (default: repeat it).")
    boolean once;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the simulated sensor noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        double speed = common.speed;
        String baseTopic = common.baseTopic;
        DeviceProfile profile;
        Topics topics;
        SimulatedRollsense simulator;
        CueSettings cueSettings;
        try {
            common.checkSpeed();
            profile = common.profile(profileName);
            topics = common.topics();
            simulator = new SimulatedRollsense(profile, HamstringSessionScript.standard(profile.thresholds().pressureCeilingKpa()),
                    new SimulatedRollsense.Options(SimulatedRollsense.Options.defaults().address(), speed, mtu, !once, seed));
            CueSettings base = new CueSettings(cue, cueVolume, CueSettings.DEFAULT_EVENTS, speech, null, null);
            cueSettings = quietHours == null ? base : base.withQuietHours(quietHours);
        } catch (ProfileException | IllegalArgumentException e) {
            System.err.println("rollbridge run: " + e.getMessage());
            return 2;
        }

        HistoryStore store;
        try {
            store = HistoryStore.open(dataDir);
        } catch (IllegalStateException e) {
            System.err.println("rollbridge run: " + e.getMessage());
            return 2;
        }
        EmbeddedBroker embedded = null;
        String url = broker;
        if (url == null) {
            embedded = EmbeddedBroker.start("127.0.0.1", port);
            url = embedded.url();
            out.println("MQTT broker: embedded, on " + url + " (loopback only)");
            out.println("  watch it:  mosquitto_sub -h 127.0.0.1 -p " + embedded.port() + " -t '" + baseTopic + "/#' -v");
        }
        MqttSettings settings;
        try {
            settings = MqttSettings.of(url, "rollbridge-" + Long.toHexString(System.nanoTime() & 0xFFFFFF), baseTopic)
                    .withKeepAlive(keepAlive);
        } catch (IllegalArgumentException e) {
            System.err.println("rollbridge run: " + e.getMessage());
            return 2;
        }
        MqttLink link = new MqttLink(settings, Bridge.will(topics));
        String deviceId = profile.deviceIdFor(simulator.deviceAddress());
        OutboxJournal journal;
        try {
            journal = OutboxJournal.open(dataDir);
        } catch (IllegalStateException e) {
            System.err.println("rollbridge run: " + e.getMessage());
            return 2;
        }
        Bridge bridge = new Bridge(link, topics, List.of(new Bridge.Device(deviceId, profile, profile.thresholds(), simulator)),
                Clock.systemUTC(), new ConsolePrinter(out, true), Optional.of(new Bridge.History(store, common.user)),
                Optional.of(journal));

        if (haDiscovery) {
            bridge.enableHomeAssistant(haPrefix, Optional.of(dataDir.resolve("ha-devices.json")));
        }
        if (cueSettings.enabled()) {
            Cues cues = new Cues(cueSettings, new SpeakerPlayer(), Clock.systemDefaultZone());
            bridge.addExtension(new Bridge.Extension() {
                @Override
                public void onEvent(String device, dev.rollbridge.analysis.Event event) {
                    cues.onEvent(event);
                }

                @Override
                public void close() {
                    cues.close();
                }
            });
        }

        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedBroker brokerToStop = embedded;
        DashboardFeed[] feed = new DashboardFeed[1];
        DashboardServer[] dashboard = new DashboardServer[1];
        Thread hook = new Thread(() -> {
            if (dashboard[0] != null) {
                dashboard[0].close();
            }
            if (feed[0] != null) {
                feed[0].close();
            }
            bridge.stop(Duration.ofSeconds(3));
            store.close();
            if (brokerToStop != null) {
                brokerToStop.close();
            }
            out.println("rollbridge stopped");
            out.flush();
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        // The device and the rules run at once; events wait in the outbox until the broker answers.
        bridge.start();
        String brokerUrl = url;
        Thread connector = new Thread(() -> {
            try {
                BrokerConnector.connectWithRetry(link);
                if (dashboardPort >= 0) {
                    // The dashboard is a subscriber of the same broker: it starts once that answers.
                    DashboardFeed f = new DashboardFeed(brokerUrl, topics);
                    f.connect();
                    feed[0] = f;
                    dashboard[0] = DashboardServer.start(f, "127.0.0.1", dashboardPort, null);
                    out.println("Dashboard: " + dashboard[0].url());
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (org.eclipse.paho.client.mqttv3.MqttException | java.io.IOException e) {
                System.err.println("rollbridge run: the dashboard did not start (" + e.getMessage()
                        + "); run it alone with: rollbridge dashboard --broker " + brokerUrl);
            }
        }, "mqtt-connect");
        connector.setDaemon(true);
        connector.start();
        out.println("Simulated " + profile.name() + " " + simulator.deviceAddress() + " -> device " + deviceId
                + " at " + (speed == 0 ? "full speed" : speed + "x") + "; events on " + topics.event(deviceId));
        out.println("History: " + store.file() + " (user " + common.user + "); commands: " + topics.device(deviceId) + "/set");
        out.println("Ctrl-C to stop.");
        out.flush();
        if (once) {
            bridge.awaitFinished(Duration.ofDays(1));
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
            return 0;
        }
        stopped.await();
        return 0;
    }
}
