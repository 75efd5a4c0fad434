package dev.rollbridge.mqtt.link;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS towards the broker. With no CA file the JVM's trusted roots are used. A client certificate
 * needs its key (PEM, PKCS#8 or PKCS#1 RSA). Hostname verification is on unless turned off.
 */
public record TlsSettings(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean verifyHostname) {

    public TlsSettings {
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("a client certificate and its key go together: give both or neither");
        }
    }

    public static TlsSettings systemTrust() {
        return new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty(), true);
    }
}
