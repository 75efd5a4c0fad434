package dev.rollbridge.cue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Pi's speaker through {@code javax.sound.sampled}, and speech through {@code espeak-ng} when it
 * is installed. With no sound device (a headless server, CI) it says so once in the log and then
 * stays silent; it never throws.
 */
public final class SpeakerPlayer implements CuePlayer {
    private static final Logger log = LoggerFactory.getLogger(SpeakerPlayer.class);
    static final AudioFormat FORMAT = new AudioFormat(CueSynth.SAMPLE_RATE, 16, 1, true, false);

    /** Opens an output line; the seam tests use to stand in for a machine without sound. */
    @FunctionalInterface
    public interface LineOpener {
        SourceDataLine open(AudioFormat format) throws LineUnavailableException;
    }

    private final LineOpener opener;
    private final String espeak;
    private volatile boolean soundDisabled;
    private volatile boolean speechDisabled;
    /** The espeak-ng speaking now, for {@link #hush}. */
    private volatile Process speaking;

    public SpeakerPlayer() {
        this(format -> {
            SourceDataLine line = AudioSystem.getSourceDataLine(format);
            line.open(format);
            return line;
        }, findOnPath("espeak-ng"));
    }

    /** @param espeak path of espeak-ng, or null for no speech */
    public SpeakerPlayer(LineOpener opener, String espeak) {
        this.opener = opener;
        this.espeak = espeak;
        this.speechDisabled = espeak == null;
    }

    public boolean soundDisabled() {
        return soundDisabled;
    }

    @Override
    public boolean play(byte[] pcm) {
        if (soundDisabled) {
            return false;
        }
        try {
            SourceDataLine line = opener.open(FORMAT);
            try {
                line.start();
                line.write(pcm, 0, pcm.length);
                line.drain();
            } finally {
                line.close();
            }
            return true;
        } catch (LineUnavailableException | RuntimeException e) {
            soundDisabled = true;
            log.info("no sound device ({}): audible cues are off; events still go to MQTT", e.getMessage());
            return false;
        }
    }

    @Override
    public boolean say(String phrase) {
        if (speechDisabled) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(espeak, "-s", "150", phrase).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            speaking = p;
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(1, TimeUnit.SECONDS);
                }
            } finally {
                speaking = null;
            }
            return p.exitValue() == 0;
        } catch (IOException | IllegalThreadStateException e) {
            speechDisabled = true;
            log.info("espeak-ng failed ({}): spoken cues are off", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void hush() {
        Process p = speaking;
        if (p != null) {
            p.destroy();
        }
    }

    static String findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
