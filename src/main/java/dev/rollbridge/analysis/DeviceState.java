package dev.rollbridge.analysis;

import java.util.List;

/**
 * A snapshot of one device for the state topic.
 *
 * @param battery     percent, or -1 when not known yet
 * @param ceilingKpa  the pressure ceiling in force (the profile's, or the calibrated one)
 * @param bandLowKpa  the calibrated target band (4–6 out of 10), NaN without calibration
 * @param sensorFault the kind of the raised {@code sensor_fault} (the first, if several), or null
 * @param positionPct where on the muscle the tool is, percent from the gluteal fold; NaN when not known
 * @param segments    the session's figures per segment of the muscle so far (empty before the
 *                    position is known); the same list until they change, rebuilt at most once a
 *                    second of sample time
 */
public record DeviceState(long tMillis, double pressureKpa, double speedCmS, Phase phase, double holdS,
                          String leg, double legActiveS, int battery, int session,
                          double ceilingKpa, double bandLowKpa, double bandHighKpa, double positionCm, String sensorFault,
                          double positionPct, List<EventDetail.MuscleSegment> segments) {
}
