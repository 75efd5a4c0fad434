package dev.rollbridge.profile;

import dev.rollbridge.stream.Sample;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every profile's recorded vectors (device-profiles/vectors/NAME.yaml): hex frames → samples and counters. */
class ProfileVectorsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TestFactory
    Stream<DynamicTest> everyShippedProfileDecodesItsVectors() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (DeviceProfile profile : new ProfileLoader().loadAll(Path.of("device-profiles"))) {
            JsonNode file = YAML.readTree(Path.of("device-profiles/vectors", profile.name() + ".yaml").toFile());
            assertThat(file.path("profile").asText()).isEqualTo(profile.name());
            assertThat(file.path("vectors").size()).as("vectors of %s", profile.name()).isGreaterThanOrEqualTo(8);
            for (JsonNode vector : file.path("vectors")) {
                tests.add(DynamicTest.dynamicTest(profile.name() + ": " + vector.path("name").asText(), () -> check(profile, vector)));
            }
        }
        return tests.stream();
    }

    /** A value the vectors give as null is NaN: a channel the profile does not have. */
    private static void value(double actual, JsonNode sample, String name, int i) {
        JsonNode expected = sample.path(name);
        if (expected.isNull()) {
            assertThat(actual).as("%s of sample %d", name, i).isNaN();
        } else {
            assertThat(actual).as("%s of sample %d", name, i).isCloseTo(expected.asDouble(), within(1e-9));
        }
    }

    private static void check(DeviceProfile profile, JsonNode vector) {
        Recorder recorder = new Recorder();
        List<Sample> samples = recorder.samples;
        List<String> malformed = recorder.malformed;
        SampleDecoder decoder = SampleDecoder.of(profile, recorder);
        for (JsonNode f : vector.path("frames")) {
            decoder.decode(new Frame("C0:FF:EE:00:00:01", UUID.fromString(f.path("char").asText()),
                    HexFormat.of().parseHex(f.path("hex").asText()), f.path("t_us").asLong()));
        }
        JsonNode expected = vector.path("samples");
        assertThat(samples).hasSize(expected.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            JsonNode e = expected.get(i);
            assertThat(s.tMillis()).as("t_ms of sample %d", i).isEqualTo(e.path("t_ms").asLong());
            assertThat(s.seq()).as("seq of sample %d", i).isEqualTo(e.path("seq").asLong());
            value(s.pressureKpa(), e, "pressure_kpa", i);
            value(s.gxDps(), e, "gx_dps", i);
            value(s.gyDps(), e, "gy_dps", i);
            value(s.gzDps(), e, "gz_dps", i);
            value(s.axG(), e, "ax_g", i);
            value(s.ayG(), e, "ay_g", i);
            value(s.azG(), e, "az_g", i);
            if (e.has("pressure_age_ms")) {
                assertThat(recorder.pressureAges.get(i)).as("pressure age of sample %d", i).isEqualTo(e.path("pressure_age_ms").asLong());
                assertThat(recorder.motionAges.get(i)).as("motion age of sample %d", i).isEqualTo(e.path("motion_age_ms").asLong());
            }
        }
        FrameDecoder.Stats stats = decoder.stats();
        assertThat(stats.lostSamples()).as("lost samples").isEqualTo(vector.path("lost_samples").asLong());
        assertThat(stats.lostFrames()).as("lost frames").isEqualTo(vector.path("lost_frames").asLong());
        assertThat(stats.malformed()).as("malformed (reasons: %s)", malformed).isEqualTo(vector.path("malformed").asLong());
        assertThat(malformed).hasSize((int) stats.malformed()).allSatisfy(r -> assertThat(r).isNotBlank());
        if (vector.has("battery")) {
            List<Integer> expectedBattery = new ArrayList<>();
            vector.path("battery").forEach(b -> expectedBattery.add(b.asInt()));
            assertThat(recorder.battery).isEqualTo(expectedBattery);
        }
    }
}
