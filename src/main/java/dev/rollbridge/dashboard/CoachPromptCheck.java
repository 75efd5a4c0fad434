package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.CoachStep;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@code coach_prompt} event as the page may show it: anyone who can publish on the broker can
 * send one, so its {@code data} is checked field by field before it reaches a page (a known
 * {@code step}, a {@code text} of a sentence or two). The page still builds its DOM with text only.
 */
final class CoachPromptCheck {
    static final int MAX_TEXT = 300;
    private static final Set<String> STEPS = Arrays.stream(CoachStep.values()).map(CoachStep::wireName).collect(Collectors.toUnmodifiableSet());

    private CoachPromptCheck() {
    }

    /** Why the page cannot show this coach prompt, or null when it can. */
    static String problem(JsonNode event) {
        JsonNode data = event.path("data");
        if (!data.isObject()) {
            return "no data object";
        }
        JsonNode step = data.path("step");
        if (!step.isTextual() || !STEPS.contains(step.asText())) {
            return "step is not one of " + STEPS.stream().sorted().toList();
        }
        JsonNode text = data.path("text");
        if (!text.isTextual() || text.asText().isBlank() || text.asText().length() > MAX_TEXT) {
            return "text is not a sentence of at most " + MAX_TEXT + " characters";
        }
        return null;
    }
}
