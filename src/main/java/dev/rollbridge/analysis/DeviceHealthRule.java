package dev.rollbridge.analysis;

import java.util.Locale;

/**
 * Device health (design §4): the battery and the sensor, judged from the stream itself.
 *
 * <ul>
 * <li>{@code battery_low}: raised at or below {@value #BATTERY_LOW_PERCENT} %, once per drop;
 * cleared at {@value #BATTERY_CLEAR_PERCENT} % or more (a charge), so a level wavering at the
 * edge is one alert, not many.</li>
 * <li>{@code sensor_fault}, raised and cleared per kind ({@code data.kind}):
 * <ul>
 * <li>{@code pressure_stuck}: the pressure reads exactly the same loaded value for
 * {@value #STUCK_MS} ms while the gyro shows rolling for {@value #STUCK_ROLLING_MS} ms of it: a
 * tool rolled under load never reads one value that long (noise alone moves it); cleared at the
 * first other value;</li>
 * <li>{@code pressure_pinned} / {@code gyro_saturated}: a reading at the most its field can carry
 * ({@link SensorRange}) for {@value #PINNED_MS} ms; cleared when it leaves;</li>
 * <li>{@code data_loss}: in two blocks of {@value #LOSS_BLOCK_MS} ms of sample time in a row (a
 * burst of loss is ordinary radio; ten seconds of it is not), samples missing from the device's
 * count ({@code seq}) are {@value #LOSS_RAISE} or more of those due, or at least
 * {@value #MALFORMED_RAISE} frames, and as many as {@value #MALFORMED_SHARE} of the samples
 * received, failed to decode (or {@value #MALFORMED_IN_ROW} frames in a row with no sample
 * between: a device that does not speak its profile); cleared by a block under
 * {@value #LOSS_CLEAR} missing and under half that share failing.</li>
 * </ul></li>
 * </ul>
 * A link that drops ends what cannot be seen without data: raised sensor faults clear, the
 * battery's does not.
 */
final class DeviceHealthRule {
    static final int BATTERY_LOW_PERCENT = 15;
    static final int BATTERY_CLEAR_PERCENT = 20;
    static final long STUCK_MS = 3_000;
    static final long STUCK_ROLLING_MS = 1_000;
    static final long PINNED_MS = 500;
    private static final double PINNED_FRACTION = 0.995;
    static final long LOSS_BLOCK_MS = 5_000;
    static final double LOSS_RAISE = 0.20;
    static final double LOSS_CLEAR = 0.10;
    static final int MALFORMED_RAISE = 10;
    static final double MALFORMED_SHARE = 0.05;
    /** Frames in a row that fail to decode, with no sample between: no block of samples will ever close. */
    static final int MALFORMED_IN_ROW = 50;

    /** A channel of a fused stream not heard for this long (others still coming) is a fault. */
    static final long SILENT_MS = 3_000;

    enum Fault {
        PRESSURE_STUCK, PRESSURE_PINNED, GYRO_SATURATED, DATA_LOSS, CHANNEL_SILENT;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Thresholds thresholds;
    private final double pressurePinnedKpa;
    private final double gyroSaturatedDps;
    private final boolean[] raised = new boolean[Fault.values().length];

    private boolean batteryLow;

    private double stuckValue = Double.NaN;
    private long stuckSince;
    private long stuckRollingMillis;
    private long pinnedSince = -1;
    private long saturatedSince = -1;

    private long lastSeq = -1;
    private long blockStart = -1;
    private long blockReceived;
    private long blockLost;
    private int blockMalformed;
    private boolean previousBlockBad;
    private int malformedInRow;
    private volatile double lossRate;

    DeviceHealthRule(Thresholds thresholds, SensorRange range) {
        this.thresholds = thresholds;
        this.pressurePinnedKpa = range.pressureMaxKpa() * PINNED_FRACTION;
        this.gyroSaturatedDps = range.gyroMaxDps() * PINNED_FRACTION;
    }

    /** Share of samples missing in the last full block of sample time (0 until one has passed). */
    double lossRate() {
        return lossRate;
    }

    boolean raised(Fault fault) {
        return raised[fault.ordinal()];
    }

    /** The first raised fault, or null: for the state topic. */
    String activeFault() {
        for (Fault f : Fault.values()) {
            if (raised[f.ordinal()]) {
                return f.wireName();
            }
        }
        return null;
    }

    void onBattery(int percent, long now, int session, EventSink out) {
        if (!batteryLow && percent <= BATTERY_LOW_PERCENT) {
            batteryLow = true;
            out.emit(Event.of(EventType.BATTERY_LOW, AlertState.RAISED, now, session,
                    "Battery at " + percent + " %: charge the tool soon.", HoldRule.data("battery", percent)));
        } else if (batteryLow && percent >= BATTERY_CLEAR_PERCENT) {
            batteryLow = false;
            out.emit(Event.of(EventType.BATTERY_LOW, AlertState.CLEARED, now, session,
                    "Battery back at " + percent + " %.", HoldRule.data("battery", percent)));
        }
    }

    /** A frame failed to decode; {@code now} is the last sample time. Frames that all fail raise data_loss by themselves. */
    void onMalformedFrame(long now, int session, EventSink out) {
        blockMalformed++;
        malformedInRow++;
        if (malformedInRow == MALFORMED_IN_ROW && !raised(Fault.DATA_LOSS)) {
            set(Fault.DATA_LOSS, true, now, session, out,
                    MALFORMED_IN_ROW + " frames in a row failed to decode: the device may not speak this profile, or its firmware changed.");
        }
    }

    void onSample(Motion m, long seq, double gx, double gy, double gz, int session, EventSink out) {
        checkStuck(m, session, out);
        checkSilent(m, session, out);
        boolean pinned = m.pressureKpa >= pressurePinnedKpa;
        pinnedSince = condition(Fault.PRESSURE_PINNED, pinned, pinnedSince, m.tMillis, session, out,
                "The pressure sensor reads the most it can: it may be damaged or overloaded.");
        boolean saturated = Math.abs(gx) >= gyroSaturatedDps || Math.abs(gy) >= gyroSaturatedDps || Math.abs(gz) >= gyroSaturatedDps;
        saturatedSince = condition(Fault.GYRO_SATURATED, saturated, saturatedSince, m.tMillis, session, out,
                "The gyro reads the most it can: speeds are not reliable.");
        countLoss(m.tMillis, seq, session, out);
    }

    /**
     * A characteristic of a fused stream that stopped while the others go on: its last value would
     * be held for ever (a pressure still "loaded", a tool still "rolling"), so that is a fault.
     */
    private void checkSilent(Motion m, int session, EventSink out) {
        long age = Math.max(m.pressureAgeMillis, m.motionAgeMillis);
        if (!raised(Fault.CHANNEL_SILENT) && age >= SILENT_MS) {
            set(Fault.CHANNEL_SILENT, true, m.tMillis, session, out, String.format(Locale.ROOT,
                    "No %s value for %d s while the device sends others: one of its characteristics stopped; "
                            + "what is shown of it is old.", m.pressureAgeMillis >= SILENT_MS ? "pressure" : "motion", age / 1000));
        } else if (raised(Fault.CHANNEL_SILENT) && age < SILENT_MS) {
            set(Fault.CHANNEL_SILENT, false, m.tMillis, session, out, "Every channel reads again.");
        }
    }

    private void checkStuck(Motion m, int session, EventSink out) {
        double p = m.pressureKpa;
        if (p != stuckValue) {
            if (raised(Fault.PRESSURE_STUCK)) {
                set(Fault.PRESSURE_STUCK, false, m.tMillis, session, out, "The pressure sensor reads again.");
            }
            stuckValue = p;
            stuckSince = m.tMillis;
            stuckRollingMillis = 0;
            return;
        }
        if (m.speedCmS >= thresholds.warmup().rollingMinCmS()) {
            stuckRollingMillis += m.stepMillis;
        }
        if (!raised(Fault.PRESSURE_STUCK) && p >= thresholds.contact().kpa() && m.tMillis - stuckSince >= STUCK_MS
                && stuckRollingMillis >= STUCK_ROLLING_MS) {
            set(Fault.PRESSURE_STUCK, true, m.tMillis, session, out, String.format(Locale.ROOT,
                    "The pressure has read %.1f kPa for %d s while the tool rolled: the sensor may be stuck.", p, (m.tMillis - stuckSince) / 1000));
        }
    }

    /** A condition that must hold for {@link #PINNED_MS} to raise; clears when it stops. Returns the new "since". */
    private long condition(Fault fault, boolean now, long since, long t, int session, EventSink out, String message) {
        if (!now) {
            if (raised(fault)) {
                set(fault, false, t, session, out, "The sensor reads normally again.");
            }
            return -1;
        }
        long start = since < 0 ? t : since;
        if (!raised(fault) && t - start >= PINNED_MS) {
            set(fault, true, t, session, out, message);
        }
        return start;
    }

    private void countLoss(long t, long seq, int session, EventSink out) {
        malformedInRow = 0;
        if (lastSeq >= 0 && seq > lastSeq) {
            blockLost += seq - lastSeq - 1;
        }
        lastSeq = seq;
        blockReceived++;
        if (blockStart < 0) {
            blockStart = t;
            return;
        }
        if (t - blockStart < LOSS_BLOCK_MS) {
            return;
        }
        double loss = (double) blockLost / Math.max(1, blockLost + blockReceived);
        lossRate = loss;
        boolean bad = loss >= LOSS_RAISE || blockMalformed >= MALFORMED_RAISE && blockMalformed >= MALFORMED_SHARE * blockReceived;
        boolean sustained = bad && previousBlockBad;
        previousBlockBad = bad;
        if (!raised(Fault.DATA_LOSS) && sustained) {
            set(Fault.DATA_LOSS, true, t, session, out, loss >= LOSS_RAISE
                    ? String.format(Locale.ROOT, "%.0f %% of the samples went missing for %d s: move the tool closer to the bridge.",
                    loss * 100, 2 * LOSS_BLOCK_MS / 1000)
                    : String.format(Locale.ROOT, "%d frames failed to decode in %d s: a weak link, or the device does not speak this profile.",
                    blockMalformed, LOSS_BLOCK_MS / 1000));
        } else if (raised(Fault.DATA_LOSS) && loss < LOSS_CLEAR && blockMalformed < MALFORMED_SHARE * blockReceived / 2) {
            set(Fault.DATA_LOSS, false, t, session, out, "Samples arrive whole again.");
        }
        blockStart = t;
        blockReceived = 0;
        blockLost = 0;
        blockMalformed = 0;
    }

    private void set(Fault fault, boolean on, long t, int session, EventSink out, String message) {
        raised[fault.ordinal()] = on;
        out.emit(Event.of(EventType.SENSOR_FAULT, on ? AlertState.RAISED : AlertState.CLEARED, t, session, message,
                HoldRule.data("kind", fault.wireName())));
    }

    /** The link dropped or the stream ended: the count starts again, and raised sensor faults clear. */
    void finish(long lastMillis, int session, EventSink out) {
        for (Fault f : Fault.values()) {
            if (raised(f)) {
                set(f, false, lastMillis, session, out, "No data from the sensor: its fault is no longer observed.");
            }
        }
        stuckValue = Double.NaN;
        pinnedSince = -1;
        saturatedSince = -1;
        lastSeq = -1;
        blockStart = -1;
        blockReceived = 0;
        blockLost = 0;
        blockMalformed = 0;
        previousBlockBad = false;
        malformedInRow = 0;
        lossRate = 0;
    }
}
