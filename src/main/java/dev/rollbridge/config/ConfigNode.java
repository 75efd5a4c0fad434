package dev.rollbridge.config;

import dev.rollbridge.json.Spelling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rollbridge.json.Json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A node of the YAML tree with its path. Readers never throw: a wrong value is recorded as a
 * {@link ConfigProblem} and the default is used, so one pass finds every problem in the file.
 *
 * <p>Each reader also tells an optional {@link KeyRecorder} what it was asked for (key, type,
 * range or choices, default), present or not: the checker's own reads are the schema that
 * docs/configuration.md is generated from. The daemon passes none.
 */
final class ConfigNode {
    private final String path;
    private final JsonNode json;
    private final List<ConfigProblem> problems;
    private final KeyRecorder recorder;

    ConfigNode(String path, JsonNode json, List<ConfigProblem> problems) {
        this(path, json, problems, null);
    }

    ConfigNode(String path, JsonNode json, List<ConfigProblem> problems, KeyRecorder recorder) {
        this.path = path;
        this.json = json == null ? MissingNode.getInstance() : json;
        this.problems = problems;
        this.recorder = recorder;
    }

    String path() {
        return path;
    }

    JsonNode json() {
        return json;
    }

    boolean isMissing() {
        return json.isMissingNode() || json.isNull();
    }

    boolean has(String key) {
        return json.isObject() && json.has(key) && !json.get(key).isNull();
    }

    ConfigNode child(String key) {
        return new ConfigNode(childPath(key), json.isObject() ? json.get(key) : null, problems, recorder);
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void record(String key, String type, String allowed, String otherwise) {
        if (recorder != null) {
            recorder.key(childPath(key), type, allowed, otherwise);
        }
    }

    /**
     * For a key the loader checks by hand (a secret, a list of names, the thresholds): tells the
     * recorder what that check allows. Does nothing without a recorder.
     */
    void describe(String key, String type, String allowed, String otherwise) {
        record(key, type, allowed, otherwise);
    }

    /** For a mapping whose keys the loader checks by hand: tells the recorder which it accepts. */
    void describeMapping(List<String> keys) {
        if (recorder != null) {
            recorder.mapping(path, keys);
        }
    }

    void problem(String reason) {
        problems.add(new ConfigProblem(path, isMissing() ? null : shown(path, json), reason));
    }

    /**
     * For a value of the wrong kind where the file's structure is off (a scalar where a mapping
     * was expected): such a value is often a mangled line, with whatever was on it, so only its
     * kind and length are shown.
     */
    void structureProblem(String reason) {
        problems.add(new ConfigProblem(path, isMissing() ? null : kind(json), reason));
    }

    private static String kind(JsonNode value) {
        if (value.isTextual()) {
            return "(text of " + value.textValue().length() + " characters)";
        }
        return value.isObject() ? "(a mapping of " + value.size() + ")" : value.isArray() ? "(a list of " + value.size() + ")"
                : value.isNumber() ? "(a number)"
                : value.isBoolean() ? "(true or false)" : "(" + value.getNodeType().name().toLowerCase(Locale.ROOT) + ")";
    }

    /** For values that must not be echoed whatever their key (a broker URL with a login in it). */
    void secretProblem(String reason) {
        problems.add(new ConfigProblem(path, REDACTED, reason));
    }

    /** A mapping with only these keys; each unknown key is a problem, with the nearest known one suggested. */
    boolean expectMapping(String... allowed) {
        describeMapping(List.of(allowed));
        if (isMissing()) {
            return false;
        }
        if (!json.isObject()) {
            structureProblem("expected a mapping with keys " + String.join(", ", allowed));
            return false;
        }
        List<String> known = List.of(allowed);
        json.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                String hint = nearest(key, known).map(k -> "; did you mean '" + k + "'?").orElse("");
                // A key can be any text of the file (point it at /etc/shadow): only a plain name is shown.
                String path = this.path.isEmpty() ? Spelling.shownKey(key) : this.path + "." + Spelling.shownKey(key);
                problems.add(new ConfigProblem(path, Spelling.shownKey(key).equals(key) ? shown(path, json.get(key)) : "",
                        "unknown key (allowed here: " + String.join(", ", allowed) + ")" + hint));
            }
        });
        return true;
    }

    Optional<String> text(String key) {
        record(key, "text", null, null);
        return readText(key);
    }

    /** The text under {@code key}, or {@code otherwise} when it is left out (or wrong: a problem then). */
    String text(String key, String otherwise) {
        record(key, "text", null, otherwise);
        return readText(key).orElse(otherwise);
    }

    private Optional<String> readText(String key) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return Optional.empty();
        }
        if (!c.json.isValueNode() || c.json.isBoolean()) {
            c.structureProblem("expected text");
            return Optional.empty();
        }
        String v = c.json.asText();
        if (v.isBlank()) {
            c.problem("must not be empty");
            return Optional.empty();
        }
        return Optional.of(v);
    }

    long integer(String key, long min, long max, long otherwise) {
        record(key, "integer", min == Long.MIN_VALUE && max == Long.MAX_VALUE ? null : min + " to " + max, String.valueOf(otherwise));
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return otherwise;
        }
        if (!c.json.isIntegralNumber() || !c.json.canConvertToLong()) {
            c.problem("expected a whole number from " + min + " to " + max);
            return otherwise;
        }
        long v = c.json.asLong();
        if (v < min || v > max) {
            c.problem("out of range: allowed " + min + " to " + max);
            return otherwise;
        }
        return v;
    }

    double number(String key, double min, double max, double otherwise) {
        record(key, "number", plain(min) + " to " + plain(max), plain(otherwise));
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return otherwise;
        }
        if (!c.json.isNumber()) {
            c.problem("expected a number from " + min + " to " + max);
            return otherwise;
        }
        double v = c.json.asDouble();
        if (!(v >= min && v <= max)) {
            c.problem("out of range: allowed " + min + " to " + max);
            return otherwise;
        }
        return v;
    }

    boolean bool(String key, boolean otherwise) {
        record(key, "boolean", null, String.valueOf(otherwise));
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return otherwise;
        }
        if (!c.json.isBoolean()) {
            c.problem("expected true or false");
            return otherwise;
        }
        return c.json.asBoolean();
    }

    /** One of {@code allowed} (case-insensitive); the answer is in lower case. */
    String choice(String key, List<String> allowed, String otherwise) {
        record(key, "choice", String.join(", ", allowed), otherwise);
        Optional<String> v = readText(key);
        if (v.isEmpty()) {
            return otherwise;
        }
        String lower = v.get().toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            child(key).problem("allowed: " + String.join(", ", allowed));
            return otherwise;
        }
        return lower;
    }

    List<ConfigNode> list(String key) {
        record(key, "list", null, null);
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return List.of();
        }
        if (!c.json.isArray()) {
            c.structureProblem("expected a list");
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < c.json.size(); i++) {
            out.add(new ConfigNode(c.path + "[" + i + "]", c.json.get(i), problems, recorder));
        }
        return out;
    }

    /** 1e6 as 1000000, 0.8 as 0.8: a number as a person writes it. */
    private static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /**
     * A value as a problem may show it: never a secret. A value is hidden when any key on its path
     * looks like a secret's (a misspelt {@code passwrd}, a password put in the wrong section), and
     * inside a mapping or list every such key's value is hidden too.
     */
    static String shown(String path, JsonNode value) {
        for (String key : path.split("[.\\[\\]]")) {
            if (looksSecret(key) && !SECRET_REFERENCES.contains(key)) {
                return REDACTED;
            }
        }
        String s = value.isTextual() ? value.asText() : Json.write(redacted(value));
        if (SECRET_ASSIGNMENT.matcher(s).find()) {
            return REDACTED; // "password:hunter2" read as one text: a line whose colon lost its space
        }
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    static final String REDACTED = "<redacted>";
    /** A secret's key and a value inside one text: {@code password:x}, {@code pw = x}, {@code token=x}. */
    private static final Pattern SECRET_ASSIGNMENT =
            Pattern.compile("(?i)(pass|pwd|pw|secret|token|key|cred|auth)[a-z0-9_]*\\s*[:=]");
    /** Keys that say where a secret is, not what it is: their values (a file, a variable name) help and are shown. */
    private static final List<String> SECRET_REFERENCES = List.of("password_file", "password_env", "token_file", "key_file");
    private static final List<String> SECRET_WORDS = List.of("pass", "pwd", "secret", "token", "key", "cred", "auth", "private");

    /**
     * Whether a key names something secret, or is a slip of the pen for one: password, passwd,
     * passwrd, pasword, pw, api_key, token_file, client_secret, credentials and the like.
     */
    static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (k.isEmpty()) {
            return false;
        }
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return k.startsWith("pw") || Spelling.distance(k, "password") <= 3;
    }

    private static JsonNode redacted(JsonNode value) {
        if (value.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            value.properties().forEach(e -> copy.set(e.getKey(), looksSecret(e.getKey()) && !SECRET_REFERENCES.contains(e.getKey())
                    ? TextNode.valueOf(REDACTED) : redacted(e.getValue())));
            return copy;
        }
        if (value.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            value.forEach(v -> copy.add(redacted(v)));
            return copy;
        }
        return value;
    }

    /** The known key a typo most likely meant, if any is close (edit distance ≤ 2, or a prefix). */
    static Optional<String> nearest(String key, List<String> known) {
        return Spelling.nearest(key, known);
    }
}
