package dev.rollbridge.testing.bluez;

import org.bluez.exceptions.BluezNotPermittedException;

import java.util.Map;
import java.util.UUID;

/**
 * What a fake sensor of a channel profile does with writes, as its real firmware does: the rates
 * its notifications run at, which a configuration write may change, and writes it refuses (BlueZ
 * turns the ATT error "Write Not Permitted" into org.bluez.Error.NotPermitted).
 */
public interface SensorFirmware {
    /** The rate of each notification (by the profile's name for it) now; absent ones run at the profile's rate. */
    Map<String, Double> ratesHz();

    /** A write to a characteristic; refused by throwing, and then not taken. */
    void write(UUID characteristic, byte[] value) throws BluezNotPermittedException;

    /** A sensor that streams at the profile's rates and takes every write (an Oriori ball, an ESS sensor). */
    static SensorFirmware plain() {
        return new SensorFirmware() {
            @Override
            public Map<String, Double> ratesHz() {
                return Map.of();
            }

            @Override
            public void write(UUID characteristic, byte[] value) {
            }
        };
    }
}
