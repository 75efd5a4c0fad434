package dev.rollbridge.analysis;

import dev.rollbridge.profile.Sample;
import dev.rollbridge.profile.Thresholds;

/**
 * The guide's rules for one device: a pure, single-threaded function of the sample stream. No
 * clock, no I/O, no locks: the same samples always give the same events at the same sample
 * times, whether they arrive live or from a replay at any speed.
 *
 * <p>A session starts at the first contact after {@code session_idle_ms} without contact (or at
 * the first contact ever); warm-up time and active time count per session.
 */
public final class Analyzer {
    private final Thresholds thresholds;
    private final EventSink out;
    private final Motion motion;
    private final HoldRule hold;
    private final SpeedRule speed;
    private final PressureRule pressure;
    private final WarmupRule warmup;

    private int session;
    private long lastContactMillis = Long.MIN_VALUE;
    private long activeMillis;
    private int battery = -1;
    private boolean any;

    public Analyzer(Thresholds thresholds, double contactRadiusCm, EventSink out) {
        this.thresholds = thresholds;
        this.out = out;
        this.motion = new Motion(thresholds, contactRadiusCm);
        this.hold = new HoldRule(thresholds);
        this.speed = new SpeedRule(thresholds);
        this.pressure = new PressureRule(thresholds);
        this.warmup = new WarmupRule(thresholds);
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public void onSample(Sample sample) {
        any = true;
        motion.update(sample);
        if (motion.contact) {
            if (session == 0 || motion.tMillis - lastContactMillis >= thresholds.sessionIdleMs()) {
                session++;
                activeMillis = 0;
                warmup.newSession();
            }
            lastContactMillis = motion.tMillis;
            activeMillis += motion.stepMillis;
        }
        pressure.onSample(motion, session, out);
        hold.onSample(motion, session, out);
        warmup.onSample(motion, hold.startedNow(), session, out);
        speed.onSample(motion, session, out);
    }

    public void onBattery(int percent) {
        battery = percent;
    }

    /**
     * The stream ended or the link dropped: a hold in progress ends at the last sample, raised
     * conditions clear, and the next sample starts afresh (without starting a new session).
     */
    public void interrupt(String reason) {
        if (!any) {
            return;
        }
        long last = motion.tMillis;
        hold.finish(last, reason, session, out);
        speed.finish(last, session, out);
        pressure.finish(last, session, out);
    }

    /** Current state, for the state topic. */
    public DeviceState state() {
        Phase phase = hold.inHold() ? Phase.HOLD : motion.contact ? Phase.ROLLING : Phase.IDLE;
        return new DeviceState(motion.tMillis, Rounding.r1(motion.pressureKpa), Rounding.r2(motion.speedCmS), phase,
                Rounding.r1(hold.elapsedMillis(motion.tMillis) / 1000.0), "unknown",
                Rounding.r1(activeMillis / 1000.0), battery, session);
    }
}
