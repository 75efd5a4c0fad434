package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Phase;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.outbox.EventOutbox;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console of {@code run} and {@code replay}: one readable line per event once the broker has
 * acknowledged it, and (optionally) one per change of phase so a person sees the session move.
 */
final class ConsolePrinter implements Extension {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private final PrintStream out;
    private final boolean phases;
    private final AtomicLong events = new AtomicLong();
    private final Map<String, Phase> phaseOf = new ConcurrentHashMap<>();

    ConsolePrinter(PrintStream out, boolean phases) {
        this.out = out;
        this.phases = phases;
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public void onDelivered(EventOutbox.Message message) {
        if (!message.console()) {
            return; // a session summary: its session_ended event is printed
        }
        events.incrementAndGet();
        out.println(line(message.payload()));
        out.flush();
    }

    /** An event's console line, made from its payload once delivered (off the way out). */
    static String line(byte[] eventPayload) {
        JsonNode e;
        try {
            e = Json.read(eventPayload);
        } catch (IOException ex) {
            return "(unreadable event: " + ex.getMessage() + ")";
        }
        String state = switch (e.path("state").asText()) {
            case "raised" -> " (raised)";
            case "cleared" -> " (cleared)";
            default -> "";
        };
        String ts = e.path("ts").asText();
        return String.format(Locale.ROOT, "%s  %-8s %s t=%.1fs %s%s  %s", e.path("device").asText(),
                e.path("severity").asText(), ts.length() >= 19 ? ts.substring(11, 19) : ts,
                e.path("t_ms").asLong() / 1000.0, e.path("type").asText(), state, e.path("message").asText());
    }

    /** Events acknowledged by the broker so far. */
    long events() {
        return events.get();
    }

    @Override
    public void onState(String deviceId, DeviceState s) {
        if (phases && phaseOf.put(deviceId, s.phase()) != s.phase()) {
            out.println(String.format(Locale.ROOT, "%s  %-8s %s t=%.1fs now %s (%.0f kPa, %.1f cm/s)", deviceId, "phase",
                    LocalTime.now().format(CLOCK), s.tMillis() / 1000.0, s.phase().wireName(), s.pressureKpa(), s.speedCmS()));
            out.flush();
        }
    }
}
