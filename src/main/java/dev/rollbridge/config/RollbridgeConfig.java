package dev.rollbridge.config;

import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.ble.LinkPolicy;
import dev.rollbridge.cue.CueSettings;
import dev.rollbridge.login.BrokerLogin;
import dev.rollbridge.login.PasswordHash;
import dev.rollbridge.session.MorningCheckin;
import dev.rollbridge.mqtt.link.Credentials;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.Secret;
import dev.rollbridge.mqtt.link.TlsSettings;
import dev.rollbridge.profile.DeviceProfile;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the daemon is told: by a YAML file ({@link ConfigLoader}), by command-line options,
 * or by the defaults (embedded broker, one simulated ball). Immutable; secrets only as {@link Secret}.
 */
public record RollbridgeConfig(
        Optional<Path> file,
        Mqtt mqtt,
        HomeAssistant homeAssistant,
        Ble ble,
        List<DeviceConfig> devices,
        Simulator simulator,
        Optional<Path> profilesDir,
        Path dataDir,
        String user,
        CueSettings audio,
        Dashboard dashboard,
        Lan lan,
        Coach coach,
        MorningCheckin.Settings checkin) {

    /** The spoken coach ({@code coach:}, {@code run --coach}): steps through the guide as {@code coach_prompt} events. */
    public record Coach(boolean enabled) {
        public static Coach off() {
            return new Coach(false);
        }
    }

    /** Where the embedded broker listens: every interface in LAN mode (behind its login), else loopback only. */
    public String embeddedBrokerHost() {
        return lan.enabled() ? "0.0.0.0" : "127.0.0.1";
    }

    /** The dashboard's login: LAN mode's password, else none. */
    public Optional<PasswordHash> dashboardLogin() {
        return lan.enabled() ? lan.dashboardLogin() : Optional.empty();
    }

    /**
     * LAN mode ({@code lan:}, written by {@code rollbridge lan on}): the dashboard and the embedded
     * broker listen on every interface, each behind a login stored as a hash.
     */
    public record Lan(boolean enabled, Optional<PasswordHash> dashboardLogin, Optional<BrokerLogin> brokerLogin) {
        public static Lan off() {
            return new Lan(false, Optional.empty(), Optional.empty());
        }
    }

    /**
     * The broker. With no {@code broker} URL the daemon starts its own on 127.0.0.1:{@code embeddedPort}
     * (0: any free port), which takes no login and no TLS.
     */
    public record Mqtt(Optional<String> broker, int embeddedPort, String baseTopic, Optional<String> clientId,
                       int keepAliveSeconds, Optional<String> username, Optional<Secret> password, Optional<TlsSettings> tls) {

        /** Settings for the bridge's connection to {@code url} (the configured broker, or the embedded one). */
        public MqttSettings settings(String url, String defaultClientId) {
            MqttSettings s = new MqttSettings(MqttSettings.withDefaultPort(url), clientId.orElse(defaultClientId), baseTopic,
                    30, 20, broker.isPresent() ? tls : Optional.empty(), Optional.empty()).withKeepAlive(keepAliveSeconds);
            if (broker.isPresent() && username.isPresent()) {
                s = s.withCredentials(new Credentials(username.get(), password));
            }
            return s;
        }
    }

    public record HomeAssistant(boolean discovery, String prefix) {
    }

    /** Where devices come from: the simulator, or a Bluetooth adapter through BlueZ over D-Bus or TinyB. */
    public enum Backend {
        SIMULATED, BLUEZ, TINYB;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isRadio() {
            return this != SIMULATED;
        }
    }

    /** The backend, the adapter ({@code hci0}; empty: the first) and how links heal themselves. */
    public record Ble(Backend backend, Optional<String> adapter, LinkPolicy policy) {
        public static Ble simulated() {
            return new Ble(Backend.SIMULATED, Optional.empty(), LinkPolicy.defaults());
        }
    }

    /**
     * One device: its profile, its BLE address (for a radio backend, only listed addresses are
     * connected), an optional MQTT id instead of the one derived from the address, and its thresholds
     * (the profile's, with the file's overrides applied).
     */
    public record DeviceConfig(DeviceProfile profile, Optional<String> address, Optional<String> id,
                               Thresholds thresholds, Map<String, Object> thresholdOverrides) {
        public DeviceConfig {
            thresholdOverrides = Map.copyOf(thresholdOverrides);
        }

        public static DeviceConfig of(DeviceProfile profile) {
            return new DeviceConfig(profile, Optional.empty(), Optional.empty(), profile.thresholds(), Map.of());
        }
    }

    /** The simulated device's playback: speed (0 = as fast as possible), ATT MTU, repeat, noise seed. */
    public record Simulator(double speed, int mtu, boolean repeat, long seed) {
        public static Simulator defaults() {
            return new Simulator(1.0, 23, true, 42);
        }
    }

    /** The web dashboard: port (-1: none), address to bind, and the token that allows commands beyond loopback. */
    /**
     * The web dashboard. {@code allowedHosts}: host names the page may be opened by besides the
     * address it listens on (e.g. {@code rollbridge.local}); any other {@code Host} is refused, which
     * is what stops DNS rebinding.
     */
    public record Dashboard(int port, String bind, Optional<Secret> token, List<String> allowedHosts) {
        public Dashboard {
            allowedHosts = List.copyOf(allowedHosts);
        }

        public static Dashboard defaults() {
            return new Dashboard(8080, "127.0.0.1", Optional.empty(), List.of());
        }
    }

    /** What {@code rollbridge run} does with no file and no options. */
    public static RollbridgeConfig defaults(DeviceProfile profile, Path dataDir) {
        return defaults(profile, dataDir, Optional.empty());
    }

    /** The defaults, with profiles looked for in {@code profilesDir} before the built-in ones. */
    public static RollbridgeConfig defaults(DeviceProfile profile, Path dataDir, Optional<Path> profilesDir) {
        return new RollbridgeConfig(Optional.empty(),
                new Mqtt(Optional.empty(), 1883, "rollbridge", Optional.empty(), 30, Optional.empty(), Optional.empty(), Optional.empty()),
                new HomeAssistant(true, "homeassistant"),
                Ble.simulated(),
                List.of(DeviceConfig.of(profile)),
                Simulator.defaults(),
                profilesDir,
                dataDir,
                "default",
                CueSettings.defaults(),
                Dashboard.defaults(),
                Lan.off(),
                Coach.off(),
                MorningCheckin.Settings.defaults());
    }

    /**
     * The configuration as published in {@code bridge/info} and printed by {@code check-config}:
     * everything that helps someone see what the bridge runs with, and no secret (a password shows
     * only where it is read from).
     */
    public Map<String, Object> withoutSecrets() {
        Map<String, Object> m = new LinkedHashMap<>();
        file.ifPresent(f -> m.put("file", f.toString()));
        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("broker", mqtt.broker().orElse("embedded"));
        if (mqtt.broker().isEmpty()) {
            broker.put("embedded_port", mqtt.embeddedPort());
        }
        broker.put("base_topic", mqtt.baseTopic());
        broker.put("keepalive_s", mqtt.keepAliveSeconds());
        broker.put("login", mqtt.username().isPresent() ? "username and " + mqtt.password().map(p -> "password from " + p.source()).orElse("no password") : "none");
        mqtt.tls().ifPresent(t -> {
            Map<String, Object> tls = new LinkedHashMap<>();
            tls.put("ca_file", t.caFile().map(Path::toString).orElse("system trust store"));
            t.certFile().ifPresent(c -> tls.put("cert_file", c.toString()));
            tls.put("verify_hostname", t.verifyHostname());
            broker.put("tls", tls);
        });
        m.put("mqtt", broker);
        m.put("home_assistant", Map.of("discovery", homeAssistant.discovery(), "prefix", homeAssistant.prefix()));
        Map<String, Object> bleMap = new LinkedHashMap<>();
        bleMap.put("backend", ble.backend().configName());
        if (ble.backend().isRadio()) {
            bleMap.put("adapter", ble.adapter().orElse("first"));
            LinkPolicy p = ble.policy();
            bleMap.put("connect_timeout_s", p.connectTimeout().toSeconds());
            bleMap.put("scan_s", p.scanTime().toSeconds());
            bleMap.put("watchdog_s", p.watchdog().toSeconds());
            bleMap.put("backoff_max_s", p.backoffMax().toSeconds());
            bleMap.put("rediscover_after", p.rediscoverAfter());
            bleMap.put("power_cycle_after", p.powerCycleAfter());
        }
        m.put("ble", bleMap);
        m.put("devices", devices.stream().map(d -> {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("profile", d.profile().name());
            d.address().ifPresent(a -> dm.put("address", a));
            d.id().ifPresent(i -> dm.put("id", i));
            if (!d.thresholdOverrides().isEmpty()) {
                dm.put("thresholds", new TreeMap<>(d.thresholdOverrides()));
            }
            return dm;
        }).toList());
        profilesDir.ifPresent(p -> m.put("profiles_dir", p.toString()));
        m.put("data_dir", dataDir.toString());
        m.put("user", user);
        Map<String, Object> audioMap = new LinkedHashMap<>();
        audioMap.put("enabled", audio.enabled());
        audioMap.put("volume", audio.volume());
        audioMap.put("speech", audio.speech());
        if (audio.quietFrom() != null) {
            audioMap.put("quiet_hours", audio.quietFrom() + "-" + audio.quietTo());
        }
        m.put("audio", audioMap);
        m.put("coach", Map.of("enabled", coach.enabled()));
        m.put("checkin", checkin.toMap());
        Map<String, Object> dash = new LinkedHashMap<>();
        dash.put("port", dashboard.port());
        dash.put("bind", dashboard.bind());
        dash.put("token", dashboard.token().isPresent() ? "set" : "none");
        if (!dashboard.allowedHosts().isEmpty()) {
            dash.put("allowed_hosts", dashboard.allowedHosts());
        }
        m.put("dashboard", dash);
        Map<String, Object> lanMap = new LinkedHashMap<>();
        lanMap.put("enabled", lan.enabled());
        lanMap.put("dashboard_login", lan.dashboardLogin().isPresent() ? "set" : "none");
        lanMap.put("broker_login", lan.brokerLogin().map(b -> "user " + b.username()).orElse("none"));
        m.put("lan", lanMap);
        return m;
    }
}
