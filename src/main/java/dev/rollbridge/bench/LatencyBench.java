package dev.rollbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.mqtt.link.NoDelaySocketFactory;
import dev.rollbridge.profile.DeviceProfile;
import org.HdrHistogram.Histogram;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end alert latency: a frame handed to the transport → the event it raises received by a
 * separate subscriber through the broker, for {@code devices} devices at {@code rateHz} each; and
 * in the same run the broker's own floor, a bare Paho publisher (TCP_NODELAY, QoS 1) → subscriber
 * at the same message rate. Both as HdrHistogram percentiles, in µs.
 */
public final class LatencyBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(Histogram bridge, Histogram floor, long events) {
        public double ratioP50() {
            return (double) bridge.getValueAtPercentile(50) / Math.max(1, floor.getValueAtPercentile(50));
        }
    }

    private final String brokerUrl;
    private final DeviceProfile profile;

    public LatencyBench(String brokerUrl, DeviceProfile profile) {
        this.brokerUrl = brokerUrl;
        this.profile = profile;
    }

    private MqttAsyncClient subscriber(String filter, MqttCallback callback) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-sub-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(callback);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(new NoDelaySocketFactory());
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        client.connect(o).waitForCompletion(10_000);
        client.subscribe(filter, 1).waitForCompletion(10_000);
        return client;
    }

    /**
     * @param together every device alerts in the same instant (the worst case); otherwise their
     *                 pressure cycles are a quarter apart, as independent people would be
     */
    public Result run(int devices, double rateHz, boolean together, Duration measure, Duration warmUp, PrintStream progress)
            throws Exception {
        String base = "bench-" + Long.toHexString(System.nanoTime() & 0xFFFFF);
        Topics topics = new Topics(base);
        List<PacedTransport> transports = new ArrayList<>();
        List<Bridge.Device> list = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            long phaseMillis = together ? 0 : i * 150L;
            PacedTransport t = new PacedTransport(profile, String.format("BE:0C:00:00:00:%02X", i + 1), rateHz, phaseMillis);
            transports.add(t);
            list.add(new Bridge.Device("bench" + i, profile, profile.thresholds(), t));
        }
        Path dataDir = Files.createTempDirectory("rollbridge-bench-");
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(brokerUrl, "bench-bridge-" + System.nanoTime(), base), topics, list)
                .withStorage(new DaemonOptions.Storage(dataDir, "bench", false, true, false));
        Histogram bridgeLatency = new Histogram(3_600_000_000L, 3);
        long measureFrom = System.nanoTime() + warmUp.toNanos();
        long[] events = {0};
        MqttAsyncClient sub = subscriber(base + "/+/event", new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                long now = System.nanoTime();
                JsonNode e = JSON.readTree(message.getPayload());
                if (!e.path("type").asText().equals("pressure_too_high") || now < measureFrom) {
                    return;
                }
                int index = Integer.parseInt(e.path("device").asText().substring(5));
                Long handed = transports.get(index).handedOver(e.path("t_ms").asLong());
                if (handed != null) {
                    bridgeLatency.recordValue(Math.max(0, (now - handed) / 1_000));
                    events[0]++;
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        RollbridgeDaemon daemon = RollbridgeDaemon.start(options);
        progress.printf("  bridge: %d devices at %.0f Hz, alerting %s, warm-up %d s, measuring %d s ...%n", devices, rateHz,
                together ? "in the same instant" : "150 ms apart", warmUp.toSeconds(), measure.toSeconds());
        Thread.sleep(warmUp.plus(measure).toMillis());
        daemon.stop(Duration.ofSeconds(3));
        sub.disconnect().waitForCompletion(5_000);
        sub.close();
        deleteQuietly(dataDir);
        double eventsPerSecond = events[0] / (double) measure.toSeconds();

        // The floor: the same message rate through the same broker, with nothing of ours in between.
        Histogram floor = new Histogram(3_600_000_000L, 3);
        String floorTopic = base + "/floor";
        MqttAsyncClient floorSub = subscriber(floorTopic, new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                long now = System.nanoTime();
                long sent = ByteBuffer.wrap(message.getPayload()).getLong();
                if (sent > 0) {
                    floor.recordValue(Math.max(0, (now - sent) / 1_000));
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttAsyncClient pub = new MqttAsyncClient(brokerUrl, "bench-pub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(new NoDelaySocketFactory());
        o.setMaxInflight(1000);
        pub.connect(o).waitForCompletion(10_000);
        long count = Math.max(200, (long) (eventsPerSecond * measure.toSeconds()));
        long interval = (long) (measure.toNanos() / (double) count);
        progress.printf("  broker floor: %d messages at %.1f/s ...%n", count, 1e9 / interval);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] payload = ByteBuffer.allocate(Long.BYTES).putLong(System.nanoTime()).array();
            pub.publish(floorTopic, payload, 1, false);
        }
        Thread.sleep(1_000);
        pub.disconnect().waitForCompletion(5_000);
        pub.close();
        floorSub.disconnect().waitForCompletion(5_000);
        floorSub.close();
        return new Result(bridgeLatency, floor, events[0]);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder: the OS cleans it eventually
        }
    }
}
