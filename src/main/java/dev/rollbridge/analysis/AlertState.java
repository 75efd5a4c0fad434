package dev.rollbridge.analysis;

/**
 * Where an event stands in its lifecycle. Conditions (too fast, too hard) are {@link #RAISED}
 * then {@link #CLEARED}; one-off happenings (a hold started, a cue) are {@link #INSTANT}.
 */
public enum AlertState {
    RAISED, CLEARED, INSTANT
}
