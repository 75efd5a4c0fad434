package dev.rollbridge.daemon;

import dev.rollbridge.ble.BleException;
import dev.rollbridge.bridge.Availability;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.BridgeApi;
import dev.rollbridge.bridge.Extension;
import dev.rollbridge.cue.Cues;
import dev.rollbridge.cue.SpeakerPlayer;
import dev.rollbridge.dashboard.DashboardExtension;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.homeassistant.HomeAssistantDiscovery;
import dev.rollbridge.mqtt.link.BrokerConnector;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.SessionHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place a running bridge is put together, from {@link DaemonOptions}: the link, the
 * storage, the core ({@link Bridge}) and its features as {@link Extension}s, in a fixed order.
 * {@code run}, {@code replay}, the benchmarks and the tests all start the bridge here.
 * {@link #close} stops it all in reverse.
 */
public final class RollbridgeDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RollbridgeDaemon.class);

    private final DaemonOptions options;
    private final MqttLink link;
    private final Optional<HistoryStore> history;
    private final Bridge bridge;
    private final Thread connector;
    private boolean closed;

    private RollbridgeDaemon(DaemonOptions options, MqttLink link, Optional<HistoryStore> history, Bridge bridge,
                             Thread connector) {
        this.options = options;
        this.link = link;
        this.history = history;
        this.bridge = bridge;
        this.connector = connector;
    }

    /**
     * Builds the bridge and starts it.
     *
     * @throws BrokerConnector.BrokerUnreachableException connecting {@link DaemonOptions.Connect#FIRST}, the broker did not answer
     * @throws BleException the devices' source could not open them (no adapter, a scan that found nothing)
     * @throws IllegalStateException a store that may not degrade cannot be opened (the message names it)
     *                               <p>What {@link DaemonOptions#alsoClose} lists is the daemon's from this call on:
     *                               closed when it stops, or at once when it cannot start.
     */
    public static RollbridgeDaemon start(DaemonOptions options) throws BrokerConnector.BrokerUnreachableException, BleException {
        MqttLink link;
        try {
            link = new MqttLink(options.mqtt(), MqttPublisher.will(options.topics()));
        } catch (RuntimeException e) {
            options.devices().close();
            closeAll(options.alsoClose());
            throw e;
        }
        Thread connector = null;
        if (options.connect() == DaemonOptions.Connect.IN_BACKGROUND) {
            // The handshake overlaps opening the storage and the devices: start-up to "online" is what counts.
            connector = new Thread(() -> {
                try {
                    BrokerConnector.connectWithRetry(link);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mqtt-connect");
            connector.setDaemon(true);
            connector.start();
        }
        Optional<HistoryStore> history = Optional.empty();
        Optional<OutboxJournal> journal = Optional.empty();
        Bridge bridge = null;
        try {
            history = openHistory(options);
            journal = openJournal(options);
            List<Bridge.Device> devices = DeviceSource.checked(options.devices().open());
            if (options.connect() == DaemonOptions.Connect.FIRST) {
                BrokerConnector.connectOnce(link);
            }
            bridge = new Bridge(link, options.topics(), devices, options.clock(), journal, extensions(options, history),
                    options.features().coach());
            RollbridgeDaemon daemon = new RollbridgeDaemon(options, link, history, bridge, connector);
            bridge.start();
            return daemon;
        } catch (BrokerConnector.BrokerUnreachableException | BleException | RuntimeException e) {
            if (connector != null) {
                connector.interrupt();
            }
            if (bridge != null) {
                bridge.stop(Duration.ZERO); // closes the journal (through the outbox) and the link
            } else {
                journal.ifPresent(OutboxJournal::close);
                link.close();
            }
            history.ifPresent(HistoryStore::close);
            options.devices().close();
            closeAll(options.alsoClose());
            throw e;
        }
    }

    private static Optional<HistoryStore> openHistory(DaemonOptions options) {
        return options.storage().filter(DaemonOptions.Storage::history)
                .map(s -> s.degrade() ? HistoryStore.openOrDegrade(s.dataDir()) : HistoryStore.open(s.dataDir()));
    }

    private static Optional<OutboxJournal> openJournal(DaemonOptions options) {
        Optional<DaemonOptions.Storage> storage = options.storage().filter(DaemonOptions.Storage::journal);
        if (storage.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OutboxJournal.open(storage.get().dataDir()));
        } catch (IllegalStateException e) {
            if (!storage.get().degrade()) {
                throw e;
            }
            // A bad journal must not keep the bridge down: alerts are the safety function.
            log.warn("{}; events are kept in memory only until it can be opened (restart the daemon once it can)", e.getMessage());
            return Optional.empty();
        }
    }

    /** The features, in the order they start (and the reverse of the order they stop). */
    private static List<Extension> extensions(DaemonOptions options, Optional<HistoryStore> history) {
        DaemonOptions.Features f = options.features();
        List<Extension> list = new ArrayList<>();
        if (!options.configInfo().isEmpty()) {
            list.add(Extension.info("config", options::configInfo));
        }
        list.add(new Availability());
        list.add(new BridgeApi(f.healthInterval()));
        f.homeAssistantPrefix().ifPresent(prefix -> list.add(new HomeAssistantDiscovery(prefix,
                options.storage().map(s -> s.dataDir().resolve("ha-devices.json")), history.isPresent() && f.checkin().enabled())));
        history.ifPresent(store -> list.add(new SessionHistory(store, options.storage().orElseThrow().user(), f.checkin())));
        f.cue().filter(c -> c.enabled()).ifPresent(c -> list.add(new Cues(c, new SpeakerPlayer(), Clock.systemDefaultZone())));
        f.dashboard().ifPresent(d -> list.add(new DashboardExtension(d.server(), d.announce())));
        list.addAll(options.extensions());
        return list;
    }

    public Bridge bridge() {
        return bridge;
    }

    public DaemonOptions options() {
        return options;
    }

    /** The history store, when the storage keeps one (it may be read-only or unavailable: see its mode). */
    public Optional<HistoryStore> history() {
        return history;
    }

    /** Every device pipeline is still running (for the service watchdog). */
    public boolean pipelinesAlive() {
        return bridge.pipelinesAlive();
    }

    /** For finite sources: waits until every device's stream has ended and its events are acknowledged. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return bridge.awaitFinished(timeout);
    }

    /**
     * Stops the bridge (each open session ends, recorded and published; queued events get up to
     * {@code grace} to reach the broker), then closes the storage and what else the daemon owns.
     */
    public synchronized void stop(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        if (connector != null) {
            connector.interrupt();
        }
        try {
            bridge.stop(grace);
        } finally {
            try {
                history.ifPresent(HistoryStore::close);
            } finally {
                options.devices().close();
                closeAll(options.alsoClose());
            }
        }
    }

    private static void closeAll(List<AutoCloseable> owned) {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(3));
    }
}
