package dev.rollbridge.profile;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/rules.md's "Every number" section shows each threshold with its reason, generated from the
 * same file bridge/info publishes ({@code threshold-reasons.yaml}), so the two cannot disagree.
 * {@code -Drules.reference.write=true} writes the section instead of checking it.
 */
class RulesReferenceTest {
    static final Path PAGE = Path.of("docs/rules.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: every number's reason, from src/main/resources/threshold-reasons.yaml (RulesReferenceTest) -->";
    static final String END = "<!-- END GENERATED -->";

    /** By rule (in the order of first use), the guide's advice once, then each number: why, and the figure behind it. */
    static String section() {
        Map<String, List<Map.Entry<String, ThresholdReasons.Reason>>> byRule = new LinkedHashMap<>();
        ThresholdReasons.all().entrySet().forEach(e -> byRule.computeIfAbsent(e.getValue().rule(), r -> new ArrayList<>()).add(e));
        StringBuilder out = new StringBuilder(BEGIN).append("\n");
        byRule.forEach((rule, entries) -> {
            out.append("\n### ").append(Character.toUpperCase(rule.charAt(0))).append(rule.substring(1)).append("\n\n");
            List<String> advice = entries.stream().map(e -> e.getValue().advice()).filter(a -> !a.isEmpty()).distinct().toList();
            for (String a : advice) {
                out.append("> ").append(a).append("\n\n");
            }
            out.append("| threshold | why this value | published figure |\n|---|---|---|\n");
            for (Map.Entry<String, ThresholdReasons.Reason> e : entries) {
                ThresholdReasons.Reason r = e.getValue();
                out.append("| `").append(e.getKey()).append("` | ").append(cell(r.reason()))
                        .append(r.advice().isEmpty() && !advice.isEmpty() ? " (the detector's, not the guide's)" : "")
                        .append(" | ").append(r.reference().map(RulesReferenceTest::cell).orElse("")).append(" |\n");
            }
        });
        return out.append("\n").append(END).toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    @Test
    void everyNumbersReasonOnThePageIsTheOneBridgeInfoPublishes() throws IOException {
        String page = Files.readString(PAGE);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertThat(begin).as("the generated section's start marker in %s", PAGE).isGreaterThanOrEqualTo(0);
        assertThat(end).as("its end marker").isGreaterThan(begin);
        String expected = page.substring(0, begin) + section() + page.substring(end + END.length());
        if (Boolean.getBoolean("rules.reference.write")) {
            Files.writeString(PAGE, expected);
        }
        assertThat(page).as(PAGE + " is out of date with threshold-reasons.yaml; regenerate it: "
                + "mvn -o -q test -Dtest=RulesReferenceTest -Drules.reference.write=true").isEqualTo(expected);
    }
}
