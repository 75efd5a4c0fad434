package dev.rollbridge.cue;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.CoachStep;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.EventType;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The coach speaks through the cues' one queue (issue 20): never over a cue, an alert always
 * before it (a prompt waiting behind an alert is dropped, one being spoken is cut short), silent
 * in quiet hours and where the cues do not speak, and not repeating what a sounding cue says.
 */
class CoachSpeechTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);
    private static final byte[] CHIME = CueSynth.render(CuePattern.CHIME, 0.8);

    /** Records what it plays and says, in order; a call can be made to wait until the test lets it go. */
    private static final class FakePlayer implements CuePlayer {
        final List<String> heard = new CopyOnWriteArrayList<>();
        volatile CountDownLatch holdNextPlay;
        volatile CountDownLatch holdNextSay;
        final CountDownLatch sayStarted = new CountDownLatch(1);

        @Override
        public boolean play(byte[] pcm) {
            heard.add(java.util.Arrays.equals(pcm, CHIME) ? "chime" : "urgent");
            await(holdNextPlay);
            holdNextPlay = null;
            return true;
        }

        @Override
        public boolean say(String phrase) {
            heard.add("say:" + phrase);
            sayStarted.countDown();
            await(holdNextSay);
            holdNextSay = null;
            return true;
        }

        @Override
        public void hush() {
            heard.add("hush");
            CountDownLatch l = holdNextSay;
            if (l != null) {
                l.countDown();
            }
        }

        private static void await(CountDownLatch latch) {
            try {
                if (latch != null) {
                    latch.await(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Event prompt(CoachStep step, String text) {
        return Event.of(EventType.COACH_PROMPT, AlertState.INSTANT, 1_000, 1, text, new EventDetail.CoachPrompt(step, text));
    }

    private static Event event(EventType type) {
        return Event.of(type, AlertState.INSTANT, 1_000, 1, "m", type == EventType.HOLD_TARGET_REACHED
                ? new EventDetail.HoldProgress(30.0, 0) : new EventDetail.Plain(Map.of()));
    }

    @Test
    void aPromptIsSpokenWithoutATone() {
        FakePlayer player = new FakePlayer();
        try (Cues cues = new Cues(CueSettings.defaults(), player, NOON)) {
            cues.onEvent(prompt(CoachStep.WARM_UP, "Warm up first."));
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.size() == 1);
        }
        assertThat(player.heard).containsExactly("say:Warm up first.");
    }

    @Test
    void aPromptWaitsItsTurnBehindACueAndIsDroppedForADangerQueuedAfterIt() {
        FakePlayer player = new FakePlayer();
        player.holdNextPlay = new CountDownLatch(1);
        try (Cues cues = new Cues(CueSettings.defaults(), player, NOON)) {
            cues.onEvent(event(EventType.LEG_TARGET_REACHED));                        // playing, held
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.contains("chime"));
            cues.onEvent(prompt(CoachStep.LEG_DONE, "Switch legs or finish."));       // queued behind it
            cues.onEvent(event(EventType.STOP_AND_SEEK_CARE));                        // queued after the prompt
            player.holdNextPlay.countDown();
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.contains("say:Stop. Seek care."));
            // Afterwards the coach is heard again: nothing is left counted as pending.
            cues.onEvent(prompt(CoachStep.RED_FLAGS, "Numbness: stop."));
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.contains("say:Numbness: stop."));
        }
        assertThat(player.heard).containsExactly("chime", "say:Five minutes on this leg.", "urgent", "say:Stop. Seek care.",
                "say:Numbness: stop.");
    }

    @Test
    void aPromptArrivingWhileAWarningCueIsPendingIsDropped() {
        FakePlayer player = new FakePlayer();
        player.holdNextPlay = new CountDownLatch(1);
        try (Cues cues = new Cues(CueSettings.defaults(), player, NOON)) {
            cues.onEvent(event(EventType.EASE_OFF));
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.contains("urgent"));
            Event p = prompt(CoachStep.CROSS_FIBRE, "Cross-fibre strokes.");
            assertThat(cues.coachPhraseFor(p)).isEmpty();
            cues.onEvent(p);
            player.holdNextPlay.countDown();
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.contains("say:Ease off."));
            assertThat(cues.coachPhraseFor(p)).as("once the warning has played").contains("Cross-fibre strokes.");
        }
        assertThat(player.heard).containsExactly("urgent", "say:Ease off.");
    }

    @Test
    void aDangerCutsAPromptShortInsteadOfWaitingForIt() {
        FakePlayer player = new FakePlayer();
        player.holdNextSay = new CountDownLatch(1);
        try (Cues cues = new Cues(CueSettings.defaults(), player, NOON)) {
            cues.onEvent(prompt(CoachStep.WARM_UP, "Warm up first."));
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.sayStarted.getCount() == 0);
            cues.onEvent(event(EventType.STOP_AND_SEEK_CARE));
            await().atMost(2, TimeUnit.SECONDS).until(() -> player.heard.contains("say:Stop. Seek care."));
        }
        assertThat(player.heard).containsExactly("say:Warm up first.", "hush", "urgent", "say:Stop. Seek care.");
    }

    @Test
    void quietHoursNoSpeechOrNoCuesKeepTheCoachSilent() {
        Event p = prompt(CoachStep.WARM_UP, "Warm up first.");
        assertThat(new Cues(CueSettings.defaults().withQuietHours("11:00-13:00"), new FakePlayer(), NOON).coachPhraseFor(p)).isEmpty();
        assertThat(new Cues(CueSettings.defaults().withQuietHours("13:00-11:00"), new FakePlayer(), NOON).coachPhraseFor(p))
                .contains("Warm up first.");
        CueSettings d = CueSettings.defaults();
        assertThat(new Cues(new CueSettings(true, 0.8, d.events(), false, null, null), new FakePlayer(), NOON).coachPhraseFor(p)).isEmpty();
        assertThat(new Cues(CueSettings.off(), new FakePlayer(), NOON).coachPhraseFor(p)).isEmpty();
        // Other events are never spoken as the coach's.
        assertThat(new Cues(d, new FakePlayer(), NOON).coachPhraseFor(event(EventType.HOLD_STARTED))).isEmpty();
    }

    @Test
    void easeOffSlowlyIsNotRepeatedWhenTheHoldCueSaysIt() {
        Event p = prompt(CoachStep.EASE_OFF_SLOWLY, "30 seconds: ease off slowly.");
        assertThat(new Cues(CueSettings.defaults(), new FakePlayer(), NOON).coachPhraseFor(p)).isEmpty();
        CueSettings noHoldCue = new CueSettings(true, 0.8, EnumSet.of(EventType.LEG_TARGET_REACHED), true, null, null);
        assertThat(new Cues(noHoldCue, new FakePlayer(), NOON).coachPhraseFor(p)).contains("30 seconds: ease off slowly.");
    }
}
