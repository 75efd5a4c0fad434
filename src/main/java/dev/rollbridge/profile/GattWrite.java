package dev.rollbridge.profile;

import java.util.HexFormat;

/** A value the bridge writes to a characteristic: a configuration or a start or stop command. */
public record GattWrite(String characteristicName, Characteristic characteristic, byte[] value) {
    @Override
    public String toString() {
        return characteristicName + " <- " + HexFormat.of().formatHex(value);
    }
}
