package dev.rollbridge.cue;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.Severity;
import dev.rollbridge.bridge.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalTime;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
        }, new ThreadPoolExecutor.DiscardPolicy());
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
            case LEG_TARGET_REACHED -> new Cue(CuePattern.CHIME, "Five minutes on this leg.");
            case HOLD_MAX_REACHED -> new Cue(CuePattern.URGENT, spokenSeconds(e) + ". Release now.");
            case LEG_LIMIT_REACHED -> new Cue(CuePattern.URGENT, "Ten minutes. Stop this leg.");
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
        cueFor(e).ifPresent(cue -> worker.execute(() -> {
            try {
                player.play(cue.pattern() == CuePattern.CHIME ? chime : urgent);
                if (settings.speech()) {
                    player.say(cue.phrase());
                }
            } catch (RuntimeException ex) {
                log.warn("cue for {} failed: {}", e.type().wireName(), ex.toString());
            }
        }));
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
