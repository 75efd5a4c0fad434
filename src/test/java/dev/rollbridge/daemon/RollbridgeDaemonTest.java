package dev.rollbridge.daemon;

import dev.rollbridge.ble.BleException;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.BrokerConnector;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.TlsSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A daemon that cannot start says why and leaves nothing open behind (no broker needed). */
class RollbridgeDaemonTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    @TempDir
    Path data;

    /** A loopback port nothing listens on. */
    private static String closedBroker() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "tcp://127.0.0.1:" + s.getLocalPort();
        }
    }

    /** A source that counts how often it was opened and closed. */
    private static final class CountingSource implements DeviceSource {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final List<Bridge.Device> devices;
        final BleException failure;

        CountingSource(List<Bridge.Device> devices, BleException failure) {
            this.devices = devices;
            this.failure = failure;
        }

        @Override
        public List<Bridge.Device> open() throws BleException {
            opened.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return devices;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private static Bridge.Device ball(String id) {
        return new Bridge.Device(id, BALL, BALL.thresholds(), new ManualTransport(BALL, "C0:FF:EE:00:00:01"));
    }

    @Test
    void aBrokerThatDoesNotAnswerFailsTheStartAndWhatTheDaemonOwnsIsClosed() throws Exception {
        CountingSource source = new CountingSource(List.of(ball("ball")), null);
        AtomicInteger owned = new AtomicInteger();
        String url = closedBroker();
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(url, "unreachable", "rb"), new Topics("rb"), source)
                .withStorage(DaemonOptions.Storage.daemon(data, "ana"))
                .alsoClosing(owned::incrementAndGet);

        assertThatThrownBy(() -> RollbridgeDaemon.start(options))
                .isInstanceOf(BrokerConnector.BrokerUnreachableException.class)
                .hasMessageContaining("cannot reach the MQTT broker at " + url);
        assertThat(source.opened).hasValue(1);
        assertThat(source.closed).hasValue(1);
        assertThat(owned).hasValue(1);
        assertThat(data.resolve("history.db")).exists();
    }

    @Test
    void aSourceThatCannotOpenItsDevicesFailsTheStartWithItsReason() throws Exception {
        CountingSource source = new CountingSource(List.of(), new BleException("no Bluetooth adapter (hci0)"));
        AtomicInteger owned = new AtomicInteger();
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(closedBroker(), "no-radio", "rb"), new Topics("rb"), source)
                .connecting(DaemonOptions.Connect.IN_BACKGROUND)
                .alsoClosing(owned::incrementAndGet);

        assertThatThrownBy(() -> RollbridgeDaemon.start(options)).isInstanceOf(BleException.class).hasMessage("no Bluetooth adapter (hci0)");
        assertThat(source.closed).hasValue(1);
        assertThat(owned).hasValue(1);
    }

    @Test
    void twoDevicesOfASourceWithOneIdAreRefused() throws Exception {
        CountingSource source = new CountingSource(List.of(ball("same"), ball("same")), null);
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(closedBroker(), "twins", "rb"), new Topics("rb"), source);
        assertThatThrownBy(() -> RollbridgeDaemon.start(options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same id");
        assertThat(source.closed).hasValue(1);
    }

    @Test
    void aHistoryThatMayNotDegradeFailsTheStartNamingTheFile() throws Exception {
        Path notADirectory = Files.writeString(data.resolve("file"), "x");
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(closedBroker(), "history", "rb"), new Topics("rb"), List.of(ball("ball")))
                .withStorage(DaemonOptions.Storage.historyOnly(notADirectory, "ana"));
        assertThatThrownBy(() -> RollbridgeDaemon.start(options)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(notADirectory.toString());
    }

    @Test
    void aLinkThatCannotBeMadeFailsTheStartAndWhatTheDaemonOwnsIsClosed() {
        CountingSource source = new CountingSource(List.of(ball("ball")), null);
        AtomicInteger owned = new AtomicInteger();
        Path missingCa = data.resolve("no-such-ca.pem");
        MqttSettings tls = MqttSettings.of("ssl://127.0.0.1:8883", "bad-tls", "rb")
                .withTls(new TlsSettings(Optional.of(missingCa), Optional.empty(), Optional.empty(), true));
        DaemonOptions options = DaemonOptions.of(tls, new Topics("rb"), source).alsoClosing(owned::incrementAndGet);
        assertThatThrownBy(() -> RollbridgeDaemon.start(options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missingCa.toString());
        assertThat(source.opened).hasValue(0);
        assertThat(source.closed).hasValue(1);
        assertThat(owned).hasValue(1);
    }
}
