package dev.rollbridge.analysis;

/**
 * A snapshot of one device for the state topic.
 *
 * @param battery percent, or -1 when not known yet
 */
public record DeviceState(long tMillis, double pressureKpa, double speedCmS, Phase phase, double holdS,
                          String leg, double legActiveS, int battery, int session) {
}
