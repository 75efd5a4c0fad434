package dev.rollbridge.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command the documentation names exists as written: each {@code rollbridge COMMAND
 * [SUBCOMMAND] --option} in the README and docs/ (code spans and code blocks) is a command of the
 * jar with those options, and each {@code scripts/NAME} it runs is in the repository with the
 * options used.
 */
class DocsCommandsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** Code: a fenced block's lines, or an inline code span. */
    private static final Pattern CODE = Pattern.compile("```[a-z]*\\n([\\s\\S]*?)```|`([^`\\n]+)`");
    private static final Pattern ROLLBRIDGE = Pattern.compile("(?:^|&& |; |\\| |\\$ |\\(|\\s{2})(?:sudo )?(?:scripts/)?rollbridge((?: [a-z][a-z-]*)*)((?: [^\\s`#|]+)*)");
    private static final Pattern OPTION = Pattern.compile("(?<=^| )(--[a-z][a-z0-9-]*)");
    private static final Pattern SCRIPT = Pattern.compile("(?:^|[\\s(])(?:bash |sudo )?(scripts/[a-z-]+(?:\\.sh)?)((?: [^\\s`#|]+)*)");

    private static List<String> codeOf(Path page) throws IOException {
        List<String> code = new ArrayList<>();
        Matcher m = CODE.matcher(Files.readString(page));
        while (m.find()) {
            if (m.group(1) != null) {
                m.group(1).lines().map(l -> l.replaceAll("\\s+#.*$", "")).forEach(code::add);
            } else {
                code.add(m.group(2));
            }
        }
        return code;
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** A piece of code in the docs, with the page it is on (relative to the repository). */
    private record Code(String page, String text) {
    }

    private static List<Code> allCode() throws IOException {
        List<Code> all = new ArrayList<>();
        for (Path page : pages()) {
            for (String code : codeOf(page)) {
                all.add(new Code(ROOT.relativize(page).toString(), code));
            }
        }
        return all;
    }

    @Test
    void everyRollbridgeCommandAndOptionTheDocsNameExists() throws IOException {
        CommandLine root = new CommandLine(new Main());
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Code code : allCode()) {
            Matcher m = ROLLBRIDGE.matcher(code.text());
            while (m.find()) {
                CommandLine command = root;
                List<String> words = new ArrayList<>(List.of(m.group(1).trim().split(" ")));
                words.removeIf(String::isEmpty);
                // Words after the command are its subcommands while they name one; the rest are arguments.
                while (!words.isEmpty() && command.getSubcommands().containsKey(words.get(0))) {
                    command = command.getSubcommands().get(words.remove(0));
                }
                if (command == root && !words.isEmpty()) {
                    wrong.add(code.page() + ": rollbridge " + words.get(0) + " (no such command)");
                    continue;
                }
                Map<String, CommandLine.Model.OptionSpec> options = command.getCommandSpec().optionsMap();
                Matcher o = OPTION.matcher(m.group(2) + " " + String.join(" ", words));
                while (o.find()) {
                    String option = o.group(1);
                    boolean negatable = option.startsWith("--no-") && options.containsKey("--" + option.substring(5));
                    if (!options.containsKey(option) && !negatable && !option.equals("--help") && !option.equals("--version")) {
                        wrong.add(code.page() + ": " + command.getCommandName() + " " + option + " (no such option)");
                    }
                    checked++;
                }
                checked++;
            }
        }
        assertThat(checked).as("commands found in the docs").isGreaterThan(40);
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyScriptTheDocsRunExistsWithItsOptions() throws IOException {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Code code : allCode()) {
            Matcher m = SCRIPT.matcher(code.text());
            while (m.find()) {
                Path script = ROOT.resolve(m.group(1));
                if (!Files.isRegularFile(script)) {
                    wrong.add(code.page() + ": " + m.group(1) + " (no such script)");
                    continue;
                }
                checked++;
                if (m.group(1).equals("scripts/rollbridge")) {
                    continue; // the launcher: its options are the jar's, checked above
                }
                String text = Files.readString(script);
                Matcher o = OPTION.matcher(m.group(2));
                while (o.find()) {
                    if (!text.contains(o.group(1) + ")") && !text.contains(o.group(1) + "|") && !text.contains("|" + o.group(1))) {
                        wrong.add(code.page() + ": " + m.group(1) + " " + o.group(1) + " (not an option of the script)");
                    }
                }
            }
        }
        assertThat(checked).as("scripts found in the docs").isGreaterThan(5);
        assertThat(wrong).isEmpty();
    }
}
