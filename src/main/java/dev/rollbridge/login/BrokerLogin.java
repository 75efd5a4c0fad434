package dev.rollbridge.login;

/** The embedded broker's LAN login: a username and the hash of its password. */
public record BrokerLogin(String username, PasswordHash password) {
    /** An MQTT username as {@code rollbridge lan on} makes and a person types: short, plain. */
    public static boolean isUsername(String name) {
        return name != null && name.matches("[A-Za-z0-9_.-]{1,64}");
    }
}
