package dev.rollbridge.analysis;

import dev.rollbridge.stream.SampleView;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The guide's rules for one device: a pure, single-threaded function of the sample stream and
 * the person's commands. No clock, no I/O, no locks: the same input always gives the same events
 * at the same sample times, whether it arrives live or from a replay at any speed.
 *
 * <p>One shared {@link Motion} estimate feeds small rules, one per piece of the guide: holds,
 * speed, pressure, warm-up, friction, tightening, sessions and minutes per leg, red flags and
 * calibration.
 */
public final class Analyzer {
    private final Thresholds thresholds;
    private final EventSink out;
    private final Motion motion;
    private final HoldRule hold;
    private final SpeedRule speed;
    private final PressureRule pressure;
    private final WarmupRule warmup;
    private final FrictionRule friction;
    private final TighteningRule tightening;
    private final SessionTracker sessions;
    private final MuscleMap muscle;
    private final CalibrationRule calibrating;
    private final DeviceHealthRule health;
    /** The spoken coach, or null when it is off. */
    private final Coach coach;
    private final boolean pressureSensed;
    private final boolean motionSensed;
    private volatile Calibration calibration;
    /** The load factor the pressure rule's ceiling was last set with. */
    private double pressureFactor = 1.0;
    private int battery = -1;
    private boolean any;

    public Analyzer(Thresholds thresholds, double contactRadiusCm, EventSink out) {
        this(thresholds, contactRadiusCm, Optional.empty(), out);
    }

    /** @param calibration the person's stored calibration, if any: its ceiling replaces the profile's */
    public Analyzer(Thresholds thresholds, double contactRadiusCm, Optional<Calibration> calibration, EventSink out) {
        this(thresholds, contactRadiusCm, SensorRange.UNKNOWN, calibration, out);
    }

    /**
     * @param range       what the device's fields can carry at most, so a pinned reading is seen
     * @param calibration the person's stored calibration, if any: its ceiling replaces the profile's
     */
    public Analyzer(Thresholds thresholds, double contactRadiusCm, SensorRange range, Optional<Calibration> calibration, EventSink out) {
        this(thresholds, contactRadiusCm, range, EnumSet.allOf(Capability.class), calibration, out);
    }

    /**
     * @param capabilities what the tool measures: without motion there is no speed, warm-up or
     *                     friction rule (a hold is a steady load); without pressure no pressure,
     *                     tightening or calibration (a hold is stillness on a tool being worked)
     */
    public Analyzer(Thresholds thresholds, double contactRadiusCm, SensorRange range, Set<Capability> capabilities,
                    Optional<Calibration> calibration, EventSink out) {
        this(thresholds, contactRadiusCm, range, capabilities, calibration, false, out);
    }

    /** @param coached the spoken coach is on: {@code coach_prompt} events step the person through the guide */
    public Analyzer(Thresholds thresholds, double contactRadiusCm, SensorRange range, Set<Capability> capabilities,
                    Optional<Calibration> calibration, boolean coached, EventSink out) {
        this.thresholds = thresholds;
        this.coach = coached ? new Coach(thresholds, out) : null;
        this.pressureSensed = capabilities.contains(Capability.PRESSURE);
        this.motionSensed = capabilities.contains(Capability.MOTION);
        this.muscle = new MuscleMap(thresholds);
        this.sessions = new SessionTracker(thresholds, muscle);
        this.out = e -> {
            sessions.observe(e);
            muscle.observe(e);
            out.emit(e);
            if (coach != null) {
                coach.observe(e);
            }
        };
        this.motion = new Motion(thresholds, contactRadiusCm, pressureSensed, motionSensed);
        this.hold = new HoldRule(thresholds);
        this.speed = new SpeedRule(thresholds);
        this.pressure = new PressureRule(thresholds);
        this.warmup = new WarmupRule(thresholds);
        this.friction = new FrictionRule(thresholds);
        this.tightening = new TighteningRule(thresholds);
        this.calibrating = new CalibrationRule(thresholds.calibration().timeoutMs());
        this.health = new DeviceHealthRule(thresholds, range);
        calibration.ifPresent(this::apply);
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public Optional<Calibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    public void onSample(SampleView sample) {
        any = true;
        motion.update(sample);
        if (sessions.beforeRules(motion, out)) {
            followLoadFactor();
            warmup.newSession();
            friction.newSession();
            muscle.newSession();
        }
        int session = sessions.number();
        if (pressureSensed) {
            calibrating.onSample(motion, ceilingKpa(), session, out);
            if (!calibrating.active()) {
                // Pressing to 7/10 on purpose is what calibration asks for.
                pressure.onSample(motion, session, out);
            }
        }
        boolean frictionBefore = friction.active();
        if (motionSensed) {
            friction.onSample(motion, session, out);
        }
        hold.onSample(motion, session, out);
        if (pressureSensed) {
            tightening.onSample(motion, hold.inHold(), hold.ending(), hold.startMillis(), session, out);
        }
        if (motionSensed) {
            warmup.onSample(motion, hold.startedNow(), frictionBefore || friction.active(), session, out);
            speed.onSample(motion, session, out);
        }
        sessions.afterRules(motion, speed.raised(), friction.totalMillis(), out);
        if (motionSensed) {
            muscle.onSample(motion, friction.active(), ceilingKpa(), sessions.open(), sessions.number(), out);
        }
        health.onSample(motion, sample.seq(), motion.gxDps, motion.gyDps, motion.gzDps, sessions.number(), out);
        if (coach != null) {
            coach.afterSample(motion.tMillis, warmup.rollingMillis(), friction.active(), friction.totalMillis());
        }
    }

    public void onBattery(int percent) {
        battery = percent;
        health.onBattery(percent, motion.tMillis, sessions.number(), out);
    }

    /** A frame of this device failed to decode (counted toward {@code sensor_fault} of kind {@code data_loss}). */
    public void onMalformedFrame() {
        health.onMalformedFrame(motion.tMillis, sessions.number(), out);
    }

    /** Pressure samples replaced as one-sample glitches in holds so far; safe from any thread. */
    public long pressureGlitches() {
        return tightening.glitches();
    }

    /** Share of samples missing from the device's count in the last 5 s of sample time; safe from any thread. */
    public double lossRate() {
        return health.lossRate();
    }

    /** Carries out a command at the current sample time. Never throws for a bad request: refuses it. */
    public Command.Result onCommand(Command command) {
        long now = motion.tMillis;
        int session = sessions.number();
        if (command instanceof Command.StartSession start) {
            interruptRules("new_session");
            sessions.startByCommand(now, start.leg(), out);
            followLoadFactor();
            warmup.newSession();
            friction.newSession();
            muscle.newSession();
            return Command.Result.ok("session started on leg " + start.leg());
        }
        if (command instanceof Command.StopSession) {
            interruptRules("session_stopped");
            return sessions.end(now, "command", out)
                    ? Command.Result.ok("session ended")
                    : Command.Result.refused("no session is running");
        }
        if (command instanceof Command.ReportPain pain) {
            sessions.pain(pain.level());
            out.emit(Event.of(EventType.PAIN_REPORTED, AlertState.INSTANT, now, session,
                    "Pain reported: " + pain.level() + "/10.", new EventDetail.PainReport(pain.level())));
            if (pain.level() > thresholds.painReduceAbove()) {
                out.emit(Event.of(EventType.REDUCE_PRESSURE, AlertState.INSTANT, now, session,
                        "Pain " + pain.level() + "/10 is above " + thresholds.painReduceAbove()
                                + "/10: reduce the pressure now; it should feel like good pain, never sharp.",
                        HoldRule.data("pain", pain.level(), "limit", thresholds.painReduceAbove())));
            }
            return Command.Result.ok("pain " + pain.level() + "/10 recorded");
        }
        if (command instanceof Command.ReportCheckin checkin) {
            out.emit(Event.of(EventType.CHECKIN_RECORDED, AlertState.INSTANT, now, session,
                    "Morning check-in: the back of the thigh feels " + checkin.soreness() + "/10 today.",
                    new EventDetail.CheckinReport(checkin.soreness())));
            return Command.Result.ok("check-in " + checkin.soreness() + "/10 recorded");
        }
        if (command instanceof Command.ReportSymptom symptom) {
            out.emit(Event.of(EventType.STOP_AND_SEEK_CARE, AlertState.INSTANT, now, session, symptom.symptom().advice(),
                    HoldRule.data("symptom", symptom.symptom().wireName())));
            interruptRules("symptom");
            sessions.end(now, "symptom", out);
            return Command.Result.ok("symptom " + symptom.symptom().wireName() + " recorded: stop and seek care");
        }
        if (!pressureSensed && (command instanceof Command.StartCalibration || command instanceof Command.MarkCalibration
                || command instanceof Command.CancelCalibration)) {
            return Command.Result.refused("this tool has no pressure sensor: there is nothing to calibrate");
        }
        if (command instanceof Command.StartCalibration) {
            return calibrating.start(now, session, out);
        }
        if (command instanceof Command.MarkCalibration mark) {
            return calibrating.mark(now, mark.pain(), session, out, this::apply);
        }
        if (command instanceof Command.CancelCalibration) {
            return calibrating.cancel(now, ceilingKpa(), session, out);
        }
        throw new IllegalArgumentException("unhandled command " + command);
    }

    /** Tightening is judged only on pressure readings this close together or closer (a tremor is 6-10 Hz). */
    public static long tighteningMaxStepMillis() {
        return TighteningRule.MAX_STEP_JUDGED_MS;
    }

    /**
     * The guide's rules that are off for this tool, each with why: a channel it does not measure,
     * or a pressure ceiling that waits for a calibration. Safe from any thread (reads one volatile).
     */
    public Map<String, String> rulesOff() {
        Map<String, String> off = new LinkedHashMap<>();
        if (!motionSensed) {
            String why = "the tool has no motion sensor";
            off.put("speed", why);
            off.put("warmup", why);
            off.put("friction", why);
        }
        if (!pressureSensed) {
            String why = "the tool has no pressure sensor";
            off.put("pressure", why);
            off.put("tightening", why);
            off.put("calibration", why);
        } else if (!thresholds.pressure().hasCeiling() && calibration == null) {
            off.put("pressure", "this tool's pressure figure is not a contact pressure: calibrate (pain 3, 5 and 7) to get a ceiling");
        }
        return off;
    }

    /** The ceiling in force: the calibrated (or profile's) one, times the load factor of a sore morning. */
    private double ceilingKpa() {
        return (calibration != null ? calibration.ceilingKpa() : thresholds.pressure().ceilingKpa()) * pressureFactor;
    }

    private double clearKpa() {
        return calibration != null ? calibration.ceilingKpa() * 0.9 * pressureFactor : thresholds.pressure().clearKpa() * pressureFactor;
    }

    /**
     * After a sore morning's check-in: the pressure ceilings and the leg target and limit times
     * {@code factor} (e.g. 0.8) from the next session on; 1 restores the calibrated values. A
     * session already open keeps the figures it started with; with none open, at once.
     */
    public void adapt(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("load factor must be in (0, 1], got " + factor);
        }
        sessions.loadFactor(factor);
        followLoadFactor();
    }

    /** The share of the calibrated ceilings and leg time in force now (1 unless a check-in lowered them). */
    public double loadFactor() {
        return sessions.loadFactor();
    }

    /** The pressure rule takes the session's load factor when a session starts (or at once between sessions). */
    private void followLoadFactor() {
        if (pressureFactor != sessions.loadFactor()) {
            pressureFactor = sessions.loadFactor();
            pressure.recalibrate(ceilingKpa(), clearKpa());
        }
    }

    /** The person's stored calibration, restored before the session's samples: its ceiling replaces the profile's. */
    public void restoreCalibration(Calibration c) {
        apply(c);
    }

    private void apply(Calibration c) {
        calibration = c;
        pressure.recalibrate(ceilingKpa(), clearKpa());
    }

    /**
     * The stream ended, the link dropped or the bridge is stopping: a hold in progress ends at the
     * last sample, raised conditions clear (all but {@code battery_low}: the battery stays as low as
     * it was). At the end of a stream and at a stop the session ends
     * too, so its summary is published and recorded ({@code end_of_stream}, {@code bridge_stopped}).
     */
    public void interrupt(String reason) {
        if (!any) {
            return;
        }
        interruptRules(reason);
        // Without data a sensor fault cannot be seen (a command must not clear one: it is still there).
        health.finish(motion.tMillis, sessions.number(), out);
        if (reason.equals("end_of_stream") || reason.equals("bridge_stopped")) {
            sessions.end(motion.tMillis, reason, out);
        }
    }

    private void interruptRules(String reason) {
        long last = motion.tMillis;
        int session = sessions.number();
        hold.finish(last, reason, session, out);
        speed.finish(last, session, out);
        pressure.finish(last, session, out);
    }

    /** The gyro offset learned so far; safe to call from any thread. */
    public GyroOffset gyroOffset() {
        return motion.gyroBias.snapshot();
    }

    /** Current state, for the state topic. */
    public DeviceState state() {
        Phase phase = hold.inHold() ? Phase.HOLD : friction.active() ? Phase.FRICTION : motion.contact ? Phase.ROLLING : Phase.IDLE;
        double ceiling = ceilingKpa();
        return new DeviceState(motion.tMillis, Rounding.r1(motion.pressureKpa), Rounding.r2(motion.speedCmS), phase,
                Rounding.r1(hold.elapsedMillis(motion.tMillis) / 1000.0), sessions.leg(),
                Rounding.r1(sessions.activeMillis() / 1000.0), battery, sessions.number(), ceiling,
                calibration != null ? calibration.bandLowKpa() : Double.NaN,
                calibration != null ? calibration.bandHighKpa() : Double.NaN,
                Rounding.r1(motion.positionCm), health.activeFault(),
                Double.isNaN(muscle.positionPct()) ? Double.NaN : Rounding.r1(muscle.positionPct()), muscle.liveSegments(motion.tMillis));
    }
}
