package dev.rollbridge.mqtt.link;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach the broker: {@code tcp://HOST:PORT}, or {@code ssl://HOST:PORT} with TLS, and
 * optionally a username and password. {@code toString} never shows the password.
 *
 * @param maxInflight Paho's window of unacknowledged messages; the event outbox keeps itself well
 *                    inside it so state updates always find room
 */
public record MqttSettings(String brokerUrl, String clientId, String baseTopic, int keepAliveSeconds, int maxInflight,
                           Optional<TlsSettings> tls, Optional<Credentials> credentials) {

    public static MqttSettings of(String brokerUrl, String clientId, String baseTopic) {
        String url = withDefaultPort(brokerUrl);
        Optional<TlsSettings> tls = url.startsWith("ssl://") ? Optional.of(TlsSettings.systemTrust()) : Optional.empty();
        return new MqttSettings(url, clientId, baseTopic, 30, 20, tls, Optional.empty());
    }

    /** The same with another keepalive: a silent broker is noticed after about 1.5 × this. */
    public MqttSettings withKeepAlive(int seconds) {
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("keepalive must be 1 to 3600 s, not " + seconds);
        }
        return new MqttSettings(brokerUrl, clientId, baseTopic, seconds, maxInflight, tls, credentials);
    }

    public MqttSettings withTls(TlsSettings settings) {
        return new MqttSettings(brokerUrl, clientId, baseTopic, keepAliveSeconds, maxInflight, Optional.of(settings), credentials);
    }

    public MqttSettings withCredentials(Credentials login) {
        return new MqttSettings(brokerUrl, clientId, baseTopic, keepAliveSeconds, maxInflight, tls, Optional.of(login));
    }

    public MqttSettings withClientId(String id) {
        return new MqttSettings(brokerUrl, id, baseTopic, keepAliveSeconds, maxInflight, tls, credentials);
    }

    public MqttSettings {
        URI uri;
        try {
            uri = URI.create(brokerUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("broker URL '" + brokerUrl + "' is not a URL like tcp://127.0.0.1:1883");
        }
        boolean secure = "ssl".equals(uri.getScheme());
        if (!("tcp".equals(uri.getScheme()) || secure) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("broker URL '" + redact(brokerUrl)
                    + "' must look like tcp://HOST:PORT or ssl://HOST:PORT");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("broker URL '" + redact(brokerUrl)
                    + "' must not carry a login: give mqtt.username and mqtt.password_file in the config instead");
        }
        if (tls.isPresent() != secure) {
            throw new IllegalArgumentException(secure ? "an ssl:// broker needs TLS settings"
                    : "TLS settings need an ssl:// broker URL, not " + redact(brokerUrl));
        }
    }

    /** {@code tcp://host} → {@code tcp://host:1883}, {@code ssl://host} → {@code ssl://host:8883}. */
    public static String withDefaultPort(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null && uri.getPort() == -1 && (uri.getPath() == null || uri.getPath().isEmpty())) {
                if ("tcp".equals(uri.getScheme())) {
                    return url + ":1883";
                }
                if ("ssl".equals(uri.getScheme())) {
                    return url + ":8883";
                }
            }
        } catch (IllegalArgumentException e) {
            // The constructor says what is wrong with it.
        }
        return url;
    }

    /**
     * Paho options for this broker: TCP_NODELAY sockets (TLS ones for {@code ssl://}, with
     * hostname verification unless turned off) and the login. Callers add their own session options.
     *
     * @throws IllegalArgumentException naming the TLS file that cannot be used
     */
    public MqttConnectOptions connectOptions() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setKeepAliveInterval(keepAliveSeconds);
        if (tls.isPresent()) {
            try {
                options.setSocketFactory(TlsSocketFactory.create(tls.get()));
            } catch (TlsSocketFactory.TlsFileException e) {
                throw new IllegalArgumentException("TLS file " + e.file() + " " + e.getMessage(), e);
            }
            options.setHttpsHostnameVerificationEnabled(tls.get().verifyHostname());
        } else {
            options.setSocketFactory(new NoDelaySocketFactory());
        }
        credentials.ifPresent(c -> {
            options.setUserName(c.username());
            c.password().ifPresent(p -> options.setPassword(p.reveal()));
        });
        return options;
    }

    /** The broker URL without any user info, safe for logs and {@code bridge/info}. */
    public String redactedBrokerUrl() {
        return redact(brokerUrl);
    }

    private static String redact(String url) {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        return at > scheme && scheme >= 0 ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
    }
}
