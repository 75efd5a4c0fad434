package dev.rollbridge.cue;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.CoachStep;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Severity;
import dev.rollbridge.bridge.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns events into sound on the Pi: the chime when a hold is done, the urgent pattern for
 * "release now" and danger, optionally a spoken phrase. Plays on a thread of its own, so the
 * pipeline never waits for a speaker; a stale backlog is dropped rather than played late.
 */
public final class Cues implements Extension, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cues.class);

    /** What to play for an event. */
    public record Cue(CuePattern pattern, String phrase) {
    }

    private final CueSettings settings;
    private final CuePlayer player;
    private final Clock clock;
    private final ThreadPoolExecutor worker;
    private final byte[] chime;
    private final byte[] urgent;

    public Cues(CueSettings settings, CuePlayer player, Clock clock) {
        this.settings = settings;
        this.player = player;
        this.clock = clock;
        this.chime = CueSynth.render(CuePattern.CHIME, settings.volume());
        this.urgent = CueSynth.render(CuePattern.URGENT, settings.volume());
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(4), r -> {
            Thread t = new Thread(r, "cue");
            t.setDaemon(true);
            return t;
        }, (task, executor) -> {
            // A stale backlog is dropped rather than played late; what it held is released.
            if (task instanceof Counted counted) {
                counted.release();
            }
        });
    }

    /** The cue for an event, if it should sound now (settings, quiet hours); danger always sounds. */
    public Optional<Cue> cueFor(Event e) {
        boolean danger = e.severity() == Severity.DANGER;
        if (!settings.enabled() || e.state() == AlertState.CLEARED) {
            return Optional.empty();
        }
        if (!danger && (!settings.events().contains(e.type()) || settings.quietAt(LocalTime.now(clock)))) {
            return Optional.empty();
        }
        if (danger) {
            return Optional.of(new Cue(CuePattern.URGENT, "Stop. Seek care."));
        }
        return Optional.of(switch (e.type()) {
            case HOLD_TARGET_REACHED -> new Cue(CuePattern.CHIME, spokenSeconds(e) + ". Release slowly.");
            case LEG_TARGET_REACHED -> new Cue(CuePattern.CHIME, spokenMinutes(e, 5) + " minutes on this leg.");
            case HOLD_MAX_REACHED -> new Cue(CuePattern.URGENT, spokenSeconds(e) + ". Release now.");
            case LEG_LIMIT_REACHED -> new Cue(CuePattern.URGENT, spokenMinutes(e, 10) + " minutes. Stop this leg.");
            // The check-in's change to the next session: said in full, it is news the person did not ask for.
            case SESSION_ADAPTED -> new Cue(CuePattern.CHIME, e.message());
            case EASE_OFF, PRESSURE_TOO_HIGH -> new Cue(CuePattern.URGENT, "Ease off.");
            default -> new Cue(e.severity() == Severity.CUE ? CuePattern.CHIME : CuePattern.URGENT, e.type().wireName().replace('_', ' '));
        });
    }

    @Override
    public String name() {
        return "cue";
    }

    @Override
    public void onEvent(String deviceId, Event e) {
        onEvent(e);
    }

    /** Called for every event (on the pipeline thread): never blocks. */
    public void onEvent(Event e) {
        if (e.type() == EventType.COACH_PROMPT) {
            coachPrompt(e);
            return;
        }
        cueFor(e).ifPresent(cue -> {
            Runnable play = () -> {
                try {
                    player.play(cue.pattern() == CuePattern.CHIME ? chime : urgent);
                    if (settings.speech()) {
                        player.say(cue.phrase());
                    }
                } catch (RuntimeException ex) {
                    log.warn("cue for {} failed: {}", e.type().wireName(), ex.toString());
                }
            };
            if (e.severity() == Severity.WARNING || e.severity() == Severity.DANGER) {
                // An alert has the floor: a coach's phrase being spoken stops, one waiting is dropped.
                alertsPending.incrementAndGet();
                if (coachSpeaking) {
                    player.hush();
                }
                worker.execute(new Counted(play, alertsPending));
            } else {
                worker.execute(play);
            }
        });
    }

    // --- The coach's voice (issue 20): one queue with the cues, so it never talks over one. ---

    /**
     * Steps whose gist a cue already says, when that cue sounds: the coach's words would repeat it
     * ({@code hold_target_reached} says "Thirty seconds. Release slowly.").
     */
    private static final Map<CoachStep, EventType> SAID_BY_CUE = Map.of(CoachStep.EASE_OFF_SLOWLY, EventType.HOLD_TARGET_REACHED);

    /** Alert cues (warning, danger) queued or playing: while any is, the coach is not heard. */
    private final AtomicInteger alertsPending = new AtomicInteger();
    /** A coach prompt queued or being spoken: at most one at a time, the newer ones dropped. */
    private final AtomicInteger coachPending = new AtomicInteger();
    private volatile boolean coachSpeaking;

    /** A queued task that holds a count until it has run, or was dropped from a full queue. */
    private static final class Counted implements Runnable {
        private final Runnable task;
        private final AtomicInteger count;

        Counted(Runnable task, AtomicInteger count) {
            this.task = task;
            this.count = count;
        }

        @Override
        public void run() {
            try {
                task.run();
            } finally {
                release();
            }
        }

        void release() {
            count.decrementAndGet();
        }
    }

    /**
     * The phrase to speak for a coach prompt now, if any: only where the cues speak (on, speech on,
     * not in quiet hours), not what a sounding cue says already, and never while an alert cue is
     * queued or playing. The prompt's event is published either way.
     */
    public Optional<String> coachPhraseFor(Event e) {
        if (e.type() != EventType.COACH_PROMPT || !(e.detail() instanceof EventDetail.CoachPrompt prompt)) {
            return Optional.empty();
        }
        if (!settings.enabled() || !settings.speech() || settings.quietAt(LocalTime.now(clock)) || alertsPending.get() > 0) {
            return Optional.empty();
        }
        EventType cue = SAID_BY_CUE.get(prompt.step());
        if (cue != null && settings.events().contains(cue)) {
            return Optional.empty();
        }
        return Optional.of(prompt.text());
    }

    private void coachPrompt(Event e) {
        Optional<String> phrase = coachPhraseFor(e);
        if (phrase.isEmpty()) {
            return;
        }
        if (coachPending.incrementAndGet() > 1) {
            coachPending.decrementAndGet();
            return;
        }
        worker.execute(new Counted(() -> {
            // An alert queued after the prompt goes first: the prompt is dropped, never the alert. Checked
            // after coachSpeaking is set, so an alert queued from here on finds it and hushes the phrase.
            coachSpeaking = true;
            try {
                if (alertsPending.get() > 0) {
                    return;
                }
                player.say(phrase.get());
            } catch (RuntimeException ex) {
                log.warn("speaking the coach's {} failed: {}", e.data().get("step"), ex.toString());
            } finally {
                coachSpeaking = false;
            }
        }, coachPending));
    }

    private static final String[] NUMBER_WORDS = {"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
            "Ten", "Eleven", "Twelve"};

    /** The whole minutes a leg event was reached at (a sore morning's check-in lowers them), as words. */
    private static String spokenMinutes(Event e, long otherwise) {
        Object active = e.data().get("active_s");
        long minutes = active instanceof Number n ? Math.round(n.doubleValue() / 60) : otherwise;
        return minutes >= 0 && minutes < NUMBER_WORDS.length ? NUMBER_WORDS[(int) minutes] : Long.toString(minutes);
    }

    private static String spokenSeconds(Event e) {
        long seconds = e.detail() instanceof EventDetail.HoldProgress hold ? Math.round(hold.holdS()) : 30;
        return seconds == 30 ? "Thirty seconds" : seconds == 60 ? "Sixty seconds" : seconds + " seconds";
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
