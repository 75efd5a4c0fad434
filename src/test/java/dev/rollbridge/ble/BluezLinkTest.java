package dev.rollbridge.ble;

import dev.rollbridge.ble.bluez.BluezCentral;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.profile.Sample;
import dev.rollbridge.testing.bluez.EmbeddedBus;
import dev.rollbridge.testing.bluez.FakeBluez;
import dev.rollbridge.testing.bluez.FakeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BluezLinkTest {
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
        radio.close();
        bluez.close();
        bus.close();
    }

    /** Collects what a link hands to the pipeline. */
    static final class Collector implements FrameSink {
        final List<Frame> frames = new CopyOnWriteArrayList<>();
        final List<Boolean> links = new CopyOnWriteArrayList<>();

        @Override
        public boolean offer(Frame frame) {
            frames.add(frame);
            return true;
        }

        @Override
        public void put(Frame frame) {
            frames.add(frame);
        }

        @Override
        public void linkChanged(boolean up) {
            links.add(up);
        }

        @Override
        public void endOfStream() {
        }

        List<Sample> samples() {
            List<Sample> out = new java.util.ArrayList<>();
            FrameDecoder d = new FrameDecoder(BALL, new FrameDecoder.Listener() {
                @Override
                public void onSample(Sample s) {
                    out.add(s);
                }

                @Override
                public void onBattery(long tMillis, int percent) {
                }

                @Override
                public void onMalformed(Frame frame, String reason) {
                }
            });
            frames.forEach(d::decode);
            return out;
        }
    }

    @Test
    void findsConnectsAndStreamsAHundredHertzInOrder() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        BleLink link = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        Collector sink = new Collector();
        link.start(sink);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.frames.size() >= 200);
            assertThat(sink.links).containsExactly(true);
            assertThat(ball.controlWrites()).extracting(b -> b[0]).containsExactly((byte) 0x04, (byte) 0x02);
            List<Sample> samples = sink.samples();
            for (int i = 1; i < samples.size(); i++) {
                assertThat(samples.get(i).tMillis()).isGreaterThan(samples.get(i - 1).tMillis());
            }
            assertThat(link.health()).containsEntry("state", "streaming").containsEntry("mtu", 23).containsEntry("frame_type", 2);
        } finally {
            link.stop();
        }
    }

    @Test
    void aLargeMtuGetsTenSampleBatches() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 185, 1.0);
        BleLink link = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        Collector sink = new Collector();
        link.start(sink);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.frames.stream().filter(f -> f.bytes()[0] == 1).count() >= 20);
            assertThat(link.health()).containsEntry("mtu", 185).containsEntry("frame_type", 1);
            assertThat(ball.controlWrites().get(1)).containsExactly(0x02, 0x01);
            assertThat(sink.samples()).hasSizeGreaterThanOrEqualTo(200);
        } finally {
            link.stop();
        }
    }

    @Test
    void aDeviceOutOfRangeIsReportedDownAndReconnectedWhenBack() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        BleLink link = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        Collector sink = new Collector();
        link.start(sink);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.frames.size() >= 50);
            ball.goOutOfRange();
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.links.equals(List.of(true, false)));
            Thread.sleep(1_000); // a few failed attempts while it is away
            assertThat((long) link.health().get("failed_attempts")).isPositive();
            int before = sink.frames.size();
            ball.backInRange();
            await().atMost(Duration.ofSeconds(15)).until(() -> sink.links.equals(List.of(true, false, true)));
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.frames.size() > before + 50);
            assertThat(link.health()).containsEntry("connects", 2L).containsEntry("drops", 1L).containsEntry("state", "streaming");
        } finally {
            link.stop();
        }
    }

    @Test
    void whenBluetoothdLeavesTheBusTheLinkIsDownAndComesBackWithIt() throws Exception {
        bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        BleLink link = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        Collector sink = new Collector();
        link.start(sink);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.frames.size() >= 50);
            bluez.vanish();
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.links.equals(List.of(true, false)));
            Thread.sleep(1_000);
            assertThat((String) link.health().get("last_problem")).contains("adapter is not available");
            bluez.appear();
            await().atMost(Duration.ofSeconds(15)).until(() -> sink.links.equals(List.of(true, false, true)));
            int before = sink.frames.size();
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.frames.size() > before + 50);
        } finally {
            link.stop();
        }
    }

    @Test
    void aConnectedButSilentDeviceIsResetByTheWatchdog() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        BleLink link = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        Collector sink = new Collector();
        link.start(sink);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.frames.size() >= 50);
            ball.goSilent();
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.links.equals(List.of(true, false, true)));
            assertThat(link.health()).containsEntry("watchdog_resets", 1L);
            assertThat(ball.connectCalls()).isEqualTo(2);
        } finally {
            link.stop();
        }
    }

    @Test
    void repeatedFailuresClimbTheLadderToRediscoveryAndAnAdapterPowerCycle() throws Exception {
        FakeDevice ball = bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        ball.refuseConnections(7);
        BleLink link = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        Collector sink = new Collector();
        link.start(sink);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> sink.links.equals(List.of(true)));
            assertThat(ball.connectCalls()).isEqualTo(8);
            assertThat(bluez.powerCycles()).isEqualTo(1);
            assertThat(link.health()).containsEntry("failed_attempts", 7L).containsEntry("adapter_power_cycles", 1L);
            // Failures 3, 4, 5 and 7 re-discover; the 6th power-cycles the adapter instead.
            assertThat((long) link.health().get("rediscoveries")).isEqualTo(4L);
        } finally {
            link.stop();
        }
    }

    @Test
    void twoDevicesStreamAtOnceEachOnItsOwnLink() throws Exception {
        DeviceProfile roller = new ProfileLoader().builtIn("rollsense-roller");
        bluez.addDevice(BALL, "C0:FF:EE:00:00:01", "RollSense Ball", 23, 1.0);
        bluez.addDevice(roller, "C0:FF:EE:00:00:02", "RollSense Roller", 185, 1.0);
        BleLink ballLink = new BleLink(radio, BALL, "C0:FF:EE:00:00:01", FAST);
        BleLink rollerLink = new BleLink(radio, roller, "C0:FF:EE:00:00:02", FAST);
        Collector ballSink = new Collector();
        Collector rollerSink = new Collector();
        ballLink.start(ballSink);
        rollerLink.start(rollerSink);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> ballSink.frames.size() >= 100 && rollerSink.frames.size() >= 10);
            assertThat(ballSink.frames).allSatisfy(f -> assertThat(f.deviceAddress()).isEqualTo("C0:FF:EE:00:00:01"));
            assertThat(rollerSink.frames).allSatisfy(f -> assertThat(f.deviceAddress()).isEqualTo("C0:FF:EE:00:00:02"));
            assertThat(rollerLink.health()).containsEntry("frame_type", 1);
        } finally {
            ballLink.stop();
            rollerLink.stop();
        }
    }
}
