package dev.rollbridge.mqtt.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.Phase;
import dev.rollbridge.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where on the muscle on the wire: the state's {@code position_pct} and the {@code <device>/segments} payload. */
class SegmentsPayloadTest {
    private static final Instant TS = Instant.parse("2026-12-01T10:00:00Z");

    private static DeviceState state(double positionPct, List<EventDetail.MuscleSegment> segments) {
        return new DeviceState(120_000, 80.0, 3.1, Phase.ROLLING, 0, "left", 110.0, 80, 2, 200, Double.NaN, Double.NaN, 12.5, null,
                positionPct, segments);
    }

    @Test
    void anUnknownPositionIsNullNotZero() throws Exception {
        JsonNode unknown = Json.read(Payloads.state(state(Double.NaN, List.of()), TS));
        assertThat(unknown.has("position_pct")).isTrue();
        assertThat(unknown.get("position_pct").isNull()).isTrue();
        assertThat(Json.read(Payloads.state(state(45.0, List.of()), TS)).get("position_pct").asDouble()).isEqualTo(45.0);
    }

    @Test
    void theSegmentsPayloadCarriesTheSessionsFiguresFoldFirst() throws Exception {
        List<EventDetail.MuscleSegment> segments = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            segments.add(new EventDetail.MuscleSegment(i * 10, i * 10 + 10, i, i * 80.5, i == 4 ? List.of(40.0, 31.5) : List.of(),
                    i == 4 ? 1 : 0, i == 9 ? 2 : 0, i == 9 ? 61.0 : 0));
        }
        JsonNode p = Json.read(Payloads.segments("rollsense_c0ffee000001", state(45.0, segments), TS));
        List<String> fields = new ArrayList<>();
        p.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("device", "ts", "t_ms", "session", "leg", "position_pct", "segments");
        assertThat(p.get("ts").asText()).isEqualTo("2026-12-01T10:00:00.000Z");
        assertThat(p.get("segments")).hasSize(10);
        JsonNode four = p.get("segments").get(4);
        List<String> segmentFields = new ArrayList<>();
        four.fieldNames().forEachRemaining(segmentFields::add);
        assertThat(segmentFields).containsExactly("from_pct", "to_pct", "time_s", "dose_kpa_s", "holds", "ease_off", "pain", "friction_s");
        assertThat(four.get("holds").get(1).asDouble()).isEqualTo(31.5);
        assertThat(four.get("dose_kpa_s").asDouble()).isEqualTo(322.0);
        assertThat(p.get("segments").get(9).get("friction_s").asDouble()).isEqualTo(61.0);
    }

    @Test
    void beforeThePositionIsKnownTheSegmentsAreEmpty() throws Exception {
        JsonNode p = Json.read(Payloads.segments("d", state(Double.NaN, List.of()), TS));
        assertThat(p.get("segments").isArray()).isTrue();
        assertThat(p.get("segments")).isEmpty();
        assertThat(p.get("position_pct").isNull()).isTrue();
    }
}
