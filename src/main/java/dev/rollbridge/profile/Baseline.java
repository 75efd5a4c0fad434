package dev.rollbridge.profile;

/**
 * The pressure channel reads a rise over a baseline (a ball's inner air pressure over its unloaded
 * pressure): tared on the first reading (the tool at rest when it connects), following the reading
 * down at once, and re-zeroed up to it when the reading has stayed within {@code bandKpa} for
 * {@code restMs} below the contact level (unloaded: weather and warmth move the air pressure too).
 */
public record Baseline(long restMs, double bandKpa) {
}
