package dev.rollbridge.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileLoaderTest {
    private final ProfileLoader loader = new ProfileLoader();

    @Test
    void shippedProfilesLoadFromTheRepoFolderWithTheDesignNumbers() {
        List<DeviceProfile> profiles = loader.loadAll(Path.of("device-profiles"));
        assertThat(profiles).extracting(DeviceProfile::name).containsExactly("rollsense-ball", "rollsense-roller");

        DeviceProfile ball = profiles.get(0);
        assertThat(ball.contactRadiusCm()).isEqualTo(3.2);
        assertThat(ball.sampleRateHz()).isEqualTo(100);
        assertThat(ball.periodMicros()).isEqualTo(10_000);
        assertThat(ball.thresholds().contact().kpa()).isEqualTo(10);
        assertThat(ball.thresholds().pressure().ceilingKpa()).isEqualTo(200);
        assertThat(ball.thresholds().hold().targetMs()).isEqualTo(30_000);
        assertThat(ball.thresholds().hold().maxMs()).isEqualTo(60_000);
        assertThat(ball.thresholds().speed().limitCmS()).isEqualTo(7.5);
        assertThat(ball.battery().orElseThrow().uuid()).isEqualTo(UUID.fromString("00002a19-0000-1000-8000-00805f9b34fb"));
        assertThat(ball.sample().size()).isEqualTo(14);
        assertThat(ball.frameForMtu(23).id()).isEqualTo(2);
        assertThat(ball.frameForMtu(151).id()).isEqualTo(1);
        assertThat(ball.namePattern().matcher("RollSense Ball 01").matches()).isTrue();
        assertThat(ball.deviceIdFor("C0:FF:EE:00:00:01")).isEqualTo("rollsense_c0ffee000001");

        DeviceProfile roller = profiles.get(1);
        assertThat(roller.contactRadiusCm()).isEqualTo(7.6);
        assertThat(roller.thresholds().contact().kpa()).isEqualTo(5);
        assertThat(roller.thresholds().pressure().ceilingKpa()).isEqualTo(60);
    }

    @Test
    void builtInProfilesMatchTheRepoFiles() {
        for (String name : ProfileLoader.BUILT_IN) {
            DeviceProfile fromJar = loader.builtIn(name);
            DeviceProfile fromRepo = loader.load(Path.of("device-profiles", name + ".yaml"));
            assertThat(fromJar.thresholds()).isEqualTo(fromRepo.thresholds());
            assertThat(fromJar.frames()).isEqualTo(fromRepo.frames());
        }
    }

    @Test
    void anUnknownBuiltInProfileNamesTheKnownOnes() {
        assertThatThrownBy(() -> loader.builtIn("rollsense-sock"))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("rollsense-sock.yaml")
                .hasMessageContaining("rollsense-ball, rollsense-roller");
    }

    /** Each row breaks the shipped ball profile in one place; the error must name the field and why. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "offset past the sample     | 'gyro_x:   {type: s16, offset: 0,'  | 'gyro_x:   {type: s16, offset: 13,' | sample.fields.gyro_x.offset | beyond the size 14",
            "overlapping fields         | 'gyro_y:   {type: s16, offset: 2,'  | 'gyro_y:   {type: s16, offset: 1,'  | sample.fields.gyro_y.offset | overlaps field 'gyro_x'",
            "unknown field type         | 'pressure: {type: u16'              | 'pressure: {type: u17'              | sample.fields.pressure.type | unknown type 'u17'",
            "typo in a key              | 'contact_radius_cm: 3.2'            | 'contact_radius: 3.2'               | geometry.contact_radius     | unknown key",
            "bad uuid                   | 'uuid: \"00002a19-0000-1000-8000-00805f9b34fb\"' | 'uuid: \"2a19\"'       | characteristics.battery.uuid | not a 128-bit UUID",
            "radius out of range        | 'contact_radius_cm: 3.2'            | 'contact_radius_cm: -1'             | geometry.contact_radius_cm  | out of range",
            "frame too big for its MTU  | 'min_mtu: 151'                      | 'min_mtu: 100'                      | frames[0].min_mtu           | a full frame is 148 bytes",
            "unknown time source        | 'time: seq '                        | 'time: clock '                      | frames[1].time              | not one of header_t0, seq",
            "unknown threshold          | 'pressure_clear_kpa: 180'           | 'pressure_clear: 180'               | thresholds.pressure_clear   | unknown threshold",
            "clear above ceiling        | 'pressure_clear_kpa: 180'           | 'pressure_clear_kpa: 250'           | thresholds                  | must not exceed pressure_ceiling_kpa",
            "missing required pressure  | 'pressure: {type: u16, offset: 12, scale: 0.1,   unit: kPa}' | '' | sample.fields | missing required field 'pressure'",
            "bad name pattern           | 'name_pattern: \"^RollSense Ball( .*)?$\"' | 'name_pattern: \"(\"'   | match.name_pattern          | not a valid regular expression",
    })
    void aBrokenProfileNamesFileFieldAndReason(String what, String original, String broken, String field, String reason) throws IOException {
        String yaml = Files.readString(Path.of("device-profiles/rollsense-ball.yaml"));
        assertThat(yaml).as("fixture text for '%s'", what).contains(original);
        String bad = yaml.replace(original, broken);
        assertThatThrownBy(() -> loader.parse("broken.yaml", bad))
                .isInstanceOf(ProfileException.class)
                .hasMessageStartingWith("broken.yaml: " + field + ": ")
                .hasMessageContaining(reason);
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> loader.parse("x.yaml", "name: a\n  bad: [\n"))
                .isInstanceOf(ProfileException.class)
                .hasMessageStartingWith("x.yaml: not valid YAML")
                .hasMessageContaining("line");
    }
}
