package dev.rollbridge.session;

import java.time.Instant;

/** One finished session as history keeps it. {@code maxPain} is -1 when no pain was reported. */
public record SessionRecord(String device, String sessionId, String leg, Instant ended, String reason,
                            double durationS, double activeS, int holds, int holdsMet,
                            double meanPressureKpa, double maxPressureKpa, double tooFastS, double frictionS,
                            int maxPain, String alertsJson) {
}
