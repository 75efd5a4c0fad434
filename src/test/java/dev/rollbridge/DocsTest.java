package dev.rollbridge;

import dev.rollbridge.analysis.EventType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation holds together: every link between pages (and to a heading) lands, none leaves
 * the repository, and the MQTT API lists every event type the bridge can publish.
 */
class DocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    @Test
    void everyLinkBetweenPagesLandsInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("(?i)(https?|mailto):.*")) {
                    continue;
                }
                String where = ROOT.relativize(page) + ": " + target;
                String[] parts = target.split("#", 2);
                Path file = parts[0].isEmpty() ? page : page.getParent().resolve(parts[0]).normalize();
                if (target.startsWith("/") || target.contains(":") || !file.startsWith(ROOT)) {
                    broken.add(where + " (outside the repository)");
                } else if (!Files.exists(file)) {
                    broken.add(where + " (no such file)");
                } else if (parts.length == 2 && file.toString().endsWith(".md")) {
                    List<String> anchors = HEADING.matcher(Files.readString(file)).results().map(h -> anchor(h.group(1))).toList();
                    if (!anchors.contains(parts[1])) {
                        broken.add(where + " (no such heading; there are " + anchors + ")");
                    }
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void theMqttApiListsEveryEventType() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/mqtt-api.md"));
        int from = page.indexOf("### Event types");
        assertThat(from).as("docs/mqtt-api.md has a section '### Event types'").isPositive();
        int to = page.indexOf("\n## ", from);
        String table = page.substring(from, to < 0 ? page.length() : to);
        List<String> missing = Arrays.stream(EventType.values()).map(EventType::wireName)
                .filter(name -> !Pattern.compile("(?m)^\\|[^|]*`" + name + "`").matcher(table).find()).toList();
        assertThat(missing).as("event types with no row in docs/mqtt-api.md's table").isEmpty();
    }
}
