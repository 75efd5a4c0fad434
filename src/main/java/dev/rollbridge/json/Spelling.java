package dev.rollbridge.json;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The known name a misspelt key most likely meant, for "did you mean" hints in configuration and commands. */
public final class Spelling {
    private Spelling() {
    }

    /** The nearest of {@code known} to {@code key}: a typo or two away (by length), or one a prefix of the other. */
    public static Optional<String> nearest(String key, List<String> known) {
        return known.stream()
                .filter(k -> distance(key, k) <= Math.max(1, Math.min(2, k.length() / 4)) || k.startsWith(key) || key.startsWith(k))
                .min(Comparator.comparingInt(k -> distance(key, k)));
    }

    /** Edit distance (insertions, deletions, substitutions). */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A key as it may be shown: itself when it is a plain name, else only its length (a key can be any text of the file). */
    public static String shownKey(String key) {
        return key.matches("[A-Za-z0-9_.-]{1,64}") ? key : "<a key of " + key.length() + " characters that is not a name>";
    }
}
