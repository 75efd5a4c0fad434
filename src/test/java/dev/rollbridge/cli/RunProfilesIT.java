package dev.rollbridge.cli;

import dev.rollbridge.testing.Daemon;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollbridge run --profile NAME --once} for every published sensor's profile (issue 18),
 * the shipped jar with the unit's JVM flags, no hardware: the simulated device speaks the profile's
 * bytes at its rates, the session ends by itself, and only the rules the tool can be judged by
 * speak.
 */
class RunProfilesIT {
    @TempDir
    Path data;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "thingy52-ball    | hold_target_reached speed_too_fast friction_limit_reached | pressure_too_high ease_off",
            "thingy52-roller  | hold_target_reached speed_too_fast friction_limit_reached | pressure_too_high ease_off",
            "oriori-ball      | hold_target_reached hold_max_reached                      | speed_too_fast warmup_advised friction_limit_reached pressure_too_high",
            "nano33-ble-sense | hold_target_reached speed_too_fast friction_limit_reached | pressure_too_high ease_off",
            "ess-pressure     | hold_target_reached hold_max_reached                      | speed_too_fast warmup_advised friction_limit_reached pressure_too_high",
    })
    void aSimulatedSessionPlaysInTheProfilesOwnBytesAndEndsByItself(String profile, String said, String neverSaid) throws Exception {
        try (Daemon daemon = Daemon.shipped(Map.of(), "run", "--profile", profile, "--once", "--speed", "0", "--port", "0",
                "--dashboard-port", "-1", "--no-cue", "--data-dir", data.toString())) {
            assertThat(daemon.waitFor(Duration.ofSeconds(120))).as("%s", daemon.stderr()).isZero();
            List<String> out = daemon.stdout();
            String all = String.join("\n", out);
            assertThat(all).contains("Simulated " + profile).contains("session_started").contains("session_ended");
            for (String type : said.split(" ")) {
                assertThat(all).as("%s says %s", profile, type).contains(" " + type);
            }
            for (String type : neverSaid.split(" ")) {
                assertThat(all).as("%s never says %s", profile, type).doesNotContain(" " + type + " ");
            }
            assertThat(daemon.stderr()).contains("off for this tool").doesNotContain("Exception");
        }
    }
}
