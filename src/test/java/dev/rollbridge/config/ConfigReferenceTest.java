package dev.rollbridge.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is what the checker accepts: generated from ConfigLoader's own reads, with
 * one description per key. {@code -Dconfig.reference.write=true} writes the page instead of
 * comparing it.
 */
class ConfigReferenceTest {
    @TempDir
    static Path scratch;
    private static ConfigReference.Schema schema;
    private static Map<String, String> descriptions;

    @BeforeAll
    static void readTheChecker() {
        schema = ConfigReference.schema(scratch);
        descriptions = ConfigReference.descriptions();
    }

    @Test
    void thePageIsWhatTheGeneratorProduces() throws IOException {
        String current = Files.readString(ConfigReference.PAGE);
        String expected = ConfigReference.page(current, schema, descriptions);
        if (Boolean.getBoolean("config.reference.write")) {
            Files.writeString(ConfigReference.PAGE, expected);
            return;
        }
        assertThat(current)
                .as("%s is out of date with the checker or %s; regenerate it: %s",
                        ConfigReference.PAGE, ConfigReference.DESCRIPTIONS, ConfigReference.REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void everyKeyTheCheckerAcceptsHasADescription() {
        List<String> missing = schema.accepted().stream().filter(k -> !descriptions.containsKey(k)).toList();
        assertThat(missing)
                .as("keys the checker accepts with no line in %s (add 'PATH  what it does', then: %s)",
                        ConfigReference.DESCRIPTIONS, ConfigReference.REGENERATE)
                .isEmpty();
    }

    @Test
    void everyDescriptionNamesAKeyTheCheckerAccepts() {
        List<String> stale = descriptions.keySet().stream().filter(k -> !schema.accepted().contains(k)).toList();
        assertThat(stale)
                .as("lines of %s for keys the checker does not accept (remove or rename them, then: %s)",
                        ConfigReference.DESCRIPTIONS, ConfigReference.REGENERATE)
                .isEmpty();
    }

    @Test
    void everyKeyTheCheckerAcceptsIsReadWithAType() {
        List<String> untyped = schema.accepted().stream().filter(k -> schema.type(k) == null).toList();
        assertThat(untyped)
                .as("keys allowed by expectMapping that no configuration read here reaches with a typed read: "
                        + "give each, with its default, a line in %s (commented out is enough), or describe() it in ConfigLoader",
                        ConfigReference.EXAMPLE)
                .isEmpty();
    }

    @Test
    void theExampleMadeLiveKeepsItsIndentation() {
        assertThat(ConfigReference.uncommented("mqtt:\n  # tls:\n  #   ca_file: x   # PEM\n  # Login. Give one\n  # tcp://HOST:PORT\n"))
                .isEqualTo("mqtt:\n  tls:\n    ca_file: x   # PEM\n  # Login. Give one\n  # tcp://HOST:PORT\n");
    }
}
