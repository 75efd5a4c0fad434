package dev.rollbridge.profile;

import java.util.UUID;

/** A GATT characteristic the bridge uses, and the service that holds it. */
public record Characteristic(UUID service, UUID uuid, String access) {
}
