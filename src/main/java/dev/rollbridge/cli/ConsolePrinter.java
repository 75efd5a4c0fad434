package dev.rollbridge.cli;

import dev.rollbridge.mqtt.EventOutbox;

import java.io.PrintStream;

/** Prints each event as one readable line once the broker has acknowledged it. */
final class ConsolePrinter implements EventOutbox.DeliveryListener {
    private final PrintStream out;

    ConsolePrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void delivered(EventOutbox.Message message) {
        out.println(message.label());
        out.flush();
    }
}
