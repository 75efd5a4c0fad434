package dev.rollbridge.mqtt.link;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;

/**
 * First connection to the broker: once, or again and again with capped backoff and jitter. A
 * refusal that only a person can fix (wrong password, untrusted certificate) is said once, plainly,
 * and retried slowly: a broker must never see a hot loop of failing logins.
 */
public final class BrokerConnector {
    private static final Logger log = LoggerFactory.getLogger(BrokerConnector.class);

    /** Delays between attempts: quick for an absent broker, slow for a refused login or certificate. */
    record Backoff(Duration first, Duration max) {
        static final Backoff UNREACHABLE = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        static final Backoff REFUSED = new Backoff(Duration.ofSeconds(15), Duration.ofMinutes(5));
    }

    private BrokerConnector() {
    }

    /** One attempt; the exception message names the broker and why it failed. */
    public static void connectOnce(MqttLink link) throws BrokerUnreachableException {
        try {
            link.connect(Duration.ofSeconds(5));
        } catch (MqttException e) {
            throw new BrokerUnreachableException("cannot reach the MQTT broker at " + link.settings().redactedBrokerUrl()
                    + ": " + describe(e));
        }
    }

    /**
     * Paho does not retry a first connect: keep trying until it works, the link is closed, or the
     * thread is interrupted (Paho swallows an interrupt that lands inside its connect: hence the
     * closed check).
     */
    public static void connectWithRetry(MqttLink link) throws InterruptedException {
        long delayMs = 0;
        String lastReason = null;
        Backoff lastBackoff = null;
        while (!link.isClosed()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped connecting to " + link.settings().redactedBrokerUrl());
            }
            try {
                link.connect(Duration.ofSeconds(10));
                return;
            } catch (MqttException e) {
                String reason = describe(e);
                Backoff backoff = needsAPerson(e) ? Backoff.REFUSED : Backoff.UNREACHABLE;
                if (backoff != lastBackoff) {
                    delayMs = backoff.first().toMillis();
                    lastBackoff = backoff;
                } else {
                    delayMs = Math.min(backoff.max().toMillis(), delayMs * 2);
                }
                if (!reason.equals(lastReason)) {
                    if (backoff == Backoff.REFUSED) {
                        log.error("the MQTT broker at {} refused the bridge: {}; trying again every {} s at most until it is fixed",
                                link.settings().redactedBrokerUrl(), reason, backoff.first().toSeconds());
                    } else {
                        log.warn("cannot reach the MQTT broker at {} ({}); retrying", link.settings().redactedBrokerUrl(), reason);
                    }
                    lastReason = reason;
                }
            }
            Thread.sleep(delayMs + ThreadLocalRandom.current().nextLong(delayMs / 4 + 1));
        }
    }

    /** Refusals that retrying quickly cannot cure. */
    static boolean needsAPerson(MqttException e) {
        int code = e.getReasonCode();
        return code == MqttException.REASON_CODE_FAILED_AUTHENTICATION || code == MqttException.REASON_CODE_NOT_AUTHORIZED
                || code == MqttException.REASON_CODE_INVALID_CLIENT_ID || causedBy(e, SSLException.class);
    }

    /** What went wrong, in words that point at the setting to check. Never includes a password. */
    public static String describe(MqttException e) {
        int code = e.getReasonCode();
        if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION) {
            return "wrong username or password (check mqtt.username and mqtt.password_file / password_env)";
        }
        if (code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
            // Mosquitto answers a wrong password with this code too.
            return "not authorized: wrong username or password, or a login is required "
                    + "(check mqtt.username and mqtt.password_file / password_env)";
        }
        if (code == MqttException.REASON_CODE_INVALID_CLIENT_ID) {
            return "the broker refuses the client id (mqtt.client_id)";
        }
        SSLException tls = cause(e, SSLException.class);
        if (tls != null) {
            String m = String.valueOf(tls.getMessage());
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "the broker's TLS certificate is not issued for this host name (" + m
                        + "); connect by a name the certificate lists";
            }
            if (m.contains("PKIX") || m.contains("unable to find valid certification path")) {
                return "the broker's TLS certificate is not signed by a trusted CA (check mqtt.tls.ca_file)";
            }
            if (m.contains("bad_certificate") || m.contains("certificate_required")) {
                return "the broker did not accept the bridge's client certificate (check mqtt.tls.cert_file and key_file)";
            }
            return "TLS handshake failed: " + m;
        }
        if (cause(e, ConnectException.class) != null) {
            return "connection refused (is the broker running and listening on that port?)";
        }
        Throwable c = e.getCause();
        return c != null && c.getMessage() != null ? e.getMessage() + " (" + c.getMessage() + ")" : e.getMessage();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return cause(t, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    public static final class BrokerUnreachableException extends Exception {
        BrokerUnreachableException(String message) {
            super(message);
        }
    }
}
