package dev.rollbridge.config;

/**
 * One thing wrong with a configuration file: where ({@code devices[1].thresholds.hold_target_ms}),
 * the value found (never a secret's), and what is allowed.
 */
public record ConfigProblem(String path, String value, String reason) {

    @Override
    public String toString() {
        return (path.isEmpty() ? "(top level)" : path) + (value == null ? "" : " = " + value) + ": " + reason;
    }
}
