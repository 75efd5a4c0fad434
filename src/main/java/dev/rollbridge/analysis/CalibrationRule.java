package dev.rollbridge.analysis;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The guided ramp: after {@code {"calibrate":"start"}} the person presses slowly harder and marks
 * 3, 5 and 7 out of 10. Each mark takes the mean pressure of the last {@value #MARK_WINDOW_MS} ms in
 * contact. When all three are in, {@code calibration_done} carries the new band and ceiling.
 *
 * <p>The pressure ceiling is off while the ramp runs (pressing to 7/10 is the point), so a ramp
 * that is never finished must not leave it off: after {@code calibration_timeout_ms} of sample time
 * (2 minutes) it is abandoned, the ceiling in force before comes back, and
 * {@code calibration_cancelled} says so. A cancel command ends it the same way.
 */
final class CalibrationRule {
    static final long MARK_WINDOW_MS = 500;
    private final SlidingWindow pressures = SlidingWindow.forMean(2048);
    private final long timeoutMs;
    private boolean active;
    private long startedMillis;
    private final Map<Integer, Double> marks = new TreeMap<>();

    CalibrationRule(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    boolean active() {
        return active;
    }

    /** @param ceilingKpa the ceiling in force, named when a timed-out ramp gives it back */
    void onSample(Motion m, double ceilingKpa, int session, EventSink out) {
        if (active && m.tMillis - startedMillis >= timeoutMs) {
            end(m.tMillis, "timeout", ceilingKpa, session, out);
        }
        if (!m.contact || m.releasePending) {
            pressures.clear();
            return;
        }
        pressures.add(m.tMillis, m.pressureKpa, MARK_WINDOW_MS);
    }

    Command.Result start(long now, int session, EventSink out) {
        if (!active) {
            // Starting again while it runs begins the marks anew, not the time: repeated starts cannot hold the ceiling off.
            startedMillis = now;
        }
        active = true;
        marks.clear();
        out.emit(Event.of(EventType.CALIBRATION_STARTED, AlertState.INSTANT, now, session,
                "Calibration: press slowly harder and mark when it feels like 3, 5 and 7 out of 10.", Map.of()));
        return Command.Result.ok("calibration started");
    }

    Command.Result cancel(long now, double ceilingKpa, int session, EventSink out) {
        if (!active) {
            return Command.Result.refused("no calibration is running");
        }
        end(now, "command", ceilingKpa, session, out);
        return Command.Result.ok("calibration cancelled; the previous pressure ceiling stays");
    }

    private void end(long now, String reason, double ceilingKpa, int session, EventSink out) {
        active = false;
        marks.clear();
        String why = reason.equals("timeout")
                ? String.format(Locale.ROOT, "Calibration not finished within %d s: abandoned.", timeoutMs / 1000)
                : "Calibration cancelled.";
        // A tool without an absolute ceiling has none to go back to: null, and said so (JSON has no infinity).
        boolean ceiling = Double.isFinite(ceilingKpa);
        out.emit(Event.of(EventType.CALIBRATION_CANCELLED, AlertState.INSTANT, now, session,
                ceiling ? String.format(Locale.ROOT, "%s The pressure ceiling of %.0f kPa is back on.", why, ceilingKpa)
                        : why + " This tool has no pressure ceiling until a calibration is finished.",
                HoldRule.data("reason", reason, "ceiling_kpa", ceiling ? ceilingKpa : null, "started_t_ms", startedMillis)));
    }

    /** Returns the finished calibration through {@code done} when this mark completes it. */
    Command.Result mark(long now, int pain, int session, EventSink out, Consumer<Calibration> done) {
        if (!active) {
            return Command.Result.refused("no calibration is running: send {\"calibrate\":\"start\"} first");
        }
        if (pressures.size() == 0) {
            return Command.Result.refused("the tool is not pressed: mark while pressing");
        }
        double kpa = Rounding.r1(pressures.mean());
        for (Map.Entry<Integer, Double> e : marks.entrySet()) {
            if (e.getKey() < pain && e.getValue() >= kpa || e.getKey() > pain && e.getValue() <= kpa) {
                return Command.Result.refused(String.format(Locale.ROOT,
                        "%d/10 at %.1f kPa does not fit %d/10 at %.1f kPa: more pain needs more pressure", pain, kpa, e.getKey(), e.getValue()));
            }
        }
        marks.put(pain, kpa);
        out.emit(Event.of(EventType.CALIBRATION_MARKED, AlertState.INSTANT, now, session,
                String.format(Locale.ROOT, "Marked %d/10 at %.1f kPa.", pain, kpa), HoldRule.data("pain", pain, "pressure_kpa", kpa)));
        if (marks.size() == 3) {
            Calibration c = new Calibration(marks.get(3), marks.get(5), marks.get(7));
            active = false;
            marks.clear();
            out.emit(Event.of(EventType.CALIBRATION_DONE, AlertState.INSTANT, now, session,
                    String.format(Locale.ROOT, "Calibrated: aim for %.0f–%.0f kPa; the ceiling is now %.0f kPa.",
                            c.bandLowKpa(), c.bandHighKpa(), c.ceilingKpa()),
                    new EventDetail.CalibrationDone(c)));
            done.accept(c);
            return Command.Result.ok("calibration done");
        }
        return Command.Result.ok("marked " + pain + "/10 at " + kpa + " kPa");
    }
}
