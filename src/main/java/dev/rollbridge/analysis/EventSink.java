package dev.rollbridge.analysis;

/** Receives events as the analysis finds them, on the analysis thread. */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);
}
