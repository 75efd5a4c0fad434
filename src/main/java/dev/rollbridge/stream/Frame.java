package dev.rollbridge.stream;

import java.util.HexFormat;
import java.util.UUID;

/**
 * One BLE notification as it came off the radio (or a simulator or a recording).
 *
 * @param deviceAddress  BLE address of the sender, {@code C0:FF:EE:00:00:01}
 * @param characteristic the characteristic that notified
 * @param bytes          the value, untouched
 * @param receivedMicros when it arrived, on the transport's own clock (µs since the transport
 *                       first heard from the device; in a recording, the recording's clock)
 */
public record Frame(String deviceAddress, UUID characteristic, byte[] bytes, long receivedMicros) {

    @Override
    public String toString() {
        return "Frame[" + deviceAddress + " " + characteristic + " " + HexFormat.of().formatHex(bytes)
                + " @" + receivedMicros + "us]";
    }
}
