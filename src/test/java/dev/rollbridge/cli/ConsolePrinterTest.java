package dev.rollbridge.cli;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.mqtt.contract.Payloads;
import dev.rollbridge.mqtt.outbox.EventOutbox;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConsolePrinterTest {

    @Test
    void aDeliveredEventIsOneLineMadeFromItsPayloadAndSummariesAreNotPrinted() {
        Event e = Event.of(EventType.PRESSURE_TOO_HIGH, AlertState.RAISED, 61_250, 2,
                "Pressing too hard (190 kPa, ceiling 180 kPa, about 7/10): ease off now.", Map.of("pressure_kpa", 190.0));
        byte[] payload = Payloads.event("id-1", 7, "ball-1", "s-1", e, Instant.parse("2026-11-27T14:03:09.512Z"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsolePrinter printer = new ConsolePrinter(new PrintStream(out, true, StandardCharsets.UTF_8), false);

        printer.onDelivered(new EventOutbox.Message("rb/ball-1/event", payload, false, true, "ball-1", 7, "warning", 0));
        printer.onDelivered(new EventOutbox.Message("rb/ball-1/session", "{}".getBytes(StandardCharsets.UTF_8), true, false,
                "ball-1", -1, "info", 0));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ball-1  warning  14:03:09 t=61.3s pressure_too_high (raised)  Pressing too hard (190 kPa, ceiling 180 kPa, about 7/10): ease off now."
                + System.lineSeparator());
        assertThat(printer.events()).isEqualTo(1);
    }

    @Test
    void anUnreadablePayloadStillGivesALine() {
        assertThat(ConsolePrinter.line("not json".getBytes(StandardCharsets.UTF_8))).startsWith("(unreadable event: ");
    }
}
