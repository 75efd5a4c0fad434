package dev.rollbridge.ble;

import dev.rollbridge.profile.ChannelLayout;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.GattWrite;
import dev.rollbridge.profile.Notification;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A connection whose set-up fails half-way (the start write refused) is let go before the next
 * attempt: otherwise its notification callbacks stay on (TinyB holds them) and the next
 * connection's frames arrive twice.
 */
class BleLinkSetUpTest {
    private static final String ADDRESS = "C0:FF:EE:00:00:01";

    /** A central that is ready, sees one device of this name and reports the default ATT MTU. */
    private static BleCentral nearby(String name) throws BleException {
        BleCentral central = mock(BleCentral.class);
        when(central.ready()).thenReturn(true);
        when(central.backend()).thenReturn("mock");
        when(central.devices()).thenReturn(List.of(new BleCentral.Advertisement(ADDRESS, name, Optional.of(-50), List.of())));
        when(central.mtu(any(), any(), any())).thenReturn(23);
        return central;
    }

    @Test
    void aSetUpThatFailsHalfWayDisconnectsBeforeTheNextAttempt() throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        BleCentral central = nearby("RollSense Ball");
        UUID control = ball.control().uuid();
        // The first start write fails; later ones pass.
        doThrow(new BleException("write refused")).doNothing().when(central).write(eq(ADDRESS), any(), eq(control), any());
        BleLink link = new BleLink(new Radio(central), ball, ADDRESS, new LinkPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMillis(10), Duration.ofMillis(50), 3, 6, Duration.ofSeconds(30)));
        link.start(NOWHERE);
        try {
            verify(central, timeout(5_000).times(2)).connect(eq(ADDRESS), any());
            InOrder order = inOrder(central);
            order.verify(central).connect(eq(ADDRESS), any());
            order.verify(central).subscribe(eq(ADDRESS), any(), eq(ball.data().uuid()), any());
            order.verify(central).write(eq(ADDRESS), any(), eq(control), any());
            order.verify(central).disconnect(ADDRESS);
            order.verify(central).connect(eq(ADDRESS), any());
        } finally {
            link.stop();
        }
    }

    private static final FrameSink NOWHERE = new FrameSink() {
        @Override
        public boolean offer(Frame frame) {
            return true;
        }

        @Override
        public void put(Frame frame) {
        }

        @Override
        public void linkChanged(boolean up) {
        }

        @Override
        public void endOfStream() {
        }
    };

    /** A channel profile: every notification on, then its connect writes in order; a refused write names the characteristic. */
    @Test
    void aChannelProfileSubscribesEachCharacteristicThenWritesItsConfigurationInOrder() throws Exception {
        DeviceProfile thingy = new ProfileLoader().builtIn("thingy52-ball");
        ChannelLayout wire = thingy.channels().orElseThrow();
        BleCentral central = nearby("Thingy");
        GattWrite motionConfig = wire.connectWrites().get(1);
        // The firmware refuses the first motion config (ATT Write Not Permitted), takes it the second time.
        doThrow(new BleException("org.bluez.Error.NotPermitted")).doNothing()
                .when(central).write(eq(ADDRESS), any(), eq(motionConfig.characteristic().uuid()), any());
        BleLink link = new BleLink(new Radio(central), thingy, ADDRESS, new LinkPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMillis(10), Duration.ofMillis(50), 3, 6, Duration.ofSeconds(30)));
        link.start(NOWHERE);
        try {
            verify(central, timeout(5_000).times(2)).connect(eq(ADDRESS), any());
            verify(central, timeout(5_000).times(2)).write(eq(ADDRESS), any(), eq(motionConfig.characteristic().uuid()), any());
            InOrder order = inOrder(central);
            order.verify(central).connect(eq(ADDRESS), any());
            for (Notification n : wire.notifications()) {
                order.verify(central).subscribe(eq(ADDRESS), eq(n.characteristic().service()), eq(n.characteristic().uuid()), any());
            }
            for (GattWrite w : wire.connectWrites()) {
                order.verify(central).write(ADDRESS, w.characteristic().service(), w.characteristic().uuid(), w.value());
            }
            order.verify(central).disconnect(ADDRESS);
            order.verify(central).connect(eq(ADDRESS), any());
            assertThat(String.valueOf(link.health().get("last_problem"))).contains("writing motion_config was refused");
        } finally {
            link.stop();
        }
    }

    /** A firmware that refuses the profile's writes is not the radio's fault: no re-discovery, no adapter power cycle. */
    @Test
    void aWriteTheDeviceAlwaysRefusesNeverPowerCyclesTheSharedAdapter() throws Exception {
        DeviceProfile thingy = new ProfileLoader().builtIn("thingy52-ball");
        BleCentral central = nearby("Thingy");
        doThrow(new BleException("org.bluez.Error.NotPermitted")).when(central).write(eq(ADDRESS), any(), any(), any());
        BleLink link = new BleLink(new Radio(central), thingy, ADDRESS, new LinkPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMillis(5), Duration.ofMillis(20), 3, 6, Duration.ofSeconds(30)));
        link.start(NOWHERE);
        try {
            verify(central, timeout(5_000).atLeast(8)).connect(eq(ADDRESS), any());
            verify(central, never()).powerCycle();
            verify(central, never()).forget(any());
        } finally {
            link.stop();
        }
    }
}
