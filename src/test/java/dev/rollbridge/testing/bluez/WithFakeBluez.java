package dev.rollbridge.testing.bluez;

import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.stream.PlaybackTransport;
import dev.rollbridge.testing.Recorder;
import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class with a real Mosquitto and, per test, a fake bluetoothd on the bus the backend under
 * test can reach ({@link BluezForBackend}); stopped after each test, even one that failed.
 */
public abstract class WithFakeBluez extends WithMosquitto {
    private BluezForBackend fake;
    /** For DBUS_SYSTEM_BUS_ADDRESS. */
    protected String busAddress;
    protected FakeBluez bluez;

    protected void startBluez(String backend) throws Exception {
        fake = BluezForBackend.start(backend);
        busAddress = fake.busAddress();
        bluez = fake.bluez();
    }

    @AfterEach
    void stopBluez() throws Exception {
        if (fake != null) {
            fake.close();
            fake = null;
        }
    }

    /** The events a simulated device's session gives when analysed straight from it, with no radio: what the bridge must say. */
    protected static List<Event> withoutRadio(DeviceProfile profile, Thresholds thresholds, PlaybackTransport simulator) throws Exception {
        Recorder recorder = new Recorder();
        DevicePipeline pipeline = new DevicePipeline("ref", profile, thresholds, 4096, recorder);
        pipeline.start();
        simulator.start(pipeline);
        assertThat(pipeline.awaitEndOfStream(Duration.ofSeconds(60))).isTrue();
        pipeline.close();
        return recorder.events;
    }

    /** An event's type, and its state when it is not instant: {@code speed_too_fast:raised}. */
    protected static String story(String type, String state) {
        return type + (state.equals("instant") ? "" : ":" + state);
    }
}
