package dev.rollbridge.mqtt.link;

import java.util.Optional;

/** MQTT username and, usually, a password. The password never appears in {@code toString}. */
public record Credentials(String username, Optional<Secret> password) {
}
