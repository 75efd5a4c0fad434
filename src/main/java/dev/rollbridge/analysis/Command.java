package dev.rollbridge.analysis;

/** What a person tells the bridge (MQTT {@code <device>/set}), already parsed and range-checked. */
public sealed interface Command {

    /** Start a session for a leg: {@code left}, {@code right} or {@code unknown}. */
    record StartSession(String leg) implements Command {
    }

    record StopSession() implements Command {
    }

    /** Pain on the guide's 0–10 scale. */
    record ReportPain(int level) implements Command {
    }

    /** The morning check-in: how the back of the thigh feels today, 0-10. */
    record ReportCheckin(int soreness) implements Command {
    }

    record ReportSymptom(Symptom symptom) implements Command {
    }

    record StartCalibration() implements Command {
    }

    /** "This pressure is {@code pain} out of 10": 3, 5 or 7. */
    record MarkCalibration(int pain) implements Command {
    }

    record CancelCalibration() implements Command {
    }

    /** How a command went: accepted, or refused with the reason. */
    record Result(boolean ok, String message) {
        public static Result ok(String message) {
            return new Result(true, message);
        }

        public static Result refused(String message) {
            return new Result(false, message);
        }
    }
}
