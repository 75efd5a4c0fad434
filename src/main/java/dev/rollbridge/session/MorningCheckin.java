package dev.rollbridge.session;

import dev.rollbridge.analysis.EventType;
import dev.rollbridge.json.Json;
import dev.rollbridge.mqtt.contract.Payloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tomorrow's check-in: the morning after a session on a device (a session with at least
 * {@value #MIN_ACTIVE_S} s under load that ended the calendar day before), at the configured time
 * or at the bridge's first look after it, a {@code checkin_due} event asks "how does the back of
 * your thigh feel today, 0-10?". The answer ({@code {"checkin": N}}, one per device and day, a
 * later one replacing it) joins the pain trend, and {@link CheckinAdaptation} decides whether the
 * next session's ceilings and leg time are lowered or back to the calibrated values; a change is
 * applied to the device's pipeline and said in a {@code session_adapted} event.
 *
 * <p>Not thread-safe: every method but {@link #info()} runs on the history thread, the store's
 * one user. Wall-clock days and times come from the injected clock; analysis never sees them.
 */
public final class MorningCheckin {
    private static final Logger log = LoggerFactory.getLogger(MorningCheckin.class);
    public static final String QUESTION = "How does the back of your thigh feel today, 0-10?";
    /** A session this long under load or longer asks for a check-in the morning after; a bump of the tool does not. */
    public static final int MIN_ACTIVE_S = 60;

    /** The check-in's configuration: on or off, the local time it is asked, the factor of a sore morning. */
    public record Settings(boolean enabled, LocalTime time, double factor) {
        public static final LocalTime DEFAULT_TIME = LocalTime.of(8, 0);
        public static final double DEFAULT_FACTOR = 0.8;

        public Settings {
            Objects.requireNonNull(time, "time");
            if (!(factor >= 0.5 && factor <= 1)) {
                throw new IllegalArgumentException("checkin factor must be from 0.5 to 1, got " + factor);
            }
        }

        public static Settings defaults() {
            return new Settings(true, DEFAULT_TIME, DEFAULT_FACTOR);
        }

        /** As {@code bridge/info} shows it. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("enabled", enabled);
            m.put("time", time.toString());
            m.put("factor", factor);
            return m;
        }
    }

    /** What the check-in acts on: the bridge's devices, their pipelines and the broker. */
    public interface Target {
        List<String> devices();

        /** An event of the device, sent in order with its others (see {@code DevicePipeline.announce}). */
        void announce(String device, EventType type, String message, Map<String, Object> data);

        /** The device's next session runs at {@code factor} of the calibrated ceilings and leg time. */
        void adapt(String device, double factor);

        /** The device's retained {@code <device>/checkin} payload. */
        void publishState(String device, byte[] payload);

        /** The adaptation shown in {@code bridge/info} changed. */
        void infoChanged();
    }

    private final HistoryStore store;
    private final Clock clock;
    private final ZoneId zone;
    private final Settings settings;
    private final Target target;
    /** Per device, the adaptation in force: read by {@code bridge/info} from other threads. */
    private final Map<String, CheckinAdaptation> adaptations = new ConcurrentHashMap<>();
    /** Per device, the day whose check-in has been decided (asked, or nothing to ask): no store read until tomorrow. */
    private final Map<String, LocalDate> decided = new LinkedHashMap<>();
    private LocalDate stateDay;

    public MorningCheckin(HistoryStore store, Clock clock, Settings settings, Target target) {
        this.store = store;
        this.clock = clock;
        this.zone = clock.getZone();
        this.settings = settings;
        this.target = target;
    }

    public Settings settings() {
        return settings;
    }

    /** At start: each device's adaptation from its stored check-ins (applied quietly), its state, and a first look. */
    public void start() {
        for (String device : target.devices()) {
            guarded(device, "read the stored check-ins", () -> load(device));
        }
        target.infoChanged();
        tick();
        publishStates();
    }

    /** The device's adaptation from its stored check-ins, applied quietly: the next session starts at it. */
    private void load(String device) {
        CheckinAdaptation a = adaptation(device);
        if (a.lowered()) {
            target.adapt(device, a.factor());
            log.info("device {}: the next session's ceilings and leg time are at {} of the calibrated values after the sore "
                    + "morning of {}", device, a.factor(), a.since());
        }
        adaptations.put(device, a); // only once applied: a failure is read and applied again at the next look
    }

    /**
     * The regular look (every half minute): asks each device's check-in once it is due; at
     * midnight the states roll over. A device whose stored check-ins could not be read at the
     * start is read again; a device's failure is logged and tried again at the next look, and
     * never keeps the other devices' question from being asked.
     */
    public void tick() {
        ZonedDateTime now = clock.instant().atZone(zone);
        LocalDate today = now.toLocalDate();
        if (!today.equals(stateDay) && stateDay != null) {
            publishStates(); // yesterday's question is no longer due
        }
        for (String device : target.devices()) {
            if (!adaptations.containsKey(device) && guarded(device, "read the stored check-ins", () -> load(device))) {
                target.infoChanged();
            }
        }
        if (now.toLocalTime().isBefore(settings.time())) {
            return;
        }
        for (String device : target.devices()) {
            if (!today.equals(decided.get(device)) && guarded(device, "ask the morning check-in", () -> ask(device, now))) {
                decided.put(device, today);
            }
        }
    }

    /** Asks the device's check-in today unless it was asked or answered, or no session ended yesterday. */
    private void ask(String device, ZonedDateTime now) {
        LocalDate today = now.toLocalDate();
        if (store.checkinAsked(device, today) || answer(device, today) != null) {
            return;
        }
        List<SessionRecord> yesterday = sessionsOn(device, today.minusDays(1));
        if (yesterday.isEmpty()) {
            return;
        }
        SessionRecord lastSession = yesterday.get(yesterday.size() - 1);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("question", QUESTION);
        data.put("day", today.toString());
        data.put("session_day", today.minusDays(1).toString());
        data.put("sessions", yesterday.size());
        data.put("leg", lastSession.leg());
        data.put("command", "{\"checkin\": N}");
        target.announce(device, EventType.CHECKIN_DUE, QUESTION + " (after yesterday's session)", data);
        // Marked after it was asked: a failure in between asks again at the next look rather than never.
        store.markCheckinAsked(device, today, now.toInstant());
        publishState(device);
    }

    /** Runs one device's part of a look; false (logged) when it failed. */
    private static boolean guarded(String device, String what, Runnable task) {
        try {
            task.run();
            return true;
        } catch (RuntimeException e) {
            log.warn("device {}: could not {} (tried again at the next look): {}", device, what, e.toString());
            return false;
        }
    }

    /**
     * A check-in answer of the device, given at {@code ts}: stored for that day (replacing an
     * earlier one), the adaptation redone and, if it changed, applied and announced.
     */
    public void answered(String device, int soreness, Instant ts) {
        LocalDate day = ts.atZone(zone).toLocalDate();
        store.recordCheckin(device, day, ts, soreness);
        CheckinAdaptation before = adaptations.getOrDefault(device, CheckinAdaptation.NONE);
        CheckinAdaptation after = adaptation(device);
        adaptations.put(device, after);
        if (after.lowered() != before.lowered()) {
            target.adapt(device, after.factor());
            Map<String, Object> data = after.toMap();
            data.put("ceilings_and_leg_time", after.lowered() ? "lowered" : "calibrated");
            // Restored not by two good mornings but by correcting the sore morning's own answer.
            boolean corrected = !after.lowered() && day.equals(before.since());
            data.put("reason", after.lowered() ? "sore_morning" : corrected ? "corrected" : "good_mornings");
            String message = corrected
                    ? String.format(Locale.ROOT, "This morning's check-in is now %d/10, not a sore morning after all: the next "
                            + "session is back to your calibrated pressure ceiling and leg time.", soreness)
                    : after.message();
            target.announce(device, EventType.SESSION_ADAPTED, message, data);
        }
        if (!after.equals(before)) {
            target.infoChanged(); // not for a repeated answer: a flood of commands is not a flood of bridge/info
        }
        publishState(device);
    }

    /** {@code bridge/info}'s {@code checkin}: the settings and each device's adaptation. Safe from any thread. */
    public Map<String, Object> info() {
        Map<String, Object> m = settings.toMap();
        m.put("question", QUESTION);
        Map<String, Object> devices = new LinkedHashMap<>();
        for (String device : target.devices()) {
            devices.put(device, adaptations.getOrDefault(device, CheckinAdaptation.NONE).toMap());
        }
        m.put("devices", devices);
        return m;
    }

    /** Every device's retained state again (on a connect, at midnight). */
    public void publishStates() {
        stateDay = clock.instant().atZone(zone).toLocalDate();
        for (String device : target.devices()) {
            publishState(device);
        }
    }

    private void publishState(String device) {
        target.publishState(device, Json.bytes(state(device)));
    }

    /** The retained {@code <device>/checkin} payload now. */
    Map<String, Object> state(String device) {
        Instant now = clock.instant();
        LocalDate today = now.atZone(zone).toLocalDate();
        boolean asked = store.checkinAsked(device, today);
        Integer answer = answer(device, today);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", device);
        m.put("ts", Payloads.iso(now));
        m.put("day", today.toString());
        m.put("question", QUESTION);
        m.put("asked", asked);
        m.put("due", asked && answer == null);
        m.put("answer", answer);
        m.put("time", settings.time().toString());
        m.put("adaptation", adaptations.getOrDefault(device, CheckinAdaptation.NONE).toMap());
        return m;
    }

    private Integer answer(String device, LocalDate day) {
        List<HistoryStore.Checkin> today = store.checkins(device, day);
        return today.stream().filter(c -> c.day().equals(day)).map(HistoryStore.Checkin::soreness).findFirst().orElse(null);
    }

    private CheckinAdaptation adaptation(String device) {
        LocalDate today = clock.instant().atZone(zone).toLocalDate();
        return CheckinAdaptation.of(store.checkins(device, today.minusDays(CheckinAdaptation.WINDOW_DAYS)), settings.factor());
    }

    private List<SessionRecord> sessionsOn(String device, LocalDate day) {
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        return store.sessions(device, from).stream().filter(s -> s.ended().isBefore(to) && s.activeS() >= MIN_ACTIVE_S).toList();
    }
}
