package dev.rollbridge.replay;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A trace is input from outside: a value the device could never send is refused, never clamped. */
class TraceReaderTest {
    private static final String HEADER = "t_ms,pressure_kpa,gx_dps,gy_dps,gz_dps\n";
    private final DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");

    @TempDir
    Path dir;

    private Path csv(String rows) throws IOException {
        Path file = dir.resolve("t.csv");
        Files.writeString(file, HEADER + "0,10,0,0,0\n" + rows);
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "negative pressure (was read as 0)     | 10,-500,0,0,0          | 'pressure_kpa' is -500, outside what rollsense-ball's pressure field carries (0 to 6553.5 kPa)",
            "huge gyro (was saturated)             | 10,20,1e9,0,0          | 'gx_dps' is 1e9, outside what rollsense-ball's gyro_x field carries (-3276.8 to 3276.7 deg/s)",
            "t_ms far in the future (a 4,295 s hold) | 1e300,20,0,0,0       | t_ms 1e300 is beyond 31536000000 ms",
            "a jump the frame clock cannot carry   | 5000000,20,0,0,0       | t_ms jumps 5000000 ms from the previous row",
            "not a number                          | 10,NaN,0,0,0           | 'pressure_kpa' is 'NaN', not a number",
    })
    void aValueOutOfTheFieldsRangeIsRefusedWithItsLine(String what, String row, String message) throws IOException {
        Path file = csv(row + "\n");
        assertThatThrownBy(() -> new TraceReader(ball, "C0:FF:EE:00:00:01").read(file)).as(what)
                .isInstanceOf(TraceException.class).hasMessageContaining("t.csv:3").hasMessageContaining(message);
    }

    @Test
    void aBadValueIsEchoedInAHundredCharactersAtMost() throws IOException {
        Path file = csv("10," + "9".repeat(5_000) + "x,0,0,0\n");
        assertThatThrownBy(() -> new TraceReader(ball, "C0:FF:EE:00:00:01").read(file)).isInstanceOf(TraceException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(250));
        Path jsonl = dir.resolve("t.jsonl");
        Files.writeString(jsonl, "{\"t_us\":0,\"char\":\"" + "z".repeat(5_000) + "\",\"hex\":\"00\"}\n");
        assertThatThrownBy(() -> new TraceReader(ball, "C0:FF:EE:00:00:01").read(jsonl)).isInstanceOf(TraceException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(250));
        Files.writeString(jsonl, "{\"t_us\":18446744073709551617,\"char\":\"7e1a0002-5b2f-4c3a-9d4e-20a6b7c8d9e0\",\"hex\":\"00\"}\n");
        assertThatThrownBy(() -> new TraceReader(ball, "C0:FF:EE:00:00:01").read(jsonl)).hasMessageContaining("'t_us' must be");
    }

    @Test
    void valuesAtTheEdgesOfTheFieldsAreKept() throws IOException {
        Path file = csv("10,6553.5,-3276.8,3276.7,0\n4294000,0,0,0,0\n");
        assertThat(new TraceReader(ball, "C0:FF:EE:00:00:01").read(file)).hasSize(3);
    }
}
