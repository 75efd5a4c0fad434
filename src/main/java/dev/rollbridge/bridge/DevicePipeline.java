package dev.rollbridge.bridge;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Analyzer;
import dev.rollbridge.analysis.GyroOffset;
import dev.rollbridge.analysis.Calibration;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.SampleDecoder;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.stream.SampleView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One device's path from frames to events: a bounded queue that the transport fills without
 * blocking its radio thread, drained by one thread that decodes (profile) and analyses. Bad
 * frames are counted and skipped; nothing a device sends can stop the pipeline.
 */
public final class DevicePipeline implements FrameSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevicePipeline.class);
    /** How often (in sample time) a fresh state snapshot is handed on. */
    private static final long STATE_EVERY_MS = 100;

    /** Where the pipeline's results go; called on the pipeline thread. */
    public interface Listener {
        void onEvent(String deviceId, Event event);

        void onState(String deviceId, DeviceState state);

        void onLink(String deviceId, boolean up);
    }

    /** Health counters. */
    public record Stats(int queueDepth, long queueDropped, FrameDecoder.Stats decoder, GyroOffset gyroOffset, double lossRate,
                        long pressureGlitches) {
    }

    private record LinkChange(boolean up) {
    }

    private record EndOfStream() {
    }

    /** The bridge is stopping: end what is open (a hold, the session) and leave the loop. */
    private record Shutdown() {
    }

    private record RestoreCalibration(Calibration calibration) {
    }

    private record Adapt(double factor) {
    }

    private record Announcement(EventType type, String message, Map<String, Object> data) {
    }

    private record PendingCommand(Command command, Consumer<Command.Result> done) {
    }

    private final String deviceId;
    private final DeviceProfile profile;
    private final Listener listener;
    private final BlockingQueue<Object> queue;
    private final SampleDecoder decoder;
    private final Analyzer analyzer;
    private final boolean coached;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopping;
    private volatile Optional<Calibration> calibration;
    private volatile double loadFactor = 1.0;
    private volatile FrameDecoder.Stats decoderStats = new FrameDecoder.Stats(0, 0, 0, 0, 0, 0, 0);
    private int framesSinceStats;
    private long lastStateMillis = Long.MIN_VALUE / 2; // far past, without overflow when subtracted

    public DevicePipeline(String deviceId, DeviceProfile profile, Thresholds thresholds, int queueCapacity, Listener listener) {
        this(deviceId, profile, thresholds, Optional.empty(), queueCapacity, listener);
    }

    /** @param calibration the person's stored calibration for this device, if any */
    public DevicePipeline(String deviceId, DeviceProfile profile, Thresholds thresholds, Optional<Calibration> calibration,
                          int queueCapacity, Listener listener) {
        this(deviceId, profile, thresholds, calibration, false, queueCapacity, listener);
    }

    /**
     * @param calibration the person's stored calibration for this device, if any
     * @param coached     the spoken coach is on: its {@code coach_prompt} events come out with the rules' own
     */
    public DevicePipeline(String deviceId, DeviceProfile profile, Thresholds thresholds, Optional<Calibration> calibration,
                          boolean coached, int queueCapacity, Listener listener) {
        this.deviceId = deviceId;
        this.coached = coached;
        this.profile = profile;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.analyzer = new Analyzer(thresholds, profile.contactRadiusCm(), profile.sensorRange(), profile.capabilities(), calibration,
                coached, e -> listener.onEvent(deviceId, e));
        this.calibration = calibration;
        this.decoder = SampleDecoder.of(profile, new FrameDecoder.Listener() {
            @Override
            public void onSample(SampleView sample) {
                analyzer.onSample(sample);
                if (sample.tMillis() - lastStateMillis >= STATE_EVERY_MS) {
                    lastStateMillis = sample.tMillis();
                    listener.onState(deviceId, analyzer.state());
                }
            }

            @Override
            public void onBattery(long tMillis, int percent) {
                analyzer.onBattery(percent);
            }

            @Override
            public void onMalformed(Frame frame, String reason) {
                analyzer.onMalformedFrame();
                long n = decoder.stats().malformed();
                if (n <= 3 || n % 1000 == 0) {
                    log.warn("{}: skipped a malformed frame ({} so far): {}", deviceId, n, reason);
                }
            }
        });
        this.thread = new Thread(this::drain, "pipeline-" + deviceId);
        this.thread.setDaemon(true);
    }

    public String deviceId() {
        return deviceId;
    }

    public DeviceProfile profile() {
        return profile;
    }

    public Thresholds thresholds() {
        return analyzer.thresholds();
    }

    /** The spoken coach is on for this device. */
    public boolean coached() {
        return coached;
    }

    public void start() {
        thread.start();
    }

    /** False once the pipeline thread has ended: analysis for this device has stopped. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public boolean offer(Frame frame) {
        if (queue.offer(frame)) {
            return true;
        }
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn("{}: pipeline saturated, dropped {} frame(s) so far", deviceId, n);
        }
        return false;
    }

    @Override
    public void put(Frame frame) throws InterruptedException {
        queue.put(frame);
    }

    @Override
    public void linkChanged(boolean up) {
        enqueueControl(new LinkChange(up));
    }

    @Override
    public void endOfStream() {
        enqueueControl(new EndOfStream());
    }

    private void enqueueControl(Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An item from another part of the bridge (the morning check-in's thread): waits a little for
     * a full queue but never blocks its caller for good on a pipeline that has stopped taking items.
     */
    private void enqueueFromOutside(Object item, String what) {
        try {
            if (!queue.offer(item, OUTSIDE_OFFER_S, TimeUnit.SECONDS)) {
                log.warn("{}: the pipeline took nothing for {} s; {} is dropped", deviceId, OUTSIDE_OFFER_S, what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final long OUTSIDE_OFFER_S = 5;

    /**
     * Hands a person's command to the analysis, in order with the samples; {@code done} gets the
     * result on the pipeline thread. Never blocks: a saturated pipeline refuses the command.
     */
    public void submit(Command command, Consumer<Command.Result> done) {
        if (stopping) {
            done.accept(Command.Result.refused("the bridge is stopping"));
            return;
        }
        if (!queue.offer(new PendingCommand(command, done))) {
            done.accept(Command.Result.refused("the bridge is busy with this device; try again"));
        }
    }

    /**
     * The person's stored calibration: in force from the next item on, so restored before the
     * device starts it holds for the first sample. Shown at once in {@link #calibration}.
     */
    public void restoreCalibration(Calibration stored) {
        calibration = Optional.of(stored);
        enqueueControl(new RestoreCalibration(stored));
    }

    /**
     * After a morning check-in: ceilings and leg time times {@code factor} from the next session on
     * (1 restores them), in order with the samples; see {@link Analyzer#adapt}.
     */
    public void adapt(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("load factor must be in (0, 1], got " + factor);
        }
        loadFactor = factor;
        enqueueFromOutside(new Adapt(factor), "the adapted ceilings");
    }

    /** The load factor asked for last (1 unless a sore morning lowered the next session's figures). */
    public double loadFactor() {
        return loadFactor;
    }

    /**
     * An event of this device from outside the analysis (the morning check-in's), sent on the
     * pipeline thread in order with the rules' own, stamped with the device's sample time and
     * session: so every extension (the cue, the dashboard, Home Assistant) and the outbox get it,
     * connected or not.
     */
    public void announce(EventType type, String message, Map<String, Object> data) {
        enqueueFromOutside(new Announcement(type, message, new LinkedHashMap<>(data)), "the " + type.wireName() + " event");
    }

    /** The calibration in force (stored, or made in this run). */
    public Optional<Calibration> calibration() {
        return calibration;
    }

    /** The guide's rules that are off for this device, each with why (see {@link Analyzer#rulesOff()}). */
    public Map<String, String> rulesOff() {
        Map<String, String> off = new LinkedHashMap<>(analyzer.rulesOff());
        // A stored calibration is in force from the first sample, though the analyser takes it in order with them.
        if (calibration.isPresent() && profile.has(Capability.PRESSURE)) {
            off.remove("pressure");
        }
        long pressureMs = profile.pressurePeriodMicros() / 1000;
        if (profile.has(Capability.PRESSURE) && pressureMs > Analyzer.tighteningMaxStepMillis()) {
            off.put("tightening", "the pressure comes every " + pressureMs + " ms: a muscle's 6-10 Hz tremor needs "
                    + 1000 / Analyzer.tighteningMaxStepMillis() + " Hz or faster");
        }
        return off;
    }

    /** Waits until a finite source's frames have all been analysed. */
    public boolean awaitEndOfStream(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Stats stats() {
        return new Stats(queue.size(), dropped.get(), decoderStats, analyzer.gyroOffset(), analyzer.lossRate(), analyzer.pressureGlitches());
    }

    private void drain() {
        while (running) {
            Object item;
            try {
                item = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (item == null) {
                publishStats(); // idle: let the health report catch up
                continue;
            }
            if (item instanceof Shutdown) {
                finish();
                return;
            }
            try {
                handle(item);
            } catch (RuntimeException | StackOverflowError e) {
                // A bug in a rule must not take the device down: log it (rate-limited) and keep going.
                long n = failures.incrementAndGet();
                if (n <= 3 || n % 1000 == 0) {
                    log.error("{}: pipeline failed on {} ({} failure(s) so far); continuing", deviceId, item, n, e);
                }
            }
        }
    }

    private void handle(Object item) {
        if (item instanceof Frame frame) {
            decoder.decode(frame);
            // A snapshot every 32 frames and at every other item or idle moment: not one object per frame.
            if (++framesSinceStats >= 32) {
                publishStats();
            }
            return;
        }
        publishStats();
        if (item instanceof LinkChange change) {
            if (!change.up()) {
                analyzer.interrupt("link_lost");
                // Resync here, at the drop, not when the link says it is up again: real BlueZ turns the
                // kept notification sessions back on by itself at a reconnection, and a device may stream
                // at once, so frames of the new connection can reach the queue before the "up" does.
                decoder.resync();
            }
            long t = analyzer.state().tMillis();
            listener.onLink(deviceId, change.up());
            listener.onEvent(deviceId, change.up()
                    ? Event.of(EventType.DEVICE_CONNECTED, AlertState.INSTANT, t, analyzer.state().session(),
                    "Connected to " + profile.description() + ".", Map.of("profile", profile.name()))
                    : Event.of(EventType.DEVICE_DISCONNECTED, AlertState.INSTANT, t, analyzer.state().session(),
                    "Lost the link to " + profile.description() + ".", Map.of("profile", profile.name())));
        } else if (item instanceof RestoreCalibration restore) {
            analyzer.restoreCalibration(restore.calibration());
            calibration = analyzer.calibration();
        } else if (item instanceof Adapt adapt) {
            analyzer.adapt(adapt.factor());
            listener.onState(deviceId, analyzer.state());
        } else if (item instanceof Announcement a) {
            listener.onEvent(deviceId, Event.of(a.type(), AlertState.INSTANT, analyzer.state().tMillis(), analyzer.state().session(),
                    a.message(), a.data()));
        } else if (item instanceof PendingCommand pending) {
            Command.Result result = analyzer.onCommand(pending.command());
            calibration = analyzer.calibration();
            listener.onState(deviceId, analyzer.state());
            pending.done().accept(result);
        } else if (item instanceof EndOfStream) {
            analyzer.interrupt("end_of_stream");
            listener.onState(deviceId, analyzer.state());
            ended.countDown();
        }
    }

    /** At a stop, whatever is open ends now, so its summary is published and recorded before going offline. */
    private void finish() {
        try {
            publishStats();
            analyzer.interrupt("bridge_stopped");
            listener.onState(deviceId, analyzer.state());
        } catch (RuntimeException e) {
            log.error("{}: ending the open session at shutdown failed", deviceId, e);
        }
        // Whatever came after the stop gets an answer, not silence.
        for (Object item; (item = queue.poll()) != null; ) {
            if (item instanceof PendingCommand pending) {
                pending.done().accept(Command.Result.refused("the bridge is stopping"));
            }
        }
    }

    private void publishStats() {
        if (framesSinceStats > 0) {
            framesSinceStats = 0;
            decoderStats = decoder.stats();
        }
    }

    /**
     * Stops after what is already queued has been handled, ending any open session (reason
     * {@code bridge_stopped}) on the way. The thread is asked to stop by a last queue item, not
     * interrupted: an interrupt that lands in a journal write would close the outbox's file.
     */
    @Override
    public void close() {
        stopping = true;
        if (!thread.isAlive()) {
            running = false;
            return;
        }
        try {
            if (queue.offer(new Shutdown(), 1, TimeUnit.SECONDS)) {
                thread.join(3_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{}: the pipeline did not stop within 4 s; interrupting it", deviceId);
            running = false;
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
    }
}
