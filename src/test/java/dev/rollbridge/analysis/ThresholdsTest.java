package dev.rollbridge.analysis;

import dev.rollbridge.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The numbers keep their outside shape (names, order, whole or not) however they are grouped inside. */
class ThresholdsTest {

    @Test
    void theFlatViewIsTheContractsNamesOrderAndTypes() {
        // bridge/info, profiles and configurations name them so: exactly what the flat record gave before the grouping.
        assertThat(new String(Json.bytes(Thresholds.defaults(10, 200).flat()), StandardCharsets.UTF_8)).isEqualTo("{"
                + "\"contact_kpa\":10.0,\"contact_release_ms\":100,\"hold_still_cm_s\":0.5,\"hold_start_ms\":2000,\"hold_move_cm_s\":1.0,"
                + "\"hold_move_ms\":1000,\"hold_target_ms\":30000,\"hold_max_ms\":60000,\"speed_window_ms\":500,\"speed_limit_cm_s\":7.5,"
                + "\"speed_limit_ms\":1000,\"speed_rearm_cm_s\":6.0,\"pressure_ceiling_kpa\":200.0,\"pressure_clear_kpa\":180.0,"
                + "\"pressure_dwell_ms\":200,\"rolling_min_cm_s\":1.0,\"warmup_rolling_ms\":60000,\"session_idle_ms\":300000,"
                + "\"leg_target_ms\":300000,\"leg_limit_ms\":600000,\"friction_reversal_cm_s\":0.3,\"friction_stroke_min_ms\":150,"
                + "\"friction_stroke_max_ms\":1000,\"friction_stroke_min_cm\":0.5,\"friction_stroke_max_cm\":8.0,\"friction_area_cm\":5.0,"
                + "\"friction_limit_ms\":60000,\"tightening_baseline_ms\":3000,\"tightening_window_ms\":300,\"tightening_factor\":4.0,"
                + "\"tightening_floor_kpa\":4.0,\"tightening_sustain_ms\":150,\"pain_reduce_above\":7,\"calibration_timeout_ms\":120000,\"contact_gap_ms\":5000}");
        Thresholds t = Thresholds.defaults(2.5, 60);
        assertThat(Thresholds.fromFlat(t, Map.of())).isEqualTo(t);
        assertThat(Thresholds.fromFlat(Thresholds.defaults(1, 1), t.flat().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> (Number) e.getValue())))).isEqualTo(t);
    }

    @Test
    void eachGroupChecksItsOwnInvariants() {
        Thresholds base = Thresholds.defaults(10, 200);
        assertThat(Thresholds.fromFlat(base, Map.of("hold_target_ms", 45_000.0)).hold().targetMs()).isEqualTo(45_000L);
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("hold_target_ms", 90_000)))
                .hasMessage("hold_target_ms 90000 must not exceed hold_max_ms 60000");
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("pressure_clear_kpa", 250.0)))
                .hasMessage("pressure_clear_kpa 250.0 must not exceed pressure_ceiling_kpa 200.0");
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("hold_target_ms", 1.5))).hasMessageContaining("hold_target_ms")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("pain_reduce_above", 11))).hasMessageContaining("pain_reduce_above");
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("contact_gap_ms", -1))).hasMessageContaining("contact_gap_ms");
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("contact_gap_ms", 60_001))).hasMessageContaining("contact_gap_ms");
        assertThatThrownBy(() -> Thresholds.fromFlat(base, Map.of("hold_tagret_ms", 1))).hasMessageContaining("unknown threshold hold_tagret_ms");
        assertThatThrownBy(() -> new Thresholds.Friction(0.3, 2_000, 1_000, 0.5, 8, 5, 60_000))
                .hasMessageContaining("friction_stroke_min_* must not exceed friction_stroke_max_*");
        assertThat(base.withCeiling(150).pressure()).isEqualTo(new Thresholds.Pressure(150, 135, 200));
    }
}
