package dev.rollbridge.mqtt.link;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The background first connect ends with its link (no broker needed: a loopback port nothing listens on). */
class BrokerConnectorTest {

    @Test
    void retryingEndsOnceTheLinkIsClosedEvenWhenNoInterruptArrives() throws Exception {
        String url;
        try (ServerSocket s = new ServerSocket(0)) {
            url = "tcp://127.0.0.1:" + s.getLocalPort();
        }
        MqttLink link = new MqttLink(MqttSettings.of(url, "retry-" + System.nanoTime(), "rb"));
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread connector = new Thread(() -> {
            try {
                BrokerConnector.connectWithRetry(link);
            } catch (Throwable e) {
                ended.set(e);
            }
        }, "connector-under-test");
        connector.start();
        Thread.sleep(300); // the first attempt has been refused; the connector waits to try again

        link.close();
        connector.join(10_000);
        assertThat(connector.isAlive()).as("a closed link is not retried for ever").isFalse();
        assertThat(ended.get()).isNull();
        assertThat(link.isClosed()).isTrue();
        assertThat(link.isConnected()).isFalse();
    }

    @Test
    void anInterruptEndsTheRetrying() throws Exception {
        String url;
        try (ServerSocket s = new ServerSocket(0)) {
            url = "tcp://127.0.0.1:" + s.getLocalPort();
        }
        try (MqttLink link = new MqttLink(MqttSettings.of(url, "retry-" + System.nanoTime(), "rb"))) {
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread connector = new Thread(() -> {
                try {
                    BrokerConnector.connectWithRetry(link);
                } catch (Throwable e) {
                    ended.set(e);
                }
            }, "connector-under-test");
            connector.start();
            Thread.sleep(300);
            connector.interrupt();
            connector.join(10_000);
            assertThat(connector.isAlive()).isFalse();
            assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        }
    }
}
