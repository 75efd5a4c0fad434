package dev.rollbridge.mqtt.link;

/**
 * MQTT 3.1.1 topic-filter matching (section 4.7) without allocation: the link checks every
 * incoming message against every filter of the bridge and its extensions, on Paho's one callback
 * thread.
 */
final class TopicFilter {
    private TopicFilter() {
    }

    static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /**
     * Whether {@code topic} (no wildcards) matches {@code filter}. {@code +} is one level, a final
     * {@code #} this level and all below (also none: {@code a/#} matches {@code a}), and a filter
     * that starts with a wildcard does not match a topic that starts with {@code $}.
     */
    static boolean matches(String filter, String topic) {
        if (!topic.isEmpty() && topic.charAt(0) == '$' && !filter.isEmpty()
                && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
            return false;
        }
        int f = 0;
        int t = 0;
        int fLength = filter.length();
        int tLength = topic.length();
        while (true) {
            int fEnd = levelEnd(filter, f);
            if (fEnd - f == 1 && filter.charAt(f) == '#') {
                return true;
            }
            int tEnd = levelEnd(topic, t);
            boolean plus = fEnd - f == 1 && filter.charAt(f) == '+';
            if (!plus && (tEnd - t != fEnd - f || !topic.regionMatches(t, filter, f, fEnd - f))) {
                return false;
            }
            boolean filterDone = fEnd >= fLength;
            boolean topicDone = tEnd >= tLength;
            if (filterDone || topicDone) {
                if (filterDone && topicDone) {
                    return true;
                }
                // Only "…/#" may go on past the topic's last level.
                return topicDone && isTrailingHash(filter, fEnd + 1);
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }

    private static int levelEnd(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }

    private static boolean isTrailingHash(String filter, int at) {
        return at == filter.length() - 1 && filter.charAt(at) == '#';
    }
}
