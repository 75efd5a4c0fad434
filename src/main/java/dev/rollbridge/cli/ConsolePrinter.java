package dev.rollbridge.cli;

import dev.rollbridge.Bridge;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.mqtt.EventOutbox;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The console of {@code run} and {@code replay}: one readable line per event once the broker has
 * acknowledged it, and (optionally) one per change of phase so a person sees the session move.
 */
final class ConsolePrinter implements Bridge.Watcher {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private final PrintStream out;
    private final boolean phases;
    private final java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();

    ConsolePrinter(PrintStream out, boolean phases) {
        this.out = out;
        this.phases = phases;
    }

    @Override
    public void delivered(EventOutbox.Message message) {
        if (message.label() == null) {
            return; // a session summary: its session_ended event is printed
        }
        events.incrementAndGet();
        out.println(message.label());
        out.flush();
    }

    /** Events acknowledged by the broker so far. */
    long events() {
        return events.get();
    }

    @Override
    public void phaseChanged(String deviceId, DeviceState s) {
        if (phases) {
            out.println(String.format(Locale.ROOT, "%s  %-8s %s t=%.1fs now %s (%.0f kPa, %.1f cm/s)", deviceId, "phase",
                    LocalTime.now().format(CLOCK), s.tMillis() / 1000.0, s.phase().wireName(), s.pressureKpa(), s.speedCmS()));
            out.flush();
        }
    }
}
