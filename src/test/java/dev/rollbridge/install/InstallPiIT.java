package dev.rollbridge.install;

import dev.rollbridge.bench.ProcessBench;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.bluez.DbusDaemon;
import dev.rollbridge.testing.bluez.FakeBluez;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/install-pi.sh into a throwaway root (what it would do to a Pi, minus apt and starting
 * the service), with the jar Maven just packaged; then systemd's own checker on the unit.
 */
class InstallPiIT {

    private static String run(Path dir, List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    @Test
    void installsJarConfigArchiveAndAHardenedUnitThatSystemdAccepts() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path root = Files.createTempDirectory(repo.resolve("target"), "piroot-");
        String out = run(repo, List.of("bash", "scripts/install-pi.sh", "--jar", "target/rollbridge.jar"),
                Map.of("ROLLBRIDGE_ROOT", root.toString(), "SYSTEMD_OFFLINE", "1"));
        assertThat(out).contains("enabled rollbridge.service").contains("with the embedded broker's, which the configuration runs");

        assertThat(root.resolve("opt/rollbridge/rollbridge.jar")).exists();
        assertThat(Files.size(root.resolve("opt/rollbridge/rollbridge.jsa"))).as("AppCDS archive").isGreaterThan(1_000_000);
        Path config = root.resolve("etc/rollbridge/config.yaml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config)).contains("backend: bluez");
        Path wanted = root.resolve("etc/systemd/system/multi-user.target.wants/rollbridge.service");
        assertThat(Files.isSymbolicLink(wanted)).as("enabled: %s", wanted).isTrue();
        assertThat(Files.readSymbolicLink(wanted)).isEqualTo(Path.of("/etc/systemd/system/rollbridge.service"));

        // The installed configuration is valid as written (its profiles folder is read where the throwaway root put it).
        assertThat(root.resolve("etc/rollbridge/profiles")).isDirectory();
        assertThat(Files.readString(config)).contains("profiles_dir: /etc/rollbridge/profiles");
        Path checked = root.resolve("etc/rollbridge/config-checked.yaml");
        Files.writeString(checked, Files.readString(config).replace("/etc/rollbridge/profiles", root.resolve("etc/rollbridge/profiles").toString()));
        run(repo, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                root.resolve("opt/rollbridge/rollbridge.jar").toString(), "check-config", checked.toString()), Map.of());

        String unit = Files.readString(root.resolve("etc/systemd/system/rollbridge.service"));
        for (String line : List.of("DynamicUser=yes", "SupplementaryGroups=bluetooth audio", "ProtectSystem=strict",
                "StateDirectory=rollbridge", "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
                "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "MemoryMax=128M", "Restart=on-failure", "WatchdogSec=60",
                "Type=notify", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=/opt/rollbridge/rollbridge.jsa")) {
            assertThat(unit).contains(line);
        }
        assertThat(unit.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute"));

        // systemd's checker on the unit as installed (java must exist where ExecStart says).
        List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no",
                root.resolve("etc/systemd/system/rollbridge.service").toString()));
        Process p = new ProcessBuilder(verify).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        assertThat(report.lines().filter(l -> l.contains("rollbridge.service")).toList()).as(report).isEmpty();

        // systemd's own exposure score for the sandbox (0 = locked down, 10 = exposed).
        Process security = new ProcessBuilder("systemd-analyze", "security", "--offline=true",
                root.resolve("etc/systemd/system/rollbridge.service").toString()).redirectErrorStream(true).start();
        String score = new String(security.getInputStream().readAllBytes());
        security.waitFor(60, TimeUnit.SECONDS);
        Matcher level = Pattern.compile("Overall exposure level for rollbridge.service: ([0-9.]+)").matcher(score);
        assertThat(level.find()).as(score).isTrue();
        assertThat(Double.parseDouble(level.group(1))).as("exposure").isLessThanOrEqualTo(4.0);

        // The archive works with the unit's java and flags: -Xshare:on refuses to start otherwise.
        List<String> withArchive = new ArrayList<>(List.of("/usr/bin/java"));
        withArchive.addAll(ProcessBench.UNIT_FLAGS); // = the unit's (BenchCommandIT checks)
        withArchive.addAll(List.of("-XX:SharedArchiveFile=" + root.resolve("opt/rollbridge/rollbridge.jsa"), "-Xshare:on",
                "-Xlog:cds=info", "-Xlog:class+load=info", "-jar", root.resolve("opt/rollbridge/rollbridge.jar").toString(), "--version"));
        String share = run(repo, withArchive, Map.of());
        assertThat(share).contains("rollbridge ");
        assertThat(share).contains("dev.rollbridge.cli.Main source: shared objects file");

        // The installed configuration runs the embedded broker: its classes stay in the archive.
        assertServiceArchive(root.resolve("opt/rollbridge/rollbridge.jsa"), root.resolve("opt/rollbridge/rollbridge.jar"), true);
    }

    @Test
    void anExternalBrokerLeavesTheEmbeddedBrokerOutOfTheArchive() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path root = Files.createTempDirectory(repo.resolve("target"), "piroot-");
        Path config = root.resolve("external.yaml");
        Files.writeString(config, "mqtt:\n  broker: tcp://127.0.0.1:1883\nble:\n  backend: bluez\ndevices:\n  - profile: rollsense-ball\n");
        String out = run(repo, List.of("bash", "scripts/install-pi.sh", "--jar", "target/rollbridge.jar", "--config", config.toString()),
                Map.of("ROLLBRIDGE_ROOT", root.toString(), "SYSTEMD_OFFLINE", "1"));
        assertThat(out).contains("enabled rollbridge.service").contains("the embedded broker's left out");
        assertThat(Files.readString(root.resolve("etc/rollbridge/config.yaml"))).contains("broker: tcp://127.0.0.1:1883");

        assertServiceArchive(root.resolve("opt/rollbridge/rollbridge.jsa"), root.resolve("opt/rollbridge/rollbridge.jar"), false);
    }

    /**
     * The jar the Pi gets, with the unit's flags and its archive, finds devices through BlueZ with
     * both backends. TinyB could not start from it at all: the shaded jar had lost TinyB's package
     * version, which TinyB checks first ("Cannot invoke String.equals ... is null").
     */
    @Test
    void theInstalledJarScansWithBothBackends() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path root = Files.createTempDirectory(repo.resolve("target"), "piroot-");
        run(repo, List.of("bash", "scripts/install-pi.sh", "--jar", "target/rollbridge.jar"),
                Map.of("ROLLBRIDGE_ROOT", root.toString(), "SYSTEMD_OFFLINE", "1"));
        Path jar = root.resolve("opt/rollbridge/rollbridge.jar");
        try (DbusDaemon bus = DbusDaemon.start();
             FakeBluez bluez = FakeBluez.start(bus.address())) {
            bluez.addDevice(new ProfileLoader().builtIn("rollsense-ball"), "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1);
            for (String backend : List.of("bluez", "tinyb")) {
                List<String> scan = new ArrayList<>(List.of("/usr/bin/java"));
                scan.addAll(ProcessBench.UNIT_FLAGS);
                scan.addAll(List.of("-XX:SharedArchiveFile=" + root.resolve("opt/rollbridge/rollbridge.jsa"), "-Xshare:auto",
                        "-jar", jar.toString(), "scan", "--backend", backend, "--seconds", "1"));
                String out = run(repo, scan, Map.of("DBUS_SYSTEM_BUS_ADDRESS", bus.address()));
                assertThat(out).as(backend).contains("C0:FF:EE:00:00:01    -58  RollSense Ball            rollsense-ball")
                        .contains("1 device(s).");
            }
        }
        try (JarFile shipped = new JarFile(jar.toFile())) {
            assertThat(shipped.getManifest().getAttributes("tinyb/").getValue("Specification-Version")).startsWith("0.5.0");
        }
    }

    /** --help is the script's header, whole, and nothing after it (it once ended on a stray line of code). */
    @Test
    void helpIsTheHeaderAndNothingElse() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        String help = run(repo, List.of("bash", "scripts/install-pi.sh", "--help"), Map.of());
        List<String> lines = help.strip().lines().toList();
        assertThat(lines.get(0)).startsWith("Installs rollbridge on Raspberry Pi OS");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("started; the unit is enabled with systemctl --root).");
        assertThat(help).doesNotContain("#").doesNotContain("set -");
    }

    /** The bench's archive (`bench daemon|startup --appcds`) is made the way the installer makes its own. */
    @Test
    void benchMakesTheArchiveTheWayTheInstallerDoes() throws Exception {
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
     * the JDK's and rollbridge's, and the embedded broker's (Moquette on Netty) only if it runs one.
     */
    private static void assertServiceArchive(Path archive, Path jar, boolean embeddedBroker) throws Exception {
        List<String> print = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        print.addAll(ProcessBench.UNIT_FLAGS);
        print.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-XX:+PrintSharedArchiveAndExit", "-XX:+PrintSharedDictionary",
                "-cp", jar.toString()));
        String dictionary = run(Path.of("").toAbsolutePath(), print, Map.of());
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
    }
}
