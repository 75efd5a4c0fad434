package dev.rollbridge.testing.bluez;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.bluez.Adapter1;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The fake bluetoothd itself, as a client sees it on the bus: each way it behaves as BlueZ's own
 * source does (src/device.c, src/gatt-client.c, src/adapter.c), so the tests run against it prove
 * something about real BlueZ.
 */
class FakeBluezIT {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final String ADDRESS = "C0:FF:EE:00:00:01";
    private static final String DEVICE = FakeBluez.ADAPTER_PATH + "/dev_C0_FF_EE_00_00_01";

    private EmbeddedBus bus;
    private FakeBluez bluez;
    private DBusConnection client;

    private FakeDevice start(FakeBluez.Behaviour behaviour) throws Exception {
        bus = EmbeddedBus.start();
        bluez = FakeBluez.start(bus.address(), behaviour);
        FakeDevice ball = bluez.addDevice(BALL, ADDRESS, "RollSense Ball", 185, 1.0);
        client = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
        adapter().StartDiscovery();
        adapter().StopDiscovery();
        return ball;
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (bluez != null) {
            bluez.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    private Adapter1 adapter() throws Exception {
        return client.getRemoteObject("org.bluez", FakeBluez.ADAPTER_PATH, Adapter1.class);
    }

    private Device1 device() throws Exception {
        return client.getRemoteObject("org.bluez", DEVICE, Device1.class);
    }

    private Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects() throws Exception {
        return client.getRemoteObject("org.bluez", "/", ObjectManager.class).GetManagedObjects();
    }

    private long characteristics() throws Exception {
        return objects().values().stream().filter(i -> i.containsKey("org.bluez.GattCharacteristic1")).count();
    }

    private String dataPath() throws Exception {
        String uuid = BALL.data().uuid().toString();
        return objects().entrySet().stream().filter(e -> e.getValue().containsKey("org.bluez.GattCharacteristic1")
                && uuid.equals(e.getValue().get("org.bluez.GattCharacteristic1").get("UUID").getValue())).findFirst().orElseThrow()
                .getKey().getPath();
    }

    private Object property(String path, String iface, String name) throws Exception {
        Object v = client.getRemoteObject("org.bluez", path, Properties.class).Get(iface, name);
        return v instanceof Variant<?> variant ? variant.getValue() : v;
    }

    @Test
    void gattObjectsComeWithTheFirstConnectionStayOverADisconnectAndGoWithRemoveDevice() throws Exception {
        start(FakeBluez.Behaviour.strict());
        assertThat(characteristics()).as("before any connection").isZero();
        device().Connect();
        assertThat(property(DEVICE, "org.bluez.Device1", "ServicesResolved")).as("right after Connect returns").isEqualTo(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(property(DEVICE, "org.bluez.Device1", "ServicesResolved")));
        assertThat(characteristics()).isEqualTo(3);
        assertThat(property(dataPath(), "org.bluez.GattCharacteristic1", "MTU")).as("MTU while connected").isNotNull();

        long asked = System.nanoTime();
        device().Disconnect();
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("Disconnect answers once the link is down").isGreaterThan(Duration.ofMillis(1_500));
        assertThat(characteristics()).as("kept over a disconnect").isEqualTo(3);
        String data = dataPath();
        assertThatThrownBy(() -> property(data, "org.bluez.GattCharacteristic1", "MTU")).as("no MTU while disconnected")
                .isInstanceOf(DBusExecutionException.class);

        adapter().RemoveDevice(new DBusPath(DEVICE));
        assertThat(characteristics()).as("gone with RemoveDevice").isZero();
    }

    @Test
    void aNotificationSessionIsPerClientAndBlueZTurnsItBackOnAtTheNextConnection() throws Exception {
        FakeDevice ball = start(FakeBluez.Behaviour.strict());
        device().Connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(property(DEVICE, "org.bluez.Device1", "ServicesResolved")));
        GattCharacteristic1 data = client.getRemoteObject("org.bluez", dataPath(), GattCharacteristic1.class);
        data.StartNotify();
        data.StartNotify(); // the same client again: a success
        assertThat(property(dataPath(), "org.bluez.GattCharacteristic1", "Notifying")).isEqualTo(true);

        ball.goOutOfRange();
        assertThat(property(dataPath(), "org.bluez.GattCharacteristic1", "Notifying")).isEqualTo(false);
        ball.backInRange();
        device().Connect();
        // No StartNotify from anyone: BlueZ turned the kept session back on by itself.
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(property(dataPath(), "org.bluez.GattCharacteristic1", "Notifying")));

        // While disconnecting, StartNotify is refused.
        CompletableFuture<Void> disconnecting = CompletableFuture.runAsync(() -> {
            try {
                device().Disconnect();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        try (DBusConnection another = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
            GattCharacteristic1 theirs = another.getRemoteObject("org.bluez", dataPath(), GattCharacteristic1.class);
            assertThatThrownBy(theirs::StartNotify).hasMessageContaining("Not connected");
        }
        disconnecting.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeviceThatDoesNotAnswerFailsOnlyAfterTheControllerTimeoutAndOneScanAClient() throws Exception {
        FakeDevice ball = start(FakeBluez.Behaviour.strict());
        ball.goOutOfRange();
        long asked = System.nanoTime();
        assertThatThrownBy(() -> device().Connect()).hasMessageContaining("le-connection-abort-by-local");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(FakeBluez.Behaviour.strict().absentConnectTimeout());

        adapter().StartDiscovery();
        assertThatThrownBy(() -> adapter().StartDiscovery()).as("a second scan by the same client").hasMessageContaining("in progress");
        adapter().StopDiscovery();
    }

    @Test
    void beforeBlueZ562CharacteristicsHaveNoMtu() throws Exception {
        start(FakeBluez.Behaviour.strict().withMtuProperty(false));
        device().Connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(property(DEVICE, "org.bluez.Device1", "ServicesResolved")));
        String data = dataPath();
        assertThatThrownBy(() -> property(data, "org.bluez.GattCharacteristic1", "MTU")).isInstanceOf(DBusExecutionException.class);
    }

    @Test
    void theLenientFakeDoesEverythingAtOnce() throws Exception {
        start(FakeBluez.Behaviour.lenient());
        assertThat(characteristics()).as("GATT objects before any connection").isEqualTo(3);
        device().Connect();
        assertThat(property(DEVICE, "org.bluez.Device1", "ServicesResolved")).isEqualTo(true);
    }
}
