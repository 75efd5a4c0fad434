package dev.rollbridge.session;

import dev.rollbridge.analysis.Calibration;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.BridgeContext;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What outlives a session: each finished session, pain report and calibration written to the
 * {@link HistoryStore} (off the pipeline threads), the person's stored calibration restored at
 * start, and the advice the {@link TrendAdvisor} draws from the history after a session, published
 * as events of the device. Adds {@code history} to {@code bridge/health}.
 *
 * <p>Each device's {@link HistorySummary} goes out retained on {@code <base>/<device>/history}
 * (QoS 1) on every connect and after each finished session and pain report, built on the history
 * thread from the store with the bridge's wall clock.
 */
public final class SessionHistory implements Extension {
    private static final Logger log = LoggerFactory.getLogger(SessionHistory.class);

    private final HistoryStore store;
    private final String user;
    private final AtomicLong failures = new AtomicLong();
    /** The one thread that uses the store: events' writes, summaries, and the morning check-in's regular look. */
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "history");
        t.setDaemon(true);
        return t;
    });
    private final MorningCheckin.Settings checkinSettings;
    private BridgeContext bridge;
    private TrendAdvisor advisor;
    /** The morning check-in, or null when it is off (answers are then still recorded: they join the pain trend). */
    private MorningCheckin checkin;

    /** @param user whose calibration and history these are */
    public SessionHistory(HistoryStore store, String user) {
        this(store, user, new MorningCheckin.Settings(false, MorningCheckin.Settings.DEFAULT_TIME, MorningCheckin.Settings.DEFAULT_FACTOR));
    }

    /**
     * @param user    whose calibration and history these are
     * @param checkin the morning check-in's settings (off: no question, no adaptation)
     */
    public SessionHistory(HistoryStore store, String user, MorningCheckin.Settings checkin) {
        this.store = store;
        this.user = user;
        this.checkinSettings = checkin;
    }

    @Override
    public String name() {
        return "history";
    }

    @Override
    public void start(BridgeContext context) {
        this.bridge = context;
        this.advisor = new TrendAdvisor(context.clock());
        context.health("history", store::health);
        // On every connect (the first one included): a broker that restarted without persistence forgot it.
        context.publisher().alsoOnConnect(() -> {
            try {
                worker.execute(() -> context.devices().forEach(d -> publishSummary(d.id())));
            } catch (RejectedExecutionException stopped) {
                // Stopping: the last summaries went out after the last session.
            }
        });
        for (Bridge.Device d : context.devices()) {
            storedCalibration(d.id()).ifPresent(c -> {
                context.pipeline(d.id()).orElseThrow().restoreCalibration(c);
                log.info("device {}: calibrated ceiling {} kPa for user {}", d.id(), c.ceilingKpa(), user);
            });
        }
        if (checkinSettings.enabled()) {
            checkin = new MorningCheckin(store, context.clock(), checkinSettings, new CheckinTarget(context));
            context.info("checkin", checkin::info);
            context.publisher().alsoOnConnect(() -> onWorker(checkin::publishStates));
            // Before the devices start: a lowered next session is in force from their first sample.
            try {
                worker.submit(() -> guarded("start the morning check-in", checkin::start)).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("the morning check-in did not start within 10 s: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker.scheduleWithFixedDelay(() -> guarded("look for a due check-in", checkin::tick), CHECKIN_LOOK_S, CHECKIN_LOOK_S,
                    TimeUnit.SECONDS);
        } else {
            context.info("checkin", checkinSettings::toMap);
        }
    }

    /** How often (wall clock) the check-in looks whether one is due. */
    static final long CHECKIN_LOOK_S = 30;

    private void onWorker(Runnable task) {
        try {
            worker.execute(() -> guarded("publish the check-in state", task));
        } catch (RejectedExecutionException stopped) {
            // Stopping.
        }
    }

    /**
     * Runs history work: a failure is counted and logged, never lost silently, never the end of
     * the scheduled look (a periodic task that throws, even an {@code Error}, is cancelled for good).
     */
    private void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | LinkageError | StackOverflowError | AssertionError | OutOfMemoryError e) {
            long n = failures.incrementAndGet();
            if (n <= 3 || n % 100 == 0) {
                log.warn("could not {} ({} failure(s) so far): {}", what, n, e.getMessage());
            }
        }
    }

    /** The check-in acting on the running bridge. */
    private static final class CheckinTarget implements MorningCheckin.Target {
        private final BridgeContext context;

        CheckinTarget(BridgeContext context) {
            this.context = context;
        }

        @Override
        public List<String> devices() {
            return context.devices().stream().map(Bridge.Device::id).toList();
        }

        @Override
        public void announce(String device, EventType type, String message, Map<String, Object> data) {
            context.pipeline(device).ifPresent(p -> p.announce(type, message, data));
        }

        @Override
        public void adapt(String device, double factor) {
            context.pipeline(device).ifPresent(p -> p.adapt(factor));
        }

        @Override
        public void publishState(String device, byte[] payload) {
            if (context.link().isConnected()) {
                context.link().publish(context.topics().checkin(device), payload, 1, true);
            }
        }

        @Override
        public void infoChanged() {
            context.publisher().republishInfo();
        }
    }

    /** The person's stored calibration; none when the history cannot be read (the profile's ceiling holds). */
    private Optional<Calibration> storedCalibration(String deviceId) {
        try {
            return store.calibration(user, deviceId);
        } catch (RuntimeException e) {
            log.warn("device {}: cannot read the stored calibration ({}); the profile's pressure ceiling applies", deviceId, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void onEvent(String deviceId, Event event) {
        EventDetail detail = event.detail();
        if (detail instanceof EventDetail.PainReport || detail instanceof EventDetail.CalibrationDone
                || detail instanceof EventDetail.SessionSummary || detail instanceof EventDetail.CheckinReport) {
            // The session id is taken now, in event order, on the pipeline thread.
            String sessionId = bridge.publisher().sessionId(deviceId, event.session());
            worker.execute(() -> remember(deviceId, sessionId, event));
        }
    }

    /** Keeps what history needs from an event; runs on the history thread. */
    private void remember(String deviceId, String sessionId, Event event) {
        try {
            EventDetail detail = event.detail();
            if (detail instanceof EventDetail.PainReport pain) {
                store.recordPain(deviceId, bridge.clock().instant(), pain.pain());
            } else if (detail instanceof EventDetail.CheckinReport answer) {
                Instant now = bridge.clock().instant();
                if (checkin != null) {
                    checkin.answered(deviceId, answer.soreness(), now);
                } else {
                    store.recordCheckin(deviceId, now.atZone(bridge.clock().getZone()).toLocalDate(), now, answer.soreness());
                }
            } else if (detail instanceof EventDetail.CalibrationDone done) {
                store.saveCalibration(user, deviceId, done.calibration(), bridge.clock().instant());
            } else if (detail instanceof EventDetail.SessionSummary s) {
                store.recordSession(new SessionRecord(deviceId, sessionId, s.leg(), bridge.clock().instant(), s.reason(),
                        s.durationS(), s.activeS(), s.holds(), s.holdsMetTarget(), s.meanPressureKpa(), s.maxPressureKpa(),
                        s.tooFastS(), s.frictionS(), s.maxPain(), new String(Json.bytes(s.alerts()), StandardCharsets.UTF_8)));
                for (Event advice : advisor.afterSession(store, deviceId, s.leg(), event.tMillis(), event.session())) {
                    bridge.publisher().event(deviceId, advice);
                }
            }
            if (!(detail instanceof EventDetail.CalibrationDone)) {
                publishSummary(deviceId);
            }
        } catch (RuntimeException e) {
            long n = failures.incrementAndGet();
            if (n <= 3 || n % 100 == 0) {
                log.warn("{}: could not update the history for {} ({} failure(s) so far): {}", deviceId, event.type().wireName(), n,
                        e.getMessage());
            }
        }
    }

    /** The device's history summary, retained; on the history thread. Not published without a readable history. */
    private void publishSummary(String deviceId) {
        if (store.mode() == HistoryStore.Mode.UNAVAILABLE || !bridge.link().isConnected()) {
            return;
        }
        try {
            Thresholds.Sessions legs = bridge.devices().stream().filter(d -> d.id().equals(deviceId)).findFirst().orElseThrow()
                    .thresholds().sessions();
            bridge.link().publish(bridge.topics().history(deviceId),
                    HistorySummary.payload(store, deviceId, bridge.clock().instant(), bridge.clock().getZone(), legs), 1, true);
        } catch (RuntimeException e) {
            long n = failures.incrementAndGet();
            if (n <= 3 || n % 100 == 0) {
                log.warn("{}: could not publish the history summary ({} failure(s) so far): {}", deviceId, n, e.getMessage());
            }
        }
    }

    @Override
    public boolean drain(Duration timeout) throws InterruptedException {
        try {
            worker.submit(() -> { }).get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Lets the last session be recorded (and its advice queued) before the bridge goes offline. */
    @Override
    public void stop() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("the history was still being written 5 s after the devices stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
