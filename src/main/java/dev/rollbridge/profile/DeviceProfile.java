package dev.rollbridge.profile;

import dev.rollbridge.analysis.SensorRange;
import dev.rollbridge.analysis.Thresholds;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything the bridge knows about one kind of device, loaded from {@code device-profiles/*.yaml}.
 * Adding a device means adding a profile, never touching the engine.
 */
public record DeviceProfile(
        String name,
        String description,
        String deviceIdPrefix,
        Pattern namePattern,
        List<UUID> serviceUuids,
        double contactRadiusCm,
        double sampleRateHz,
        Characteristic data,
        Characteristic control,
        Optional<Characteristic> battery,
        FieldSpec batteryLevel,
        SampleLayout sample,
        List<FrameLayout> frames,
        Map<String, byte[]> controlCommands,
        Thresholds thresholds,
        String source) {

    /** The magnitudes the sample's pressure and gyro fields can carry at most. */
    public SensorRange sensorRange() {
        double gyro = Math.min(sample.gyroX().maxMagnitude(), Math.min(sample.gyroY().maxMagnitude(), sample.gyroZ().maxMagnitude()));
        return new SensorRange(sample.pressure().maxMagnitude(), gyro);
    }

    /** Sample period in µs. */
    public long periodMicros() {
        return Math.round(1_000_000.0 / sampleRateHz);
    }

    public Optional<FrameLayout> frame(int id) {
        return frames.stream().filter(f -> f.id() == id).findFirst();
    }

    /** The frame type with the most samples per frame that fits the negotiated ATT MTU. */
    public FrameLayout frameForMtu(int mtu) {
        return frames.stream()
                .filter(f -> f.minMtu() <= mtu)
                .max((a, b) -> Integer.compare(a.maxSamples(), b.maxSamples()))
                .orElseThrow(() -> new IllegalArgumentException(
                        "profile " + name + " has no frame type for ATT MTU " + mtu));
    }

    /** Whether an advertising device is one of these: by its name, or by a service it advertises. */
    public boolean matches(String advertisedName, List<UUID> advertisedServices) {
        return (advertisedName != null && namePattern.matcher(advertisedName).matches())
                || advertisedServices.stream().anyMatch(serviceUuids::contains);
    }

    /** MQTT device id from a BLE address: {@code rollsense_c0ffee000001}. */
    public String deviceIdFor(String bleAddress) {
        return deviceIdPrefix + "_" + bleAddress.replace(":", "").toLowerCase(Locale.ROOT);
    }
}
