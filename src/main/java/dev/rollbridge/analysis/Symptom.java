package dev.rollbridge.analysis;

import java.util.Locale;

/**
 * The red flags of the guide's "Recognizing When to Seek Professional Help", each with why it
 * means stopping.
 */
public enum Symptom {
    NUMBNESS(true), TINGLING(true), RADIATING_PAIN(true), SHARP_PAIN(false), SWELLING(false), BRUISING(false);

    private final boolean nerve;

    Symptom(boolean nerve) {
        this.nerve = nerve;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The message for {@code stop_and_seek_care}, in the guide's terms. */
    public String advice() {
        String what = wireName().replace('_', ' ');
        return nerve
                ? "Stop the massage: " + what + " can mean irritation or compression of the sciatic nerve or the spine, "
                + "which massage cannot resolve. Seek medical attention now."
                : "Stop the massage: " + what + " can mean an acute strain or tear. Massage can worsen a fresh injury; "
                + "rest and protect the leg, and have it assessed by a professional.";
    }

    public static Symptom parse(String text) {
        for (Symptom s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown symptom '" + text + "'");
    }
}
