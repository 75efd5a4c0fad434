package dev.rollbridge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Severity;
import dev.rollbridge.json.Json;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.SessionRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rollbridge history}: past sessions as a readable table. */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Print past sessions: when, which leg, how long, holds, pressure, alerts.",
        description = "Reads the history the daemon keeps in DIR/history.db. Exit codes: 0 done, 2 no history or bad option.")
final class HistoryCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = CommonOptions.DEFAULT_DATA_DIR,
            description = "Where the daemon keeps its history (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--device", paramLabel = "ID", description = "Only this device (e.g. rollsense_c0ffee000001).")
    String device;

    @Option(names = "--days", paramLabel = "N", defaultValue = "30", description = "How far back (default ${DEFAULT-VALUE} days).")
    int days;

    Clock clock = Clock.systemDefaultZone();

    @Override
    public Integer call() {
        if (days < 1) {
            System.err.println("rollbridge history: --days must be 1 or more, not " + days);
            return 2;
        }
        if (!Files.isRegularFile(dataDir.resolve("history.db"))) {
            System.err.println("rollbridge history: no history in " + dataDir + " (run the daemon first, or give --data-dir)");
            return 2;
        }
        try (HistoryStore store = HistoryStore.openReadOnly(dataDir)) {
            print(store.sessions(device, clock.instant().minus(Duration.ofDays(days))), System.out);
        } catch (IllegalStateException e) {
            System.err.println("rollbridge history: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    void print(List<SessionRecord> sessions, PrintStream out) {
        if (sessions.isEmpty()) {
            out.println("No sessions in the last " + days + " days" + (device == null ? "." : " for " + device + "."));
            return;
        }
        DateTimeFormatter when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());
        String format = "%-16s  %-24s  %-7s  %-14s  %6s  %6s  %-5s  %6s  %6s  %6s  %-4s  %s%n";
        out.printf(Locale.ROOT, format, "ended", "device", "leg", "why", "min", "active", "holds", "mean", "max", "fast_s", "pain", "alerts");
        for (SessionRecord s : sessions) {
            out.printf(Locale.ROOT, format, when.format(s.ended()), s.device(), s.leg(), s.reason(),
                    String.format(Locale.ROOT, "%.1f", s.durationS() / 60), String.format(Locale.ROOT, "%.1f", s.activeS() / 60),
                    s.holdsMet() + "/" + s.holds(), String.format(Locale.ROOT, "%.0f", s.meanPressureKpa()),
                    String.format(Locale.ROOT, "%.0f", s.maxPressureKpa()), String.format(Locale.ROOT, "%.0f", s.tooFastS()),
                    s.maxPain() < 0 ? "-" : Integer.toString(s.maxPain()), alerts(s.alertsJson()));
        }
        out.println("why: how it ended (idle, command, symptom, bridge_stopped, ...); min: session length; active: minutes in contact; "
                + "holds: met the 30 s target / all; mean, max: kPa; "
                + "pain: highest reported (0-10); alerts: the warnings and dangers of the session, how many of each.");
    }

    /**
     * The session's alerts (warnings and dangers: not holds, cues or other information) in words,
     * "2 x pressure too high, 1 x speed too fast"; "none" without any. The counts come from the
     * history file, which is read as any outside input: a type or count that is not one is skipped.
     */
    static String alerts(String countsJson) {
        JsonNode counts;
        try {
            counts = Json.read(countsJson == null ? "{}" : countsJson);
        } catch (JsonProcessingException | RuntimeException e) {
            return "?";
        }
        if (counts == null || !counts.isObject()) {
            return "?";
        }
        List<String> words = new ArrayList<>();
        for (EventType type : EventType.values()) {
            JsonNode count = counts.get(type.wireName());
            if (count != null && count.canConvertToLong() && count.isIntegralNumber() && count.longValue() > 0
                    && (type.severity() == Severity.WARNING || type.severity() == Severity.DANGER)) {
                words.add(count.longValue() + " x " + type.wireName().replace('_', ' '));
            }
        }
        return words.isEmpty() ? "none" : String.join(", ", words);
    }
}
