package dev.rollbridge.analysis;

import java.util.Locale;

/** What a device can measure: the rules that need a missing one are off for it. */
public enum Capability {
    /** A load on the tool: contact pressure, or a figure that rises with load (air pressure, kg). */
    PRESSURE,
    /** The tool's rotation (gyro), optionally with gravity (accelerometer): rolling speed and direction. */
    MOTION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
