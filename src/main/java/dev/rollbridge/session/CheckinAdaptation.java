package dev.rollbridge.session;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the morning check-ins say about the next session, a pure function of the answers (oldest
 * first, one per day, the last {@value #WINDOW_DAYS} days):
 * <ul>
 *   <li>The first answer is the reference. A morning {@value #RISE} or more above the reference
 *   (the last good morning) is a sore one: the next session's pressure ceilings and leg target
 *   and limit are lowered to {@code factor} of the calibrated values (0.8: 20 % less).</li>
 *   <li>Any other morning is a good one and becomes the reference. Two good mornings in a row
 *   after a sore one bring the calibrated values back; a sore morning in between starts the count
 *   again.</li>
 * </ul>
 * The guide asks for pressure that is "uncomfortable but tolerable", never sharp, and warns
 * against overworking the tissue: a leg markedly sorer the next morning was worked too hard.
 *
 * @param lowered      the next session's figures are lowered
 * @param factor       the share of the calibrated figures in force: {@code factor} when lowered, else 1
 * @param since        the sore morning that lowered them (null when not lowered)
 * @param reference    the last good morning's soreness (null before the first answer)
 * @param sore         the sore morning's soreness (null when not lowered)
 * @param goodMornings good mornings since the sore one (0 or 1 while lowered)
 * @param last         the last answer (null before the first)
 * @param lastDay      its day (null before the first)
 */
public record CheckinAdaptation(boolean lowered, double factor, LocalDate since, Integer reference, Integer sore, int goodMornings,
                                Integer last, LocalDate lastDay) {
    /** Soreness this much above the last good morning is a sore morning. */
    public static final int RISE = 3;
    /** Good mornings in a row that bring the calibrated values back. */
    public static final int GOOD_MORNINGS_TO_RESTORE = 2;
    /** Check-ins older than this are not read: a sore morning two months ago says nothing about tomorrow. */
    public static final int WINDOW_DAYS = 60;

    /** No answers yet: the calibrated figures. */
    public static final CheckinAdaptation NONE = new CheckinAdaptation(false, 1.0, null, null, null, 0, null, null);

    /**
     * The adaptation after these check-ins (oldest first).
     *
     * @param factor the share of the calibrated figures after a sore morning, in (0, 1]
     */
    public static CheckinAdaptation of(List<HistoryStore.Checkin> checkins, double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1], got " + factor);
        }
        Integer reference = null;
        boolean lowered = false;
        LocalDate since = null;
        Integer sore = null;
        int good = 0;
        HistoryStore.Checkin last = null;
        for (HistoryStore.Checkin c : checkins) {
            last = c;
            int s = c.soreness();
            if (reference == null) {
                reference = s;
                continue;
            }
            boolean soreMorning = s >= reference + RISE;
            if (!lowered) {
                if (soreMorning) {
                    lowered = true;
                    since = c.day();
                    sore = s;
                    good = 0;
                } else {
                    reference = s;
                }
            } else if (soreMorning) {
                good = 0; // still sore: the count of good mornings starts again
            } else if (++good >= GOOD_MORNINGS_TO_RESTORE) {
                lowered = false;
                since = null;
                sore = null;
                good = 0;
                reference = s;
            }
        }
        return new CheckinAdaptation(lowered, lowered ? factor : 1.0, since, reference, sore, good,
                last == null ? null : last.soreness(), last == null ? null : last.day());
    }

    /** The percentage the figures are lowered by ({@code 20} for a factor of 0.8). */
    public static long percentLower(double factor) {
        return Math.round((1 - factor) * 100);
    }

    /** What {@code session_adapted} says when the figures change to these. */
    public String message() {
        if (lowered) {
            return String.format(Locale.ROOT, "Your thigh is sorer this morning (%d/10, up from %d/10): the next session's pressure "
                    + "ceiling and leg time are %d %% lower.", sore, reference, percentLower(factor));
        }
        return "Two good mornings: the next session is back to your calibrated pressure ceiling and leg time.";
    }

    /** As {@code bridge/info}, the retained check-in state and {@code session_adapted} show it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lowered", lowered);
        m.put("factor", factor);
        m.put("since", since == null ? null : since.toString());
        m.put("sore", sore);
        m.put("reference", reference);
        m.put("good_mornings", goodMornings);
        m.put("good_mornings_to_restore", GOOD_MORNINGS_TO_RESTORE);
        m.put("last_checkin", last);
        m.put("last_checkin_day", lastDay == null ? null : lastDay.toString());
        return m;
    }
}
