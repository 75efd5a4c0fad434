package dev.rollbridge.cli;

import dev.rollbridge.Bridge;
import dev.rollbridge.ble.BleCentral;
import dev.rollbridge.ble.BleException;
import dev.rollbridge.ble.BleLink;
import dev.rollbridge.ble.DeviceFinder;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.ble.Radio;
import dev.rollbridge.simulator.SimulatedRollsense;
import dev.rollbridge.ble.bluez.BluezCentral;
import dev.rollbridge.ble.tinyb.TinybCentral;
import dev.rollbridge.config.ConfigException;
import dev.rollbridge.config.ConfigLoader;
import dev.rollbridge.config.RollbridgeConfig;
import dev.rollbridge.cue.CueSettings;
import dev.rollbridge.cue.Cues;
import dev.rollbridge.cue.SpeakerPlayer;
import dev.rollbridge.dashboard.DashboardFeed;
import dev.rollbridge.dashboard.DashboardServer;
import dev.rollbridge.mqtt.broker.EmbeddedBroker;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileException;
import dev.rollbridge.session.HistoryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code rollbridge run}: the daemon. With no options: embedded broker and a simulated ball. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run the bridge (default: embedded broker and a simulated ball).",
        description = {
                "With no options: starts an embedded MQTT broker on 127.0.0.1:1883 (or a",
                "free port, which it prints), and a simulated RollSense ball playing a",
                "scripted hamstring session. Prints every event once the broker has",
                "acknowledged it. Ctrl-C stops it cleanly (bridge and device go offline).",
                "With --config FILE: the devices, broker (TLS, login), thresholds and audio",
                "of that file; it is checked first and the daemon refuses to start on any",
                "problem (rollbridge check-config FILE lists them).",
                "Exit codes: 0 stopped, 1 failed, 2 bad option or configuration."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read the configuration from this YAML file (see rollbridge.example.yaml); options given here override it.")
    Path configFile;

    @Option(names = "--broker", paramLabel = "URL",
            description = "Use this MQTT broker (tcp://HOST:PORT, or ssl://HOST:PORT with TLS) instead of the embedded one.")
    String broker;

    @Option(names = "--port", paramLabel = "N", defaultValue = "1883",
            description = "Port of the embedded broker on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "rollsense-ball",
            description = "Profile of the simulated device: rollsense-ball or rollsense-roller (default ${DEFAULT-VALUE}; replaces the devices of a config file).")
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        RollbridgeConfig config;
        try {
            common.checkSpeed();
            config = effectiveConfig();
        } catch (ConfigException e) {
            System.err.println("rollbridge run: the configuration " + e.getMessage());
            System.err.println("Nothing was started. Fix the file, then check it with: rollbridge check-config " + e.file());
            return 2;
        } catch (ProfileException | IllegalArgumentException e) {
            System.err.println("rollbridge run: " + e.getMessage());
            return 2;
        }
        Topics topics = new Topics(config.mqtt().baseTopic());
        RollbridgeConfig.Simulator sim = config.simulator();

        EmbeddedBroker embedded = null;
        String url;
        if (config.mqtt().broker().isPresent()) {
            url = config.mqtt().broker().get();
        } else {
            embedded = EmbeddedBroker.start("127.0.0.1", config.mqtt().embeddedPort());
            url = embedded.url();
            out.println("MQTT broker: embedded, on " + url + " (loopback only)");
            out.println("  watch it:  mosquitto_sub -h 127.0.0.1 -p " + embedded.port() + " -t '" + topics.base() + "/#' -v");
        }
        MqttSettings settings;
        try {
            settings = config.mqtt().settings(url, "rollbridge-" + Long.toHexString(System.nanoTime() & 0xFFFFFF));
        } catch (IllegalArgumentException e) {
            System.err.println("rollbridge run: " + e.getMessage());
            if (embedded != null) {
                embedded.close();
            }
            return 2;
        }
        if (embedded == null) {
            out.println("MQTT broker: " + settings.redactedBrokerUrl()
                    + settings.tls().map(t -> t.verifyHostname() ? " (TLS)" : " (TLS, hostname not verified)").orElse("")
                    + settings.credentials().map(c -> ", with a login").orElse(""));
        }
        MqttLink link = new MqttLink(settings, Bridge.will(topics));
        DashboardFeed[] feed = new DashboardFeed[1];
        DashboardServer[] dashboard = new DashboardServer[1];
        // Connect at once, in the background: the handshake overlaps opening the history and the
        // devices (start-up to "online" is the time that counts). Events wait in the outbox until then.
        RollbridgeConfig.Dashboard dash = config.dashboard();
        // The dashboard shows (and commands) the daemon's own devices, known once they are set up below.
        CompletableFuture<List<String>> deviceIds = new CompletableFuture<>();
        Thread connector = new Thread(() -> {
            try {
                BrokerConnector.connectWithRetry(link);
                if (dash.port() >= 0) {
                    // The dashboard is a subscriber of the same broker: it starts once that answers.
                    DashboardFeed f = new DashboardFeed(settings, topics, true);
                    deviceIds.thenAccept(f::bridgeDevices);
                    f.connect();
                    feed[0] = f;
                    dashboard[0] = DashboardServer.start(f, new DashboardServer.Options(dash.bind(), dash.port(),
                            dash.token().map(t -> new String(t.reveal())), dash.allowedHosts()));
                    out.println("Dashboard: " + dashboard[0].url());
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (org.eclipse.paho.client.mqttv3.MqttException | java.io.IOException e) {
                System.err.println("rollbridge run: the dashboard did not start (" + e.getMessage()
                        + "); run it alone with: rollbridge dashboard --broker " + settings.redactedBrokerUrl());
            }
        }, "mqtt-connect");
        connector.setDaemon(true);
        connector.start();

        // Neither a bad history nor a bad journal may keep the bridge down: alerts are the safety function.
        HistoryStore store = HistoryStore.openOrDegrade(config.dataDir());
        Optional<OutboxJournal> journal;
        try {
            journal = Optional.of(OutboxJournal.open(config.dataDir()));
        } catch (IllegalStateException e) {
            log.warn("{}; events are kept in memory only until it can be opened (restart the daemon once it can)", e.getMessage());
            journal = Optional.empty();
        }
        Optional<SystemdNotifier> systemd = SystemdNotifier.fromEnvironment();
        Bridge[] running = new Bridge[1];
        // Ready before any scan for devices: the daemon is up even while a device is still away.
        systemd.ifPresent(n -> {
            n.ready("starting " + config.devices().size() + " device(s) via " + config.ble().backend().configName());
            n.startWatchdog(() -> running[0] == null || running[0].pipelinesAlive());
        });
        List<Bridge.Device> devices;
        Radio radio = null;
        try {
            if (config.ble().backend().isRadio()) {
                radio = new Radio(openCentral(config.ble()));
                devices = radioDevices(config, radio, out);
            } else {
                devices = simulatedDevices(config);
            }
        } catch (BleException e) {
            System.err.println("rollbridge run: Bluetooth: " + e.getMessage());
            systemd.ifPresent(SystemdNotifier::close);
            if (radio != null) {
                radio.close();
            }
            link.close();
            if (embedded != null) {
                embedded.close();
            }
            return 1;
        }
        Bridge bridge = new Bridge(link, topics, devices, Clock.systemUTC(), new ConsolePrinter(out, true),
                Optional.of(new Bridge.History(store, config.user())), journal);
        bridge.setConfigInfo(config.withoutSecrets());
        running[0] = bridge;
        deviceIds.complete(devices.stream().map(Bridge.Device::id).toList());

        if (config.homeAssistant().discovery()) {
            bridge.enableHomeAssistant(config.homeAssistant().prefix(), Optional.of(config.dataDir().resolve("ha-devices.json")));
        }
        CueSettings cueSettings = config.audio();
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

        StopSignals signals = StopSignals.install();
        EmbeddedBroker brokerToStop = embedded;
        Radio radioToClose = radio;
        Thread hook = new Thread(() -> {
            systemd.ifPresent(SystemdNotifier::close);
            if (dashboard[0] != null) {
                dashboard[0].close();
            }
            if (feed[0] != null) {
                feed[0].close();
            }
            bridge.stop(Duration.ofSeconds(3));
            if (radioToClose != null) {
                radioToClose.close();
            }
            store.close();
            if (brokerToStop != null) {
                brokerToStop.close();
            }
            out.println("rollbridge stopped");
            out.flush();
        }, "shutdown");
        // For any other way out (SIGHUP, System.exit): the same clean stop.
        Runtime.getRuntime().addShutdownHook(hook);

        // The device and the rules run at once; events wait in the outbox until the broker answers.
        bridge.start();
        for (Bridge.Device d : devices) {
            out.println((radio == null ? "Simulated " : "Bluetooth (" + d.transport().kind() + ") ") + d.profile().name() + " "
                    + d.transport().deviceAddress() + " -> device " + d.id()
                    + (radio == null ? " at " + (sim.speed() == 0 ? "full speed" : sim.speed() + "x") : "")
                    + "; events on " + topics.event(d.id()));
        }
        out.println("History: " + store.file() + (store.mode() == HistoryStore.Mode.READ_WRITE ? "" : " (" + store.health().get("state")
                + ": see the log)") + " (user " + config.user() + "); commands: " + topics.base() + "/<device>/set");
        config.file().ifPresent(f -> out.println("Configuration: " + f));
        systemd.ifPresent(n -> n.status("running " + devices.size() + " device(s); broker " + settings.redactedBrokerUrl()));
        out.println("Ctrl-C to stop.");
        out.flush();
        if (!sim.repeat() && radio == null) {
            Thread waiter = new Thread(() -> {
                try {
                    bridge.awaitFinished(Duration.ofDays(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                signals.request();
            }, "await-finished");
            waiter.setDaemon(true);
            waiter.start();
        }
        signals.await();
        StopSignals.stopOnce(hook);
        return 0;
    }

    private static List<Bridge.Device> simulatedDevices(RollbridgeConfig config) {
        RollbridgeConfig.Simulator sim = config.simulator();
        List<Bridge.Device> devices = new ArrayList<>();
        List<RollbridgeConfig.DeviceConfig> configured = config.devices();
        for (int i = 0; i < configured.size(); i++) {
            RollbridgeConfig.DeviceConfig dc = configured.get(i);
            String address = dc.address().orElse(String.format("C0:FF:EE:00:00:%02X", i + 1));
            SimulatedRollsense simulator = new SimulatedRollsense(dc.profile(),
                    HamstringSessionScript.standard(dc.thresholds().pressure().ceilingKpa()),
                    new SimulatedRollsense.Options(address, sim.speed(), sim.mtu(), sim.repeat(), sim.seed() + i));
            devices.add(new Bridge.Device(dc.id().orElse(dc.profile().deviceIdFor(address)), dc.profile(), dc.thresholds(), simulator));
        }
        return devices;
    }

    private static BleCentral openCentral(RollbridgeConfig.Ble ble) throws BleException {
        return switch (ble.backend()) {
            case BLUEZ -> new BluezCentral(Optional.empty(), ble.adapter());
            case TINYB -> TinybCentral.open(ble.adapter());
            case SIMULATED -> throw new IllegalStateException("not a radio backend");
        };
    }

    /** A link per device; devices named by profile only are found by a scan first (an allowlist otherwise). */
    private static List<Bridge.Device> radioDevices(RollbridgeConfig config, Radio radio, PrintStream out) throws BleException {
        List<RollbridgeConfig.DeviceConfig> configured = config.devices();
        List<DeviceProfile> unaddressed = configured.stream().filter(d -> d.address().isEmpty())
                .map(RollbridgeConfig.DeviceConfig::profile).toList();
        List<String> found = List.of();
        if (!unaddressed.isEmpty()) {
            out.println("Scanning for " + String.join(", ", unaddressed.stream().map(DeviceProfile::name).toList()) + " ...");
            out.flush();
            try {
                // Classify what is nearby against every profile known, not only the wanted ones: a ball
                // must not pass for a roller because both advertise the same service.
                List<DeviceProfile> known = new ArrayList<>(unaddressed);
                for (String name : dev.rollbridge.profile.ProfileLoader.BUILT_IN) {
                    if (known.stream().noneMatch(p -> p.name().equals(name))) {
                        known.add(new dev.rollbridge.profile.ProfileLoader().builtIn(name));
                    }
                }
                found = new DeviceFinder(radio, known).assign(unaddressed, java.util.Set.of(), config.ble().policy().scanTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BleException("interrupted while scanning");
            }
        }
        List<Bridge.Device> devices = new ArrayList<>();
        int next = 0;
        for (RollbridgeConfig.DeviceConfig dc : configured) {
            String address = dc.address().orElse(found.isEmpty() ? null : found.get(next++));
            BleLink link = new BleLink(radio, dc.profile(), address, config.ble().policy());
            devices.add(new Bridge.Device(dc.id().orElse(dc.profile().deviceIdFor(address)), dc.profile(), dc.thresholds(), link));
        }
        return devices;
    }

    /** The config file (or the defaults), with every option given on the command line on top. */
    private RollbridgeConfig effectiveConfig() {
        ParseResult given = spec.commandLine().getParseResult();
        RollbridgeConfig base;
        if (configFile != null) {
            if (given.hasMatchedOption("--profiles-dir")) {
                throw new IllegalArgumentException("with --config, set profiles_dir in the file instead of --profiles-dir");
            }
            ConfigLoader.Loaded loaded = new ConfigLoader(System::getenv, dataDir).load(configFile);
            loaded.warnings().forEach(w -> log.warn("{}", w));
            base = loaded.config();
        } else {
            base = RollbridgeConfig.defaults(common.profile(profileName), dataDir);
            if (common.profilesDir != null) {
                base = new RollbridgeConfig(base.file(), base.mqtt(), base.homeAssistant(), base.ble(), base.devices(),
                        base.simulator(), Optional.of(common.profilesDir), base.dataDir(), base.user(), base.audio(), base.dashboard());
            }
        }
        RollbridgeConfig.Mqtt m = base.mqtt();
        RollbridgeConfig.Mqtt mqtt = new RollbridgeConfig.Mqtt(
                given.hasMatchedOption("--broker") ? Optional.of(MqttSettings.withDefaultPort(broker)) : m.broker(),
                given.hasMatchedOption("--port") ? port : m.embeddedPort(),
                given.hasMatchedOption("--base-topic") ? common.baseTopic : m.baseTopic(),
                m.clientId(),
                given.hasMatchedOption("--keepalive") ? keepAlive : m.keepAliveSeconds(),
                m.username(), m.password(),
                given.hasMatchedOption("--broker") && broker.startsWith("ssl://") && m.tls().isEmpty()
                        ? Optional.of(dev.rollbridge.mqtt.link.TlsSettings.systemTrust()) : m.tls());
        if (given.hasMatchedOption("--broker") && !broker.startsWith("ssl://") && m.tls().isPresent()) {
            throw new IllegalArgumentException("--broker " + broker + " is not ssl:// but the configuration sets mqtt.tls");
        }
        new Topics(mqtt.baseTopic());
        RollbridgeConfig.HomeAssistant ha = new RollbridgeConfig.HomeAssistant(
                given.hasMatchedOption("--ha-discovery") ? haDiscovery : base.homeAssistant().discovery(),
                given.hasMatchedOption("--ha-prefix") ? haPrefix : base.homeAssistant().prefix());
        List<RollbridgeConfig.DeviceConfig> devices = configFile != null && given.hasMatchedOption("--profile")
                ? List.of(RollbridgeConfig.DeviceConfig.of(common.profile(profileName))) : base.devices();
        RollbridgeConfig.Simulator s = base.simulator();
        RollbridgeConfig.Simulator simulator = new RollbridgeConfig.Simulator(
                given.hasMatchedOption("--speed") ? common.speed : s.speed(),
                given.hasMatchedOption("--mtu") ? mtu : s.mtu(),
                given.hasMatchedOption("--once") ? !once : s.repeat(),
                given.hasMatchedOption("--seed") ? seed : s.seed());
        CueSettings a = base.audio();
        CueSettings audio = new CueSettings(
                given.hasMatchedOption("--cue") ? cue : a.enabled(),
                given.hasMatchedOption("--cue-volume") ? cueVolume : a.volume(),
                a.events(),
                given.hasMatchedOption("--speech") ? speech : a.speech(),
                a.quietFrom(), a.quietTo());
        if (given.hasMatchedOption("--quiet-hours")) {
            audio = audio.withQuietHours(quietHours);
        }
        RollbridgeConfig.Dashboard d = base.dashboard();
        RollbridgeConfig.Dashboard dashboard = new RollbridgeConfig.Dashboard(
                given.hasMatchedOption("--dashboard-port") ? dashboardPort : d.port(), d.bind(), d.token(), d.allowedHosts());
        return new RollbridgeConfig(base.file(), mqtt, ha, base.ble(), devices, simulator, base.profilesDir(),
                given.hasMatchedOption("--data-dir") ? dataDir : base.dataDir(),
                given.hasMatchedOption("--user") ? common.user : base.user(),
                audio, dashboard);
    }
}
