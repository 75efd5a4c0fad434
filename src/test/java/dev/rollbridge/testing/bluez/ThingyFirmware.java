package dev.rollbridge.testing.bluez;

import org.bluez.exceptions.BluezNotPermittedException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Nordic Thingy:52 firmware's configuration characteristics (Nordic-Thingy52-FW,
 * ble_tes.h / ble_tms.h and their handlers): the environment config (12 bytes: u16 temperature,
 * pressure, humidity and colour intervals in ms, u8 gas mode, 3 × u8 LED calibration) and the
 * motion config (9 bytes: u16 step counter, temperature compensation and magnetometer compensation
 * intervals in ms, u16 motion processing frequency in Hz, u8 wake on motion). A wrong length or a
 * value out of its range is refused and not stored. Until written: pressure every 2000 ms, motion
 * at 10 Hz.
 */
public final class ThingyFirmware implements SensorFirmware {
    public static final UUID ENVIRONMENT_CONFIG = UUID.fromString("ef680206-9b35-4933-9b10-52ffa9740042");
    public static final UUID MOTION_CONFIG = UUID.fromString("ef680401-9b35-4933-9b10-52ffa9740042");
    private volatile double pressureHz = 0.5;
    private volatile double motionHz = 10;

    @Override
    public Map<String, Double> ratesHz() {
        Map<String, Double> rates = new HashMap<>();
        rates.put("pressure", pressureHz);
        rates.put("motion", motionHz);
        return rates;
    }

    public double pressureHz() {
        return pressureHz;
    }

    public double motionHz() {
        return motionHz;
    }

    @Override
    public void write(UUID characteristic, byte[] value) throws BluezNotPermittedException {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        if (characteristic.equals(ENVIRONMENT_CONFIG)) {
            length(value, 12);
            range(b.getShort(0) & 0xFFFF, 100, 60_000);
            int pressureMs = range(b.getShort(2) & 0xFFFF, 50, 60_000);
            range(b.getShort(4) & 0xFFFF, 100, 60_000);
            range(b.getShort(6) & 0xFFFF, 200, 60_000);
            range(b.get(8) & 0xFF, 1, 3);
            pressureHz = 1000.0 / pressureMs;
        } else if (characteristic.equals(MOTION_CONFIG)) {
            length(value, 9);
            range(b.getShort(0) & 0xFFFF, 100, 5_000);
            range(b.getShort(2) & 0xFFFF, 100, 5_000);
            range(b.getShort(4) & 0xFFFF, 100, 1_000);
            int hz = range(b.getShort(6) & 0xFFFF, 5, 200);
            range(b.get(8) & 0xFF, 0, 1);
            motionHz = hz;
        }
    }

    private static void length(byte[] value, int expected) throws BluezNotPermittedException {
        if (value.length != expected) {
            throw new BluezNotPermittedException("Write not permitted");
        }
    }

    private static int range(int v, int min, int max) throws BluezNotPermittedException {
        if (v < min || v > max) {
            throw new BluezNotPermittedException("Write not permitted");
        }
        return v;
    }
}
