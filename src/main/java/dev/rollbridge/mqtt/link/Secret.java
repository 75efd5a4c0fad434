package dev.rollbridge.mqtt.link;

import java.util.Arrays;

/**
 * A password or token. It never prints itself: {@code toString} shows only where it came from, so
 * a settings record, a log line or {@code bridge/info} cannot leak it by accident.
 */
public final class Secret {
    private final char[] value;
    private final String source;

    /** @param source where it came from, for messages: "file /etc/…", "environment ROLLBRIDGE_…" */
    public Secret(char[] value, String source) {
        this.value = value.clone();
        this.source = source;
    }

    /** A fresh copy each time: Paho keeps the array it is given. */
    public char[] reveal() {
        return value.clone();
    }

    public String source() {
        return source;
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public String toString() {
        return "<secret from " + source + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
