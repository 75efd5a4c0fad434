package dev.rollbridge.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why each default threshold is what it is ({@code threshold-reasons.yaml} in the jar): the rule
 * that uses it, the guide's advice it encodes, the reason for the number, and a published figure
 * where the number is more precise than the guide. In {@link Thresholds#names()} order.
 */
public final class ThresholdReasons {
    /** One threshold's reason; {@code advice} empty when the number is the detector's, not the guide's. */
    public record Reason(String rule, String advice, String reason, Optional<String> reference) {
        /** As {@code bridge/info} publishes it. */
        public Map<String, Object> published() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", rule);
            m.put("advice", advice.isEmpty() ? null : advice);
            m.put("reason", reason);
            reference.ifPresent(r -> m.put("reference", r));
            return m;
        }
    }

    private static final Map<String, Reason> ALL = load();

    private ThresholdReasons() {
    }

    /** Every threshold's reason, by its name, in the documented order. */
    public static Map<String, Reason> all() {
        return ALL;
    }

    private static Map<String, Reason> load() {
        JsonNode root;
        try (InputStream in = ThresholdReasons.class.getResourceAsStream("/threshold-reasons.yaml")) {
            if (in == null) {
                throw new IllegalStateException("threshold-reasons.yaml is missing from the jar");
            }
            root = Json.readYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("threshold-reasons.yaml cannot be read: " + e.getMessage(), e);
        }
        Map<String, Reason> reasons = new LinkedHashMap<>();
        for (String name : Thresholds.names()) {
            JsonNode n = root.path(name);
            if (!n.isObject()) {
                throw new IllegalStateException("threshold-reasons.yaml has no reason for " + name);
            }
            reasons.put(name, new Reason(n.path("rule").asText(), n.path("advice").asText(""), n.path("reason").asText(),
                    n.hasNonNull("reference") ? Optional.of(n.get("reference").asText()) : Optional.empty()));
        }
        return Collections.unmodifiableMap(reasons);
    }

    /**
     * Who set each of a device's numbers that is not the rules' own default: {@code profile} (the
     * tool's profile), {@code user} (the configuration), {@code calibration} (the person's 7/10).
     */
    public static Map<String, String> setBy(DeviceProfile profile, Thresholds inForce, boolean calibrated) {
        Map<String, Object> generic = Thresholds.defaults(profile.thresholds().contact().kpa(), profile.thresholds().pressure().ceilingKpa()).flat();
        Map<String, Object> fromProfile = profile.thresholds().flat();
        Map<String, Object> now = inForce.flat();
        Map<String, String> setBy = new LinkedHashMap<>();
        for (String name : Thresholds.names()) {
            if (calibrated && (name.equals("pressure_ceiling_kpa") || name.equals("pressure_clear_kpa"))) {
                setBy.put(name, "calibration");
            } else if (!now.get(name).equals(fromProfile.get(name))) {
                setBy.put(name, "user");
            } else if (name.equals("contact_kpa") || name.equals("pressure_ceiling_kpa") || name.equals("pressure_clear_kpa")
                    || !fromProfile.get(name).equals(generic.get(name))) {
                setBy.put(name, "profile");
            }
        }
        return setBy;
    }
}
