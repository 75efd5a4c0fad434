package dev.rollbridge.mqtt.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.Symptom;
import dev.rollbridge.json.Json;
import dev.rollbridge.json.Spelling;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code <device>/set} payload into a {@link Command}, or says exactly what is wrong with
 * it. Accepted (one action per message, plus an optional {@code transaction} echoed back):
 * <pre>
 * {"session":"start","leg":"left"|"right"|"unknown"}   {"session":"stop"}
 * {"pain":0..10}   {"checkin":0..10}
 * {"symptom":"numbness"|"tingling"|"radiating_pain"|"sharp_pain"|"swelling"|"bruising"}
 * {"calibrate":"start"}   {"calibrate":"mark","pain":3|5|7}   {"calibrate":"cancel"}
 * </pre>
 */
public final class CommandParser {
    /** A command is one flat object; a {@code transaction} may nest a little, never deeper. */
    static final int MAX_DEPTH = 32;
    /** How much of a bad value an error message repeats. */
    private static final int SHOWN = 100;
    /** The longest {@code transaction} echoed back. */
    static final int MAX_TRANSACTION_CHARS = 256;
    private static final List<String> ACTIONS = List.of("session", "pain", "checkin", "symptom", "calibrate");
    private static final List<String> LEGS = List.of("left", "right", "unknown");

    /** A request that cannot be carried out; the message names the problem. */
    public static final class BadCommand extends Exception {
        public BadCommand(String message) {
            super(message);
        }
    }

    private CommandParser() {
    }

    public static Command parse(byte[] payload) throws BadCommand {
        JsonNode root;
        try {
            root = Json.read(payload, MAX_DEPTH);
        } catch (JsonProcessingException e) {
            throw new BadCommand("invalid JSON: " + Json.excerpt(String.valueOf(e.getOriginalMessage()), 2 * SHOWN));
        } catch (IOException e) {
            throw new BadCommand("unreadable payload: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadCommand("expected a JSON object such as {\"pain\":5}");
        }
        List<String> actions = new ArrayList<>();
        root.fieldNames().forEachRemaining(k -> {
            if (ACTIONS.contains(k)) {
                actions.add(k);
            }
        });
        if (actions.isEmpty()) {
            List<String> unknown = new ArrayList<>();
            root.fieldNames().forEachRemaining(k -> {
                if (!k.equals("transaction") && !k.equals("leg")) {
                    unknown.add(k);
                }
            });
            if (!unknown.isEmpty()) {
                String key = unknown.get(0);
                throw new BadCommand("unknown key '" + Json.excerpt(Spelling.shownKey(key), SHOWN) + "'"
                        + Spelling.nearest(key, ACTIONS).map(k -> "; did you mean '" + k + "'?").orElse("")
                        + " (expected one of " + String.join(", ", ACTIONS) + ")");
            }
            throw new BadCommand("no action: expected one of " + String.join(", ", ACTIONS));
        }
        // {"calibrate":"mark","pain":5}: here "pain" belongs to the calibration.
        String action = actions.contains("calibrate") ? "calibrate" : actions.get(0);
        if (actions.size() > 1 && !(action.equals("calibrate") && actions.size() == 2 && actions.contains("pain"))) {
            throw new BadCommand("one action per message, got " + String.join(" and ", actions));
        }
        return switch (action) {
            case "session" -> session(root);
            case "pain" -> {
                allowOnly(root, "pain");
                yield new Command.ReportPain(integer(root, "pain", 0, 10));
            }
            case "checkin" -> {
                allowOnly(root, "checkin");
                yield new Command.ReportCheckin(integer(root, "checkin", 0, 10));
            }
            case "symptom" -> {
                allowOnly(root, "symptom");
                String text = text(root, "symptom");
                try {
                    yield new Command.ReportSymptom(Symptom.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new BadCommand("unknown symptom '" + Json.excerpt(text, SHOWN) + "' (expected one of "
                            + String.join(", ", Arrays.stream(Symptom.values()).map(Symptom::wireName).toList()) + ")");
                }
            }
            default -> calibrate(root);
        };
    }

    /** The request's {@code transaction} value, echoed in the response; null when absent or unreadable. */
    public static Object transaction(byte[] payload) {
        try {
            JsonNode root = Json.read(payload, MAX_DEPTH);
            JsonNode t = root == null ? null : root.get("transaction");
            if (t == null || t.isNull() || Json.write(t).length() > MAX_TRANSACTION_CHARS) {
                return null; // an answer never repeats more than a short tag back
            }
            return t.isNumber() ? t.numberValue() : t.asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Command session(JsonNode root) throws BadCommand {
        String what = text(root, "session");
        switch (what) {
            case "start" -> {
                allowOnly(root, "session", "leg");
                String leg = root.has("leg") ? text(root, "leg") : "unknown";
                if (!LEGS.contains(leg)) {
                    throw new BadCommand("leg '" + Json.excerpt(leg, SHOWN) + "' is not one of " + String.join(", ", LEGS));
                }
                return new Command.StartSession(leg);
            }
            case "stop" -> {
                allowOnly(root, "session");
                return new Command.StopSession();
            }
            default -> throw new BadCommand("session '" + Json.excerpt(what, SHOWN) + "' is not one of start, stop");
        }
    }

    private static Command calibrate(JsonNode root) throws BadCommand {
        String what = text(root, "calibrate");
        switch (what) {
            case "start" -> {
                allowOnly(root, "calibrate");
                return new Command.StartCalibration();
            }
            case "cancel" -> {
                allowOnly(root, "calibrate");
                return new Command.CancelCalibration();
            }
            case "mark" -> {
                allowOnly(root, "calibrate", "pain");
                if (!root.has("pain")) {
                    throw new BadCommand("calibrate mark needs \"pain\": 3, 5 or 7");
                }
                int pain = integer(root, "pain", 0, 10);
                if (pain != 3 && pain != 5 && pain != 7) {
                    throw new BadCommand("calibration marks are pain 3, 5 and 7, not " + pain);
                }
                return new Command.MarkCalibration(pain);
            }
            default -> throw new BadCommand("calibrate '" + Json.excerpt(what, SHOWN) + "' is not one of start, mark, cancel");
        }
    }

    private static void allowOnly(JsonNode root, String... keys) throws BadCommand {
        Set<String> allowed = new HashSet<>(Arrays.asList(keys));
        allowed.add("transaction");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new BadCommand("unknown key '" + Json.excerpt(k, SHOWN) + "' (with " + keys[0] + " only " + String.join(", ", keys)
                        + " and transaction are allowed)");
            }
        }
    }

    private static String text(JsonNode root, String key) throws BadCommand {
        JsonNode n = root.get(key);
        if (n == null || !n.isTextual()) {
            throw new BadCommand("\"" + key + "\" must be a string, got " + shown(n));
        }
        return n.asText();
    }

    private static int integer(JsonNode root, String key, int min, int max) throws BadCommand {
        JsonNode n = root.get(key);
        // canConvertToLong first: a huge number must not wrap round into the range (2^64 + 5 is not 5).
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new BadCommand("\"" + key + "\" must be a whole number from " + min + " to " + max + ", got " + shown(n));
        }
        return n.asInt();
    }

    /** A value as JSON, at most {@value #SHOWN} characters of it. */
    private static String shown(JsonNode n) {
        return n == null ? "nothing" : Json.excerpt(Json.write(n), SHOWN);
    }
}
