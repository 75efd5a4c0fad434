package dev.rollbridge.cue;

/** Where cues become sound: the speaker (javax.sound) or nothing. */
public interface CuePlayer {

    /** Plays the PCM (16-bit mono, {@link CueSynth#SAMPLE_RATE}) to the end; false when there is no sound device. */
    boolean play(byte[] pcm);

    /** Speaks a short phrase if a speech engine is there; false when there is none. */
    boolean say(String phrase);
}
