package dev.rollbridge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package structure of docs/architecture.md, read from the sources: the flow goes one way (no
 * package cycle), analysis does no I/O, the core knows none of its extensions.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+?)\\.[A-Z]", Pattern.MULTILINE);
    /** A class of another package named in full in the code instead of imported: it hides a dependency. */
    private static final Pattern INLINE_NAME = Pattern.compile("[^\\w.\"{@#]dev\\.rollbridge\\.[a-z.]+\\.[A-Z]");

    /** Each package's imports, by package. */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = Files.readString(file);
                Matcher p = PACKAGE.matcher(code);
                assertThat(p.find()).as("package of %s", file).isTrue();
                Set<String> used = graph.computeIfAbsent(p.group(1), k -> new TreeSet<>());
                Matcher i = IMPORT.matcher(code);
                while (i.find()) {
                    used.add(i.group(1));
                }
                assertThat(code.lines().filter(l -> !l.strip().matches("(/?\\*|//|import |package ).*")
                        && INLINE_NAME.matcher(l).find()).toList()).as("names of other packages in full in %s", file).isEmpty();
            }
        }
        return graph;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = imports();
        assertThat(graph).containsKeys("dev.rollbridge.analysis", "dev.rollbridge.bridge", "dev.rollbridge.daemon");
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            // Every package reachable from start, with the path that reached it.
            Map<String, String> via = new TreeMap<>();
            List<String> frontier = new ArrayList<>(List.of(start));
            while (!frontier.isEmpty()) {
                String at = frontier.remove(0);
                for (String next : graph.getOrDefault(at, Set.of())) {
                    if (graph.containsKey(next) && !next.equals(at) && !via.containsKey(next)) {
                        via.put(next, at);
                        frontier.add(next);
                    }
                }
            }
            if (via.containsKey(start)) {
                List<String> path = new ArrayList<>(List.of(start));
                for (String p = via.get(start); !p.equals(start); p = via.get(p)) {
                    path.add(0, p);
                }
                path.add(0, start);
                cycles.add(String.join(" -> ", path));
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void analysisUsesOnlyTheStreamTypesAndTheCollections() throws IOException {
        Set<String> used = imports().get("dev.rollbridge.analysis");
        assertThat(used).allSatisfy(p -> assertThat(p).matches("dev\\.rollbridge\\.stream|java\\.util(\\.function)?"));
    }

    @Test
    void theCoreKnowsNoneOfItsExtensionsAndTheStreamTypesKnowNothingAboveThem() throws IOException {
        Map<String, Set<String>> graph = imports();
        assertThat(graph.get("dev.rollbridge.bridge")).noneMatch(p -> p.matches(
                "dev\\.rollbridge\\.(session|cue|dashboard|mqtt\\.homeassistant|cli|daemon|config|ble.*|simulator|replay|bench).*"));
        assertThat(graph.get("dev.rollbridge.stream")).noneMatch(p -> p.startsWith("dev.rollbridge"));
        assertThat(graph.get("dev.rollbridge.profile")).noneMatch(p -> p.startsWith("dev.rollbridge.ble"));
        assertThat(graph.get("dev.rollbridge.mqtt.link")).noneMatch(p -> p.matches("dev\\.rollbridge\\.(mqtt\\.(outbox\\..*|contract|homeassistant)|bridge|analysis).*"));
    }
}
