package dev.rollbridge.mqtt.contract;

import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.Symptom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandParserTest {

    private static Command parse(String json) throws CommandParser.BadCommand {
        return CommandParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandOfTheContractParses() throws Exception {
        assertThat(parse("{\"session\":\"start\",\"leg\":\"left\"}")).isEqualTo(new Command.StartSession("left"));
        assertThat(parse("{\"session\":\"start\"}")).isEqualTo(new Command.StartSession("unknown"));
        assertThat(parse("{\"session\":\"stop\"}")).isEqualTo(new Command.StopSession());
        assertThat(parse("{\"pain\":6}")).isEqualTo(new Command.ReportPain(6));
        assertThat(parse("{\"pain\":0}")).isEqualTo(new Command.ReportPain(0));
        assertThat(parse("{\"checkin\":0}")).isEqualTo(new Command.ReportCheckin(0));
        assertThat(parse("{\"checkin\":10,\"transaction\":\"m1\"}")).isEqualTo(new Command.ReportCheckin(10));
        assertThat(parse("{\"symptom\":\"radiating_pain\"}")).isEqualTo(new Command.ReportSymptom(Symptom.RADIATING_PAIN));
        assertThat(parse("{\"calibrate\":\"start\"}")).isEqualTo(new Command.StartCalibration());
        assertThat(parse("{\"calibrate\":\"mark\",\"pain\":7}")).isEqualTo(new Command.MarkCalibration(7));
        assertThat(parse("{\"calibrate\":\"cancel\",\"transaction\":\"t1\"}")).isEqualTo(new Command.CancelCalibration());
        assertThat(CommandParser.transaction("{\"pain\":1,\"transaction\":42}".getBytes(StandardCharsets.UTF_8))).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "above ten        | {\"checkin\":11}              | \"checkin\" must be a whole number from 0 to 10, got 11",
            "negative         | {\"checkin\":-1}              | \"checkin\" must be a whole number from 0 to 10, got -1",
            "a fraction       | {\"checkin\":2.5}             | \"checkin\" must be a whole number from 0 to 10, got 2.5",
            "text             | {\"checkin\":\"3\"}           | \"checkin\" must be a whole number from 0 to 10, got \"3\"",
            "wraps round      | {\"checkin\":18446744073709551621} | \"checkin\" must be a whole number from 0 to 10",
            "with a leg       | {\"checkin\":3,\"leg\":\"left\"} | unknown key 'leg' (with checkin only checkin and transaction are allowed)",
            "with pain        | {\"checkin\":3,\"pain\":3}      | one action per message, got checkin and pain",
    })
    void aBadCheckinIsRefusedWithWhatIsWrong(String name, String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(CommandParser.BadCommand.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json                     | {pain:               | invalid JSON",
            "not an object                | [1,2]                | expected a JSON object",
            "no action                    | {\"leg\":\"left\"}   | no action: expected one of session, pain, checkin, symptom, calibrate",
            "a misspelt action            | {\"sesion\":\"start\"} | unknown key 'sesion'; did you mean 'session'? (expected one of session, pain, checkin, symptom, calibrate)",
            "two actions                  | {\"pain\":3,\"symptom\":\"swelling\"} | one action per message, got pain and symptom",
            "pain too high                | {\"pain\":11}        | \"pain\" must be a whole number from 0 to 10, got 11",
            "pain negative                | {\"pain\":-1}        | from 0 to 10, got -1",
            "pain not whole               | {\"pain\":6.5}       | from 0 to 10, got 6.5",
            "pain as text                 | {\"pain\":\"6\"}     | from 0 to 10, got \"6\"",
            "unknown symptom              | {\"symptom\":\"cramp\"} | unknown symptom 'cramp' (expected one of numbness, tingling",
            "unknown key                  | {\"pain\":3,\"mood\":\"ok\"} | unknown key 'mood'",
            "bad leg                      | {\"session\":\"start\",\"leg\":\"arm\"} | leg 'arm' is not one of left, right, unknown",
            "leg on stop                  | {\"session\":\"stop\",\"leg\":\"left\"} | unknown key 'leg'",
            "bad session verb             | {\"session\":\"pause\"} | session 'pause' is not one of start, stop",
            "mark without pain            | {\"calibrate\":\"mark\"} | calibrate mark needs \"pain\": 3, 5 or 7",
            "mark at 4                    | {\"calibrate\":\"mark\",\"pain\":4} | calibration marks are pain 3, 5 and 7, not 4",
            "bad calibrate verb           | {\"calibrate\":\"go\"} | calibrate 'go' is not one of start, mark, cancel",
    })
    void aBadCommandSaysWhatIsWrong(String what, String json, String message) {
        assertThatThrownBy(() -> parse(json)).as(what).isInstanceOf(CommandParser.BadCommand.class).hasMessageContaining(message);
    }

    @Test
    void trailingGarbageAndNumbersThatWouldWrapAreRefused() {
        assertThatThrownBy(() -> parse("{\"pain\":5} garbage")).isInstanceOf(CommandParser.BadCommand.class)
                .hasMessageContaining("invalid JSON").hasMessageContaining("after the JSON value");
        // 2^64 + 5: as a long it wraps round to 5.
        assertThatThrownBy(() -> parse("{\"pain\":18446744073709551621}")).isInstanceOf(CommandParser.BadCommand.class)
                .hasMessageContaining("from 0 to 10, got 18446744073709551621");
        assertThatThrownBy(() -> parse("{\"calibrate\":\"mark\",\"pain\":18446744073709551619}"))
                .isInstanceOf(CommandParser.BadCommand.class).hasMessageContaining("from 0 to 10");
    }

    @Test
    void aHugeBadValueIsEchoedInAHundredCharactersAtMost() {
        String huge = "x".repeat(200_000);
        for (String json : new String[]{"{\"symptom\":\"" + huge + "\"}", "{\"pain\":\"" + huge + "\"}",
                "{\"session\":\"start\",\"leg\":\"" + huge + "\"}", "{\"pain\":1,\"" + huge + "\":1}"}) {
            assertThatThrownBy(() -> parse(json)).isInstanceOf(CommandParser.BadCommand.class)
                    .satisfies(e -> assertThat(e.getMessage().length()).as(e.getMessage().substring(0, 40)).isLessThan(300));
        }
        assertThat(CommandParser.transaction(("{\"pain\":1,\"transaction\":\"" + huge + "\"}").getBytes(StandardCharsets.UTF_8)))
                .as("a transaction too long to echo").isNull();
    }

    @Test
    void aCommandNestedAThousandDeepIsABadCommandEvenOnTheServicesStack() throws Exception {
        byte[] deep = ("{\"pain\":1,\"transaction\":" + "[".repeat(1_000) + "]".repeat(1_000) + "}").getBytes(StandardCharsets.UTF_8);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                CommandParser.parse(deep);
                CommandParser.transaction(deep);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "service-sized-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(thrown.get()).isInstanceOf(CommandParser.BadCommand.class).hasMessageContaining("depth");
    }
}
