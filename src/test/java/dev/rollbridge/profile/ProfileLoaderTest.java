package dev.rollbridge.profile;

import dev.rollbridge.analysis.Capability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

class ProfileLoaderTest {
    private final ProfileLoader loader = new ProfileLoader();

    @Test
    void shippedProfilesLoadFromTheRepoFolderWithTheDesignNumbers() {
        List<DeviceProfile> profiles = loader.loadAll(Path.of("device-profiles"));
        assertThat(profiles).extracting(DeviceProfile::name).containsExactlyInAnyOrderElementsOf(ProfileLoader.BUILT_IN);

        DeviceProfile ball = loader.load(Path.of("device-profiles/rollsense-ball.yaml"));
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

        DeviceProfile roller = loader.load(Path.of("device-profiles/rollsense-roller.yaml"));
        assertThat(roller.contactRadiusCm()).isEqualTo(7.6);
        assertThat(roller.thresholds().contact().kpa()).isEqualTo(5);
        assertThat(roller.thresholds().pressure().ceilingKpa()).isEqualTo(60);
    }

    @Test
    void channelProfilesSayWhatTheyMeasureAndWhichNeedACalibration() {
        DeviceProfile thingy = loader.builtIn("thingy52-ball");
        assertThat(thingy.capabilities()).containsExactlyInAnyOrder(Capability.PRESSURE, Capability.MOTION);
        assertThat(thingy.needsCalibration()).as("an air-pressure rise has no absolute ceiling").isTrue();
        assertThat(thingy.thresholds().pressure().hasCeiling()).isFalse();
        assertThat(thingy.thresholds().published().get("pressure_ceiling_kpa")).as("JSON has no infinity").isNull();
        assertThat(thingy.sampleRateHz()).as("the fastest notification").isEqualTo(100);
        ChannelLayout wire = thingy.channels().orElseThrow();
        assertThat(wire.notifications()).extracting(Notification::name).containsExactly("pressure", "motion");
        assertThat(wire.connectWrites()).extracting(w -> HexFormat.of().formatHex(w.value()))
                .containsExactly("d0073200d007d00701674e1d", "e8038813e803640001");
        assertThat(wire.connectWrites().get(0).value()).as("the firmware's 12-byte environment config").hasSize(12);
        assertThat(wire.connectWrites().get(1).value()).as("the firmware's 9-byte motion config").hasSize(9);
        assertThat(wire.pressureBaseline()).isPresent();
        assertThatThrownBy(thingy::frames).isInstanceOf(IllegalStateException.class).hasMessageContaining("not frames");

        DeviceProfile roller = loader.builtIn("thingy52-roller");
        assertThat(roller.capabilities()).containsExactly(Capability.MOTION);
        assertThat(roller.needsCalibration()).as("nothing to calibrate without pressure").isFalse();

        DeviceProfile oriori = loader.builtIn("oriori-ball");
        assertThat(oriori.capabilities()).containsExactly(Capability.PRESSURE);
        assertThat(oriori.namePattern().matcher("weixin-nini").matches()).isTrue();
        ChannelField load = oriori.channels().orElseThrow().field("pressure").orElseThrow();
        assertThat(load.unitFactor()).as("kg over a 10 cm² patch, in kPa").isCloseTo(9.80665, within(1e-9));
        assertThat(loader.builtIn("ess-pressure").thresholds().pressure().hasCeiling()).isFalse();
        assertThat(loader.builtIn("nano33-ble-sense").sensorRange().pressureMaxKpa()).isInfinite();
        assertThat(loader.builtIn("rollsense-ball").capabilities()).containsExactlyInAnyOrder(Capability.PRESSURE, Capability.MOTION);
    }

    /** Each row breaks the shipped Thingy:52 ball profile in one place; the error must name the field and why. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "capabilities disagree   | 'capabilities: [pressure, motion]' | 'capabilities: [pressure]'          | capabilities                              | carry [pressure, motion]",
            "unknown channel         | 'gyro_z:  {type: s16'              | 'gyro_w:  {type: s16'                | notifications.motion.channels.gyro_w      | unknown channel",
            "two of three gyro axes  | '      gyro_z:  {type: s16, offset: 10, q: 5,  unit: deg/s}' | '' | notifications                | all three of gyro_x",
            "unit that does not fit  | 'q: 5,  unit: deg/s}'              | 'q: 5,  unit: kPa}'                  | notifications.motion.channels.gyro_x.unit | not a unit for gyro_x",
            "scale and q             | 'offset: 0,  q: 10, unit: g}'      | 'offset: 0,  q: 10, scale: 2, unit: g}' | notifications.motion.channels.accel_x  | scale or q",
            "field past the size     | 'offset: 10, q: 5'                 | 'offset: 17, q: 5'                   | notifications.motion.channels.gyro_z.offset | beyond the size 18",
            "overlapping channels    | 'offset: 8,  q: 5'                 | 'offset: 7,  q: 5'                   | notifications.motion.channels.gyro_y.offset | overlaps channel",
            "write to a notify       | '{characteristic: motion_config,'  | '{characteristic: motion,'           | writes.connect[1].characteristic          | not write",
            "notification unknown    | '  motion:\\n    rate_hz: 100'     | '  motoin:\\n    rate_hz: 100'       | notifications.motoin                      | no characteristic 'motoin'",
            "bad write hex           | 'hex: \"e8038813e803640001\"'     | 'hex: \"e80\"'                       | writes.connect[1].hex                     | even-length hex",
            "rate out of range       | 'rate_hz: 100'                     | 'rate_hz: 0'                         | notifications.motion.rate_hz              | out of range",
    })
    void aBrokenChannelProfileNamesTheFieldAndWhy(String what, String from, String to, String path, String reason) throws Exception {
        String good = Files.readString(Path.of("device-profiles/thingy52-ball.yaml"));
        String fromText = from.replace("\\n", "\n");
        assertThat(good).as("the row's text is in the profile").contains(fromText);
        String broken = good.replace(fromText, to.replace("\\n", "\n"));
        assertThatThrownBy(() -> loader.parse("thingy52-ball.yaml", broken))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining(path)
                .hasMessageContaining(reason);
    }

    @Test
    void aTextProfileNeedsItsGroupsAndALoadNeedsAnArea() throws Exception {
        String good = Files.readString(Path.of("device-profiles/oriori-ball.yaml"));
        assertThatThrownBy(() -> loader.parse("o.yaml", good.replace("{group: load, unit: kg}", "{group: weight, unit: kg}")))
                .hasMessageContaining("notifications.data.channels.pressure.group").hasMessageContaining("no group 'weight'");
        assertThatThrownBy(() -> loader.parse("o.yaml", good.replace("  contact_area_cm2: 10\n", "")))
                .hasMessageContaining("notifications.data.channels.pressure.unit").hasMessageContaining("contact_area_cm2");
        assertThatThrownBy(() -> loader.parse("o.yaml", good.replace("text: \"^(?<battery>", "text: \"^((?<battery>")))
                .hasMessageContaining("notifications.data.text").hasMessageContaining("not a valid regular expression");
        // A group name that is only text in the pattern (quoted) is no group.
        assertThatThrownBy(() -> loader.parse("o.yaml", good.replace("text: \"^(?<battery>", "text: \"^\\\\Q(?<x>\\\\E(?<battery>")
                .replace("{group: load, unit: kg}", "{group: x, unit: kg}")))
                .hasMessageContaining("notifications.data.channels.pressure.group").hasMessageContaining("no group 'x'");
    }

    @Test
    void twoNotificationsOnOneCharacteristicAreRefused() throws Exception {
        String good = Files.readString(Path.of("device-profiles/thingy52-ball.yaml"));
        String motionUuid = "ef680406-9b35-4933-9b10-52ffa9740042";
        String twice = good.replace("uuid: \"ef680202-9b35-4933-9b10-52ffa9740042\"", "uuid: \"" + motionUuid + "\"");
        assertThatThrownBy(() -> loader.parse("t.yaml", twice)).hasMessageContaining("notifications.motion")
                .hasMessageContaining("has the UUID of notification 'pressure'");
        assertThatThrownBy(() -> loader.parse("t.yaml", good.replace("rest_ms: 3000", "rest_ms: 18446744073709551716")))
                .hasMessageContaining("baseline.pressure.rest_ms").hasMessageContaining("expected a whole number");
    }

    @Test
    void builtInProfilesMatchTheRepoFiles() {
        for (String name : ProfileLoader.BUILT_IN) {
            DeviceProfile fromJar = loader.builtIn(name);
            DeviceProfile fromRepo = loader.load(Path.of("device-profiles", name + ".yaml"));
            assertThat(fromJar.thresholds()).isEqualTo(fromRepo.thresholds());
            assertThat(fromJar.capabilities()).isEqualTo(fromRepo.capabilities());
            if (fromRepo.isFramed()) {
                assertThat(fromJar.frames()).isEqualTo(fromRepo.frames());
            } else {
                assertThat(fromJar.channels().orElseThrow().notifications()).extracting(Notification::name, Notification::fields)
                        .isEqualTo(fromRepo.channels().orElseThrow().notifications().stream()
                                .map(n -> tuple(n.name(), n.fields())).toList());
            }
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
