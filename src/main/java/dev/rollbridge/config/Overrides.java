package dev.rollbridge.config;

import dev.rollbridge.cue.CueSettings;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.TlsSettings;
import dev.rollbridge.profile.DeviceProfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a person set on the command line, each empty unless given: laid over the configuration
 * file (or the defaults) by {@link #applyTo}, so a given option always wins and an absent one
 * never hides the file's value.
 *
 * @param broker         an external broker URL (ssl:// turns TLS on with the system's trust store)
 * @param devicesProfile replaces the configured devices with one simulated device of this profile
 * @param repeat         the simulated session plays again and again (false: once)
 * @param quietHours     {@code HH:MM-HH:MM}
 * @param coach          the spoken coach on or off ({@code --[no-]coach})
 */
public record Overrides(Optional<String> broker, Optional<Integer> embeddedPort, Optional<String> baseTopic,
                        Optional<Integer> keepAliveSeconds, Optional<Boolean> haDiscovery, Optional<String> haPrefix,
                        Optional<DeviceProfile> devicesProfile, Optional<Double> speed, Optional<Integer> mtu,
                        Optional<Boolean> repeat, Optional<Long> seed, Optional<Boolean> cue, Optional<Double> cueVolume,
                        Optional<Boolean> speech, Optional<String> quietHours, Optional<Integer> dashboardPort,
                        Optional<Path> dataDir, Optional<String> user, Optional<Boolean> coach) {

    /** Every option but the coach's. */
    public Overrides(Optional<String> broker, Optional<Integer> embeddedPort, Optional<String> baseTopic,
                     Optional<Integer> keepAliveSeconds, Optional<Boolean> haDiscovery, Optional<String> haPrefix,
                     Optional<DeviceProfile> devicesProfile, Optional<Double> speed, Optional<Integer> mtu,
                     Optional<Boolean> repeat, Optional<Long> seed, Optional<Boolean> cue, Optional<Double> cueVolume,
                     Optional<Boolean> speech, Optional<String> quietHours, Optional<Integer> dashboardPort,
                     Optional<Path> dataDir, Optional<String> user) {
        this(broker, embeddedPort, baseTopic, keepAliveSeconds, haDiscovery, haPrefix, devicesProfile, speed, mtu, repeat, seed, cue,
                cueVolume, speech, quietHours, dashboardPort, dataDir, user, Optional.empty());
    }

    /** Nothing given. */
    public static Overrides none() {
        return new Overrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /**
     * {@code base} with every given option on top.
     *
     * @throws IllegalArgumentException naming the option that contradicts the configuration, or is out of range
     */
    public RollbridgeConfig applyTo(RollbridgeConfig base) {
        RollbridgeConfig.Mqtt m = base.mqtt();
        Optional<String> url = broker.map(MqttSettings::withDefaultPort);
        boolean tlsUrl = url.map(u -> u.startsWith("ssl://")).orElse(false);
        if (url.isPresent() && !tlsUrl && m.tls().isPresent()) {
            throw new IllegalArgumentException("--broker " + broker.get() + " is not ssl:// but the configuration sets mqtt.tls");
        }
        RollbridgeConfig.Mqtt mqtt = new RollbridgeConfig.Mqtt(
                url.isPresent() ? url : m.broker(),
                embeddedPort.orElse(m.embeddedPort()),
                baseTopic.orElse(m.baseTopic()),
                m.clientId(),
                keepAliveSeconds.orElse(m.keepAliveSeconds()),
                m.username(), m.password(),
                tlsUrl && m.tls().isEmpty() ? Optional.of(TlsSettings.systemTrust()) : m.tls());
        new Topics(mqtt.baseTopic()); // names a bad base topic now, not at the first publish
        RollbridgeConfig.HomeAssistant ha = new RollbridgeConfig.HomeAssistant(
                haDiscovery.orElse(base.homeAssistant().discovery()), haPrefix.orElse(base.homeAssistant().prefix()));
        List<RollbridgeConfig.DeviceConfig> devices = devicesProfile.map(p -> List.of(RollbridgeConfig.DeviceConfig.of(p)))
                .orElse(base.devices());
        RollbridgeConfig.Simulator s = base.simulator();
        RollbridgeConfig.Simulator simulator = new RollbridgeConfig.Simulator(speed.orElse(s.speed()), mtu.orElse(s.mtu()),
                repeat.orElse(s.repeat()), seed.orElse(s.seed()));
        CueSettings a = base.audio();
        CueSettings audio = new CueSettings(cue.orElse(a.enabled()), cueVolume.orElse(a.volume()), a.events(),
                speech.orElse(a.speech()), a.quietFrom(), a.quietTo());
        if (quietHours.isPresent()) {
            audio = audio.withQuietHours(quietHours.get());
        }
        RollbridgeConfig.Dashboard d = base.dashboard();
        RollbridgeConfig.Dashboard dashboard = new RollbridgeConfig.Dashboard(dashboardPort.orElse(d.port()), d.bind(), d.token(),
                d.allowedHosts());
        return new RollbridgeConfig(base.file(), mqtt, ha, base.ble(), devices, simulator, base.profilesDir(),
                dataDir.orElse(base.dataDir()), user.orElse(base.user()), audio, dashboard, base.lan(),
                coach.map(RollbridgeConfig.Coach::new).orElse(base.coach()), base.checkin());
    }
}
