package dev.rollbridge.cli;

import dev.rollbridge.mqtt.MqttLink;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** First connection to the broker: once, or again and again with capped backoff and jitter. */
final class BrokerConnector {
    private static final Logger log = LoggerFactory.getLogger(BrokerConnector.class);

    private BrokerConnector() {
    }

    /** One attempt; the exception message names the broker and why it failed. */
    static void connectOnce(MqttLink link) throws BrokerUnreachableException {
        try {
            link.connect(Duration.ofSeconds(5));
        } catch (MqttException e) {
            throw new BrokerUnreachableException("cannot reach the MQTT broker at " + link.settings().redactedBrokerUrl()
                    + ": " + describe(e));
        }
    }

    /** Paho does not retry a first connect: keep trying, 1 s doubling to 30 s, until it works. */
    static void connectWithRetry(MqttLink link) throws InterruptedException {
        long delayMs = 1_000;
        String lastReason = null;
        while (true) {
            try {
                link.connect(Duration.ofSeconds(10));
                return;
            } catch (MqttException e) {
                String reason = describe(e);
                if (!reason.equals(lastReason)) {
                    log.warn("cannot reach the MQTT broker at {} ({}); retrying", link.settings().redactedBrokerUrl(), reason);
                    lastReason = reason;
                }
            }
            Thread.sleep(delayMs + ThreadLocalRandom.current().nextLong(delayMs / 4 + 1));
            delayMs = Math.min(30_000, delayMs * 2);
        }
    }

    private static String describe(MqttException e) {
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null
                ? e.getMessage() + " (" + cause.getMessage() + ")"
                : e.getMessage();
    }

    static final class BrokerUnreachableException extends Exception {
        BrokerUnreachableException(String message) {
            super(message);
        }
    }
}
