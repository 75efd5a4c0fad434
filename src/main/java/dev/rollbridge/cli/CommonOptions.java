package dev.rollbridge.cli;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.mqtt.contract.Topics;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** Options that {@code run} and {@code replay} share, with their checks. */
final class CommonOptions {

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
            description = "1 real time, 10 ten times faster, 0 as fast as possible (default ${DEFAULT-VALUE}). "
                    + "Sample times, and so the events, are the same at any speed.")
    double speed;

    @Option(names = "--profiles-dir", paramLabel = "DIR", description = "Look for NAME.yaml here before the built-in profiles.")
    Path profilesDir;

    @Option(names = "--base-topic", paramLabel = "TOPIC", defaultValue = "rollbridge",
            description = "Base of every MQTT topic (default ${DEFAULT-VALUE}).")
    String baseTopic;

    /** Where the daemon keeps its history, unless told otherwise. */
    static final String DEFAULT_DATA_DIR = "${env:ROLLBRIDGE_DATA_DIR:-${sys:user.home}/.local/share/rollbridge}";

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "default",
            description = "Whose calibration and history to use (default ${DEFAULT-VALUE}).")
    String user;

    /** @throws IllegalArgumentException naming the option when it is out of range */
    void checkSpeed() {
        if (speed < 0 || !Double.isFinite(speed)) {
            throw new IllegalArgumentException("--speed must be 0 (as fast as possible) or positive, not " + speed);
        }
    }

    DeviceProfile profile(String name) {
        return new ProfileLoader().byName(name, Optional.ofNullable(profilesDir));
    }

    Topics topics() {
        return new Topics(baseTopic);
    }
}
