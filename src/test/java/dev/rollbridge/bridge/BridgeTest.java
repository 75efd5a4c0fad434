package dev.rollbridge.bridge;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.mockito.Mockito;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core and its extensions, with no broker at all (events wait in the outbox): the order they
 * start and stop in, and that one extension that fails costs only itself.
 */
class BridgeTest {
    private static final String DEVICE = "rollsense_c0ffee000001";
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");

    /** Writes down what it is told, into a log shared with the other extensions of a test. */
    private static final class Recording implements Extension {
        final String name;
        final List<String> log;
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger states = new AtomicInteger();
        BridgeContext context;

        Recording(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(BridgeContext context) {
            this.context = context;
            log.add(name + " start, device running: " + context.pipelines().get(0).isAlive());
        }

        @Override
        public void onEvent(String deviceId, Event event) {
            events.add(event.type().wireName());
        }

        @Override
        public void onState(String deviceId, DeviceState state) {
            states.incrementAndGet();
        }

        @Override
        public void onLink(String deviceId, boolean up) {
            log.add(name + " link " + (up ? "up" : "down"));
        }

        @Override
        public void stop() {
            log.add(name + " stop, last event: " + events.get(events.size() - 1));
        }
    }

    /** Throws from every call, the way a bug would: an exception, or an Error. */
    private static final class Failing implements Extension {
        final boolean atStart;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();

        Failing(boolean atStart) {
            this.atStart = atStart;
        }

        @Override
        public String name() {
            return atStart ? "fails-to-start" : "fails-always";
        }

        @Override
        public void start(BridgeContext context) {
            if (atStart) {
                throw new IllegalStateException("cannot start");
            }
        }

        @Override
        public void onEvent(String deviceId, Event event) {
            calls.incrementAndGet();
            if (calls.get() % 2 == 0) {
                throw new StackOverflowError();
            }
            throw new IllegalArgumentException("bug in onEvent");
        }

        @Override
        public void onState(String deviceId, DeviceState state) {
            calls.incrementAndGet();
            throw new NullPointerException("bug in onState");
        }

        @Override
        public void onLink(String deviceId, boolean up) {
            calls.incrementAndGet();
            throw new NoClassDefFoundError("missing");
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
            throw new IllegalStateException("cannot stop");
        }
    }

    /** A bridge whose link is never connected: what the extensions see does not depend on a broker. */
    private static Bridge bridge(ManualTransport device, List<Extension> extensions) {
        Topics topics = new Topics("core");
        MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "core-" + System.nanoTime(), "core"), MqttPublisher.will(topics));
        return new Bridge(link, topics, List.of(new Bridge.Device(DEVICE, BALL, BALL.thresholds(), device)), Clock.systemUTC(),
                Optional.empty(), extensions);
    }

    @Test
    void extensionsStartInOrderBeforeTheDevicesAndStopInReverseAfterTheSessionEnded() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Recording first = new Recording("first", log);
        Recording second = new Recording("second", log);
        ManualTransport device = new ManualTransport(BALL, "C0:FF:EE:00:00:01");
        Bridge bridge = bridge(device, List.of(first, second));
        assertThat(bridge.pipelinesAlive()).as("not started is not dead").isTrue();
        bridge.start();
        device.press(100, 60, 2_000);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> second.events.contains("session_started"));
        bridge.stop(Duration.ZERO);

        assertThat(log).containsExactly(
                "first start, device running: false",
                "second start, device running: false",
                "first link up",
                "second link up",
                "second stop, last event: session_ended",
                "first stop, last event: session_ended");
        assertThat(first.events).containsExactly("device_connected", "session_started", "session_ended");
        assertThat(first.states.get()).isGreaterThan(10);
        assertThat(first.context.pipeline(DEVICE)).isPresent();
        assertThat(first.context.pipeline("nobody")).isEmpty();
        assertThatThrownBy(bridge::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("started already");
    }

    @Test
    void anExtensionThatThrowsCostsOnlyItself() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Recording before = new Recording("before", log);
        Failing failsToStart = new Failing(true);
        Failing failsAlways = new Failing(false);
        Recording after = new Recording("after", log);
        ManualTransport device = new ManualTransport(BALL, "C0:FF:EE:00:00:01");
        Bridge bridge = bridge(device, List.of(before, failsToStart, failsAlways, after));
        bridge.start();
        device.press(100, 60, 2_000);
        device.press(250, 0, 2_000);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> after.events.contains("pressure_too_high"));

        assertThat(bridge.pipelinesAlive()).isTrue();
        assertThat(failsToStart.calls).as("an extension that did not start is told nothing").hasValue(0);
        assertThat(failsToStart.stops).as("it is stopped at once, to take back what it set up").hasValue(1);
        assertThat(failsAlways.calls.get()).as("the failing extension is still called").isGreaterThan(10);
        assertThat(after.events).as("every event reaches the extension after the one that throws")
                .containsSubsequence("device_connected", "session_started", "pressure_too_high");
        Awaitility.await("every event waits in the outbox for the broker").atMost(Duration.ofSeconds(10))
                .until(() -> bridge.publisher().outbox().size() == after.events.size());
        assertThat(before.events).isEqualTo(after.events);

        bridge.stop(Duration.ZERO);
        assertThat(failsToStart.stops).as("and not again with the others").hasValue(1);
        assertThat(failsAlways.stops).hasValue(1);
        assertThat(log).as("a stop that throws does not keep the others from stopping")
                .containsSubsequence("after stop, last event: session_ended", "before stop, last event: session_ended");
    }

    @Test
    void commandsAreSubscribedBeforeTheBridgeSaysItIsOnline() {
        Topics topics = new Topics("core");
        MqttLink link = Mockito.spy(new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "core-" + System.nanoTime(), "core"),
                MqttPublisher.will(topics)));
        Mockito.doReturn(true).when(link).isConnected();
        Mockito.doReturn(CompletableFuture.completedFuture(null)).when(link)
                .publish(Mockito.anyString(), Mockito.any(byte[].class), Mockito.anyInt(), Mockito.anyBoolean());
        Mockito.doNothing().when(link).subscribe(Mockito.anyString(), Mockito.any());
        ManualTransport device = new ManualTransport(BALL, "C0:FF:EE:00:00:01");
        Bridge bridge = new Bridge(link, topics, List.of(new Bridge.Device(DEVICE, BALL, BALL.thresholds(), device)), Clock.systemUTC(),
                Optional.empty(), List.of());
        bridge.start();
        try {
            InOrder order = Mockito.inOrder(link);
            order.verify(link).subscribe(Mockito.eq(topics.commandFilter()), Mockito.any());
            order.verify(link).publish(Mockito.eq(topics.bridgeState()), Mockito.any(byte[].class), Mockito.anyInt(), Mockito.eq(true));
        } finally {
            bridge.stop(Duration.ZERO);
        }
    }
}
