package dev.rollbridge.analysis;

/** How much an event matters to the person on the floor. */
public enum Severity {
    INFO, CUE, WARNING, DANGER
}
