package dev.rollbridge.ble;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameRecorder;
import dev.rollbridge.ble.bluez.BluezCentral;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.stream.SampleView;
import dev.rollbridge.testing.bluez.EmbeddedBus;
import dev.rollbridge.testing.bluez.FakeBluez;
import dev.rollbridge.testing.bluez.FakeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BluezLinkIT {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final LinkPolicy FAST = new LinkPolicy(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(100),
            Duration.ofMillis(400), 3, 6, Duration.ofSeconds(1));

    private EmbeddedBus bus;
    private FakeBluez bluez;
    private Radio radio;

    @BeforeEach
    void start() throws Exception {
        bus = EmbeddedBus.start();
        bluez = FakeBluez.start(bus.address());
        radio = new Radio(new BluezCentral(Optional.of(bus.address()), Optional.empty()));
    }

    @AfterEach
    void stop() throws Exception {
        links.forEach(BleLink::stop);
        radio.close();
        bluez.close();
        bus.close();
    }

    private final List<BleLink> links = new ArrayList<>();

    /** A link to {@code address} with the test's quick ladder; stopped after the test. */
    private BleLink link(DeviceProfile profile, String address) {
        BleLink link = new BleLink(radio, profile, address, FAST);
        links.add(link);
        return link;
    }

    private static FrameRecorder start(BleLink link) {
        FrameRecorder sink = new FrameRecorder();
        link.start(sink);
        return sink;
    }

    /** The listed ball (MTU 23, real time), its link started, and at least {@code frames} frames heard. */
    private record Streaming(FakeDevice ball, BleLink link, FrameRecorder sink) {
    }

    private Streaming streamingBall(int frames) throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        BleLink link = link(BALL, "C0:FF:EE:00:00:01");
        FrameRecorder sink = start(link);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.frameCount() >= frames);
        return new Streaming(ball, link, sink);
    }

    private static List<Sample> samples(FrameRecorder sink) {
        List<Sample> out = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(BALL, new FrameDecoder.Listener() {
            @Override
            public void onSample(SampleView s) {
                out.add(s.toSample());
            }

            @Override
            public void onBattery(long tMillis, int percent) {
            }

            @Override
            public void onMalformed(Frame frame, String reason) {
            }
        });
        sink.frames().forEach(d::decode);
        return out;
    }

    @Test
    void findsConnectsAndStreamsAHundredHertzInOrder() throws Exception {
        Streaming streaming = streamingBall(200);
        FakeDevice ball = streaming.ball();
        BleLink link = streaming.link();
        FrameRecorder sink = streaming.sink();
        assertThat(sink.links()).containsExactly(true);
        assertThat(ball.controlWrites()).extracting(b -> b[0]).containsExactly((byte) 0x04, (byte) 0x02);
        List<Sample> samples = samples(sink);
        for (int i = 1; i < samples.size(); i++) {
            assertThat(samples.get(i).tMillis()).isGreaterThan(samples.get(i - 1).tMillis());
        }
        assertThat(link.health()).containsEntry("state", "streaming").containsEntry("mtu", 23).containsEntry("frame_type", 2);
    }

    @Test
    void aLargeMtuGetsTenSampleBatches() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 185, 1.0);
        BleLink link = link(BALL, "C0:FF:EE:00:00:01");
        FrameRecorder sink = start(link);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.frames().stream().filter(f -> f.bytes()[0] == 1).count() >= 20);
        assertThat(link.health()).containsEntry("mtu", 185).containsEntry("frame_type", 1);
        assertThat(ball.controlWrites().get(1)).containsExactly(0x02, 0x01);
        assertThat(samples(sink)).hasSizeGreaterThanOrEqualTo(200);
    }

    @Test
    void aDeviceOutOfRangeIsReportedDownAndReconnectedWhenBack() throws Exception {
        Streaming streaming = streamingBall(50);
        FakeDevice ball = streaming.ball();
        BleLink link = streaming.link();
        FrameRecorder sink = streaming.sink();
        ball.goOutOfRange();
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.links().equals(List.of(true, false)));
        // Connecting to a device that does not answer fails only after the controller's timeout.
        await().atMost(Duration.ofSeconds(10)).until(() -> (long) link.health().get("failed_attempts") > 0);
        int before = sink.frameCount();
        ball.backInRange();
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.links().equals(List.of(true, false, true)));
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.frameCount() > before + 50);
        assertThat(link.health()).containsEntry("connects", 2L).containsEntry("drops", 1L).containsEntry("state", "streaming");
    }

    @Test
    void whenBluetoothdLeavesTheBusTheLinkIsDownAndComesBackWithIt() throws Exception {
        Streaming streaming = streamingBall(50);
        BleLink link = streaming.link();
        FrameRecorder sink = streaming.sink();
        bluez.vanish();
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.links().equals(List.of(true, false)));
        Thread.sleep(1_000);
        assertThat((String) link.health().get("last_problem")).contains("adapter is not available");
        bluez.appear();
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.links().equals(List.of(true, false, true)));
        int before = sink.frameCount();
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.frameCount() > before + 50);
    }

    @Test
    void aConnectedButSilentDeviceIsResetByTheWatchdog() throws Exception {
        Streaming streaming = streamingBall(50);
        FakeDevice ball = streaming.ball();
        BleLink link = streaming.link();
        FrameRecorder sink = streaming.sink();
        ball.goSilent();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.links().equals(List.of(true, false, true)));
        assertThat(link.health()).containsEntry("watchdog_resets", 1L);
        assertThat(ball.connectCalls()).isEqualTo(2);
    }

    @Test
    void repeatedFailuresClimbTheLadderToRediscoveryAndAnAdapterPowerCycle() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        ball.refuseConnections(7);
        BleLink link = link(BALL, "C0:FF:EE:00:00:01");
        FrameRecorder sink = start(link);
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.links().equals(List.of(true)));
        assertThat(ball.connectCalls()).isEqualTo(8);
        assertThat(bluez.powerCycles()).isEqualTo(1);
        assertThat(link.health()).containsEntry("failed_attempts", 7L).containsEntry("adapter_power_cycles", 1L);
        // Failures 3, 4, 5 and 7 re-discover; the 6th power-cycles the adapter instead.
        assertThat((long) link.health().get("rediscoveries")).isEqualTo(4L);
    }

    @Test
    void twoDevicesStreamAtOnceEachOnItsOwnLink() throws Exception {
        DeviceProfile roller = new ProfileLoader().builtIn("rollsense-roller");
        bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        bluez.addDevice(roller, "C0:FF:EE:00:00:02", "RollSense Roller", 185, 1.0);
        FrameRecorder ballSink = start(link(BALL, "C0:FF:EE:00:00:01"));
        BleLink rollerLink = link(roller, "C0:FF:EE:00:00:02");
        FrameRecorder rollerSink = start(rollerLink);
        await().atMost(Duration.ofSeconds(15)).until(() -> ballSink.frameCount() >= 100 && rollerSink.frameCount() >= 10);
        assertThat(ballSink.frames()).allSatisfy(f -> assertThat(f.deviceAddress()).isEqualTo("C0:FF:EE:00:00:01"));
        assertThat(rollerSink.frames()).allSatisfy(f -> assertThat(f.deviceAddress()).isEqualTo("C0:FF:EE:00:00:02"));
        assertThat(rollerLink.health()).containsEntry("frame_type", 1);
    }
}
