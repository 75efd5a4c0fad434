package dev.rollbridge.cli;

import dev.rollbridge.Bridge;
import dev.rollbridge.DevicePipeline;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileException;
import dev.rollbridge.replay.ReplayTransport;
import dev.rollbridge.replay.TraceException;
import dev.rollbridge.replay.TraceReader;
import dev.rollbridge.session.HistoryStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code rollbridge replay}: a recorded trace through the live pipeline, then exit. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Play a recorded trace through the pipeline, publish its events, exit.",
        description = {
                "Same pipeline as a live device (decode, rules, MQTT). Exits 0 once the",
                "broker has acknowledged every event. Traces:",
                "  .csv    samples, header t_ms,pressure_kpa,gx_dps,gy_dps,gz_dps",
                "          (optional ax_g,ay_g,az_g; other columns ignored)",
                "  .jsonl  raw notifications, {\"t_us\":..,\"char\":\"uuid\",\"hex\":\"..\"}",
                "Exit codes: 0 done, 1 broker unreachable or not acknowledging in time,",
                "2 bad trace, profile or option (the message names the line)."})
final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TRACE", description = "The trace file (.csv or .jsonl).")
    Path trace;

    @Option(names = "--profile", paramLabel = "NAME", required = true,
            description = "Device profile that decodes the trace: rollsense-ball or rollsense-roller.")
    String profileName;

    @Option(names = "--broker", paramLabel = "URL", required = true, description = "MQTT broker, tcp://HOST:PORT.")
    String broker;


    @Option(names = "--address", paramLabel = "BLE_ADDRESS", defaultValue = "C0:FF:EE:00:00:01",
            description = "BLE address the trace came from; names the MQTT device (default ${DEFAULT-VALUE}).")
    String address;


    @Mixin
    CommonOptions common;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the replayed sessions' history here and use the calibration stored here (default: no history).")
    Path dataDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait, after the trace has played, for the broker to acknowledge every event (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (!address.matches("([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}")) {
            System.err.println("rollbridge replay: --address '" + address + "' is not a BLE address like C0:FF:EE:00:00:01");
            return 2;
        }
        DeviceProfile profile;
        List<Frame> frames;
        Topics topics;
        MqttSettings settings;
        try {
            common.checkSpeed();
            profile = common.profile(profileName);
            frames = new TraceReader(profile, address).read(trace);
            topics = common.topics();
            settings = MqttSettings.of(broker, "rollbridge-replay-" + Long.toHexString(System.nanoTime() & 0xFFFFFF), common.baseTopic);
        } catch (ProfileException | TraceException | IllegalArgumentException e) {
            System.err.println("rollbridge replay: " + e.getMessage());
            return 2;
        }

        Optional<HistoryStore> store = Optional.empty();
        if (dataDir != null) {
            try {
                store = Optional.of(HistoryStore.open(dataDir));
            } catch (IllegalStateException e) {
                System.err.println("rollbridge replay: " + e.getMessage());
                return 2;
            }
        }
        try {
            return replay(profile, frames, topics, settings, store.map(s -> new Bridge.History(s, common.user)));
        } finally {
            store.ifPresent(HistoryStore::close);
        }
    }

    private int replay(DeviceProfile profile, List<Frame> frames, Topics topics, MqttSettings settings,
                       Optional<Bridge.History> history) throws InterruptedException {
        double speed = common.speed;
        MqttLink link = new MqttLink(settings, Bridge.will(topics));
        try {
            BrokerConnector.connectOnce(link);
        } catch (BrokerConnector.BrokerUnreachableException e) {
            link.close();
            System.err.println("rollbridge replay: " + e.getMessage());
            return 1;
        }
        String deviceId = profile.deviceIdFor(address);
        ReplayTransport transport = new ReplayTransport(address, frames, speed);
        ConsolePrinter console = new ConsolePrinter(System.out, false);
        Bridge bridge = new Bridge(link, topics, List.of(new Bridge.Device(deviceId, profile, profile.thresholds(), transport)),
                Clock.systemUTC(), console, history);
        long start = System.nanoTime();
        bridge.start();
        DevicePipeline pipeline = bridge.pipelines().get(0);
        if (!pipeline.awaitEndOfStream(Duration.ofDays(1))) {
            bridge.stop(Duration.ZERO);
            return 1;
        }
        double playSeconds = (System.nanoTime() - start) / 1e9;
        boolean acknowledged = bridge.awaitFinished(Duration.ofSeconds(timeoutSeconds));
        int unacknowledged = bridge.publisher().outbox().size();
        DevicePipeline.Stats stats = pipeline.stats();
        bridge.stop(Duration.ofSeconds(2));
        System.out.printf(Locale.ROOT, "replayed %s: %d frames, %d samples in %.2f s (%.0f samples/s); "
                        + "%d lost, %d malformed; %d events acknowledged%n",
                trace.getFileName(), stats.decoder().frames(), stats.decoder().samples(), playSeconds,
                stats.decoder().samples() / Math.max(playSeconds, 1e-9), stats.decoder().lostSamples(),
                stats.decoder().malformed(), console.events());
        if (!acknowledged) {
            System.err.println("rollbridge replay: the broker at " + settings.redactedBrokerUrl() + " did not acknowledge "
                    + unacknowledged + " event(s) within " + timeoutSeconds + " s");
            return 1;
        }
        return 0;
    }
}
