package dev.rollbridge.ble.tinyb;

import dev.rollbridge.ble.BleCentral;
import dev.rollbridge.ble.BleException;

import java.util.Optional;

/** TinyB backend (in progress). */
public final class TinybCentral {
    private TinybCentral() {
    }

    public static BleCentral open(Optional<String> adapter) throws BleException {
        throw new BleException("the tinyb backend is not available yet; use ble.backend: bluez");
    }
}
