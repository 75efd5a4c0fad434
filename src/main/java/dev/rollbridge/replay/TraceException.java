package dev.rollbridge.replay;

/** A trace file that cannot be replayed, naming the file, the line and what was wrong. */
public class TraceException extends RuntimeException {
    public TraceException(String file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
    }
}
