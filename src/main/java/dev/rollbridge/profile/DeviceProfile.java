package dev.rollbridge.profile;

import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.SensorRange;
import dev.rollbridge.analysis.Thresholds;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything the bridge knows about one kind of device, loaded from {@code device-profiles/*.yaml}.
 * Adding a device means adding a profile, never touching the engine.
 *
 * @param wire         how the bytes carry samples: RollSense frames, or channels on several characteristics
 * @param capabilities what the device measures; rules that need a missing one are off
 * @param manufacturer who makes it, as shown in Home Assistant (none for a maker's own sensor)
 */
public record DeviceProfile(
        String name,
        String description,
        String deviceIdPrefix,
        Pattern namePattern,
        List<UUID> serviceUuids,
        double contactRadiusCm,
        Wire wire,
        Optional<Characteristic> battery,
        FieldSpec batteryLevel,
        Set<Capability> capabilities,
        Optional<String> manufacturer,
        Thresholds thresholds,
        String source) {

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Whether the profile's thresholds carry an absolute pressure ceiling; without one, a calibration gives it. */
    public boolean needsCalibration() {
        return has(Capability.PRESSURE) && !thresholds.pressure().hasCeiling();
    }

    public boolean isFramed() {
        return wire instanceof FramedWire;
    }

    /** The RollSense-style wire; a channel profile has none. */
    public FramedWire framed() {
        if (wire instanceof FramedWire f) {
            return f;
        }
        throw new IllegalStateException("profile " + name + " sends channels on several characteristics, not frames");
    }

    public Optional<ChannelLayout> channels() {
        return wire instanceof ChannelLayout c ? Optional.of(c) : Optional.empty();
    }

    public Characteristic data() {
        return framed().data();
    }

    public Characteristic control() {
        return framed().control();
    }

    public SampleLayout sample() {
        return framed().sample();
    }

    public List<FrameLayout> frames() {
        return framed().frames();
    }

    public Map<String, byte[]> controlCommands() {
        return framed().controlCommands();
    }

    /** Samples per second: the frames' rate, or the fastest notification's. */
    public double sampleRateHz() {
        return wire instanceof FramedWire f ? f.sampleRateHz() : ((ChannelLayout) wire).maxRateHz();
    }

    /** The magnitudes the pressure and gyro fields can carry at most. */
    public SensorRange sensorRange() {
        if (wire instanceof FramedWire f) {
            SampleLayout s = f.sample();
            double gyro = Math.min(s.gyroX().maxMagnitude(), Math.min(s.gyroY().maxMagnitude(), s.gyroZ().maxMagnitude()));
            return new SensorRange(s.pressure().maxMagnitude(), gyro);
        }
        ChannelLayout c = (ChannelLayout) wire;
        double pressure = c.field("pressure").map(ChannelField::maxMagnitude).orElse(Double.POSITIVE_INFINITY);
        if (c.pressureBaseline().isPresent()) {
            // A rise over a baseline never reaches the field's own limit.
            pressure = Double.POSITIVE_INFINITY;
        }
        double gyro = Double.POSITIVE_INFINITY;
        for (String axis : List.of("gyro_x", "gyro_y", "gyro_z")) {
            gyro = Math.min(gyro, c.field(axis).map(ChannelField::maxMagnitude).orElse(Double.POSITIVE_INFINITY));
        }
        return new SensorRange(pressure, gyro);
    }

    /** How often a fresh pressure reading comes, µs: every sample on frames, the pressure notification's period on channels. */
    public long pressurePeriodMicros() {
        if (wire instanceof ChannelLayout c) {
            return c.notifications().stream().filter(n -> n.carries("pressure")).mapToLong(Notification::periodMicros)
                    .findFirst().orElse(0);
        }
        return periodMicros();
    }

    /** Sample period in µs. */
    public long periodMicros() {
        return Math.round(1_000_000.0 / sampleRateHz());
    }

    public Optional<FrameLayout> frame(int id) {
        return frames().stream().filter(f -> f.id() == id).findFirst();
    }

    /** The frame type with the most samples per frame that fits the negotiated ATT MTU. */
    public FrameLayout frameForMtu(int mtu) {
        return frames().stream()
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
