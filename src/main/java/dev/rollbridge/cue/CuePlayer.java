package dev.rollbridge.cue;

/** Where cues become sound: the speaker (javax.sound) or nothing. */
public interface CuePlayer {

    /** Plays the PCM (16-bit mono, {@link CueSynth#SAMPLE_RATE}) to the end; false when there is no sound device. */
    boolean play(byte[] pcm);

    /** Speaks a short phrase if a speech engine is there; false when there is none. */
    boolean say(String phrase);

    /**
     * Cuts short the phrase being spoken now, if any, so an alert waits for no one; called from
     * another thread than {@link #say}, must not block. A player that cannot is free to ignore it.
     */
    default void hush() {
    }
}
