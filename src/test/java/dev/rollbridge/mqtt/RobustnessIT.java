package dev.rollbridge.mqtt;

import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input in bulk and reconnects in bulk: the bridge keeps working and does not grow. */
class RobustnessIT extends WithMosquitto {

    private static RollbridgeDaemon bridge(String base, ManualTransport device, DeviceProfile ball) throws Exception {
        return RollbridgeDaemon.start(DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-" + base, base), new Topics(base),
                List.of(new Bridge.Device("rollsense_c0ffee000001", ball, ball.thresholds(), device))));
    }

    private static long usedHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void tenThousandMalformedCommandsAreAnsweredWithoutACrashAStateChangeOrGrowth() throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        ManualTransport device = new ManualTransport(ball, "C0:FF:EE:00:00:01");
        MqttProbe probe = new MqttProbe(broker.url(), "flood/#");
        RollbridgeDaemon bridge = bridge("flood", device, ball);
        MqttClient attacker = new MqttClient(broker.url(), "flooder", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        attacker.connect(options);
        try (probe) {
            device.press(100, 60, 1_000);
            probe.await("session started", Duration.ofSeconds(5), m -> m.payload().contains("\"session_started\""));
            Random rnd = new Random(7);
            String[] bad = {"{pain:", "[1,2,3]", "{\"pain\":\"ten\"}", "{\"pain\":99}", "{\"symptom\":42}", "{\"session\":[]}",
                    "{\"calibrate\":\"mark\",\"pain\":4}", "{\"mood\":\"great\"}", "null", "\"text\"", "{\"pain\":1,\"symptom\":\"swelling\"}"};
            long heapBefore = usedHeap();
            for (int i = 0; i < 10_000; i++) {
                byte[] payload;
                if (i % 500 == 0) {
                    payload = new byte[256 * 1024]; // huge and binary
                    rnd.nextBytes(payload);
                } else {
                    payload = bad[i % bad.length].getBytes(StandardCharsets.UTF_8);
                }
                attacker.publish("flood/rollsense_c0ffee000001/set", payload, 0, false);
            }
            attacker.publish("flood/rollsense_c0ffee000001/set", "{\"pain\":4,\"transaction\":\"after-the-flood\"}"
                    .getBytes(StandardCharsets.UTF_8), 1, false);
            MqttProbe.Received ok = probe.await("the good command after the flood", Duration.ofSeconds(60),
                    m -> m.topic().endsWith("/set/response") && m.payload().contains("after-the-flood"));
            assertThat(ok.json().path("ok").asBoolean()).isTrue();
            long errors = probe.on("flood/rollsense_c0ffee000001/set/response").stream().filter(m -> !m.json().path("ok").asBoolean()).count();
            assertThat(errors).as("error answers to the flood").isGreaterThan(9_000);
            // No state change: the only events are the session and the one good pain report.
            assertThat(probe.on("flood/rollsense_c0ffee000001/event")).extracting(m -> m.json().path("type").asText())
                    .containsExactly("device_connected", "session_started", "pain_reported");
            device.press(100, 60, 500);
            long heapAfter = usedHeap();
            System.out.printf("flood: %d error answers; heap %d MB before, %d MB after%n", errors, heapBefore >> 20, heapAfter >> 20);
            assertThat(heapAfter - heapBefore).as("heap growth, bytes").isLessThan(32L * 1024 * 1024);
        } finally {
            attacker.disconnect();
            attacker.close();
            bridge.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void threadsAndFileDescriptorsStayFlatOver200ConnectionCycles() throws Exception {
        Topics topics = new Topics("leak");
        for (int i = 0; i < 10; i++) {
            cycle(topics, i);
        }
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long fdsBefore = openFiles();
        for (int i = 0; i < 200; i++) {
            cycle(topics, i);
        }
        Thread.sleep(500);
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        long fdsAfter = openFiles();
        System.out.printf("200 connection cycles: threads %d -> %d, file descriptors %d -> %d%n", threadsBefore, threadsAfter, fdsBefore, fdsAfter);
        assertThat(threadsAfter).isLessThanOrEqualTo(threadsBefore + 3);
        assertThat(fdsAfter).isLessThanOrEqualTo(fdsBefore + 5);
    }

    /** One connection's life: connect, publish an event through the outbox, disconnect, close everything. */
    private static void cycle(Topics topics, int i) throws Exception {
        MqttLink link = new MqttLink(MqttSettings.of(broker.url(), "bridge-leak", "leak"), MqttPublisher.will(topics));
        MqttPublisher publisher = new MqttPublisher(link, topics, Clock.systemUTC(), Map::of, m -> { });
        publisher.start();
        link.connect(Duration.ofSeconds(5));
        publisher.event("rollsense_c0ffee000001", Event.of(EventType.PAIN_REPORTED,
                AlertState.INSTANT, i, 1, "cycle " + i, Map.of("pain", 1)));
        assertThat(publisher.awaitEventsDelivered(Duration.ofSeconds(5))).isTrue();
        publisher.stop(Duration.ofSeconds(1));
        link.close();
    }

    private static long openFiles() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
