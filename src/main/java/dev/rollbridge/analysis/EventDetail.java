package dev.rollbridge.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an event says, typed for the parts of the bridge that read it (history, the cue, the
 * session's own tally), and as the {@code data} map of the wire payload ({@link #data()}, keys in
 * the MQTT contract's order). Events nobody reads back carry their map as it is ({@link Plain}).
 */
public sealed interface EventDetail {

    /** The payload's {@code data} object: snake_case keys, values rounded for people. */
    Map<String, Object> data();

    /** Any event's data, untyped. */
    record Plain(Map<String, Object> data) implements EventDetail {
        public Plain {
            data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }
    }

    /** A hold reached its target or its maximum: {@code hold_target_reached}, {@code hold_max_reached}. */
    record HoldProgress(double holdS, long startedTMillis) implements EventDetail {
        @Override
        public Map<String, Object> data() {
            return ordered("hold_s", holdS, "started_t_ms", startedTMillis);
        }
    }

    /** A hold ended: {@code hold_ended}. */
    record HoldEnded(double durationS, boolean targetMet, boolean maxReached, long startedTMillis, long endedTMillis,
                     String reason, double meanPressureKpa, double peakPressureKpa) implements EventDetail {
        @Override
        public Map<String, Object> data() {
            return ordered("duration_s", durationS, "target_met", targetMet, "max_reached", maxReached, "started_t_ms", startedTMillis,
                    "ended_t_ms", endedTMillis, "reason", reason, "mean_pressure_kpa", meanPressureKpa, "peak_pressure_kpa", peakPressureKpa);
        }
    }

    /** A pain report: {@code pain_reported}. */
    record PainReport(int pain) implements EventDetail {
        @Override
        public Map<String, Object> data() {
            return ordered("pain", pain);
        }
    }

    /** A morning check-in answer: {@code checkin_recorded}, soreness of the back of the thigh 0-10. */
    record CheckinReport(int soreness) implements EventDetail {
        @Override
        public Map<String, Object> data() {
            return ordered("soreness", soreness);
        }
    }

    /** A finished calibration: {@code calibration_done}. */
    record CalibrationDone(Calibration calibration) implements EventDetail {
        @Override
        public Map<String, Object> data() {
            Calibration c = calibration;
            return ordered("pain3_kpa", c.pain3Kpa(), "pain5_kpa", c.pain5Kpa(), "pain7_kpa", c.pain7Kpa(),
                    "band_low_kpa", c.bandLowKpa(), "band_high_kpa", c.bandHighKpa(), "ceiling_kpa", c.ceilingKpa());
        }
    }

    /** A finished session's tally: {@code session_ended} (and the retained summary). */
    record SessionSummary(String leg, String reason, long startedTMillis, long endedTMillis, double durationS, double activeS,
                          List<Double> holdDurationsS, int holdsMetTarget, double meanPressureKpa, double maxPressureKpa,
                          double tooFastS, double frictionS, List<Integer> painReports, Map<String, Integer> alerts,
                          List<MuscleSegment> segments)
            implements EventDetail {
        public SessionSummary {
            segments = List.copyOf(segments);
            holdDurationsS = List.copyOf(holdDurationsS);
            painReports = List.copyOf(painReports);
            alerts = Collections.unmodifiableMap(new TreeMap<>(alerts));
        }

        public int holds() {
            return holdDurationsS.size();
        }

        /** The highest pain reported, or -1 for none. */
        public int maxPain() {
            return painReports.stream().mapToInt(Integer::intValue).max().orElse(-1);
        }

        @Override
        public Map<String, Object> data() {
            return ordered("leg", leg, "reason", reason, "started_t_ms", startedTMillis, "ended_t_ms", endedTMillis,
                    "duration_s", durationS, "active_s", activeS, "holds", holds(), "holds_met_target", holdsMetTarget,
                    "hold_durations_s", holdDurationsS, "mean_pressure_kpa", meanPressureKpa, "max_pressure_kpa", maxPressureKpa,
                    "too_fast_s", tooFastS, "friction_s", frictionS, "pain_reports", painReports, "alerts", alerts,
                    "segments", segments.stream().map(MuscleSegment::data).toList());
        }
    }

    /**
     * One segment of the muscle, gluteal fold (0 %) to knee (100 %), over a session
     * ({@link MuscleMap}): time under load, dose (pressure × time), the holds there (their
     * durations), the {@code ease_off}s and pain reports there, and the cross-fibre friction time.
     */
    record MuscleSegment(double fromPct, double toPct, double timeS, double doseKpaS, List<Double> holdsS, int easeOff, int pain,
                         double frictionS) {
        public MuscleSegment {
            holdsS = List.copyOf(holdsS);
        }

        public Map<String, Object> data() {
            return ordered("from_pct", fromPct, "to_pct", toPct, "time_s", timeS, "dose_kpa_s", doseKpaS, "holds", holdsS,
                    "ease_off", easeOff, "pain", pain, "friction_s", frictionS);
        }
    }

    /** The coach's prompt: {@code coach_prompt}, with the step's stable id and what is said. */
    record CoachPrompt(CoachStep step, String text) implements EventDetail {
        @Override
        public Map<String, Object> data() {
            return ordered("step", step.wireName(), "text", text);
        }
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
