package dev.rollbridge.daemon;

import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.simulator.SimulatedSensor;
import dev.rollbridge.stream.Transport;
import dev.rollbridge.ble.BleCentral;
import dev.rollbridge.ble.BleException;
import dev.rollbridge.ble.BleLink;
import dev.rollbridge.ble.DeviceFinder;
import dev.rollbridge.ble.Radio;
import dev.rollbridge.ble.bluez.BluezCentral;
import dev.rollbridge.ble.tinyb.TinybCentral;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.config.RollbridgeConfig;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.simulator.SimulatedRollsense;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The configured devices made real: simulated balls, or links over a Bluetooth radio. */
public final class Devices {
    private Devices() {
    }

    /**
     * The configuration's devices: simulated, or over the Bluetooth stack it names (opened, and
     * scanned for devices named by profile only, when the daemon asks; {@code progress} is told).
     */
    public static DeviceSource fromConfig(RollbridgeConfig config, PrintStream progress) {
        if (!config.ble().backend().isRadio()) {
            return () -> simulated(config);
        }
        return new DeviceSource() {
            private Radio radio;

            @Override
            public synchronized List<Bridge.Device> open() throws BleException {
                radio = new Radio(openCentral(config.ble()));
                return overRadio(config, radio, progress);
            }

            @Override
            public synchronized void close() {
                if (radio != null) {
                    radio.close();
                    radio = null;
                }
            }
        };
    }

    /** A simulated device per configured one, each playing the scripted hamstring session. */
    public static List<Bridge.Device> simulated(RollbridgeConfig config) {
        RollbridgeConfig.Simulator sim = config.simulator();
        List<Bridge.Device> devices = new ArrayList<>();
        List<RollbridgeConfig.DeviceConfig> configured = config.devices();
        for (int i = 0; i < configured.size(); i++) {
            RollbridgeConfig.DeviceConfig dc = configured.get(i);
            String address = dc.address().orElse(String.format("C0:FF:EE:00:00:%02X", i + 1));
            SimulatedRollsense.Options options = new SimulatedRollsense.Options(address, sim.speed(), sim.mtu(), sim.repeat(), sim.seed() + i);
            Transport simulator = simulator(dc.profile(), dc.thresholds(), options);
            devices.add(new Bridge.Device(dc.id().orElse(dc.profile().deviceIdFor(address)), dc.profile(), dc.thresholds(), simulator));
        }
        return devices;
    }

    /** A simulated device that speaks the profile, playing the session that fits what the tool measures. */
    public static Transport simulator(DeviceProfile profile, Thresholds thresholds, SimulatedRollsense.Options options) {
        HamstringSessionScript script = HamstringSessionScript.forTool(profile.has(Capability.MOTION),
                thresholds.pressure().ceilingKpa(), thresholds.contact().kpa());
        return profile.isFramed() ? new SimulatedRollsense(profile, script, options) : new SimulatedSensor(profile, script, options);
    }

    /** The Bluetooth stack the configuration names. */
    private static BleCentral openCentral(RollbridgeConfig.Ble ble) throws BleException {
        return switch (ble.backend()) {
            case BLUEZ -> new BluezCentral(Optional.empty(), ble.adapter());
            case TINYB -> TinybCentral.open(ble.adapter());
            case SIMULATED -> throw new IllegalStateException("not a radio backend");
        };
    }

    /**
     * A link per configured device; devices named by profile only are found by a scan first (an
     * allowlist otherwise), which is reported on {@code progress}.
     */
    private static List<Bridge.Device> overRadio(RollbridgeConfig config, Radio radio, PrintStream progress) throws BleException {
        List<RollbridgeConfig.DeviceConfig> configured = config.devices();
        List<DeviceProfile> unaddressed = configured.stream().filter(d -> d.address().isEmpty())
                .map(RollbridgeConfig.DeviceConfig::profile).toList();
        List<String> found = List.of();
        if (!unaddressed.isEmpty()) {
            progress.println("Scanning for " + String.join(", ", unaddressed.stream().map(DeviceProfile::name).toList()) + " ...");
            progress.flush();
            try {
                // Classify what is nearby against every profile known, not only the wanted ones: a ball
                // must not pass for a roller because both advertise the same service.
                List<DeviceProfile> known = new ArrayList<>(unaddressed);
                for (String name : ProfileLoader.BUILT_IN) {
                    if (known.stream().noneMatch(p -> p.name().equals(name))) {
                        known.add(new ProfileLoader().builtIn(name));
                    }
                }
                found = new DeviceFinder(radio, known).assign(unaddressed, Set.of(), config.ble().policy().scanTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BleException("interrupted while scanning");
            }
        }
        List<Bridge.Device> devices = new ArrayList<>();
        int next = 0;
        for (RollbridgeConfig.DeviceConfig dc : configured) {
            String address = dc.address().orElse(found.isEmpty() ? null : found.get(next++));
            BleLink link = new BleLink(radio, dc.profile(), address, config.ble().policy());
            devices.add(new Bridge.Device(dc.id().orElse(dc.profile().deviceIdFor(address)), dc.profile(), dc.thresholds(), link));
        }
        return devices;
    }
}
