package dev.rollbridge.profile;

import dev.rollbridge.analysis.Thresholds;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ThresholdReasonsTest {
    /** The published figures the numbers rest on, as the issue that asked for them names them: nothing else is cited. */
    private static final List<String> REFERENCES = List.of("Behm et al., J Strength Cond Res 2020", "Grabow et al. 2018",
            "Chaves et al., Appl Sci 2020");
    private static final Set<String> RULES = Set.of("contact", "hold", "rolling speed", "pressure", "warm-up", "minutes per leg",
            "cross-fibre friction", "reflexive tightening", "red flags", "calibration");

    @Test
    void everyThresholdHasItsRuleAndReasonAndCitesOnlyKnownFigures() {
        Map<String, ThresholdReasons.Reason> all = ThresholdReasons.all();
        assertThat(all.keySet()).containsExactlyElementsOf(Thresholds.names());
        all.forEach((name, r) -> {
            assertThat(r.rule()).as(name).isIn(RULES);
            assertThat(r.reason()).as(name).isNotBlank().doesNotContain("TODO");
            r.reference().ifPresent(ref -> assertThat(REFERENCES).as(name + ": " + ref).anyMatch(ref::startsWith));
        });
        assertThat(all.get("hold_target_ms").advice()).contains("30 to 60 seconds");
        assertThat(all.get("friction_limit_ms").reference()).hasValueSatisfying(r -> assertThat(r).contains("38-67 s"));
        assertThat(all.values().stream().filter(r -> r.reference().isPresent())).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void whoSetANumberIsTheProfileTheUserOrTheCalibration() {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        assertThat(ThresholdReasons.setBy(ball, ball.thresholds(), false))
                .containsEntry("contact_kpa", "profile").containsEntry("pressure_ceiling_kpa", "profile")
                .doesNotContainKey("hold_target_ms").doesNotContainValue("user").doesNotContainValue("calibration");

        Thresholds changed = Thresholds.fromFlat(ball.thresholds(), Map.of("hold_target_ms", 40_000, "pressure_ceiling_kpa", 250));
        Map<String, String> setBy = ThresholdReasons.setBy(ball, changed, false);
        assertThat(setBy).containsEntry("hold_target_ms", "user").containsEntry("pressure_ceiling_kpa", "user");

        assertThat(ThresholdReasons.setBy(ball, changed, true)).containsEntry("pressure_ceiling_kpa", "calibration")
                .containsEntry("pressure_clear_kpa", "calibration").containsEntry("hold_target_ms", "user");

        DeviceProfile roller = new ProfileLoader().builtIn("rollsense-roller");
        assertThat(ThresholdReasons.setBy(roller, roller.thresholds(), false)).containsEntry("contact_kpa", "profile");
    }
}
