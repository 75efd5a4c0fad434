package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.GattWrite;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.simulator.HamstringSessionScript;
import dev.rollbridge.simulator.HamstringSessionScript.Segment;
import dev.rollbridge.simulator.SimulatedRollsense;
import dev.rollbridge.simulator.SimulatedSensor;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.bluez.WithFakeBluez;
import dev.rollbridge.testing.bluez.FakeDevice;
import dev.rollbridge.testing.bluez.SensorFirmware;
import dev.rollbridge.testing.bluez.ThingyFirmware;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Real published sensors (issue 18) through the jar users get, with the unit's JVM flags, both
 * Bluetooth backends, the fake bluetoothd and a real Mosquitto: a Thingy:52 in a ball (two
 * characteristics at 20 and 100 Hz, set by two configuration writes its firmware checks) and an
 * Oriori ball (ASCII text). These devices send no timestamps, so the session plays in real time;
 * its holds are shortened by the configuration's thresholds to keep the test short.
 */
class SensorProfilesIT extends WithFakeBluez {
    private static final String ADDRESS = "C0:FF:EE:00:00:52";

    /** Rolling, a hold past the (shortened) maximum, a fast stretch; or, for a tool with no motion sensor, a press-and-hold. */
    private static HamstringSessionScript script(DeviceProfile profile) {
        double kpa = HamstringSessionScript.simulatedCeiling(profile.thresholds().pressure().ceilingKpa(), profile.thresholds().contact().kpa()) * 0.5;
        List<Segment> s = new ArrayList<>();
        s.add(new Segment("resting", 2_000, t -> 0, t -> 0));
        s.add(new Segment("settling", 1_000, t -> kpa * t, t -> 0));
        if (profile.has(Capability.MOTION)) {
            s.add(new Segment("rolling", 4_000, t -> kpa, t -> 3.0));
            s.add(new Segment("hold", 9_500, t -> kpa + 0.02 * kpa * Math.sin(t), t -> 0));
            s.add(new Segment("too fast", 2_500, t -> kpa, t -> 11.0));
            s.add(new Segment("slower", 2_000, t -> kpa, t -> 3.0));
        } else {
            s.add(new Segment("hold", 9_500, t -> kpa + 0.02 * kpa * Math.sin(t), t -> 0));
        }
        s.add(new Segment("lift-off", 500, t -> kpa * (1 - t / 0.5), t -> 0));
        s.add(new Segment("resting", 60_000, t -> 0, t -> 0));
        return HamstringSessionScript.of(s);
    }

    private Daemon daemon(String backend, String base, String profile) throws Exception {
        Path config = Files.createTempFile(Path.of("target").toAbsolutePath(), "sensor-", ".yaml");
        Files.writeString(config, String.join("\n",
                "mqtt: {broker: '" + broker.url() + "', base_topic: " + base + "}",
                "ble: {backend: " + backend + ", watchdog_s: 10, scan_s: 2}",
                "devices:",
                "  - {profile: " + profile + ", address: '" + ADDRESS + "', thresholds: {hold_target_ms: 5000, hold_max_ms: 8000}}",
                "audio: {enabled: false}",
                "dashboard: {port: -1}",
                "home_assistant: {discovery: false}",
                ""));
        return Daemon.shipped(Map.of("DBUS_SYSTEM_BUS_ADDRESS", busAddress), "run", "--config", config.toString());
    }

    /** The same session analysed straight from the simulator, with no radio: what the bridge must say. */
    private static List<Event> reference(DeviceProfile profile, HamstringSessionScript script) throws Exception {
        Thresholds thresholds = Thresholds.fromFlat(profile.thresholds(), Map.of("hold_target_ms", 5_000, "hold_max_ms", 8_000));
        return withoutRadio(profile, thresholds, new SimulatedSensor(profile, script, new SimulatedRollsense.Options(ADDRESS, 0, 23, false, 42)));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"thingy52-ball, bluez, Thingy", "thingy52-ball, tinyb, Thingy", "oriori-ball, bluez, weixin-nini", "oriori-ball, tinyb, weixin-nini"})
    void aPublishedSensorIsConfiguredStreamsAndIsJudgedOnWhatItMeasures(String profileName, String backend, String advertisedName) throws Exception {
        DeviceProfile profile = new ProfileLoader().builtIn(profileName);
        HamstringSessionScript script = script(profile);
        // The live device plays its session in a loop: the reference's end of stream is not part of it.
        List<Event> expected = reference(profile, script).stream()
                .filter(e -> !e.type().wireName().equals("device_connected") && !e.type().wireName().equals("session_ended")).toList();
        assertThat(expected).extracting(e -> e.type().wireName()).contains("session_started", "hold_target_reached", "hold_max_reached");
        startBluez(backend);
        boolean thingy = profileName.startsWith("thingy");
        ThingyFirmware thingyFirmware = new ThingyFirmware();
        FakeDevice device = bluez.addDevice(profile, ADDRESS, advertisedName, 23, 1).lossless(true).script(script)
                .firmware(thingy ? thingyFirmware : SensorFirmware.plain());
        String base = "sensor-" + profileName + "-" + backend;
        String events = base + "/" + profile.deviceIdFor(ADDRESS) + "/event";
        try (MqttProbe probe = new MqttProbe(broker.url(), base + "/#"); Daemon daemon = daemon(backend, base, profileName)) {
            String lastExpected = expected.get(expected.size() - 1).type().wireName();
            try {
                probe.await("the session's last event", Duration.ofSeconds(90), r -> r.topic().equals(events)
                        && probe.on(events).stream().filter(m -> !m.payload().contains("\"device_connected\"")).count() >= expected.size());
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("events " + probe.on(events).stream().map(r -> story(r.json().path("type").asText(),
                        r.json().path("state").asText()) + "@" + r.json().path("t_ms").asLong()).toList() + ", expected "
                        + expected.stream().map(x -> story(x.type().wireName(), x.state().name().toLowerCase()) + "@" + x.tMillis()).toList()
                        + " ending with " + lastExpected + "; the fake device: " + device.streamReport() + "; the daemon said: " + daemon.stderr(), e);
            }
            List<JsonNode> got = probe.on(events).stream().map(MqttProbe.Received::json)
                    .filter(j -> !j.path("type").asText().equals("device_connected")).toList().subList(0, expected.size());
            String seen = got.stream().map(j -> story(j.path("type").asText(), j.path("state").asText()) + "@" + j.path("t_ms").asLong()).toList()
                    + " vs " + expected.stream().map(x -> story(x.type().wireName(), x.state().name().toLowerCase()) + "@" + x.tMillis()).toList()
                    + " (the fake device: " + device.streamReport() + "; the daemon said: " + daemon.stderr() + ")";
            System.out.println(profileName + " over " + backend + ": " + seen.substring(0, seen.indexOf(" (the fake")));
            assertThat(got).as("%s", seen).extracting(j -> story(j.path("type").asText(), j.path("state").asText()))
                    .containsExactlyElementsOf(expected.stream().map(e -> story(e.type().wireName(), e.state().name().toLowerCase())).toList());
            // Time comes from receive times here: each event within 0.5 s of its place in the session, counted from the session's start.
            long live0 = got.get(0).path("t_ms").asLong();
            long ref0 = expected.get(0).tMillis();
            for (int i = 1; i < got.size(); i++) {
                assertThat(got.get(i).path("t_ms").asLong() - live0).as("event %d: %s", i, seen)
                        .isCloseTo(expected.get(i).tMillis() - ref0, within(500L));
            }

            JsonNode info = probe.await("info", Duration.ofSeconds(5), r -> r.topic().equals(base + "/bridge/info")).json().path("devices").get(0);
            assertThat(info.path("profile").asText()).isEqualTo(profileName);
            assertThat(info.path("rules_off").has("pressure")).as("no ceiling before a calibration: %s", info).isTrue();
            assertThat(info.path("thresholds").path("pressure_ceiling_kpa").isNull()).isTrue();
            if (thingy) {
                assertThat(info.path("capabilities").toString()).isEqualTo("[\"motion\",\"pressure\"]");
                List<String> writes = profile.channels().orElseThrow().connectWrites().stream()
                        .map(GattWrite::characteristic).map(c -> c.uuid() + "=").toList();
                assertThat(device.writes()).as("the configuration, in order").hasSize(2);
                assertThat(device.writes().get(0)).startsWith(writes.get(0)).endsWith(HexFormat.of().formatHex(
                        profile.channels().orElseThrow().connectWrites().get(0).value()));
                assertThat(device.writes().get(1)).startsWith(writes.get(1));
                assertThat(thingyFirmware.pressureHz()).as("pressure every 50 ms").isEqualTo(20.0);
                assertThat(thingyFirmware.motionHz()).isEqualTo(100.0);
            } else {
                assertThat(info.path("capabilities").toString()).isEqualTo("[\"pressure\"]");
                assertThat(info.path("rules_off").has("speed")).isTrue();
                assertThat(device.writes()).as("the Oriori ball needs no writes").isEmpty();
            }
            assertThat(device.connectCalls()).as("%s", seen).isEqualTo(1);
            daemon.terminate(Duration.ofSeconds(20));
            assertThat(daemon.stderr()).doesNotContain("Exception");
        }
    }
}
