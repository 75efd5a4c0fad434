package dev.rollbridge.cue;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.EventType;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sound.sampled.LineUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

class CuesTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    private static Event event(EventType type, Map<String, Object> data) {
        return Event.of(type, AlertState.INSTANT, 1_000, 1, "m", data);
    }

    @Test
    void eventsMapToTheRightCueAndPhrase() {
        Cues cues = new Cues(CueSettings.defaults(), mock(CuePlayer.class), NOON);
        assertThat(cues.cueFor(Event.of(EventType.HOLD_TARGET_REACHED, AlertState.INSTANT, 1_000, 1, "m", new EventDetail.HoldProgress(30.0, 0))))
                .contains(new Cues.Cue(CuePattern.CHIME, "Thirty seconds. Release slowly."));
        assertThat(cues.cueFor(Event.of(EventType.HOLD_MAX_REACHED, AlertState.INSTANT, 1_000, 1, "m", new EventDetail.HoldProgress(60.0, 0))))
                .contains(new Cues.Cue(CuePattern.URGENT, "Sixty seconds. Release now."));
        assertThat(cues.cueFor(event(EventType.STOP_AND_SEEK_CARE, Map.of("symptom", "numbness"))))
                .contains(new Cues.Cue(CuePattern.URGENT, "Stop. Seek care."));
        assertThat(cues.cueFor(event(EventType.LEG_TARGET_REACHED, Map.of()))).map(Cues.Cue::pattern).contains(CuePattern.CHIME);
        assertThat(cues.cueFor(event(EventType.HOLD_STARTED, Map.of()))).isEmpty();
        assertThat(cues.cueFor(Event.of(EventType.PRESSURE_TOO_HIGH, AlertState.CLEARED, 0, 1, "m", Map.of()))).isEmpty();
    }

    @Test
    void quietHoursSilenceEverythingButDanger() {
        CueSettings quiet = CueSettings.defaults().withQuietHours("11:00-13:00");
        Cues cues = new Cues(quiet, mock(CuePlayer.class), NOON);
        assertThat(cues.cueFor(event(EventType.HOLD_TARGET_REACHED, Map.of()))).isEmpty();
        assertThat(cues.cueFor(event(EventType.STOP_AND_SEEK_CARE, Map.of()))).isPresent();
        assertThat(CueSettings.defaults().withQuietHours("22:00-07:00").quietAt(LocalTime.of(2, 0))).isTrue();
        assertThat(CueSettings.defaults().withQuietHours("22:00-07:00").quietAt(LocalTime.of(12, 0))).isFalse();
    }

    @Test
    void theCuePlaysOffThePipelineThreadWithSpeechWhenAsked() {
        CuePlayer player = mock(CuePlayer.class);
        try (Cues cues = new Cues(CueSettings.defaults(), player, NOON)) {
            cues.onEvent(event(EventType.HOLD_TARGET_REACHED, Map.of("hold_s", 30.0)));
            verify(player, timeout(2_000)).play(eq(CueSynth.render(CuePattern.CHIME, 0.8)));
            verify(player, timeout(2_000)).say("Thirty seconds. Release slowly.");
        }
        CuePlayer silent = mock(CuePlayer.class);
        try (Cues off = new Cues(CueSettings.off(), silent, NOON)) {
            off.onEvent(event(EventType.HOLD_TARGET_REACHED, Map.of()));
            verify(silent, after(300).never()).play(any());
        }
    }

    @Test
    void withNoSoundDeviceItLogsOnceAndStaysSilentNeverThrowing() {
        AtomicInteger attempts = new AtomicInteger();
        SpeakerPlayer player = new SpeakerPlayer(format -> {
            attempts.incrementAndGet();
            throw new LineUnavailableException("No line matching interface SourceDataLine");
        }, null);
        byte[] chime = CueSynth.render(CuePattern.CHIME, 0.5);
        assertThat(player.play(chime)).isFalse();
        assertThat(player.play(chime)).isFalse();
        assertThat(player.soundDisabled()).isTrue();
        assertThat(attempts.get()).as("the device is tried once, then left alone").isEqualTo(1);
        assertThat(player.say("Thirty seconds.")).as("no espeak-ng given").isFalse();
    }
}
