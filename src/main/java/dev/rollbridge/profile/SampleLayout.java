package dev.rollbridge.profile;

import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Byte layout of one motion sample. Gyro and pressure are required; the accelerometer is optional
 * (without it, speed falls back to the whole angular velocity).
 */
public record SampleLayout(int size, ByteOrder byteOrder,
                           FieldSpec gyroX, FieldSpec gyroY, FieldSpec gyroZ,
                           Optional<FieldSpec> accelX, Optional<FieldSpec> accelY, Optional<FieldSpec> accelZ,
                           FieldSpec pressure) {

    public boolean hasAccel() {
        return accelX.isPresent() && accelY.isPresent() && accelZ.isPresent();
    }
}
