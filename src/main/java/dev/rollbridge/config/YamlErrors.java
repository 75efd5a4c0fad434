package dev.rollbridge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.util.regex.Pattern;

/**
 * A YAML syntax error in words that never repeat the file's content: the parser's own message
 * quotes the offending line, and that line may hold a password. What is kept: what went wrong,
 * where (line and column of the problem), and where the construct it was reading began.
 */
final class YamlErrors {
    /** Quoted text that is not a token name ({@code '<block end>'}), an escape ({@code '\t(TAB)'}) or one character. */
    private static final Pattern QUOTED = Pattern.compile("'(?![<\\\\])[^']{2,}'|\"[^\"]{2,}\"");
    /** Names the parser repeats from the file after these words. */
    private static final Pattern NAMED = Pattern.compile("\\b(alias|anchor|tag|handle)\\s+\\S+");

    private YamlErrors() {
    }

    static String describe(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                return describe(marked);
            }
        }
        return "not valid YAML" + (e.getLocation() != null
                ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : "");
    }

    private static String describe(MarkedYAMLException e) {
        Mark problem = e.getProblemMark();
        StringBuilder out = new StringBuilder("not valid YAML at line ").append(problem.getLine() + 1)
                .append(", column ").append(problem.getColumn() + 1).append(": ").append(clean(e.getProblem()));
        Mark context = e.getContextMark();
        if (e.getContext() != null && context != null
                && (context.getLine() != problem.getLine() || context.getColumn() != problem.getColumn())) {
            out.append(" (").append(clean(e.getContext())).append(" that begins at line ").append(context.getLine() + 1)
                    .append(", column ").append(context.getColumn() + 1).append(')');
        }
        return out.toString();
    }

    static String clean(String parserText) {
        if (parserText == null) {
            return "unreadable";
        }
        String oneLine = parserText.strip().replaceAll("\\s+", " ");
        String hidden = NAMED.matcher(QUOTED.matcher(oneLine).replaceAll("'" + ConfigNode.REDACTED + "'"))
                .replaceAll("$1 " + ConfigNode.REDACTED);
        return hidden.length() > 120 ? hidden.substring(0, 119) + "\u2026" : hidden;
    }
}
