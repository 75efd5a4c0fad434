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
        // One position: where to look. The parser's second one (where the construct it was reading
        // began) read as a contradiction; it is named only when it says something, as "opened at".
        StringBuilder out = new StringBuilder("not valid YAML at line ").append(problem.getLine() + 1)
                .append(", column ").append(problem.getColumn() + 1).append(": ").append(plain(clean(e.getProblem())));
        Mark context = e.getContextMark();
        String what = e.getContext() == null ? "" : e.getContext();
        if (what.contains("quoted scalar") && context != null) {
            out.append(" (the quote opened at line ").append(context.getLine() + 1).append(", column ")
                    .append(context.getColumn() + 1).append(')');
        } else if (what.contains("flow") && context != null) {
            out.append(" (the bracket opened at line ").append(context.getLine() + 1).append(", column ")
                    .append(context.getColumn() + 1).append(')');
        }
        return out.toString();
    }

    /** The parser's most common complaints, in words a person editing a configuration uses. */
    private static String plain(String problem) {
        if (problem.startsWith("expected <block end>")) {
            return "this line is indented differently from the lines before it (YAML nests by spaces)";
        }
        if (problem.startsWith("mapping values are not allowed here")) {
            return "a ': ' where no key can start (put text that contains ': ' in quotes)";
        }
        if (problem.contains("'\\t(TAB)'") || problem.contains("(TAB)")) {
            return "a tab: indent with spaces";
        }
        if (problem.startsWith("expected ','")) {
            return "a bracket is not closed, or a ',' is missing between its items";
        }
        if (problem.startsWith("found unexpected end of stream")) {
            return "the file ends inside a quote or a bracket";
        }
        return problem;
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
