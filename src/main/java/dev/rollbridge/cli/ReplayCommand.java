package dev.rollbridge.cli;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.BrokerConnector;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileException;
import dev.rollbridge.replay.ReplayTransport;
import dev.rollbridge.replay.TraceException;
import dev.rollbridge.replay.TraceReader;
import dev.rollbridge.stream.Frame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

        String deviceId = profile.deviceIdFor(address);
        ConsolePrinter console = new ConsolePrinter(System.out, false);
        ReplayTransport transport = new ReplayTransport(address, frames, common.speed);
        DaemonOptions options = DaemonOptions.of(settings, topics,
                        List.of(new Bridge.Device(deviceId, profile, profile.thresholds(), transport)))
                .withExtensions(console);
        if (dataDir != null) {
            options = options.withStorage(DaemonOptions.Storage.historyOnly(dataDir, common.user));
        }
        RollbridgeDaemon daemon;
        try {
            daemon = RollbridgeDaemon.start(options);
        } catch (IllegalStateException e) {
            System.err.println("rollbridge replay: " + e.getMessage());
            return 2;
        } catch (BrokerConnector.BrokerUnreachableException e) {
            System.err.println("rollbridge replay: " + e.getMessage());
            return 1;
        }
        try (daemon) {
            DevicePipeline pipeline = daemon.bridge().pipelines().get(0);
            if (!pipeline.awaitEndOfStream(Duration.ofDays(1))) {
                daemon.stop(Duration.ZERO);
                return 1;
            }
            double playSeconds = (System.nanoTime() - transport.startedNanos()) / 1e9;
            boolean acknowledged = daemon.awaitFinished(Duration.ofSeconds(timeoutSeconds));
            int unacknowledged = daemon.bridge().publisher().outbox().size();
            DevicePipeline.Stats stats = pipeline.stats();
            daemon.stop(Duration.ofSeconds(2));
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
}
