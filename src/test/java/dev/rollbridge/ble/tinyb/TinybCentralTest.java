package dev.rollbridge.ble.tinyb;

import dev.rollbridge.ble.BleException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinybCentralTest {

    @Test
    void the64BitRaspberryPiIsToldToUseTheBluezBackend() {
        assertThatThrownBy(() -> TinybCentral.nativeFolder("Linux", "aarch64")).isInstanceOf(BleException.class)
                .hasMessage("TinyB has no native library for aarch64 (it ships x86_64, x86_32 and 32-bit ARM); "
                        + "on 64-bit Raspberry Pi OS use ble.backend: bluez");
    }

    @Test
    void thirtyTwoBitPiAndPcsGetTheLibrariesTheJarCarries() throws BleException {
        assertThat(TinybCentral.nativeFolder("Linux", "arm")).isEqualTo("native/arm/armv6");
        assertThat(TinybCentral.nativeFolder("Linux", "amd64")).isEqualTo("native/linux/x86_64");
        assertThat(TinybCentral.nativeFolder("Linux", "i386")).isEqualTo("native/linux/x86_32");
        for (String folder : new String[]{"native/arm/armv6", "native/linux/x86_64", "native/linux/x86_32"}) {
            assertThat(TinybCentral.class.getResource("/" + folder + "/libjavatinyb.so")).as(folder).isNotNull();
            assertThat(TinybCentral.class.getResource("/" + folder + "/libtinyb.so")).as(folder).isNotNull();
        }
    }

    @Test
    void notOnLinuxItSaysSo() {
        assertThatThrownBy(() -> TinybCentral.nativeFolder("Mac OS X", "aarch64")).hasMessageContaining("Linux only");
    }
}
