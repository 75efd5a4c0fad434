package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.BrokerConnector;
import dev.rollbridge.mqtt.link.Credentials;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.Secret;
import dev.rollbridge.mqtt.link.TlsSettings;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.Mosquitto;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real Mosquitto with three listeners on loopback: plain and anonymous (for the test's own
 * subscriber), TLS with a password file and required client certificates (the bridge's), and TLS
 * with a certificate issued for another host name. Certificates are made by openssl for the test.
 */
class SecureBrokerIT {
    private static final String PASSWORD = "s3cret-Hamstring-42";
    private static Mosquitto broker;
    private static TestPki pki;
    private static int tlsPort;
    private static int otherHostPort;
    private static Path work;

    @BeforeAll
    static void startBroker() throws Exception {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secure-");
        pki = TestPki.create(work.resolve("pki"));
        setPassword("rollbridge", PASSWORD);
        // A free port can be taken by another process before Mosquitto binds it: then new ports, at most three times.
        for (int attempt = 1; ; attempt++) {
            tlsPort = Mosquitto.freePort();
            otherHostPort = Mosquitto.freePort();
            broker = Mosquitto.unstarted().configure(List.of("per_listener_settings true"), List.of(
                    "listener " + tlsPort + " 127.0.0.1",
                    "allow_anonymous false",
                    "password_file " + work.resolve("passwd"),
                    "cafile " + pki.file("ca.crt"),
                    "certfile " + pki.file("server.crt"),
                    "keyfile " + pki.file("server.key"),
                    "require_certificate true",
                    "listener " + otherHostPort + " 127.0.0.1",
                    "allow_anonymous true",
                    "certfile " + pki.file("other-host.crt"),
                    "keyfile " + pki.file("other-host.key")));
            try {
                broker.begin();
                break;
            } catch (IllegalStateException taken) {
                if (attempt == 3) {
                    throw taken;
                }
            }
        }
        awaitListening(tlsPort);
        awaitListening(otherHostPort);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private static void setPassword(String user, String password) throws IOException, InterruptedException {
        Path file = work.resolve("passwd");
        List<String> command = Files.exists(file)
                ? List.of("mosquitto_passwd", "-b", file.toString(), user, password)
                : List.of("mosquitto_passwd", "-c", "-b", file.toString(), user, password);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("no listener on " + port);
    }

    /** A config for the TLS listener; each test has its own base topic, so retained messages of another do not mix in. */
    private static Path config(String name, String baseTopic, String mqttLogin) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, String.join("\n",
                "mqtt:",
                "  broker: ssl://127.0.0.1:" + tlsPort,
                "  base_topic: " + baseTopic,
                "  username: rollbridge",
                mqttLogin,
                "  tls:",
                "    ca_file: pki/ca.crt",
                "    cert_file: pki/client.crt",
                "    key_file: pki/client-pkcs1.key",
                "simulator: {speed: 40}",
                "audio: {enabled: false}",
                "dashboard: {port: 0}",
                ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void daemonWithTlsClientCertificateAndPasswordFileDeliversEventsAndNeverShowsThePassword() throws Exception {
        Path passwordFile = work.resolve("mqtt-password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path config = config("good.yaml", "good", "  password_file: mqtt-password");

        try (MqttProbe probe = new MqttProbe(broker.url(), "good/#");
             Daemon daemon = Daemon.start("run", "--config", config.toString())) {
            daemon.awaitLine("the broker line", Duration.ofSeconds(30), l -> l.startsWith("MQTT broker: ssl://127.0.0.1:" + tlsPort));
            // (A retained "offline" from an earlier daemon may come first.)
            probe.await("bridge online", Duration.ofSeconds(20), r -> r.topic().equals("good/bridge/state")
                    && r.payload().equals("{\"state\":\"online\"}"));
            JsonNode info = probe.await("bridge info", Duration.ofSeconds(5), r -> r.topic().equals("good/bridge/info")).json();
            JsonNode mqtt = info.path("config").path("mqtt");
            assertThat(mqtt.path("broker").asText()).isEqualTo("ssl://127.0.0.1:" + tlsPort);
            assertThat(mqtt.path("tls").path("verify_hostname").asBoolean()).isTrue();
            assertThat(mqtt.path("login").asText()).isEqualTo("username and password from file " + passwordFile);
            probe.await("a cue through TLS", Duration.ofSeconds(30), r -> r.topic().endsWith("/event")
                    && r.json().path("type").asText().equals("hold_target_reached"));
            // The dashboard subscribes with the same TLS settings and login.
            String dashboard = daemon.awaitLine("dashboard", Duration.ofSeconds(20), l -> l.startsWith("Dashboard: http://127.0.0.1:"));
            assertThat(dashboard).doesNotContain(":0/");

            assertThat(probe.messages()).allSatisfy(r -> assertThat(r.payload()).doesNotContain(PASSWORD));
            daemon.terminate(Duration.ofSeconds(20));
            assertThat(String.join("\n", daemon.stdout())).doesNotContain(PASSWORD);
            assertThat(daemon.stderr()).doesNotContain(PASSWORD).doesNotContain("readable by every user");
        }
    }

    @Test
    void theStandaloneDashboardConnectsWithTheBridgesConfigFile() throws Exception {
        Path passwordFile = work.resolve("dashboard-password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Path config = config("dashboard.yaml", "dash", "  password_file: dashboard-password");
        try (Daemon dashboard = Daemon.start("dashboard", "--config", config.toString(), "--port", "0")) {
            dashboard.awaitLine("dashboard up", Duration.ofSeconds(30), l -> l.startsWith("Dashboard: http://127.0.0.1:"));
            assertThat(broker.log()).doesNotContain(PASSWORD);
            dashboard.terminate(Duration.ofSeconds(10));
            assertThat(dashboard.stderr()).doesNotContain(PASSWORD).doesNotContain("cannot reach");
        }
    }

    @Test
    void wrongPasswordIsReportedOnceRetriedSlowlyAndNoEventIsLostOnceTheBrokerAcceptsIt() throws Exception {
        String newPassword = "rotated-" + PASSWORD;
        Path config = config("env.yaml", "rotated", "  password_env: ROLLBRIDGE_TEST_PASSWORD");
        try (MqttProbe probe = new MqttProbe(broker.url(), "rotated/#");
             Daemon daemon = Daemon.start(Map.of("ROLLBRIDGE_TEST_PASSWORD", newPassword), "run", "--config", config.toString(),
                     "--dashboard-port", "-1")) {
            awaitStderr(daemon, "refused the bridge: not authorized: wrong username or password, or a login is required "
                    + "(check mqtt.username and mqtt.password_file / password_env)");
            int refusedAtFirst = countRefusals();
            Thread.sleep(8_000); // a hot loop would have tried hundreds of times by now
            assertThat(countRefusals()).as("login attempts in 8 s after the first refusal").isLessThanOrEqualTo(refusedAtFirst + 1);
            assertThat(daemon.isAlive()).isTrue();
            assertThat(daemon.stderr().lines().filter(l -> l.contains("wrong username or password")).count()).isEqualTo(1);

            // The broker's admin rotates the password to the one the bridge has: the next slow retry gets in,
            // and the events of the session so far arrive from the outbox, in order, none missing.
            setPassword("rollbridge", newPassword);
            broker.reload();
            probe.await("bridge online", Duration.ofSeconds(60), r -> r.topic().equals("rotated/bridge/state")
                    && r.payload().contains("online"));
            MqttProbe.Received cue = probe.await("the hold cue from before the login worked", Duration.ofSeconds(30),
                    r -> r.topic().endsWith("/event") && r.json().path("type").asText().equals("hold_target_reached"));
            List<Long> seqs = probe.messages().stream().filter(r -> r.topic().endsWith("/event"))
                    .map(r -> r.json().path("seq").asLong()).distinct().sorted().toList();
            assertThat(seqs.get(0)).isEqualTo(1);
            assertThat(seqs).as("no gap").isEqualTo(LongStream.rangeClosed(1, seqs.get(seqs.size() - 1)).boxed().toList());
            assertThat(cue.json().path("seq").asLong()).isGreaterThan(1);
            daemon.terminate(Duration.ofSeconds(20));
            assertThat(daemon.stderr()).doesNotContain(newPassword);
        } finally {
            setPassword("rollbridge", PASSWORD);
            broker.reload();
        }
    }

    private static int countRefusals() throws IOException {
        Matcher m = Pattern.compile("not authorised").matcher(broker.log());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void awaitStderr(Daemon daemon, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!daemon.stderr().contains(text)) {
            assertThat(System.nanoTime()).as("stderr to contain: " + text + "\n" + daemon.stderr()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static MqttLink link(int port, TlsSettings tls, Optional<Credentials> login) {
        MqttSettings s = MqttSettings.of("ssl://127.0.0.1:" + port, "tls-test", "rollbridge").withTls(tls);
        if (login.isPresent()) {
            s = s.withCredentials(login.get());
        }
        return new MqttLink(s, MqttPublisher.will(new Topics("rollbridge")));
    }

    private static TlsSettings trusting(String ca, boolean verifyHostname) {
        return new TlsSettings(Optional.of(pki.file(ca)), Optional.empty(), Optional.empty(), verifyHostname);
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessHostnameVerificationIsOff() throws Exception {
        try (MqttLink link = link(otherHostPort, trusting("ca.crt", true), Optional.empty())) {
            assertThatThrownBy(() -> BrokerConnector.connectOnce(link))
                    .hasMessageContaining("cannot reach the MQTT broker at ssl://127.0.0.1:" + otherHostPort)
                    .hasMessageContaining("the broker's TLS certificate is not issued for this host name");
        }
        try (MqttLink link = link(otherHostPort, trusting("ca.crt", false), Optional.empty())) {
            BrokerConnector.connectOnce(link);
            assertThat(link.isConnected()).isTrue();
        }
    }

    @Test
    void aBrokerCertificateFromAnUnknownCaIsRefused() throws Exception {
        try (MqttLink link = link(otherHostPort, trusting("rogue-ca.crt", false), Optional.empty())) {
            assertThatThrownBy(() -> BrokerConnector.connectOnce(link))
                    .hasMessageContaining("not signed by a trusted CA (check mqtt.tls.ca_file)");
        }
    }

    @Test
    void withoutAClientCertificateTheTlsListenerRefusesTheBridge() throws Exception {
        Credentials login = new Credentials("rollbridge", Optional.of(new Secret(PASSWORD.toCharArray(), "test")));
        try (MqttLink link = link(tlsPort, trusting("ca.crt", true), Optional.of(login))) {
            assertThatThrownBy(() -> BrokerConnector.connectOnce(link)).hasMessageContaining("cannot reach the MQTT broker");
            assertThat(link.isConnected()).isFalse();
        }
        TlsSettings withCertificate = new TlsSettings(Optional.of(pki.file("ca.crt")), Optional.of(pki.file("client.crt")),
                Optional.of(pki.file("client.key")), true);
        try (MqttLink link = link(tlsPort, withCertificate, Optional.of(login))) {
            BrokerConnector.connectOnce(link);
            assertThat(link.isConnected()).isTrue();
        }
    }
}
