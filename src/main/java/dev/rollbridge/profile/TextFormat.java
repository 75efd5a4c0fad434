package dev.rollbridge.profile;

import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a device writes a text value, for the simulator: literal text with placeholders
 * {@code {group:%05.1f}} (the channel read from that group, in the field's unit, printf-style) and
 * {@code {group:rise(other)}} (1 when group {@code other}'s value rose since the last value, else 0).
 */
public final class TextFormat {
    static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9]*):([^}]*)}");
    private static final Pattern RISE = Pattern.compile("rise\\(([a-zA-Z][a-zA-Z0-9]*)\\)");

    private TextFormat() {
    }

    /**
     * The text for these values.
     *
     * @param value  a channel's value in the analysis unit
     * @param rising whether a group's value rose since the last text
     * @throws IllegalArgumentException naming a placeholder no channel fills, or a bad printf format
     */
    public static String write(String format, List<ChannelField> fields, Function<ChannelField, Double> value, Predicate<String> rising) {
        Matcher m = PLACEHOLDER.matcher(format);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(format, last, m.start());
            last = m.end();
            String group = m.group(1);
            String spec = m.group(2);
            Matcher rise = RISE.matcher(spec);
            if (rise.matches()) {
                String watched = rise.group(1);
                field(fields, watched, "{" + group + ":" + spec + "}");
                out.append(rising.test(watched) ? '1' : '0');
                continue;
            }
            ChannelField f = field(fields, group, "{" + group + ":" + spec + "}");
            try {
                out.append(String.format(Locale.ROOT, spec, (value.apply(f) / f.unitFactor() - f.add()) / f.scale()));
            } catch (IllegalFormatException e) {
                throw new IllegalArgumentException("{" + group + ":" + spec + "}: not a printf format for a number (" + e.getMessage() + ")");
            }
        }
        out.append(format.substring(last));
        return out.toString();
    }

    private static ChannelField field(List<ChannelField> fields, String group, String placeholder) {
        return fields.stream().filter(f -> group.equals(f.group())).findFirst().orElseThrow(() ->
                new IllegalArgumentException(placeholder + ": no channel reads group '" + group + "'"));
    }
}
