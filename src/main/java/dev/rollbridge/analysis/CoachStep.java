package dev.rollbridge.analysis;

import java.util.Locale;

/**
 * The steps of the guide the coach walks a person through, in the guide's order; each wire name
 * ({@code warm_up}, {@code find_spot}...) is a stable id a dashboard or an automation can key on.
 */
public enum CoachStep {
    /** A session began: broad, long strokes first. */
    WARM_UP,
    /** The guide's nerve red flags: at the run's first session, and after pain above the limit. */
    RED_FLAGS,
    /** A minute of broad strokes: now a tight spot, held still. */
    FIND_SPOT,
    /** The hold reached its target: ease off slowly. */
    EASE_OFF_SLOWLY,
    /** A hold that met its target ended: short cross-fibre strokes near the knee. */
    CROSS_FIBRE,
    /** The leg's target minutes: switch legs or finish. */
    LEG_DONE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
