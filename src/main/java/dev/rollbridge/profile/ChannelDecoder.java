package dev.rollbridge.profile;

import dev.rollbridge.analysis.Capability;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.SampleView;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;

/**
 * Fuses a channel profile's notifications into one sample stream: each notification updates the
 * channels it carries and gives a sample, at its own time, with the latest value of every other
 * channel and that value's age ({@link SampleView#pressureAgeMillis()}, {@link SampleView#motionAgeMillis()}).
 * No sample goes out before every channel the profile measures has had a first value.
 *
 * <p>Time: these devices send no timestamps, so each notification's time is its receive time,
 * smoothed per characteristic ({@link ReceiveClock}): BLE hands notifications over in bursts, one
 * per connection event, and a burst is not a burst of motion. Samples are never placed before the
 * one before them. A notification that comes more than 2.5 periods after the last one counts the
 * missing ones as lost (the sample counter, {@link SampleView#seq()}, skips them, as a RollSense
 * counter would).
 *
 * <p>A pressure with a {@link Baseline} reads its rise over the unloaded value.
 */
public final class ChannelDecoder implements SampleDecoder {
    private static final int BATTERY = ChannelField.CHANNELS.indexOf("battery");
    /** Longest text value read: the published ones are a dozen characters. */
    static final int MAX_TEXT_BYTES = 64;
    /** Characters a text pattern may look at for one value: a sane pattern needs a few hundred. */
    static final int MATCH_BUDGET = 100_000;

    private final DeviceProfile profile;
    private final FrameDecoder.Listener listener;
    private final Map<UUID, Slot> slots = new HashMap<>();
    private final UUID batteryUuid;
    private final boolean needsPressure;
    private final boolean needsMotion;
    /** Bit i set: channel i of {@link ChannelField#CHANNELS} is carried and must have had a value before samples go out. */
    private final int requiredChannels;
    private int seenChannels;
    private final Baseline baseline;
    private final double contactKpa;

    private long frames;
    private long samples;
    private long lost;
    private long malformed;
    private long ignored;
    private long seq = -1;
    private long missedSinceSample;
    private long lastMillis = Long.MIN_VALUE;

    private double pressure = Double.NaN;
    private long pressureAt = Long.MIN_VALUE;
    private double gx = Double.NaN;
    private double gy = Double.NaN;
    private double gz = Double.NaN;
    private double ax = Double.NaN;
    private double ay = Double.NaN;
    private double az = Double.NaN;
    private long motionAt = Long.MIN_VALUE;

    private double baselineKpa = Double.NaN;
    private double restRefKpa = Double.NaN;
    private long restSince;

    private final ReusableSample current = new ReusableSample();
    private Slot lastSlot;

    /** One notification's layout with its clock and the values of one decode. */
    private static final class Slot {
        final Notification notification;
        final UUID uuid;
        final ChannelField[] fields;
        /** Each field's index in {@link ChannelField#CHANNELS}: a string switch per value was a hash per sample. */
        final int[] channels;
        final double[] values;
        final ReceiveClock clock;
        final boolean text;
        final int size;
        /** It carries a battery channel, whose range is checked. */
        final boolean battery;

        Slot(Notification notification) {
            this.notification = notification;
            this.uuid = notification.characteristic().uuid();
            this.fields = notification.fields().toArray(new ChannelField[0]);
            this.values = new double[fields.length];
            this.channels = new int[fields.length];
            for (int i = 0; i < fields.length; i++) {
                channels[i] = ChannelField.CHANNELS.indexOf(fields[i].channel());
            }
            this.clock = new ReceiveClock(notification.periodMicros());
            this.text = notification.text().isPresent();
            this.size = notification.size();
            this.battery = notification.carries("battery");
        }
    }

    public ChannelDecoder(DeviceProfile profile, FrameDecoder.Listener listener) {
        this.profile = profile;
        this.listener = listener;
        ChannelLayout layout = profile.channels().orElseThrow(() -> new IllegalArgumentException(
                "profile " + profile.name() + " sends frames: use a FrameDecoder"));
        int required = 0;
        for (Notification n : layout.notifications()) {
            Slot slot = new Slot(n);
            slots.put(n.characteristic().uuid(), slot);
            for (int channel : slot.channels) {
                if (channel != BATTERY) {
                    required |= 1 << channel;
                }
            }
        }
        this.requiredChannels = required;
        this.batteryUuid = profile.battery().map(Characteristic::uuid).orElse(null);
        this.needsPressure = profile.has(Capability.PRESSURE);
        this.needsMotion = profile.has(Capability.MOTION);
        this.baseline = layout.pressureBaseline().orElse(null);
        this.contactKpa = profile.thresholds().contact().kpa();
        if (!needsMotion) {
            gx = 0;
            gy = 0;
            gz = 0;
        }
    }

    @Override
    public FrameDecoder.Stats stats() {
        return new FrameDecoder.Stats(frames, samples, lost, lost, malformed, 0, ignored);
    }

    @Override
    public void resync() {
        // A new connection: each clock starts again at its next receive time, and values from
        // before the drop are not mixed with the new ones.
        for (Slot s : slots.values()) {
            s.clock.restart();
        }
        pressureAt = Long.MIN_VALUE;
        motionAt = Long.MIN_VALUE;
        seenChannels = 0;
    }

    @Override
    public void decode(Frame frame) {
        // Most notifications come from the fastest characteristic: ask the map only when it is not the last one's.
        Slot slot = lastSlot != null && lastSlot.uuid.equals(frame.characteristic()) ? lastSlot : slots.get(frame.characteristic());
        lastSlot = slot;
        if (slot == null) {
            if (frame.characteristic().equals(batteryUuid)) {
                decodeBattery(frame);
            } else {
                ignored++;
            }
            return;
        }
        if (!read(slot, frame)) {
            return;
        }
        frames++;
        long micros = slot.clock.place(frame.receivedMicros());
        long missed = slot.clock.missed();
        long tMillis = Math.max(Math.floorDiv(micros, 1000), lastMillis);
        lost += missed;
        // The counter the rules see counts samples and missed notifications: a notification that
        // gives no sample (no reading in it, before priming) is not a gap.
        missedSinceSample += missed;
        boolean sample = apply(slot, tMillis);
        if (sample && primed()) {
            seq += 1 + missedSinceSample;
            missedSinceSample = 0;
            emit(tMillis);
        }
    }

    /** Reads every channel of the value into the slot; false (reported) when the value does not fit the layout. */
    private boolean read(Slot slot, Frame frame) {
        if (slot.text) {
            return readText(slot, frame);
        }
        // The hot path stays small (messages are built elsewhere), so the JIT inlines it whole.
        byte[] bytes = frame.bytes();
        if (bytes.length != slot.size) {
            return wrongSize(slot, frame);
        }
        ChannelField[] fields = slot.fields;
        for (int i = 0; i < fields.length; i++) {
            double v = fields[i].read(bytes);
            if (Double.isInfinite(v)) {
                return notFinite(slot, frame, i);
            }
            slot.values[i] = v;
        }
        return !slot.battery || batteryInRange(slot, frame);
    }

    private boolean wrongSize(Slot slot, Frame frame) {
        malformed(frame, slot.notification.name() + " is " + frame.bytes().length + " bytes, expected " + slot.size);
        return false;
    }

    private boolean notFinite(Slot slot, Frame frame, int field) {
        malformed(frame, slot.notification.name() + " " + slot.fields[field].channel() + " is not a finite number");
        return false;
    }

    private boolean readText(Slot slot, Frame frame) {
        byte[] bytes = frame.bytes();
        Notification n = slot.notification;
        if (bytes.length == 0 || bytes.length > MAX_TEXT_BYTES) {
            malformed(frame, n.name() + " text is " + bytes.length + " bytes, expected 1 to " + MAX_TEXT_BYTES);
            return false;
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        // A profile's pattern is configuration, and the text comes from the device: a pattern that
        // backtracks badly must cost one value, never the pipeline thread.
        Matcher m = n.text().orElseThrow().matcher(new MatchBudget(text, MATCH_BUDGET));
        boolean matches;
        try {
            matches = m.matches();
        } catch (MatchBudget.Exhausted e) {
            malformed(frame, n.name() + " text '" + printable(text) + "' took over " + MATCH_BUDGET
                    + " steps to match " + n.text().orElseThrow().pattern() + ": simplify the profile's pattern");
            return false;
        }
        if (!matches) {
            malformed(frame, n.name() + " text '" + printable(text) + "' does not match " + n.text().orElseThrow().pattern());
            return false;
        }
        for (int i = 0; i < slot.fields.length; i++) {
            double v = slot.fields[i].parse(m);
            if (Double.isInfinite(v)) {
                return notFinite(slot, frame, i);
            }
            slot.values[i] = v;
        }
        return !slot.battery || batteryInRange(slot, frame);
    }

    private boolean batteryInRange(Slot slot, Frame frame) {
        for (int i = 0; i < slot.fields.length; i++) {
            double v = slot.values[i];
            if (slot.channels[i] == BATTERY && !Double.isNaN(v) && (v < 0 || v > 100)) {
                malformed(frame, slot.notification.name() + " battery level " + v + " % is out of range [0, 100]");
                return false;
            }
        }
        return true;
    }

    /** Takes the slot's values (NaN: no reading, the last one stays); true when a pressure or motion channel came. */
    private boolean apply(Slot slot, long tMillis) {
        boolean any = false;
        boolean motion = false;
        for (int i = 0; i < slot.fields.length; i++) {
            double v = slot.values[i];
            if (Double.isNaN(v)) {
                continue;
            }
            seenChannels |= 1 << slot.channels[i];
            switch (slot.channels[i]) {
                case 0 -> {
                    pressure = baseline == null ? v : rise(v, tMillis);
                    pressureAt = tMillis;
                    any = true;
                }
                case 1 -> {
                    gx = v;
                    motion = true;
                }
                case 2 -> {
                    gy = v;
                    motion = true;
                }
                case 3 -> {
                    gz = v;
                    motion = true;
                }
                case 4 -> {
                    ax = v;
                    motion = true;
                }
                case 5 -> {
                    ay = v;
                    motion = true;
                }
                case 6 -> {
                    az = v;
                    motion = true;
                }
                case 7 -> battery(tMillis, v);
                default -> throw new IllegalStateException("unknown channel " + slot.fields[i].channel());
            }
        }
        if (motion) {
            motionAt = tMillis;
        }
        return any || motion;
    }

    /**
     * The rise over the baseline, never below 0: tared on the first reading, and re-zeroed to the
     * reading once it has stayed within {@code band_kpa} for {@code rest_ms}, heard throughout,
     * under the contact level (unloaded: weather and warmth move the air pressure too; a reading
     * below the baseline is unloaded too, so a tare taken while loaded heals at the next rest). A
     * reading outside the field's {@code valid} range never gets here (a barometer's 0 before it is
     * ready would otherwise be a tare no rest could correct).
     */
    private double rise(double kpa, long tMillis) {
        if (Double.isNaN(baselineKpa)) {
            baselineKpa = kpa;
            restRefKpa = kpa;
            restSince = tMillis;
            return 0;
        }
        double rise = kpa - baselineKpa;
        boolean heardThroughout = pressureAt != Long.MIN_VALUE && tMillis - pressureAt <= baseline.restMs();
        if (!heardThroughout || Math.abs(kpa - restRefKpa) > baseline.bandKpa()) {
            restRefKpa = kpa;
            restSince = tMillis;
        } else if (rise < contactKpa && tMillis - restSince >= baseline.restMs()) {
            baselineKpa = kpa;
            restRefKpa = kpa;
            restSince = tMillis;
            rise = 0;
        }
        return Math.max(0, rise);
    }

    private void battery(long tMillis, double percent) {
        listener.onBattery(tMillis, (int) Math.round(percent));
    }

    private boolean primed() {
        return (seenChannels & requiredChannels) == requiredChannels;
    }

    private void emit(long tMillis) {
        lastMillis = tMillis;
        samples++;
        ReusableSample s = current;
        s.tMillis = tMillis;
        s.seq = seq;
        s.pressureKpa = needsPressure ? pressure : Double.NaN;
        s.pressureAgeMillis = needsPressure ? Math.max(0, tMillis - pressureAt) : 0;
        s.gxDps = gx;
        s.gyDps = gy;
        s.gzDps = gz;
        s.axG = ax;
        s.ayG = ay;
        s.azG = az;
        s.motionAgeMillis = needsMotion ? Math.max(0, tMillis - motionAt) : 0;
        listener.onSample(s);
    }

    private void decodeBattery(Frame frame) {
        FieldSpec level = profile.batteryLevel();
        if (frame.bytes().length < level.end()) {
            malformed(frame, "battery level is " + frame.bytes().length + " bytes, expected at least " + level.end());
            return;
        }
        double percent = level.value(frame.bytes(), 0, ByteOrder.LITTLE_ENDIAN);
        if (!(percent >= 0 && percent <= 100)) {
            malformed(frame, "battery level " + percent + " % is out of range [0, 100]");
            return;
        }
        listener.onBattery(lastMillis == Long.MIN_VALUE ? frame.receivedMicros() / 1000 : lastMillis, (int) Math.round(percent));
    }

    private void malformed(Frame frame, String reason) {
        malformed++;
        listener.onMalformed(frame, reason);
    }

    private static String printable(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }

    /**
     * Places a characteristic's notifications on a steady time line from their receive times: a
     * second-order loop (phase and period) that follows the device's real rate and averages out
     * the bursts BLE delivers them in. Starts at the first receive time. A notification counts
     * those before it as missed only when it comes more than 2.5 periods, and more than 2.5 of the
     * link's own gaps between bursts, after the last: a 50 ms connection interval hands a 100 Hz
     * stream over five at a time, and those gaps are not losses. A receive time more than
     * {@value #RESTART_PERIODS} periods (and bursts) off the line starts it again there.
     */
    static final class ReceiveClock {
        private static final double PHASE_GAIN = 0.1;
        private static final double PERIOD_GAIN = 0.005;
        private static final double BURST_GAIN = 0.05;
        private static final double RESTART_PERIODS = 50;
        private final double nominal;
        private double period;
        private double t;
        private boolean started;
        private long missed;
        private long lastReceived;
        /** The link's typical gap between bursts (µs): receive gaps of more than half a period, averaged. */
        private double burstGap;

        ReceiveClock(long periodMicros) {
            this.nominal = periodMicros;
            this.period = periodMicros;
        }

        void restart() {
            started = false;
        }

        /** Notifications missed before the one just placed. */
        long missed() {
            return missed;
        }

        long place(long receivedMicros) {
            missed = 0;
            if (!started) {
                started = true;
                t = receivedMicros;
                lastReceived = receivedMicros;
                return receivedMicros;
            }
            long gap = receivedMicros - lastReceived;
            lastReceived = receivedMicros;
            double sinceLast = receivedMicros - t;
            double slack = Math.max(period, burstGap);
            if (Math.abs(sinceLast) > RESTART_PERIODS * slack) {
                missed = sinceLast > 0 ? Math.max(0, Math.round(sinceLast / period) - 1) : 0;
                t = receivedMicros;
                return receivedMicros;
            }
            if (gap > period / 2) {
                burstGap = burstGap == 0 ? gap : burstGap + BURST_GAIN * (Math.min(gap, 10 * period) - burstGap);
            }
            long steps = 1;
            if (sinceLast > 2.5 * slack) {
                // The line already runs at the link's mean lag: the count is off by half a burst at most.
                steps = Math.max(1, Math.round(sinceLast / period));
                missed = steps - 1;
            }
            double predicted = t + steps * period;
            double error = receivedMicros - predicted;
            t = predicted + PHASE_GAIN * error;
            if (steps == 1) {
                // A step over missed ones says nothing of the rate: only single steps teach it.
                period = Math.max(nominal * 0.5, Math.min(nominal * 2, period + PERIOD_GAIN * error));
            }
            return Math.round(t);
        }
    }


    /** The text a pattern matches, counting the characters it reads; past the budget the match ends. */
    static final class MatchBudget implements CharSequence {
        /** Thrown out of the match when the budget is spent. */
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final int[] left;

        MatchBudget(String text, int budget) {
            this(text, new int[]{budget});
        }

        private MatchBudget(String text, int[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new MatchBudget(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
