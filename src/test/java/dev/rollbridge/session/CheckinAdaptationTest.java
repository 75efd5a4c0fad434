package dev.rollbridge.session;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adaptation as a pure function of a run of morning answers. */
class CheckinAdaptationTest {
    private static final LocalDate FIRST = LocalDate.of(2026, 11, 23);

    private static List<HistoryStore.Checkin> mornings(int... soreness) {
        List<HistoryStore.Checkin> out = new ArrayList<>();
        for (int i = 0; i < soreness.length; i++) {
            LocalDate day = FIRST.plusDays(i);
            out.add(new HistoryStore.Checkin(day, Instant.parse(day + "T07:10:00Z"), soreness[i]));
        }
        return out;
    }

    @Test
    void noAnswersOrOneAnswerLeaveTheCalibratedValues() {
        assertThat(CheckinAdaptation.of(List.of(), 0.8)).isEqualTo(CheckinAdaptation.NONE);
        CheckinAdaptation one = CheckinAdaptation.of(mornings(9), 0.8);
        assertThat(one.lowered()).as("the first answer is the reference, whatever it is").isFalse();
        assertThat(one.reference()).isEqualTo(9);
        assertThat(one.factor()).isEqualTo(1.0);
    }

    @Test
    void aRiseOfThreeLowersARiseOfTwoDoesNot() {
        CheckinAdaptation two = CheckinAdaptation.of(mornings(2, 4), 0.8);
        assertThat(two.lowered()).isFalse();
        assertThat(two.reference()).as("a good morning becomes the reference").isEqualTo(4);
        CheckinAdaptation three = CheckinAdaptation.of(mornings(2, 5), 0.8);
        assertThat(three.lowered()).isTrue();
        assertThat(three.factor()).isEqualTo(0.8);
        assertThat(three.since()).isEqualTo(FIRST.plusDays(1));
        assertThat(three.sore()).isEqualTo(5);
        assertThat(three.reference()).isEqualTo(2);
        assertThat(three.message()).contains("5/10, up from 2/10").contains("20 % lower");
    }

    @Test
    void twoGoodMorningsInARowRestoreASoreOneBetweenStartsTheCountAgain() {
        assertThat(CheckinAdaptation.of(mornings(2, 6, 3), 0.8).lowered()).as("one good morning").isTrue();
        assertThat(CheckinAdaptation.of(mornings(2, 6, 3), 0.8).goodMornings()).isEqualTo(1);
        CheckinAdaptation restored = CheckinAdaptation.of(mornings(2, 6, 3, 2), 0.8);
        assertThat(restored.lowered()).isFalse();
        assertThat(restored.factor()).isEqualTo(1.0);
        assertThat(restored.reference()).as("the last good morning").isEqualTo(2);
        assertThat(restored.message()).contains("back to your calibrated");
        assertThat(CheckinAdaptation.of(mornings(2, 6, 3, 7, 3), 0.8).lowered()).as("sore again in between: one good since").isTrue();
        assertThat(CheckinAdaptation.of(mornings(2, 6, 3, 7, 3, 4), 0.8).lowered()).isFalse();
    }

    @Test
    void afterARestoreTheNextRiseIsMeasuredFromTheNewReference() {
        // 1, sore 5, good 2, good 1 (restored, reference 1); 4 is up by 3 from 1: lowered again.
        CheckinAdaptation again = CheckinAdaptation.of(mornings(1, 5, 2, 1, 4), 0.7);
        assertThat(again.lowered()).isTrue();
        assertThat(again.factor()).isEqualTo(0.7);
        assertThat(again.since()).isEqualTo(FIRST.plusDays(4));
        assertThat(again.toMap()).containsEntry("lowered", true).containsEntry("sore", 4).containsEntry("reference", 1)
                .containsEntry("last_checkin", 4).containsEntry("last_checkin_day", FIRST.plusDays(4).toString());
    }

    @Test
    void aFactorOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> CheckinAdaptation.of(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CheckinAdaptation.of(List.of(), 1.2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CheckinAdaptation.of(List.of(), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
