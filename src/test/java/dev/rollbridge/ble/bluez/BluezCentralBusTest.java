package dev.rollbridge.ble.bluez;

import dev.rollbridge.ble.BleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A bus whose socket is not there is said at once: `scan` waited ten seconds to say D-Bus was missing (issue 19). */
class BluezCentralBusTest {

    @Test
    void aMissingSocketIsSaidAtOnceAndNamed() {
        assertTimeoutPreemptively(Duration.ofSeconds(3), () ->
                assertThatThrownBy(() -> new BluezCentral(Optional.of("unix:path=/nonexistent/bus"), Optional.empty()))
                        .isInstanceOf(BleException.class)
                        .hasMessageContaining("no socket at unix:path=/nonexistent/bus")
                        .hasMessageContaining("is dbus running"));
    }

    @Test
    void aSocketThatIsThereOrAnotherTransportIsLeftToDbusJava(@TempDir Path dir) throws Exception {
        Path socket = Files.createFile(dir.resolve("bus"));
        assertThatCode(() -> BluezCentral.failFastWithoutSocket("unix:path=" + socket)).doesNotThrowAnyException();
        assertThatCode(() -> BluezCentral.failFastWithoutSocket("unix:abstract=/tmp/dbus-x")).doesNotThrowAnyException();
        assertThatCode(() -> BluezCentral.failFastWithoutSocket("tcp:host=127.0.0.1,port=1")).doesNotThrowAnyException();
        assertThat(BluezCentral.SYSTEM_BUS).startsWith("unix:path=");
    }
}
