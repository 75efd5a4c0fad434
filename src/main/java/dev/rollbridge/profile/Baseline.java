package dev.rollbridge.profile;

/**
 * The pressure channel reads a rise over a baseline (a ball's inner air pressure over its unloaded
 * pressure), never below 0: tared on the first reading (the tool at rest when it connects), and
 * re-zeroed to the reading when it has stayed within {@code bandKpa} for {@code restMs} below the
 * contact level (unloaded, or below the baseline: weather and warmth move the air pressure too; a
 * tare taken while loaded heals at the next rest).
 */
public record Baseline(long restMs, double bandKpa) {
}
