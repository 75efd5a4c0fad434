package dev.rollbridge.cue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Renders a {@link CuePattern} to 16-bit mono PCM, with no sound files: sine tones with a short
 * attack and an exponential decay, so nothing clicks.
 */
public final class CueSynth {
    public static final int SAMPLE_RATE = 44_100;
    private static final double ATTACK_S = 0.008;

    private CueSynth() {
    }

    /** Little-endian signed 16-bit mono samples at {@link #SAMPLE_RATE}; {@code volume} 0 to 1. */
    public static byte[] render(CuePattern pattern, double volume) {
        double gain = Math.max(0, Math.min(1, volume)) * 0.8 * Short.MAX_VALUE;
        int total = pattern.tones().stream().mapToInt(t -> t.millis() * SAMPLE_RATE / 1000).sum();
        ByteBuffer pcm = ByteBuffer.allocate(total * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (CuePattern.Tone tone : pattern.tones()) {
            int n = tone.millis() * SAMPLE_RATE / 1000;
            double seconds = tone.millis() / 1000.0;
            for (int i = 0; i < n; i++) {
                double t = (double) i / SAMPLE_RATE;
                double envelope = Math.min(1, t / ATTACK_S) * Math.exp(-3 * t / seconds) * Math.min(1, (seconds - t) / ATTACK_S);
                double v = tone.hz() == 0 ? 0 : Math.sin(2 * Math.PI * tone.hz() * t) * envelope;
                pcm.putShort((short) Math.round(v * gain));
            }
        }
        return pcm.array();
    }

    /** The PCM as a WAV file (for tests, and for players that want a file). */
    public static byte[] wav(byte[] pcm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 44);
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length);
        out.writeBytes(h.array());
        out.writeBytes(pcm);
        return out.toByteArray();
    }
}
