package dev.rollbridge.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line each command shows in its parent's list is a whole sentence: {@code bench --help}
 * once ended "heap after GC, RSS, threads and" (issue 19), because the list shows only the first
 * line of a description.
 */
class HelpTextTest {

    private static void collect(CommandLine cl, List<String> into) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            String[] shown = usage.header().length > 0 ? usage.header() : usage.description();
            if (!sub.getCommandName().equals("help")) {
                into.add(sub.getCommandSpec().qualifiedName() + ": " + (shown.length == 0 ? "" : shown[0]));
            }
            collect(sub, into);
        }
    }

    @Test
    void everyCommandsSummaryIsAWholeSentence() {
        List<String> summaries = new ArrayList<>();
        collect(new CommandLine(new Main()), summaries);
        assertThat(summaries).hasSizeGreaterThan(10)
                .allSatisfy(s -> assertThat(s).as("the summary in its parent's list").matches(".+: [A-Z].*[.)]"));
    }
}
