package dev.rollbridge.daemon;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.cue.CueSettings;
import dev.rollbridge.session.MorningCheckin;
import dev.rollbridge.dashboard.DashboardServer;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a running bridge is made of, decided before it starts: immutable, built with
 * {@link #of} and the {@code with…} methods, each of which returns a new record.
 *
 * @param mqtt       the broker and how to reach it
 * @param connect    when the link connects
 * @param devices    where the devices come from (made while the link connects)
 * @param storage    where history and undelivered events are kept; none: memory only
 * @param features   the built-in features
 * @param configInfo the configuration shown in {@code bridge/info} (no secrets in it); empty: none
 * @param extensions more features, after the built-in ones (the console of a command, a test's probe)
 * @param alsoClose  what the daemon owns beyond the bridge (a radio, an embedded broker), closed in order after it
 * @param clock      wall time, for stamps and days (the machine's own time zone by default: a day of the history
 *                   and of the advice is the person's day, not UTC's); analysis takes its time from the samples
 */
public record DaemonOptions(MqttSettings mqtt, Topics topics, Connect connect, DeviceSource devices,
                            Optional<Storage> storage, Features features, Map<String, Object> configInfo,
                            List<Extension> extensions, List<AutoCloseable> alsoClose, Clock clock) {

    /** When the link to the broker is made. */
    public enum Connect {
        /** Once, before anything starts: a broker that does not answer within 5 s fails the start (replay, benches, tests). */
        FIRST,
        /** In the background, again and again until it answers: the bridge and its alerts run meanwhile (the daemon). */
        IN_BACKGROUND
    }

    /**
     * Where what outlives the process is kept.
     *
     * @param history  sessions, pain reports and calibrations ({@code history.db}), and trend advice from them
     * @param journal  undelivered events ({@code outbox.journal}), kept across restarts
     * @param degrade  a history or journal that cannot be opened costs only itself (the daemon: alerts
     *                 are the safety function); otherwise the start fails naming it
     */
    public record Storage(Path dataDir, String user, boolean history, boolean journal, boolean degrade) {
        /** The daemon's: history and journal, and a problem with either leaves the bridge running. */
        public static Storage daemon(Path dataDir, String user) {
            return new Storage(dataDir, user, true, true, true);
        }

        /** History only (a replay): a store that cannot be opened fails the start. */
        public static Storage historyOnly(Path dataDir, String user) {
            return new Storage(dataDir, user, true, false, false);
        }
    }

    /**
     * The built-in features beyond the core (the bridge's API and availability are always on).
     *
     * @param homeAssistantPrefix announce the devices to Home Assistant under this discovery prefix
     * @param cue                 play cues on this machine's speaker
     * @param dashboard           serve the web dashboard
     * @param healthInterval      how often {@code bridge/health} goes out
     * @param coach               the spoken coach: {@code coach_prompt} events, spoken by the cue when it speaks
     * @param checkin             the morning check-in after a session ({@code checkin_due}, the next session adapted)
     */
    public record Features(Optional<String> homeAssistantPrefix, Optional<CueSettings> cue, Optional<Dashboard> dashboard,
                           Duration healthInterval, boolean coach, MorningCheckin.Settings checkin) {
        public static Features none() {
            return new Features(Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(60), false,
                    new MorningCheckin.Settings(false, MorningCheckin.Settings.DEFAULT_TIME, MorningCheckin.Settings.DEFAULT_FACTOR));
        }

        public Features withCoach(boolean on) {
            return new Features(homeAssistantPrefix, cue, dashboard, healthInterval, on, checkin);
        }

        /** The morning check-in (with the history: it needs the stored sessions and answers). */
        public Features withCheckin(MorningCheckin.Settings settings) {
            return new Features(homeAssistantPrefix, cue, dashboard, healthInterval, coach, settings);
        }

        public Features withHomeAssistant(String prefix) {
            return new Features(Optional.of(prefix), cue, dashboard, healthInterval, coach, checkin);
        }

        public Features withCue(CueSettings settings) {
            return new Features(homeAssistantPrefix, Optional.of(settings), dashboard, healthInterval, coach, checkin);
        }

        public Features withDashboard(Dashboard page) {
            return new Features(homeAssistantPrefix, cue, Optional.of(page), healthInterval, coach, checkin);
        }

        public Features withHealthInterval(Duration interval) {
            return new Features(homeAssistantPrefix, cue, dashboard, interval, coach, checkin);
        }
    }

    /** @param announce told the page's address once it listens */
    public record Dashboard(DashboardServer.Options server, Consumer<String> announce) {
    }

    public DaemonOptions {
        configInfo = Collections.unmodifiableMap(new LinkedHashMap<>(configInfo));
        extensions = List.copyOf(extensions);
        alsoClose = List.copyOf(alsoClose);
    }

    /** These devices on this broker, connected first; nothing on disk, no features beyond the core. */
    public static DaemonOptions of(MqttSettings mqtt, Topics topics, List<Bridge.Device> devices) {
        return of(mqtt, topics, DeviceSource.of(devices));
    }

    /** The devices of this source on this broker, connected first; nothing on disk, no features beyond the core. */
    public static DaemonOptions of(MqttSettings mqtt, Topics topics, DeviceSource devices) {
        return new DaemonOptions(mqtt, topics, Connect.FIRST, devices, Optional.empty(), Features.none(), Map.of(), List.of(),
                List.of(), Clock.systemDefaultZone());
    }

    public DaemonOptions connecting(Connect when) {
        return new DaemonOptions(mqtt, topics, when, devices, storage, features, configInfo, extensions, alsoClose, clock);
    }

    public DaemonOptions withStorage(Storage where) {
        return new DaemonOptions(mqtt, topics, connect, devices, Optional.of(where), features, configInfo, extensions, alsoClose, clock);
    }

    public DaemonOptions withFeatures(Features built) {
        return new DaemonOptions(mqtt, topics, connect, devices, storage, built, configInfo, extensions, alsoClose, clock);
    }

    public DaemonOptions withConfigInfo(Map<String, Object> withoutSecrets) {
        return new DaemonOptions(mqtt, topics, connect, devices, storage, features, withoutSecrets, extensions, alsoClose, clock);
    }

    /** Adds features after those already given. */
    public DaemonOptions withExtensions(Extension... more) {
        List<Extension> all = new ArrayList<>(extensions);
        all.addAll(List.of(more));
        return new DaemonOptions(mqtt, topics, connect, devices, storage, features, configInfo, all, alsoClose, clock);
    }

    /** Adds what the daemon closes after the bridge has stopped, after those already given. */
    public DaemonOptions alsoClosing(AutoCloseable... more) {
        List<AutoCloseable> all = new ArrayList<>(alsoClose);
        all.addAll(List.of(more));
        return new DaemonOptions(mqtt, topics, connect, devices, storage, features, configInfo, extensions, all, clock);
    }

    public DaemonOptions withClock(Clock wallClock) {
        return new DaemonOptions(mqtt, topics, connect, devices, storage, features, configInfo, extensions, alsoClose, wallClock);
    }
}
