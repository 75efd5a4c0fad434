package dev.rollbridge.mqtt;

import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.Symptom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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
        assertThat(parse("{\"symptom\":\"radiating_pain\"}")).isEqualTo(new Command.ReportSymptom(Symptom.RADIATING_PAIN));
        assertThat(parse("{\"calibrate\":\"start\"}")).isEqualTo(new Command.StartCalibration());
        assertThat(parse("{\"calibrate\":\"mark\",\"pain\":7}")).isEqualTo(new Command.MarkCalibration(7));
        assertThat(parse("{\"calibrate\":\"cancel\",\"transaction\":\"t1\"}")).isEqualTo(new Command.CancelCalibration());
        assertThat(CommandParser.transaction("{\"pain\":1,\"transaction\":42}".getBytes(StandardCharsets.UTF_8))).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json                     | {pain:               | invalid JSON",
            "not an object                | [1,2]                | expected a JSON object",
            "no action                    | {\"leg\":\"left\"}   | no action: expected one of session, pain, symptom, calibrate",
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
}
