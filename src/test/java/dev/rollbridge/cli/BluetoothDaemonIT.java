package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.simulator.SimulatedRollsense;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.bluez.WithFakeBluez;
import dev.rollbridge.testing.bluez.FakeDevice;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollbridge run --config FILE} with {@code ble.backend: bluez} and {@code tinyb}: the jar
 * users get, with the unit's JVM flags, against the fake bluetoothd (strict: behaving as BlueZ's
 * own source does) on a private D-Bus bus (reached through DBUS_SYSTEM_BUS_ADDRESS) and a real
 * Mosquitto: the whole path a Raspberry Pi runs, radio excepted. (TinyB could not start from the
 * shipped jar at all while these tests ran the class path, and they passed.)
 */
class BluetoothDaemonIT extends WithFakeBluez {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final String LISTED = "C0:FF:EE:00:00:01";
    private static final String STRANGER = "C0:FF:EE:00:00:99";
    private static final double SPEED = 20;

    private Daemon daemon(String backend, String baseTopic) throws Exception {
        Path config = Files.createTempFile(Path.of("target").toAbsolutePath(), "ble-", ".yaml");
        Files.writeString(config, String.join("\n",
                "mqtt: {broker: '" + broker.url() + "', base_topic: " + baseTopic + "}",
                // No test here is about the watchdog (BluezLinkIT is): every drop these tests make is one BlueZ
                // signals, and data that stops for good (TinyB's collected characteristics) trips it at 10 s too.
                "ble: {backend: " + backend + ", watchdog_s: 10, scan_s: 2}",
                "devices:",
                "  - {profile: rollsense-ball, address: '" + LISTED + "'}",
                "audio: {enabled: false}",
                "dashboard: {port: -1}",
                "home_assistant: {discovery: false}",
                ""));
        return Daemon.shipped(Map.of("DBUS_SYSTEM_BUS_ADDRESS", busAddress), "run", "--config", config.toString());
    }

    /** The events the simulator's session gives when analysed directly, without any radio. */
    private static List<Event> reference() throws Exception {
        return withoutRadio(BALL, BALL.thresholds(), new SimulatedRollsense(BALL,
                HamstringSessionScript.standard(BALL.thresholds().pressure().ceilingKpa()), new SimulatedRollsense.Options(LISTED, 0, 23, false, 42)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bluez", "tinyb"})
    void theDaemonPublishesTheSimulatorsSessionAndNeverTouchesAnUnlistedDevice(String backend) throws Exception {
        startBluez(backend);
        FakeDevice listed = bluez.addDevice(BALL, LISTED, "RollSense Ball", 23, SPEED);
        FakeDevice stranger = bluez.addDevice(BALL, STRANGER, "RollSense Ball", 23, SPEED);
        List<Event> expected = reference().subList(0, 16); // up to leg_target_reached; the session goes on
        try (MqttProbe probe = new MqttProbe(broker.url(), "same-" + backend + "/#"); Daemon daemon = daemon(backend, "same-" + backend)) {
            daemon.awaitLine("the device line", Duration.ofSeconds(30), l -> l.startsWith("Bluetooth (" + backend + ") rollsense-ball " + LISTED));
            probe.await("leg target", Duration.ofSeconds(60), r -> r.topic().equals("same-" + backend + "/rollsense_c0ffee000001/event")
                    && r.json().path("type").asText().equals("leg_target_reached"));
            List<JsonNode> all = probe.on("same-" + backend + "/rollsense_c0ffee000001/event").stream().map(MqttProbe.Received::json).toList();
            String seen = all.stream().map(e -> story(e.path("type").asText(), e.path("state").asText()) + "@" + e.path("t_ms").asLong())
                    .toList() + " (the fake device: " + listed.streamReport() + "; the daemon said: " + daemon.stderr() + ")";
            // The link stays up the whole time: TinyB's characteristics were once let go to the garbage collector
            // while streaming, and with the unit's small young generation notifications stopped within a second.
            assertThat(all).as("the events up to leg_target_reached: %s", seen).hasSizeGreaterThanOrEqualTo(16);
            List<JsonNode> got = all.subList(0, 16);
            assertThat(got).as("the events up to leg_target_reached: %s", seen).extracting(e -> story(e.path("type").asText(), e.path("state").asText()))
                    .containsExactlyElementsOf(expected.stream().map(e -> story(e.type().wireName(), e.state().name().toLowerCase())).toList());
            // Sample times match too, up to the simulator's first frame arriving one period (10 ms) later than t=0.
            long offset = expected.get(1).tMillis() - got.get(1).path("t_ms").asLong();
            assertThat(offset).isBetween(0L, 10L);
            for (int i = 1; i < 16; i++) {
                assertThat(expected.get(i).tMillis() - got.get(i).path("t_ms").asLong()).as("event %d", i).isEqualTo(offset);
            }
            JsonNode info = probe.await("info", Duration.ofSeconds(5), r -> r.topic().equals("same-" + backend + "/bridge/info")).json();
            assertThat(info.path("devices").get(0).path("transport").asText()).isEqualTo(backend);
            assertThat(info.path("config").path("ble").path("backend").asText()).isEqualTo(backend);
            assertThat(listed.connectCalls()).as("%s", seen).isEqualTo(1);
            assertThat(stranger.connectCalls()).as("a device not on the allowlist").isZero();
            daemon.terminate(Duration.ofSeconds(20));
            assertThat(daemon.stderr()).doesNotContain("Exception");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bluez", "tinyb"})
    void aDropMidHoldEndsTheHoldKeepsTheSessionAndAvailabilityTellsTheTruth(String backend) throws Exception {
        startBluez(backend);
        FakeDevice ball = bluez.addDevice(BALL, LISTED, "RollSense Ball", 23, SPEED);
        String events = "drop-" + backend + "/rollsense_c0ffee000001/event";
        String availability = "drop-" + backend + "/rollsense_c0ffee000001/availability";
        try (MqttProbe probe = new MqttProbe(broker.url(), "drop-" + backend + "/#"); Daemon daemon = daemon(backend, "drop-" + backend)) {
            // At 20x a hold lasts about 2 s of wall clock, and a loaded machine's bridge can be that far behind
            // the stream: the ball itself goes out of range in the middle of its first hold (80.4-122.2 s).
            ball.goOutOfRangeAt(100_000);
            JsonNode holdStarted;
            try {
                holdStarted = probe.await("a hold", Duration.ofSeconds(60), r -> r.topic().equals(events)
                        && r.json().path("type").asText().equals("hold_started")).json();
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no hold: " + probe.on(events).stream()
                        .map(r -> r.json().path("type").asText() + "@" + r.json().path("t_ms").asLong()).toList()
                        + "; the fake device: " + ball.streamReport() + "; the daemon said: " + daemon.stderr(), e);
            }
            probe.await("online", Duration.ofSeconds(5), r -> r.topic().equals(availability) && r.payload().contains("online"));
            JsonNode holdEnded = probe.await("hold ended by the drop", Duration.ofSeconds(10), r -> r.topic().equals(events)
                    && r.json().path("type").asText().equals("hold_ended")).json();
            assertThat(holdEnded.path("data").path("reason").asText()).as("%s; the fake device: %s", probe.on(events).stream()
                    .map(r -> r.json().path("type").asText() + "@" + r.json().path("t_ms").asLong()).toList(), ball.streamReport()).isEqualTo("link_lost");
            probe.await("disconnected", Duration.ofSeconds(10), r -> r.topic().equals(events)
                    && r.json().path("type").asText().equals("device_disconnected"));
            probe.await("offline", Duration.ofSeconds(10), r -> r.topic().equals(availability) && r.payload().contains("offline"));

            // Garbage from the device while it is away changes nothing; it is counted once it is back.
            ball.backInRange();
            JsonNode reconnected = probe.await("connected again", Duration.ofSeconds(30), r -> r.topic().equals(events)
                    && r.json().path("type").asText().equals("device_connected") && r.json().path("seq").asLong() > holdStarted.path("seq").asLong()).json();
            probe.await("online again", Duration.ofSeconds(10), r -> r.topic().equals(availability) && r.payload().contains("online")
                    && r.arrivedNanos() > System.nanoTime() - Duration.ofSeconds(20).toNanos());
            assertThat(reconnected.path("session_id").asText()).as("a short drop keeps the session")
                    .isEqualTo(holdStarted.path("session_id").asText());
            for (int i = 0; i < 5; i++) {
                ball.notifyData(new byte[]{(byte) 0x07, 0x01, 0x02});
            }
            JsonNode health = healthCheck("drop-" + backend);
            JsonNode device = health.path("data").path("devices").path("rollsense_c0ffee000001");
            assertThat(device.path("decode_errors").asLong()).isGreaterThanOrEqualTo(5);
            assertThat(device.path("link").path("drops").asLong()).as("%s; the daemon said: %s", ball.streamReport(), daemon.stderr()).isEqualTo(1);
            assertThat(device.path("link").path("connects").asLong()).isEqualTo(2);
            assertThat(device.path("link").path("state").asText()).isEqualTo("streaming");
            // The simulated ball's gyro has no offset; a hold has been seen, so one has been learned: about zero.
            assertThat(device.path("loss_rate").isNumber()).as("%s", device).isTrue();
            assertThat(device.path("pressure_glitches").isIntegralNumber()).as("%s", device).isTrue();
            assertThat(device.path("loss_rate").asDouble()).as("the fake loses 1 frame in 1,500").isBetween(0.0, 0.05);
            JsonNode gyro = device.path("gyro_offset_dps");
            assertThat(gyro.path("learned").asBoolean()).as("%s", gyro).isTrue();
            assertThat(gyro.path("still_s").asDouble()).isPositive();
            for (String axis : List.of("x", "y", "z")) {
                assertThat(Math.abs(gyro.path(axis).asDouble())).as("%s", gyro).isLessThan(0.3);
            }
            // The looping script's next hold can be most of a loop away (~30 s at 20x); a loaded machine slows it further.
            try {
                probe.await("the session goes on after the garbage", Duration.ofSeconds(90), r -> r.topic().equals(events)
                        && r.json().path("type").asText().equals("hold_started") && r.json().path("seq").asLong() > reconnected.path("seq").asLong());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no hold after the garbage: " + probe.on(events).stream()
                        .map(r -> r.json().path("type").asText() + "@" + r.json().path("t_ms").asLong()).toList()
                        + "; the fake device: " + ball.streamReport() + "; the daemon said: " + daemon.stderr(), e);
            }
            daemon.terminate(Duration.ofSeconds(20));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bluez", "tinyb"})
    void whenBluetoothdStopsAndStartsAgainTheDeviceGoesOfflineAndComesBack(String backend) throws Exception {
        startBluez(backend);
        bluez.addDevice(BALL, LISTED, "RollSense Ball", 23, SPEED);
        String base = "restart-" + backend;
        String availability = base + "/rollsense_c0ffee000001/availability";
        List<String> tinybFoldersBefore = tinybFolders();
        try (MqttProbe probe = new MqttProbe(broker.url(), base + "/#"); Daemon daemon = daemon(backend, base)) {
            probe.await("online", Duration.ofSeconds(30), r -> r.topic().equals(availability) && r.payload().contains("online"));
            probe.await("streaming", Duration.ofSeconds(10), r -> r.topic().equals(base + "/rollsense_c0ffee000001")
                    && r.json().path("phase").asText().equals("rolling"));
            bluez.vanish();
            probe.await("offline", Duration.ofSeconds(10), r -> r.topic().equals(availability) && r.payload().contains("offline"));
            Thread.sleep(1_500); // a few attempts against a bus without bluetoothd
            assertThat(daemon.isAlive()).isTrue();
            long before = probe.messages().size();
            bluez.appear();
            probe.await("online again", Duration.ofSeconds(30), r -> r.topic().equals(availability) && r.payload().contains("online")
                    && probe.messages().indexOf(r) >= before);
            probe.await("events flow again", Duration.ofSeconds(30), r -> r.topic().equals(base + "/rollsense_c0ffee000001/event")
                    && probe.messages().indexOf(r) >= before && r.json().path("type").asText().equals("device_connected"));
            daemon.terminate(Duration.ofSeconds(20));
            assertThat(daemon.stderr()).doesNotContain("Exception").doesNotContain("failed to load");
        }
        assertThat(tinybFolders()).as("TinyB's native libraries leave nothing in /tmp").isEqualTo(tinybFoldersBefore);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bluez", "tinyb"})
    void scanListsNearbyDevicesWithTheirProfile(String backend) throws Exception {
        startBluez(backend);
        bluez.addDevice(BALL, LISTED, "RollSense Ball", 23, SPEED);
        bluez.addDevice(new ProfileLoader().builtIn("rollsense-roller"), "C0:FF:EE:00:00:02", "RollSense Roller", 23, SPEED);
        try (Daemon scan = Daemon.shipped(Map.of("DBUS_SYSTEM_BUS_ADDRESS", busAddress), "scan", "--backend", backend, "--seconds", "1")) {
            assertThat(scan.waitFor(Duration.ofSeconds(60))).as(scan.stderr()).isZero();
            assertThat(scan.stdout()).contains(
                    "ADDRESS             RSSI  NAME                      PROFILE",
                    "C0:FF:EE:00:00:01    -58  RollSense Ball            rollsense-ball",
                    "C0:FF:EE:00:00:02    -58  RollSense Roller          rollsense-roller",
                    "2 device(s).");
            assertThat(bluez.device(LISTED).connectCalls()).as("a scan connects to nothing").isZero();
        }
    }

    /**
     * A ball that streams as soon as its notifications are on (BlueZ turns the kept session back
     * on by itself at a reconnection, so frames come before the bridge writes anything) and that
     * rebooted while away (its counter starts again). The first frames of the new connection used
     * to be decoded as the old run's: thousands of samples "lost" and t_ms hundreds of seconds
     * ahead. At real time, t_ms must move across the drop as the wall clock does, and nothing be
     * counted lost.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bluez", "tinyb"})
    void aBallThatStreamsOnNotifyAndRebootsDuringADropLosesNothingAndKeepsTime(String backend) throws Exception {
        startBluez(backend);
        FakeDevice ball = bluez.addDevice(BALL, LISTED, "RollSense Ball", 23, 1.0).streamOnNotify(true).lossless(true);
        String base = "reboot-" + backend;
        String state = base + "/rollsense_c0ffee000001";
        try (MqttProbe probe = new MqttProbe(broker.url(), base + "/#"); Daemon daemon = daemon(backend, base)) {
            probe.await("streaming for a few seconds", Duration.ofSeconds(40), r -> r.topic().equals(state)
                    && r.json().path("t_ms").asLong() > 4_000);
            MqttProbe.Received before = probe.on(state).get(probe.on(state).size() - 1);
            ball.goOutOfRange();
            probe.await("down", Duration.ofSeconds(10), r -> r.topic().equals(base + "/rollsense_c0ffee000001/availability")
                    && r.payload().contains("offline"));
            Thread.sleep(3_000);
            ball.backInRange();
            MqttProbe.Received after = probe.await("streaming again", Duration.ofSeconds(40), r -> r.topic().equals(state)
                    && r.arrivedNanos() > before.arrivedNanos() && r.json().path("t_ms").asLong() > before.json().path("t_ms").asLong()
                    && probe.on(base + "/rollsense_c0ffee000001/availability").stream().anyMatch(a -> a.payload().contains("online")
                    && a.arrivedNanos() > before.arrivedNanos()));
            Thread.sleep(3_000); // a few more seconds of the new run
            double wall = (after.arrivedNanos() - before.arrivedNanos()) / 1e9;
            double sample = (after.json().path("t_ms").asLong() - before.json().path("t_ms").asLong()) / 1e3;
            assertThat(sample).as("t_ms across the drop (s), against %.1f s of wall clock", wall).isBetween(wall - 1.5, wall + 1.5);
            JsonNode device = healthCheck(base).path("data").path("devices").path("rollsense_c0ffee000001");
            assertThat(device.path("lost_samples").asLong()).as("samples counted lost").isZero();
            assertThat(device.path("link").path("drops").asLong()).isEqualTo(1);
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            // No stack trace; and none of the journal writes an interrupt at the stop used to break ("write(s) failed (null)").
            assertThat(daemon.stderr()).doesNotContain("\tat ").doesNotContain("write(s) failed");
        }
    }

    private static List<String> tinybFolders() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rollbridge-tinyb-") || n.matches("tinyb.*libs"))
                    .sorted().toList();
        }
    }

    private JsonNode healthCheck(String base) throws Exception {
        try (MqttProbe answers = new MqttProbe(broker.url(), base + "/bridge/response/#")) {
            MqttClient client = new MqttClient(broker.url(), "health-asker", null);
            client.connect();
            client.publish(base + "/bridge/request/health_check", new MqttMessage("{\"transaction\":\"t1\"}".getBytes()));
            client.disconnect();
            client.close();
            return answers.await("health answer", Duration.ofSeconds(10), r -> r.topic().equals(base + "/bridge/response/health_check")).json();
        }
    }
}
