package dev.rollbridge.login;

/** The embedded broker's LAN login: a username and the hash of its password. */
public record BrokerLogin(String username, PasswordHash password) {
    /** The bridge's own connection to its embedded broker: no LAN login may have this name. */
    public static final String RESERVED_USERNAME = "rollbridge-bridge";

    /** An MQTT username as {@code rollbridge lan on} makes and a person types: short, plain, not the bridge's own. */
    public static boolean isUsername(String name) {
        return name != null && name.matches("[A-Za-z0-9_.-]{1,64}") && !name.equals(RESERVED_USERNAME);
    }
}
