package dev.rollbridge.analysis;

import java.util.Locale;

/** What the person is doing with the tool right now. */
public enum Phase {
    IDLE, ROLLING, HOLD, FRICTION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
