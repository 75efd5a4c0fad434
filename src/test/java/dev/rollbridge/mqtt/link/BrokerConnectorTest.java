package dev.rollbridge.mqtt.link;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The background first connect ends with its link (no broker needed: a loopback port nothing listens on). */
class BrokerConnectorTest {

    private static MqttLink linkToNobody() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new MqttLink(MqttSettings.of("tcp://127.0.0.1:" + s.getLocalPort(), "retry-" + System.nanoTime(), "rb"));
        }
    }

    /** Retries in the background as the daemon does; {@code ended} gets what it ended with. */
    private static Thread retrying(MqttLink link, AtomicReference<Throwable> ended) throws InterruptedException {
        Thread connector = new Thread(() -> {
            try {
                BrokerConnector.connectWithRetry(link);
            } catch (Throwable e) {
                ended.set(e);
            }
        }, "connector-under-test");
        connector.start();
        Thread.sleep(300); // the first attempt has been refused; the connector waits to try again
        return connector;
    }

    @Test
    void retryingEndsOnceTheLinkIsClosedEvenWhenNoInterruptArrives() throws Exception {
        MqttLink link = linkToNobody();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread connector = retrying(link, ended);

        link.close();
        connector.join(10_000);
        assertThat(connector.isAlive()).as("a closed link is not retried for ever").isFalse();
        assertThat(ended.get()).isNull();
        assertThat(link.isClosed()).isTrue();
        assertThat(link.isConnected()).isFalse();
    }

    @Test
    void anInterruptEndsTheRetrying() throws Exception {
        try (MqttLink link = linkToNobody()) {
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread connector = retrying(link, ended);
            connector.interrupt();
            connector.join(10_000);
            assertThat(connector.isAlive()).isFalse();
            assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        }
    }
}
