package dev.rollbridge.cli;

import dev.rollbridge.ble.BleException;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.config.ConfigException;
import dev.rollbridge.config.ConfigLoader;
import dev.rollbridge.config.Overrides;
import dev.rollbridge.config.RollbridgeConfig;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.Devices;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.dashboard.DashboardServer;
import dev.rollbridge.login.BrokerLogin;
import dev.rollbridge.mqtt.broker.EmbeddedBroker;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

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
            description = "Profile of the simulated device: rollsense-ball, rollsense-roller, thingy52-ball, thingy52-roller, oriori-ball, nano33-ble-sense or ess-pressure (default ${DEFAULT-VALUE}; replaces the devices of a config file).")
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

    @Option(names = "--coach", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "The spoken coach: steps through the guide from what the sensors see, as coach_prompt events, spoken"
                    + " with the cues (--no-coach: off; default: the configuration's coach.enabled, off).")
    boolean coach;

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
            RollbridgeConfig.Lan lan = config.lan();
            embedded = EmbeddedBroker.start(config.embeddedBrokerHost(), config.mqtt().embeddedPort(),
                    lan.enabled() ? lan.brokerLogin().map(login -> new EmbeddedBroker.Lan(login, topics.base(),
                            config.homeAssistant().prefix())) : Optional.empty());
            url = "tcp://127.0.0.1:" + embedded.port();
            if (lan.enabled()) {
                String user = lan.brokerLogin().map(BrokerLogin::username).orElse("?");
                out.println("MQTT broker: embedded, on port " + embedded.port() + " of every interface (LAN mode: login " + user + ")");
                out.println("  watch it:  mosquitto_sub -h 127.0.0.1 -p " + embedded.port() + " -u " + user + " -P PASSWORD -t '"
                        + topics.base() + "/#' -v");
            } else {
                out.println("MQTT broker: embedded, on " + url + " (loopback only)");
                out.println("  watch it:  mosquitto_sub -h 127.0.0.1 -p " + embedded.port() + " -t '" + topics.base() + "/#' -v");
            }
        }
        MqttSettings settings;
        try {
            MqttSettings configured = config.mqtt().settings(url, "rollbridge-" + Long.toHexString(System.nanoTime() & 0xFFFFFF));
            settings = embedded == null ? configured : embedded.ownLogin().map(configured::withCredentials).orElse(configured);
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
        Optional<SystemdNotifier> systemd = SystemdNotifier.fromEnvironment();
        AtomicReference<RollbridgeDaemon> running = new AtomicReference<>();
        // Ready before any scan for devices: the daemon is up even while a device is still away.
        systemd.ifPresent(n -> {
            n.ready("starting " + config.devices().size() + " device(s) via " + config.ble().backend().configName());
            n.startWatchdog(() -> running.get() == null || running.get().pipelinesAlive());
        });
        DaemonOptions options = DaemonOptions.of(settings, topics, Devices.fromConfig(config, out))
                .connecting(DaemonOptions.Connect.IN_BACKGROUND)
                .withStorage(DaemonOptions.Storage.daemon(config.dataDir(), config.user()))
                .withFeatures(features(config, out))
                .withConfigInfo(config.withoutSecrets())
                .withExtensions(new ConsolePrinter(out, true));
        if (embedded != null) {
            options = options.alsoClosing(embedded);
        }

        // The devices and the rules run at once; events wait in the outbox until the broker answers.
        // Until the daemon has started (a Bluetooth scan can take seconds), Ctrl-C ends the process at once.
        RollbridgeDaemon daemon;
        try {
            daemon = RollbridgeDaemon.start(options);
        } catch (BleException e) {
            System.err.println("rollbridge run: Bluetooth: " + e.getMessage());
            systemd.ifPresent(SystemdNotifier::close);
            return 1;
        }
        running.set(daemon);
        Thread hook = new Thread(() -> {
            systemd.ifPresent(SystemdNotifier::close);
            daemon.stop(Duration.ofSeconds(3));
            out.println("rollbridge stopped");
            out.flush();
        }, "shutdown");
        // For any other way out (SIGHUP, System.exit): the same clean stop.
        Runtime.getRuntime().addShutdownHook(hook);
        StopSignals signals = StopSignals.install();

        boolean simulated = !config.ble().backend().isRadio();
        List<Bridge.Device> devices = daemon.bridge().devices();
        for (Bridge.Device d : devices) {
            out.println((simulated ? "Simulated " : "Bluetooth (" + d.transport().kind() + ") ") + d.profile().name() + " "
                    + d.transport().deviceAddress() + " -> device " + d.id()
                    + (simulated ? " at " + (sim.speed() == 0 ? "full speed" : sim.speed() + "x") : "")
                    + "; events on " + topics.event(d.id()));
        }
        HistoryStore store = daemon.history().orElseThrow();
        out.println("History: " + store.file() + (store.mode() == HistoryStore.Mode.READ_WRITE ? "" : " (" + store.health().get("state")
                + ": see the log)") + " (user " + config.user() + "); commands: " + topics.base() + "/<device>/set");
        config.file().ifPresent(f -> out.println("Configuration: " + f));
        systemd.ifPresent(n -> n.status("running " + devices.size() + " device(s); broker " + settings.redactedBrokerUrl()));
        out.println("Ctrl-C to stop.");
        out.flush();
        if (!sim.repeat() && simulated) {
            Thread waiter = new Thread(() -> {
                try {
                    daemon.awaitFinished(Duration.ofDays(1));
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

    /** The features the configuration turns on. */
    private static DaemonOptions.Features features(RollbridgeConfig config, PrintStream out) {
        DaemonOptions.Features features = DaemonOptions.Features.none().withCue(config.audio()).withCoach(config.coach().enabled())
                .withCheckin(config.checkin());
        if (config.homeAssistant().discovery()) {
            features = features.withHomeAssistant(config.homeAssistant().prefix());
        }
        RollbridgeConfig.Dashboard dash = config.dashboard();
        if (dash.port() >= 0) {
            features = features.withDashboard(new DaemonOptions.Dashboard(new DashboardServer.Options(dash.bind(), dash.port(),
                    dash.token().map(t -> new String(t.reveal())), dash.allowedHosts(), config.dashboardLogin()), url -> {
                out.println("Dashboard: " + url + (config.dashboardLogin().isPresent() ? " (LAN mode: every interface, with a login)" : ""));
                out.flush();
            }));
        }
        return features;
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
            base = RollbridgeConfig.defaults(common.profile(profileName), dataDir, Optional.ofNullable(common.profilesDir));
        }
        return new Overrides(
                option(given, "--broker", broker),
                option(given, "--port", port),
                option(given, "--base-topic", common.baseTopic),
                option(given, "--keepalive", keepAlive),
                option(given, "--ha-discovery", haDiscovery),
                option(given, "--ha-prefix", haPrefix),
                configFile != null && given.hasMatchedOption("--profile") ? Optional.of(common.profile(profileName)) : Optional.empty(),
                option(given, "--speed", common.speed),
                option(given, "--mtu", mtu),
                option(given, "--once", !once),
                option(given, "--seed", seed),
                option(given, "--cue", cue),
                option(given, "--cue-volume", cueVolume),
                option(given, "--speech", speech),
                option(given, "--quiet-hours", quietHours),
                option(given, "--dashboard-port", dashboardPort),
                option(given, "--data-dir", dataDir),
                option(given, "--user", common.user),
                option(given, "--coach", coach)).applyTo(base);
    }

    /** The option's value when it was given on the command line. */
    private static <T> Optional<T> option(ParseResult given, String name, T value) {
        return given.hasMatchedOption(name) ? Optional.of(value) : Optional.empty();
    }
}
