package dev.rollbridge.cli;

import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.SessionRecord;
import dev.rollbridge.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryCommandTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void historyPrintsPastSessionsAsATable(@TempDir Path dir) {
        try (HistoryStore store = HistoryStore.open(dir)) {
            store.recordSession(new SessionRecord("rollsense_c0ffee000001", "s1", "left", Instant.now().minus(Duration.ofDays(2)),
                    "idle", 480, 390, 3, 2, 96.4, 181, 4, 35, 6,
                    "{\"hold_target_reached\":2,\"pressure_too_high\":2,\"speed_too_fast\":1,\"hold_started\":3,\"made_up\":9,\"ease_off\":\"x\"}"));
            store.recordSession(new SessionRecord("rollsense_c0ffee000002", "s2", "right", Instant.now().minus(Duration.ofDays(40)),
                    "command", 300, 280, 1, 1, 40, 55, 0, 0, -1, "{}"));
        }
        assertThat(Main.execute("history", "--data-dir", dir.toString())).isZero();
        String table = console.stdout();
        assertThat(table).contains("ended").contains("device").contains("leg").contains("holds");
        assertThat(table).contains("rollsense_c0ffee000001").contains("left").contains("8.0").contains("6.5").contains("2/3")
                .contains("96").contains("181").contains("1 x speed too fast, 2 x pressure too high")
                .as("alerts only, in words").doesNotContain("hold_target").doesNotContain("hold started").doesNotContain("made").doesNotContain("{");
        assertThat(table).as("older than 30 days").doesNotContain("rollsense_c0ffee000002");

        console.resetStdout();
        assertThat(Main.execute("history", "--data-dir", dir.toString(), "--days", "60", "--device", "rollsense_c0ffee000002")).isZero();
        assertThat(console.stdout()).contains("rollsense_c0ffee000002").contains("right")
                .doesNotContain("rollsense_c0ffee000001");
    }

    @Test
    void noHistoryIsSaidPlainly(@TempDir Path dir) {
        assertThat(Main.execute("history", "--data-dir", dir.resolve("nothing").toString())).isEqualTo(2);
        assertThat(console.stderr()).contains("no history in").contains("nothing");
    }
}
