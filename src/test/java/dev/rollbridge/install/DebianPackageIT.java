package dev.rollbridge.install;

import dev.rollbridge.bench.ProcessBench;
import dev.rollbridge.json.Json;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.Chromium;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.bluez.DbusDaemon;
import dev.rollbridge.testing.bluez.FakeBluez;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Debian package on this machine, for real, as root (CI runs as root): built by
 * scripts/package-deb.sh, lintian-clean, installed by scripts/install-pi.sh (apt) with LAN mode,
 * the service's own command line run as the service's user against a fake bluetoothd, the
 * dashboard opened and the broker subscribed to from this machine's network address with the
 * logins shown at install, then upgraded with dpkg -i, removed, purged.
 */
class DebianPackageIT {
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Pattern SHOWN = Pattern.compile("dashboard password:\\s+(\\S+)[\\s\\S]*broker login:\\s+rollbridge / (\\S+)");
    private static final String BALL_ADDRESS = "C0:FF:EE:00:00:01";

    private static String run(List<String> command, Map<String, String> env, int expectedExit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isEqualTo(expectedExit);
        return out;
    }

    private static String run(String... command) throws Exception {
        return run(List.of(command), Map.of(), 0);
    }

    /** Left by this test beside what it installs: a rollbridge without it is a person's own, never purged here. */
    private static final Path MARKER = Path.of("/etc/rollbridge/.installed-by-DebianPackageIT");

    @BeforeEach
    void asRootWithNoRollbridgeInstalled() throws Exception {
        assertThat(run("id", "-u").strip()).as("DebianPackageIT installs a package and must run as root (scripts/test does on CI)")
                .isEqualTo("0");
        Process query = new ProcessBuilder("dpkg-query", "-W", "-f", "${Status}", "rollbridge").redirectErrorStream(true).start();
        String status = new String(query.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        query.waitFor(60, TimeUnit.SECONDS);
        boolean present = query.exitValue() == 0 && !status.contains("not-installed");
        assertThat(!present || Files.exists(MARKER))
                .as("rollbridge is installed on this machine (%s) and this test would purge it, configuration and history with it: "
                        + "run the integration tests on a machine without it (CI), or purge it yourself first", status).isTrue();
        assertThat(OLD_UNIT).as("an install by an earlier install-pi.sh is on this machine; this test would move it aside").doesNotExist();
        new ProcessBuilder("dpkg", "--purge", "rollbridge").redirectErrorStream(true).start().waitFor(120, TimeUnit.SECONDS);
    }

    @AfterEach
    void purge() throws Exception {
        new ProcessBuilder("dpkg", "--purge", "rollbridge").redirectErrorStream(true).start().waitFor(120, TimeUnit.SECONDS);
        Files.deleteIfExists(Path.of(OLD_UNIT + ".pre-package"));
        Files.deleteIfExists(OLD_UNIT);
        Files.deleteIfExists(WANTS);
        Files.deleteIfExists(Path.of("/opt/rollbridge/rollbridge.jar"));
        Files.deleteIfExists(Path.of("/opt/rollbridge"));
    }

    private static final Path OLD_UNIT = Path.of("/etc/systemd/system/rollbridge.service");
    private static final Path WANTS = Path.of("/etc/systemd/system/multi-user.target.wants/rollbridge.service");

    @Test
    void buildLintInstallUseFromTheLanUpgradeRemovePurge() throws Exception {
        Path out = Files.createTempDirectory(REPO.resolve("target"), "deb-");
        Path first = Path.of(run("bash", "scripts/package-deb.sh", "--jar", "target/rollbridge.jar", "--out", out.toString()).strip());
        String version = first.getFileName().toString().replaceAll("^rollbridge_(.*)_all\\.deb$", "$1");
        Path second = Path.of(run("bash", "scripts/package-deb.sh", "--jar", "target/rollbridge.jar", "--out", out.toString(),
                "--version", version + "+2").strip());
        assertThat(first).exists();
        assertThat(run("dpkg-deb", "--field", first.toString(), "Architecture").strip()).isEqualTo("all");
        String contents = run("dpkg-deb", "--contents", first.toString());
        for (String path : List.of("./usr/share/rollbridge/rollbridge.jar", "./usr/bin/rollbridge", "./lib/systemd/system/rollbridge.service",
                "./etc/rollbridge/config.yaml", "./usr/share/man/man1/rollbridge.1.gz", "./usr/share/doc/rollbridge/copyright",
                "./usr/share/doc/rollbridge/docs/raspberry-pi.md")) {
            assertThat(contents).contains(path);
        }
        assertThat(run("dpkg-deb", "--info", first.toString(), "conffiles")).contains("/etc/rollbridge/config.yaml");

        // Debian's own checker, warnings included.
        run(List.of("lintian", "--fail-on", "error,warning", first.toString()), Map.of(), 0);

        // The Pi as an earlier install-pi.sh left it: the jar in /opt/rollbridge, its own unit in /etc/systemd/system, enabled.
        Files.createDirectories(Path.of("/opt/rollbridge"));
        Files.copy(REPO.resolve("target/rollbridge.jar"), Path.of("/opt/rollbridge/rollbridge.jar"));
        Files.writeString(OLD_UNIT, "[Service]\nExecStart=/usr/bin/java -jar /opt/rollbridge/rollbridge.jar run\n[Install]\nWantedBy=multi-user.target\n");
        Files.createDirectories(WANTS.getParent());
        Files.createSymbolicLink(WANTS, OLD_UNIT);

        // The Pi owner's one command: apt installs the package, LAN mode is turned on, the passwords are shown once.
        String installed = run(List.of("bash", "scripts/install-pi.sh", "--deb", first.toString(), "--lan", "--no-start"), Map.of(), 0);
        assertThat(installed).contains("moved the earlier install's unit aside");
        assertThat(OLD_UNIT).doesNotExist();
        assertThat(Path.of(OLD_UNIT + ".pre-package")).exists();
        assertThat(Files.readSymbolicLink(WANTS)).as("still enabled, as the packaged unit").isEqualTo(Path.of("/lib/systemd/system/rollbridge.service"));
        assertThat(Path.of("/opt/rollbridge")).doesNotExist();
        Matcher shown = SHOWN.matcher(installed);
        Files.writeString(MARKER, "a test package: DebianPackageIT purges it\n");
        assertThat(shown.find()).as(installed).isTrue();
        String dashboardPassword = shown.group(1);
        String brokerPassword = shown.group(2);
        assertThat(run("dpkg-query", "-W", "-f", "${Status} ${Version}", "rollbridge")).isEqualTo("install ok installed " + version);
        assertThat(run("getent", "passwd", "rollbridge")).contains(":/var/lib/rollbridge:/usr/sbin/nologin");
        Path config = Path.of("/etc/rollbridge/config.yaml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        String configText = Files.readString(config);
        assertThat(configText).contains("backend: bluez", "profiles_dir: /etc/rollbridge/profiles", "lan:", "enabled: true")
                .doesNotContain(dashboardPassword).doesNotContain(brokerPassword);

        // The commands the docs name, as written.
        assertThat(run("rollbridge", "--version").strip()).startsWith("rollbridge ");
        assertThat(run("rollbridge", "check-config", "/etc/rollbridge/config.yaml")).contains("valid.").contains("enabled: true")
                .doesNotContain(dashboardPassword);
        String denied = run(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "rollbridge", "check-config",
                "/etc/rollbridge/config.yaml"), Map.of("HOME", "/tmp"), 1);
        assertThat(denied).contains("permission denied").contains("sudo");
        assertThat(run("man", "-P", "cat", "rollbridge")).contains("check-config").contains("lan");

        // The unit as installed: systemd's checker has nothing to say, its sandbox scores well.
        Path unit = Path.of("/lib/systemd/system/rollbridge.service");
        String verify = run(List.of("systemd-analyze", "verify", "--man=no", unit.toString()), Map.of(), 0);
        assertThat(verify.lines().filter(l -> l.contains("rollbridge.service")).toList()).as(verify).isEmpty();
        String security = run(List.of("systemd-analyze", "security", "--offline=true", unit.toString()), Map.of(), 0);
        Matcher level = Pattern.compile("Overall exposure level for rollbridge.service: ([0-9.]+)").matcher(security);
        assertThat(level.find()).as(security).isTrue();
        assertThat(Double.parseDouble(level.group(1))).as("exposure").isLessThanOrEqualTo(4.0);
        String unitText = Files.readString(unit);
        for (String line : List.of("User=rollbridge", "DynamicUser=yes", "SupplementaryGroups=bluetooth audio", "ProtectSystem=strict",
                "StateDirectory=rollbridge", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "MemoryMax=128M", "Type=notify",
                "LoadCredential=config.yaml:/etc/rollbridge/config.yaml")) {
            assertThat(unitText).contains(line);
        }

        // The archive postinst made: the classes the service loads, the embedded broker's with them (the config runs it).
        Path archive = Path.of("/var/cache/rollbridge/rollbridge.jsa");
        Path jar = Path.of("/usr/share/rollbridge/rollbridge.jar");
        assertServiceArchive(archive, jar, true);
        // An outside broker's configuration leaves the embedded broker's classes out.
        Path outside = out.resolve("outside.yaml");
        Files.writeString(outside, "mqtt:\n  broker: tcp://127.0.0.1:1883\nble:\n  backend: bluez\n");
        Path outsideArchive = out.resolve("outside.jsa");
        assertThat(run("/usr/share/rollbridge/make-cds-archive", outsideArchive.toString(), outside.toString()))
                .contains("the embedded broker's left out");
        assertServiceArchive(outsideArchive, jar, false);

        try (DbusDaemon bus = DbusDaemon.start(); FakeBluez bluez = FakeBluez.start(bus.address())) {
            DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
            bluez.addDevice(ball, BALL_ADDRESS, "RollSense Ball", 23, 1);
            // The service's user must reach the private bus, as it reaches bluetoothd's.
            run("chmod", "0755", Path.of(bus.address().replaceAll("^unix:path=([^,]*).*$", "$1")).getParent().toString());

            // The installed jar scans with both backends, with the unit's flags and archive.
            for (String backend : List.of("bluez", "tinyb")) {
                List<String> scan = new ArrayList<>(List.of("/usr/bin/java"));
                scan.addAll(ProcessBench.UNIT_FLAGS);
                scan.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-jar", jar.toString(),
                        "scan", "--backend", backend, "--seconds", "1"));
                assertThat(run(scan, Map.of("DBUS_SYSTEM_BUS_ADDRESS", bus.address()), 0)).as(backend)
                        .contains(BALL_ADDRESS + "    -58  RollSense Ball            rollsense-ball").contains("1 device(s).");
            }
            try (JarFile shipped = new JarFile(jar.toFile())) {
                assertThat(shipped.getManifest().getAttributes("tinyb/").getValue("Specification-Version")).startsWith("0.5.0");
            }

            // The service, as systemd would start it: the unit's command line and environment, its user,
            // the configuration as a credential, its state directory.
            Path credentials = Files.createTempDirectory(Path.of("/tmp"), "rb-credentials-");
            Files.copy(config, credentials.resolve("config.yaml"));
            run("chown", "-R", "rollbridge:rollbridge", credentials.toString());
            run("chmod", "0711", credentials.toString());
            Path state = Path.of("/var/lib/rollbridge");
            Files.createDirectories(state);
            run("chown", "rollbridge:rollbridge", state.toString());
            run("chmod", "0700", state.toString());
            List<String> service = new ArrayList<>(List.of("setpriv", "--reuid=rollbridge", "--regid=rollbridge", "--init-groups", "--"));
            service.addAll(execStart(unitText, credentials));
            Map<String, String> environment = new TreeMap<>(environment(unitText));
            environment.put("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
            environment.put("HOME", state.toString());
            try (Daemon daemon = Daemon.exec(service, environment)) {
                String dashboardLine = daemon.awaitLine("the dashboard", Duration.ofSeconds(60), l -> l.startsWith("Dashboard: http"));
                assertThat(dashboardLine).contains("LAN mode");
                int dashboardPort = Integer.parseInt(dashboardLine.replaceAll("^Dashboard: http://[^:]+:(\\d+)/.*$", "$1"));
                String brokerLine = daemon.awaitLine("the broker", Duration.ofSeconds(5), l -> l.startsWith("MQTT broker: embedded"));
                int brokerPort = Integer.parseInt(brokerLine.replaceAll("^.* on port (\\d+) of every interface.*$", "$1"));
                daemon.awaitLine("the ball found", Duration.ofSeconds(60), l -> l.contains("device_connected"));

                String lan = lanAddress();
                dashboardFromTheLan(lan, dashboardPort, dashboardPassword);
                brokerFromTheLan(lan, brokerPort, brokerPassword);
                assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            }
        }

        // Upgrade: the configuration (a conffile the person changed) and the data stay as they were.
        Map<String, String> dataBefore = checksums(Path.of("/var/lib/rollbridge"));
        assertThat(dataBefore.keySet()).as("history and outbox written by the run").anyMatch(f -> f.startsWith("history"))
                .anyMatch(f -> f.startsWith("outbox"));
        String upgraded = run(List.of("dpkg", "-i", second.toString()), Map.of("DEBIAN_FRONTEND", "noninteractive"), 0);
        assertThat(upgraded).contains("rollbridge: wrote /var/cache/rollbridge/rollbridge.jsa");
        assertThat(run("dpkg-query", "-W", "-f", "${Version}", "rollbridge")).isEqualTo(version + "+2");
        assertThat(Files.readString(config)).isEqualTo(configText);
        assertThat(checksums(Path.of("/var/lib/rollbridge"))).isEqualTo(dataBefore);

        // Remove: the program goes, the configuration and the data stay.
        run("dpkg", "-r", "rollbridge");
        assertThat(jar).doesNotExist();
        assertThat(Path.of("/usr/bin/rollbridge")).doesNotExist();
        assertThat(config).exists();
        assertThat(checksums(Path.of("/var/lib/rollbridge"))).isEqualTo(dataBefore);
        assertThat(run("dpkg-query", "-W", "-f", "${Status}", "rollbridge")).isEqualTo("deinstall ok config-files");
        assertThat(Files.readSymbolicLink(OLD_UNIT)).as("masked while its program is gone").isEqualTo(Path.of("/dev/null"));

        // Purge: everything.
        run("dpkg", "--purge", "rollbridge");
        assertThat(Path.of("/etc/rollbridge")).doesNotExist();
        assertThat(Path.of("/var/lib/rollbridge")).doesNotExist();
        assertThat(Path.of("/var/cache/rollbridge")).doesNotExist();
        assertThat(OLD_UNIT).as("unmasked").doesNotExist();
        assertThat(WANTS).as("no enabled link left").doesNotExist();
        assertThat(run(List.of("dpkg-query", "-W", "rollbridge"), Map.of(), 1)).contains("no packages found");
    }

    /** The login page, a wrong password, the right one in a real browser, and what the session cookie lets a script see. */
    private static void dashboardFromTheLan(String address, int port, String password) throws Exception {
        String base = "http://" + address + ":" + port;
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("location")).contains("/login");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/config")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = http.send(login(base, "not-the-password"), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> right = http.send(login(base, password), HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).isEqualTo(200);
        String cookie = right.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).startsWith("rollbridge_session=").contains("HttpOnly").contains("SameSite=Strict");
        HttpResponse<String> configured = http.send(HttpRequest.newBuilder(URI.create(base + "/api/config"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(configured.statusCode()).isEqualTo(200);
        assertThat(Json.read(configured.body()).path("login").asBoolean()).isTrue();

        WebDriver browser = Chromium.start();
        try {
            browser.get(base + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(50));
            wait.until(d -> d.getCurrentUrl().endsWith("/login"));
            browser.findElement(By.id("password")).sendKeys(password);
            browser.findElement(By.cssSelector("#login button[type=submit]")).click();
            wait.until(d -> !d.findElements(By.cssSelector("section.device")).isEmpty());
            wait.until(d -> d.findElement(By.id("bridge-state")).getText().contains("online"));
            assertThat(browser.findElement(By.id("logout")).isDisplayed()).isTrue();
            assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.cookie"))
                    .as("the session is out of a script's reach").doesNotContain("rollbridge_session");
            browser.findElement(By.id("logout")).click();
            wait.until(d -> d.getCurrentUrl().endsWith("/login"));
        } finally {
            browser.quit();
        }
    }

    private static HttpRequest login(String base, String password) {
        return HttpRequest.newBuilder(URI.create(base + "/api/login")).header("Content-Type", "application/json").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")).build();
    }

    /** Anonymous and wrong logins are refused; the login shown at install reads the bridge's retained state. */
    private static void brokerFromTheLan(String address, int port, String password) throws Exception {
        String url = "tcp://" + address + ":" + port;
        for (String[] attempt : List.of(new String[]{null, null}, new String[]{"rollbridge", "wrong-password"})) {
            MqttClient client = new MqttClient(url, "lan-probe-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setConnectionTimeout(10);
            // One protocol version: Paho's default retries a refused 3.1.1 login as MQTT 3.1, which the broker just drops.
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            if (attempt[0] != null) {
                options.setUserName(attempt[0]);
                options.setPassword(attempt[1].toCharArray());
            }
            MqttException refused = catchThrowableOfType(MqttException.class, () -> client.connect(options));
            assertThat(refused).as("login %s", attempt[0]).isNotNull();
            assertThat(refused.getReasonCode()).isIn((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
                    (int) MqttException.REASON_CODE_NOT_AUTHORIZED);
            client.close();
        }
        MqttClient client = new MqttClient(url, "lan-ha-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("rollbridge");
        options.setPassword(password.toCharArray());
        client.connect(options);
        BlockingQueue<String> state = new LinkedBlockingQueue<>();
        client.subscribe("rollbridge/bridge/state", 1, (topic, message) -> state.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        assertThat(state.poll(10, TimeUnit.SECONDS)).contains("online");
        client.disconnect();
        client.close();
    }

    /** This machine's own address on its network: a client there is not on loopback. */
    private static String lanAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        throw new AssertionError("this machine has no network address besides loopback: the LAN mode test needs one");
    }

    /** ExecStart of the unit, its continuation lines joined, with the credentials directory systemd would give. */
    static List<String> execStart(String unit, Path credentials) {
        Matcher m = Pattern.compile("(?m)^ExecStart=((?:.*\\\\\\n)*.*)$").matcher(unit);
        assertThat(m.find()).as(unit).isTrue();
        String line = m.group(1).replace("\\\n", " ").replace("${CREDENTIALS_DIRECTORY}", credentials.toString());
        return List.of(line.trim().split("\\s+"));
    }

    static Map<String, String> environment(String unit) {
        Map<String, String> env = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^Environment=([A-Z_]+)=(\\S+)$").matcher(unit);
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
        return env;
    }

    private static Map<String, String> checksums(Path dir) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sums.put(dir.relativize(f).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return sums;
    }

    /** --help is the script's header, whole, and nothing after it (it once ended on a stray line of code). */
    @Test
    void helpIsTheHeaderAndNothingElse() throws Exception {
        for (String script : List.of("scripts/install-pi.sh", "scripts/package-deb.sh")) {
            String help = run("bash", script, "--help");
            List<String> lines = help.strip().lines().toList();
            assertThat(lines.get(0)).startsWith(script.endsWith("install-pi.sh") ? "Installs rollbridge on Raspberry Pi OS" : "Builds the Debian package");
            assertThat(help).doesNotContain("#").doesNotContain("set -").doesNotContain("here=");
        }
    }

    /** The bench's archive (`bench daemon|startup --appcds`) is made the way the package makes its own. */
    @Test
    void benchMakesTheArchiveTheWayThePackageDoes() throws Exception {
        Path jar = Path.of("target/rollbridge.jar").toAbsolutePath();
        Path archive = Files.createTempDirectory(Path.of("target"), "bench-cds-").resolve("rollbridge.jsa");
        ProcessBench bench = new ProcessBench(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of("-jar", jar.toString()), "tcp://127.0.0.1:1");

        List<String> flags = bench.appCds(archive, List.of());

        assertThat(flags).containsExactly("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
        assertServiceArchive(archive, jar, false);
    }

    /**
     * A static archive (it replaces the JDK's default one) that holds the classes the service uses,
     * the JDK's and rollbridge's, and the embedded broker's (Moquette on Netty) only if it runs one;
     * the JVM starts with it under -Xshare:on and loads rollbridge's own classes from it.
     */
    private static void assertServiceArchive(Path archive, Path jar, boolean embeddedBroker) throws Exception {
        List<String> print = new ArrayList<>(List.of("/usr/bin/java"));
        print.addAll(ProcessBench.UNIT_FLAGS);
        print.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-XX:+PrintSharedArchiveAndExit", "-XX:+PrintSharedDictionary",
                "-cp", jar.toString()));
        String dictionary = run(print, Map.of(), 0);
        assertThat(dictionary).contains("archive is valid", "Static archive name: " + archive);
        for (String used : List.of("java.lang.Object ", "dev.rollbridge.cli.Main ", "dev.rollbridge.analysis.Analyzer ",
                "org.eclipse.paho.client.mqttv3.MqttAsyncClient ")) {
            assertThat(dictionary).as(used).contains(": " + used);
        }
        // The daemon reads its config, profiles and commands without Jackson's data binding (dev.rollbridge.json.Json).
        assertThat(dictionary).contains(": com.fasterxml.jackson.core.JsonFactory ")
                .doesNotContain(": com.fasterxml.jackson.databind.ObjectMapper ");
        if (embeddedBroker) {
            assertThat(dictionary).contains(": io.moquette.broker.Server ", ": io.netty.channel.nio.NioEventLoop ");
        } else {
            // Moquette's config interfaces come along to verify EmbeddedBroker; the broker itself must not.
            assertThat(dictionary).doesNotContain("io.netty.", ": io.moquette.broker.Server ");
        }
        List<String> withArchive = new ArrayList<>(List.of("/usr/bin/java"));
        withArchive.addAll(ProcessBench.UNIT_FLAGS);
        withArchive.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:class+load=info", "-jar", jar.toString(),
                "--version"));
        assertThat(run(withArchive, Map.of(), 0)).contains("dev.rollbridge.cli.Main source: shared objects file");
    }
}
