package dev.rollbridge.cue;

import java.util.List;

/**
 * The sounds the bridge makes, as tones: a gentle two-tone chime when a hold is done, and a
 * distinct, urgent pattern for "release now" and for danger. Each tone is a frequency (Hz, 0 for
 * silence) and a duration (ms).
 */
public enum CuePattern {
    /** Rising two-tone chime: E5 then B5, soft attack and a ringing decay. */
    CHIME(List.of(new Tone(659.25, 220), new Tone(987.77, 380))),
    /** Three short, high beeps, twice: hard to sleep through, impossible to mistake for the chime. */
    URGENT(List.of(new Tone(1318.5, 110), new Tone(0, 70), new Tone(1318.5, 110), new Tone(0, 70), new Tone(1318.5, 110),
            new Tone(0, 250),
            new Tone(1318.5, 110), new Tone(0, 70), new Tone(1318.5, 110), new Tone(0, 70), new Tone(1318.5, 110)));

    /** One tone of a pattern. */
    public record Tone(double hz, int millis) {
    }

    private final List<Tone> tones;

    CuePattern(List<Tone> tones) {
        this.tones = tones;
    }

    public List<Tone> tones() {
        return tones;
    }

    public int durationMillis() {
        return tones.stream().mapToInt(Tone::millis).sum();
    }
}
