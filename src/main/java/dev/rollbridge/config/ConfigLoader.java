package dev.rollbridge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.ble.LinkPolicy;
import dev.rollbridge.cue.CueSettings;
import dev.rollbridge.json.Json;
import dev.rollbridge.login.BrokerLogin;
import dev.rollbridge.login.PasswordHash;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.Secret;
import dev.rollbridge.mqtt.link.TlsSettings;
import dev.rollbridge.mqtt.link.TlsSocketFactory;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileException;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.session.MorningCheckin;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a YAML configuration file and checks all of it: unknown keys, types, ranges, files that
 * must exist (TLS, password), profiles and thresholds. Every problem is collected with its path and
 * value, so {@code check-config} can list them all and the daemon can refuse to start on any.
 * Relative paths are relative to the file's folder. The format is documented in
 * {@code rollbridge.example.yaml}.
 */
public final class ConfigLoader {
    private static final Pattern BLE_ADDRESS = Pattern.compile("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$");
    private static final Pattern DEVICE_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,63}$");
    private static final Pattern HOST_NAME = Pattern.compile("^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
    private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");

    /** A file that loaded, with what is allowed but unwise (a world-readable password, no hostname check). */
    public record Loaded(RollbridgeConfig config, List<String> warnings) {
    }

    private final ProfileLoader profiles = new ProfileLoader();
    private final Function<String, String> environment;
    private final Path defaultDataDir;

    /**
     * @param environment    where {@code password_env} looks (System::getenv in the daemon)
     * @param defaultDataDir the data directory when the file names none
     */
    public ConfigLoader(Function<String, String> environment, Path defaultDataDir) {
        this.environment = environment;
        this.defaultDataDir = defaultDataDir;
    }

    /** Whether {@code name} is a DNS host name (lower case, no scheme, no port), as dashboard.allowed_hosts takes. */
    public static boolean isHostName(String name) {
        return HOST_NAME.matcher(name).matches();
    }

    /** A configuration is a few kilobytes; anything much bigger is a mistake (or a trap) and is not read. */
    public static final int MAX_BYTES = 256 * 1024;

    /** @throws ConfigException listing every problem, when there is any */
    public Loaded load(Path file) {
        return load(file, null);
    }

    /**
     * As {@link #load(Path)}, telling {@code recorder} (when not null) every key the check reads:
     * how the configuration reference is generated.
     */
    Loaded load(Path file, KeyRecorder recorder) {
        String text = readBounded(file);
        JsonNode root;
        try {
            root = text.isBlank() ? JsonNodeFactory.instance.objectNode() : Json.readYaml(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null, YamlErrors.describe(e))));
        } catch (StackOverflowError | OutOfMemoryError e) {
            // A file within the size limit can still be built to exhaust a small heap or stack: say so in one line.
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null,
                    "too complex to read (" + e.getClass().getSimpleName() + "); a configuration is a short mapping, see rollbridge.example.yaml")));
        }
        return new Reading(file.toAbsolutePath(), root, recorder).read();
    }

    /** The file's text, at most {@link #MAX_BYTES} of strict UTF-8; every failure is a one-line problem. */
    private static String readBounded(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null, "no such file")));
        } catch (AccessDeniedException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null,
                    "permission denied: run as a user who may read it (for /etc/rollbridge/config.yaml: sudo)")));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null, "cannot read it: " + e.getMessage())));
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null,
                    "larger than " + MAX_BYTES / 1024 + " kB: not a rollbridge configuration (see rollbridge.example.yaml)")));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", null, "not UTF-8 text")));
        }
    }

    /** One pass over one file, collecting problems and warnings. */
    private final class Reading {
        private final Path file;
        private final Path folder;
        private final JsonNode root;
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final KeyRecorder recorder;

        Reading(Path file, JsonNode root, KeyRecorder recorder) {
            this.file = file;
            this.folder = file.getParent();
            this.root = root;
            this.recorder = recorder;
        }

        Loaded read() {
            ConfigNode top = new ConfigNode("", root, problems, recorder);
            if (root == null || !root.isObject()) {
                top.structureProblem("expected a mapping at the top level (see rollbridge.example.yaml)");
                throw new ConfigException(file.toString(), problems);
            }
            top.expectMapping("mqtt", "home_assistant", "ble", "devices", "simulator", "profiles_dir", "data_dir", "user",
                    "audio", "dashboard", "lan", "coach", "checkin");
            RollbridgeConfig.Mqtt mqtt = mqtt(top.child("mqtt"));
            RollbridgeConfig.HomeAssistant ha = homeAssistant(top.child("home_assistant"));
            RollbridgeConfig.Ble ble = ble(top.child("ble"));
            Optional<Path> profilesDir = top.text("profiles_dir").map(this::resolve);
            profilesDir.ifPresent(dir -> {
                if (!Files.isDirectory(dir)) {
                    top.child("profiles_dir").problem("no such folder");
                }
            });
            List<RollbridgeConfig.DeviceConfig> devices = devices(top, profilesDir);
            if (ble.backend().isRadio() && top.child("devices").json().isArray()) {
                List<ConfigNode> entries = top.list("devices");
                boolean anyAddress = devices.stream().anyMatch(d -> d.address().isPresent());
                for (int i = 0; i < entries.size() && anyAddress; i++) {
                    if (!entries.get(i).has("address")) {
                        entries.get(i).child("address").problem("missing: when one device has an address, only listed addresses are "
                                + "connected (an allowlist), so every device needs one; 'rollbridge scan' lists them");
                    }
                }
                // Two profiles of one device (a Thingy:52 in a ball, another in a roller) advertise alike:
                // found by scanning, which is which would be a guess.
                for (int i = 0; i < devices.size() && !anyAddress && i < entries.size(); i++) {
                    for (int j = 0; j < i; j++) {
                        DeviceProfile a = devices.get(i).profile();
                        DeviceProfile b = devices.get(j).profile();
                        if (!a.name().equals(b.name()) && a.namePattern().pattern().equals(b.namePattern().pattern())) {
                            entries.get(i).child("address").problem("missing: " + a.name() + " and devices[" + j + "]'s " + b.name()
                                    + " advertise alike, so a scan cannot tell which is which; give each an address ('rollbridge scan' lists them)");
                            break;
                        }
                    }
                }
            }
            RollbridgeConfig.Simulator simulator = simulator(top.child("simulator"));
            Path dataDir = top.text("data_dir").map(this::resolve).orElse(defaultDataDir);
            String user = top.text("user", "default");
            CueSettings audio = audio(top.child("audio"));
            RollbridgeConfig.Lan lan = lan(top.child("lan"), mqtt, top.child("dashboard"));
            RollbridgeConfig.Dashboard dashboard = dashboard(top.child("dashboard"), lan);
            RollbridgeConfig.Coach coach = coach(top.child("coach"));
            MorningCheckin.Settings checkin = checkin(top.child("checkin"));
            if (!problems.isEmpty()) {
                throw new ConfigException(file.toString(), problems);
            }
            return new Loaded(new RollbridgeConfig(Optional.of(file), mqtt, ha, ble, devices, simulator, profilesDir, dataDir, user,
                    audio, dashboard, lan, coach, checkin), List.copyOf(warnings));
        }

        private Path resolve(String path) {
            Path p = Path.of(path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path);
            return folder.resolve(p).normalize();
        }

        private RollbridgeConfig.Mqtt mqtt(ConfigNode n) {
            n.expectMapping("broker", "embedded_port", "client_id", "base_topic", "keepalive_s", "username", "password",
                    "password_file", "password_env", "tls");
            n.describe("broker", "text", "tcp://HOST:PORT or ssl://HOST:PORT (no login in it)", null);
            Optional<String> broker = n.text("broker").map(MqttSettings::withDefaultPort);
            boolean secure = false;
            if (broker.isPresent()) {
                try {
                    MqttSettings.of(broker.get(), "check", "check");
                    secure = broker.get().startsWith("ssl://");
                } catch (IllegalArgumentException e) {
                    ConfigNode b = n.child("broker");
                    if (broker.get().contains("@")) {
                        b.secretProblem(e.getMessage());
                    } else {
                        b.problem("expected tcp://HOST:PORT or ssl://HOST:PORT (TLS); leave it out for the embedded broker");
                    }
                    broker = Optional.empty();
                }
            }
            int embeddedPort = (int) n.integer("embedded_port", 0, 65535, 1883);
            String baseTopic = n.text("base_topic", "rollbridge");
            try {
                new Topics(baseTopic);
            } catch (IllegalArgumentException e) {
                n.child("base_topic").problem("must be non-empty, without + or # and without a leading or trailing /");
            }
            n.describe("client_id", "text", "1 to 64 of A-Z a-z 0-9 . _ -", null);
            Optional<String> clientId = n.text("client_id");
            if (clientId.isPresent() && !CLIENT_ID.matcher(clientId.get()).matches()) {
                n.child("client_id").problem("1 to 64 letters, digits, '.', '_' or '-'");
            }
            int keepAlive = (int) n.integer("keepalive_s", 1, 3600, 30);
            Optional<String> username = n.text("username");
            Optional<Secret> password = password(n);
            if (password.isPresent() && username.isEmpty()) {
                n.child("username").problem("a password needs a username");
            }
            Optional<TlsSettings> tls = Optional.empty();
            ConfigNode t = n.child("tls");
            if (!t.isMissing()) {
                tls = tls(t);
                if (broker.isPresent() && !secure) {
                    n.child("broker").problem("TLS is configured (mqtt.tls): use an ssl:// URL, for example ssl://HOST:8883");
                }
            } else if (secure) {
                tls = Optional.of(TlsSettings.systemTrust());
            }
            if (!n.has("broker") && (username.isPresent() || !t.isMissing())) {
                warnings.add("mqtt.username/password and mqtt.tls are used only with mqtt.broker; the embedded broker takes neither");
            }
            if (broker.isPresent() && !secure && password.isPresent() && !isLoopback(broker.get())) {
                warnings.add("mqtt.broker " + broker.get() + " is plain tcp://: the password crosses the network unencrypted; use ssl://");
            }
            return new RollbridgeConfig.Mqtt(broker, embeddedPort, baseTopic, clientId, keepAlive, username, password, tls);
        }

        private boolean isLoopback(String url) {
            String host = URI.create(url).getHost();
            return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        }

        /** One of password, password_file, password_env; a file must not be readable by everyone. */
        private Optional<Secret> password(ConfigNode n) {
            List<String> given = new ArrayList<>();
            for (String key : List.of("password", "password_file", "password_env")) {
                if (n.has(key)) {
                    given.add(key);
                }
            }
            if (given.size() > 1) {
                n.child(given.get(1)).problem("give only one of password, password_file, password_env (found " + String.join(", ", given) + ")");
                return Optional.empty();
            }
            if (given.isEmpty()) {
                return Optional.empty();
            }
            ConfigNode c = n.child(given.get(0));
            switch (given.get(0)) {
                case "password": {
                    n.describe("password", "text (secret)", null, null);
                    if (!c.json().isTextual()) {
                        c.secretProblem("expected text");
                        return Optional.empty();
                    }
                    warnIfOthersCanRead(file, "this file holds mqtt.password");
                    return Optional.of(new Secret(c.json().asText().toCharArray(), "the config file"));
                }
                case "password_file": {
                    Optional<String> name = n.text("password_file");
                    if (name.isEmpty()) {
                        return Optional.empty();
                    }
                    Path p = resolve(name.get());
                    String content;
                    try {
                        content = Files.readString(p, StandardCharsets.UTF_8);
                    } catch (NoSuchFileException e) {
                        c.problem("no such file");
                        return Optional.empty();
                    } catch (IOException e) {
                        c.problem("cannot read it: " + e.getMessage());
                        return Optional.empty();
                    }
                    String secret = content.strip();
                    if (secret.isEmpty() || secret.contains("\n")) {
                        c.problem("the file must hold the password alone on one line");
                        return Optional.empty();
                    }
                    warnIfOthersCanRead(p, "it holds the MQTT password (mqtt.password_file)");
                    return Optional.of(new Secret(secret.toCharArray(), "file " + p));
                }
                default: {
                    Optional<String> variable = n.text("password_env");
                    if (variable.isEmpty()) {
                        return Optional.empty();
                    }
                    String value = environment.apply(variable.get());
                    if (value == null || value.isEmpty()) {
                        c.problem("the environment variable " + variable.get() + " is not set");
                        return Optional.empty();
                    }
                    return Optional.of(new Secret(value.toCharArray(), "environment variable " + variable.get()));
                }
            }
        }

        private Optional<TlsSettings> tls(ConfigNode t) {
            if (!t.expectMapping("ca_file", "cert_file", "key_file", "verify_hostname")) {
                return Optional.empty();
            }
            Optional<Path> ca = t.text("ca_file").map(this::resolve);
            Optional<Path> cert = t.text("cert_file").map(this::resolve);
            Optional<Path> key = t.text("key_file").map(this::resolve);
            boolean verify = t.bool("verify_hostname", true);
            if (!verify) {
                warnings.add("mqtt.tls.verify_hostname is false: any server with a certificate from the CA can pose as the broker");
            }
            int before = problems.size();
            checkFile(t.child("ca_file"), ca, TlsFileKind.CERTIFICATES);
            checkFile(t.child("cert_file"), cert, TlsFileKind.CERTIFICATES);
            checkFile(t.child("key_file"), key, TlsFileKind.KEY);
            if (cert.isPresent() != key.isPresent()) {
                t.child(cert.isPresent() ? "key_file" : "cert_file").problem("cert_file and key_file go together: give both or neither");
                return Optional.empty();
            }
            key.ifPresent(k -> warnIfOthersCanRead(k, "it holds the TLS client key (mqtt.tls.key_file)"));
            TlsSettings settings = new TlsSettings(ca, cert, key, verify);
            if (problems.size() == before) {
                try {
                    TlsSocketFactory.create(settings);
                } catch (TlsSocketFactory.TlsFileException e) {
                    String which = e.file().equals(key.orElse(null)) ? "key_file" : e.file().equals(cert.orElse(null)) ? "cert_file" : "ca_file";
                    t.child(which).problem(e.getMessage());
                }
            }
            return Optional.of(settings);
        }

        private void checkFile(ConfigNode n, Optional<Path> path, TlsFileKind kind) {
            if (path.isEmpty()) {
                return;
            }
            try {
                kind.check(path.get());
            } catch (TlsSocketFactory.TlsFileException e) {
                n.problem(e.getMessage());
            }
        }

        private RollbridgeConfig.HomeAssistant homeAssistant(ConfigNode n) {
            n.expectMapping("discovery", "prefix");
            String prefix = n.text("prefix", "homeassistant");
            if (prefix.contains("+") || prefix.contains("#") || prefix.startsWith("/") || prefix.endsWith("/")) {
                n.child("prefix").problem("a topic prefix without + or # and without a leading or trailing /");
            }
            return new RollbridgeConfig.HomeAssistant(n.bool("discovery", true), prefix);
        }

        private RollbridgeConfig.Ble ble(ConfigNode n) {
            n.expectMapping("backend", "adapter", "connect_timeout_s", "scan_s", "watchdog_s", "backoff_max_s",
                    "rediscover_after", "power_cycle_after");
            List<String> names = Arrays.stream(RollbridgeConfig.Backend.values()).map(RollbridgeConfig.Backend::configName).toList();
            String backend = n.choice("backend", names, "simulated");
            n.describe("adapter", "text", "hciN (hci0 to hci99)", null);
            Optional<String> adapter = n.text("adapter");
            if (adapter.isPresent() && !adapter.get().matches("hci[0-9]{1,2}")) {
                n.child("adapter").problem("an adapter name like hci0 (see 'bluetoothctl list' or 'hciconfig')");
            }
            LinkPolicy d = LinkPolicy.defaults();
            int rediscover = (int) n.integer("rediscover_after", 1, 1000, d.rediscoverAfter());
            int powerCycle = (int) n.integer("power_cycle_after", 2, 1000, d.powerCycleAfter());
            if (powerCycle <= rediscover) {
                n.child("power_cycle_after").problem("must be more than rediscover_after (" + rediscover + ")");
                powerCycle = rediscover + 1;
            }
            LinkPolicy policy = new LinkPolicy(
                    Duration.ofSeconds(n.integer("connect_timeout_s", 1, 600, d.connectTimeout().toSeconds())),
                    Duration.ofSeconds(n.integer("scan_s", 1, 600, d.scanTime().toSeconds())),
                    d.backoffFirst(),
                    Duration.ofSeconds(n.integer("backoff_max_s", 1, 3600, d.backoffMax().toSeconds())),
                    rediscover, powerCycle,
                    Duration.ofSeconds(n.integer("watchdog_s", 1, 3600, d.watchdog().toSeconds())));
            return new RollbridgeConfig.Ble(RollbridgeConfig.Backend.valueOf(backend.toUpperCase(Locale.ROOT)), adapter, policy);
        }

        private List<RollbridgeConfig.DeviceConfig> devices(ConfigNode top, Optional<Path> profilesDir) {
            top.describe("devices", "list of mappings", null, "one simulated rollsense-ball");
            if (!top.has("devices")) {
                DeviceProfile ball = profiles.builtIn("rollsense-ball");
                return List.of(RollbridgeConfig.DeviceConfig.of(ball));
            }
            List<ConfigNode> list = top.list("devices");
            if (top.child("devices").json().isArray() && list.isEmpty()) {
                top.child("devices").problem("lists no device; leave it out for one simulated rollsense-ball");
            }
            List<RollbridgeConfig.DeviceConfig> out = new ArrayList<>();
            Set<String> addresses = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (ConfigNode d : list) {
                if (!d.expectMapping("profile", "address", "id", "thresholds")) {
                    if (!d.json().isObject()) {
                        continue;
                    }
                }
                d.describe("profile", "text", String.join(", ", ProfileLoader.BUILT_IN) + ", or NAME of NAME.yaml in profiles_dir", null);
                d.describe("address", "text", "a BLE address like C0:FF:EE:00:00:01", null);
                d.describe("id", "text", "1 to 64 of a-z 0-9 _ - (starting with a letter or digit)", null);
                Optional<String> address = d.text("address").map(a -> a.toUpperCase(Locale.ROOT));
                if (address.isPresent()) {
                    if (!BLE_ADDRESS.matcher(address.get()).matches()) {
                        d.child("address").problem("a BLE address like C0:FF:EE:00:00:01");
                    } else if (!addresses.add(address.get())) {
                        d.child("address").problem("listed twice");
                    }
                }
                Optional<String> id = d.text("id");
                if (id.isPresent() && !DEVICE_ID.matcher(id.get()).matches()) {
                    d.child("id").problem("1 to 64 of a-z, 0-9, '_', '-' (it becomes an MQTT topic level)");
                }
                Optional<String> profileName = d.text("profile");
                if (profileName.isEmpty()) {
                    if (!d.has("profile")) {
                        d.child("profile").problem("missing: the device's profile, e.g. rollsense-ball or rollsense-roller");
                    }
                    continue;
                }
                DeviceProfile profile;
                try {
                    profile = profiles.byName(profileName.get(), profilesDir);
                } catch (ProfileException e) {
                    d.child("profile").problem(e.getMessage().contains("no such built-in profile")
                            ? "no such profile (built in: " + String.join(", ", ProfileLoader.BUILT_IN)
                            + profilesDir.map(p -> "; or NAME.yaml in " + p).orElse("") + ")"
                            : e.getMessage());
                    continue;
                }
                String effectiveId = id.orElse(profile.deviceIdFor(address.orElse("C0:FF:EE:00:00:0" + (out.size() + 1))));
                if (!ids.add(effectiveId)) {
                    d.child(id.isPresent() ? "id" : "address").problem("two devices would share the MQTT id " + effectiveId);
                }
                Map<String, Object> overrides = new LinkedHashMap<>();
                Thresholds thresholds = thresholds(d.child("thresholds"), profile, overrides);
                out.add(new RollbridgeConfig.DeviceConfig(profile, address, id, thresholds, overrides));
            }
            return out;
        }

        /** Each key is checked on its own, so every bad one is reported; then all of them together. */
        private Thresholds thresholds(ConfigNode n, DeviceProfile profile, Map<String, Object> accepted) {
            Thresholds base = profile.thresholds();
            n.describeMapping(ProfileLoader.thresholdNames());
            for (String name : ProfileLoader.thresholdNames()) {
                n.describe(name, Thresholds.isWhole(name) ? "integer" : "number",
                        "0 to " + (long) ProfileLoader.THRESHOLD_MAX, "the profile's");
            }
            if (n.isMissing()) {
                return base;
            }
            if (!n.json().isObject()) {
                n.structureProblem("expected a mapping of threshold names to numbers, e.g. hold_target_ms: 45000");
                return base;
            }
            ObjectNode good = JsonNodeFactory.instance.objectNode();
            n.json().fields().forEachRemaining(entry -> {
                ObjectNode one = JsonNodeFactory.instance.objectNode();
                one.set(entry.getKey(), entry.getValue());
                try {
                    ProfileLoader.withOverrides(base, one, file.toString(), n.path());
                    good.set(entry.getKey(), entry.getValue());
                } catch (ProfileException e) {
                    if (e.field().equals(n.path())) {
                        // A limit between two thresholds: judged below, with all the overrides together.
                        good.set(entry.getKey(), entry.getValue());
                        return;
                    }
                    ConfigNode c = n.child(entry.getKey());
                    String reason = e.reason();
                    if (reason.startsWith("unknown threshold")) {
                        reason = "unknown threshold" + ConfigNode.nearest(entry.getKey(), ProfileLoader.thresholdNames())
                                .map(k -> "; did you mean '" + k + "'?").orElse("") + " (all names: docs/configuration.md)";
                    }
                    c.problem(reason);
                }
            });
            try {
                Thresholds t = ProfileLoader.withOverrides(base, good, file.toString(), n.path());
                good.fields().forEachRemaining(e -> accepted.put(e.getKey(), e.getValue().numberValue()));
                return t;
            } catch (ProfileException e) {
                List<String> named = new ArrayList<>();
                good.fieldNames().forEachRemaining(k -> {
                    if (e.reason().matches(".*\\b" + Pattern.quote(k) + "\\b.*")) {
                        named.add(k);
                    }
                });
                (named.isEmpty() ? n : n.child(named.get(0))).problem(e.reason());
                return base;
            }
        }

        private RollbridgeConfig.Simulator simulator(ConfigNode n) {
            n.expectMapping("speed", "mtu", "repeat", "seed");
            RollbridgeConfig.Simulator d = RollbridgeConfig.Simulator.defaults();
            return new RollbridgeConfig.Simulator(n.number("speed", 0, 1e6, d.speed()), (int) n.integer("mtu", 23, 517, d.mtu()),
                    n.bool("repeat", d.repeat()), n.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, d.seed()));
        }

        private CueSettings audio(ConfigNode n) {
            n.expectMapping("enabled", "volume", "speech", "quiet_hours", "events");
            CueSettings d = CueSettings.defaults();
            Set<EventType> events = EnumSet.copyOf(d.events());
            List<String> names = Arrays.stream(EventType.values()).map(EventType::wireName).toList();
            n.describe("events", "list of event types", String.join(", ", names),
                    "[" + String.join(", ", events.stream().map(EventType::wireName).toList()) + "]");
            if (n.has("events")) {
                events.clear();
                for (ConfigNode e : n.list("events")) {
                    String name = e.json().asText("");
                    if (!e.json().isTextual() || !names.contains(name)) {
                        e.problem("not an event type (allowed: " + String.join(", ", names) + ")");
                    } else {
                        events.add(EventType.valueOf(name.toUpperCase(Locale.ROOT)));
                    }
                }
            }
            CueSettings s = new CueSettings(n.bool("enabled", d.enabled()), n.number("volume", 0, 1, d.volume()), events,
                    n.bool("speech", d.speech()), null, null);
            n.describe("quiet_hours", "text", "HH:MM-HH:MM (local time)", null);
            Optional<String> quiet = n.text("quiet_hours");
            if (quiet.isPresent()) {
                try {
                    s = s.withQuietHours(quiet.get());
                } catch (IllegalArgumentException e) {
                    n.child("quiet_hours").problem("expected HH:MM-HH:MM in local time, e.g. 22:00-07:00");
                }
            }
            return s;
        }

        /** The spoken coach: off unless asked for. */
        private RollbridgeConfig.Coach coach(ConfigNode n) {
            n.expectMapping("enabled");
            return new RollbridgeConfig.Coach(n.bool("enabled", RollbridgeConfig.Coach.off().enabled()));
        }

        /** The morning check-in: on at 08:00, a sore morning lowers the next session to 0.8. */
        private MorningCheckin.Settings checkin(ConfigNode n) {
            n.expectMapping("enabled", "time", "factor");
            MorningCheckin.Settings d = MorningCheckin.Settings.defaults();
            boolean enabled = n.bool("enabled", d.enabled());
            double factor = n.number("factor", 0.5, 1, d.factor());
            n.describe("time", "text", "HH:MM (local time)", d.time().toString());
            LocalTime time = d.time();
            Optional<String> given = n.text("time");
            if (given.isPresent()) {
                try {
                    time = LocalTime.parse(given.get().trim(), DateTimeFormatter.ofPattern("H:mm"));
                } catch (DateTimeParseException e) {
                    n.child("time").problem("expected HH:MM in local time, e.g. 08:00");
                }
            }
            return new MorningCheckin.Settings(enabled, time, factor);
        }

        /** LAN mode: both logins present and well formed, or a problem that says how to make them. */
        private RollbridgeConfig.Lan lan(ConfigNode n, RollbridgeConfig.Mqtt mqtt, ConfigNode dashboard) {
            if (n.isMissing()) {
                return RollbridgeConfig.Lan.off();
            }
            n.expectMapping("enabled", "dashboard_password_hash", "broker_username", "broker_password_hash");
            boolean enabled = n.bool("enabled", false);
            Optional<PasswordHash> dashboardLogin = passwordHash(n, "dashboard_password_hash");
            Optional<PasswordHash> brokerHash = passwordHash(n, "broker_password_hash");
            String username = n.text("broker_username").orElse("rollbridge");
            if (!BrokerLogin.isUsername(username)) {
                n.child("broker_username").problem("1 to 64 letters, digits, '.', '_' or '-', not " + BrokerLogin.RESERVED_USERNAME + " (the bridge's own)");
            }
            boolean dashboardOn = dashboard.isMissing() || !dashboard.has("port") || dashboard.child("port").json().asInt(0) >= 0;
            if (enabled && dashboardLogin.isEmpty() && !n.has("dashboard_password_hash") && dashboardOn) {
                n.child("dashboard_password_hash").problem("missing: LAN mode needs the dashboard's login; make it with: sudo rollbridge lan on");
            }
            if (enabled && mqtt.broker().isEmpty() && brokerHash.isEmpty() && !n.has("broker_password_hash")) {
                n.child("broker_password_hash").problem("missing: LAN mode needs the embedded broker's login; make it with: sudo rollbridge lan on");
            }
            if (enabled && mqtt.broker().isPresent() && n.has("broker_password_hash")) {
                warnings.add("lan.broker_password_hash is not used: mqtt.broker names an outside broker, so only the dashboard is on the LAN");
            }
            return new RollbridgeConfig.Lan(enabled, dashboardLogin, brokerHash.map(h -> new BrokerLogin(username, h)));
        }

        private Optional<PasswordHash> passwordHash(ConfigNode n, String key) {
            Optional<String> text = n.text(key);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Optional<PasswordHash> hash = PasswordHash.parse(text.get());
            if (hash.isEmpty()) {
                n.child(key).secretProblem("not a password hash (sha256$…): make a new login with: sudo rollbridge lan on --new-passwords");
            }
            return hash;
        }

        private RollbridgeConfig.Dashboard dashboard(ConfigNode n, RollbridgeConfig.Lan lan) {
            n.expectMapping("port", "bind", "token_file", "allowed_hosts");
            RollbridgeConfig.Dashboard d = RollbridgeConfig.Dashboard.defaults();
            int port = (int) n.integer("port", -1, 65535, d.port());
            // LAN mode's default is every interface (behind the login); otherwise loopback.
            String bind = lan.enabled() && !n.has("bind") ? "0.0.0.0" : n.text("bind", d.bind());
            try {
                InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                n.child("bind").problem("not an address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for every interface)");
            }
            Optional<Secret> token = Optional.empty();
            Optional<String> tokenFile = n.text("token_file");
            if (tokenFile.isPresent()) {
                Path p = resolve(tokenFile.get());
                try {
                    String t = Files.readString(p).strip();
                    if (t.length() < 16) {
                        n.child("token_file").problem("the token must be at least 16 characters");
                    } else {
                        token = Optional.of(new Secret(t.toCharArray(), "file " + p));
                        warnIfOthersCanRead(p, "it holds the dashboard token (dashboard.token_file)");
                    }
                } catch (IOException e) {
                    n.child("token_file").problem(e instanceof NoSuchFileException ? "no such file" : "cannot read it: " + e.getMessage());
                }
            }
            List<String> allowedHosts = new ArrayList<>();
            n.describe("allowed_hosts", "list of host names", null, "[]");
            for (ConfigNode h : n.list("allowed_hosts")) {
                String name = h.json().asText("").toLowerCase(Locale.ROOT);
                if (!h.json().isTextual() || !HOST_NAME.matcher(name).matches()) {
                    h.problem("a host name the page is opened by, like rollbridge.local or pi.lan (no scheme, no port)");
                } else {
                    allowedHosts.add(name);
                }
            }
            try {
                boolean loopback = InetAddress.getByName(bind).isLoopbackAddress();
                if (lan.enabled() && loopback && port >= 0) {
                    warnings.add("dashboard.bind " + bind + " keeps the dashboard off the LAN although lan.enabled is true; "
                            + "leave bind out to listen on every interface behind the login");
                } else if (!lan.enabled() && !loopback && port >= 0) {
                    warnings.add("dashboard.bind " + bind + " without LAN mode: anyone on the network can read the dashboard"
                            + (token.isPresent() ? "" : ", and it is read-only") + "; LAN mode puts it behind a login: sudo rollbridge lan on");
                }
            } catch (UnknownHostException e) {
                // said above
            }
            return new RollbridgeConfig.Dashboard(port, bind, token, allowedHosts);
        }

        private void warnIfOthersCanRead(Path p, String why) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                    warnings.add(p + " is readable by every user of this machine, and " + why + ": chmod 600 " + p);
                }
            } catch (UnsupportedOperationException | IOException e) {
                // Not a POSIX file system: nothing to check.
            }
        }
    }

    private enum TlsFileKind {
        CERTIFICATES, KEY;

        void check(Path p) throws TlsSocketFactory.TlsFileException {
            if (this == CERTIFICATES) {
                TlsSocketFactory.certificates(p);
            } else {
                TlsSocketFactory.privateKey(p);
            }
        }
    }
}
