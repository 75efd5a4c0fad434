package dev.rollbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigEditorTest {
    @TempDir
    Path dir;

    @Test
    void aMissingSectionIsAppendedAfterOneBlankLine() {
        assertThat(ConfigEditor.withSection("a: 1\n\n\n", "lan", List.of("lan:", "  enabled: true")))
                .isEqualTo("a: 1\n\nlan:\n  enabled: true\n");
        assertThat(ConfigEditor.withSection("", "lan", List.of("lan:", "  enabled: true"))).isEqualTo("lan:\n  enabled: true\n");
    }

    @Test
    void anExistingSectionIsReplacedWithItsIndentedCommentsAndTheRestStaysAsItWas() {
        String before = "# top\nlan:\n  enabled: false   # old\n  # inner comment\n\n  dashboard_password_hash: x\n\n# next\naudio:\n  enabled: true\n";
        assertThat(ConfigEditor.withSection(before, "lan", List.of("lan:", "  enabled: true")))
                .isEqualTo("# top\nlan:\n  enabled: true\n\n# next\naudio:\n  enabled: true\n");
    }

    @Test
    void aKeyThatOnlyStartsLikeTheSectionIsNotIt() {
        assertThat(ConfigEditor.withSection("lane: 3\nlan: {enabled: false}\n", "lan", List.of("lan:", "  enabled: true")))
                .isEqualTo("lane: 3\nlan:\n  enabled: true\n");
    }

    @Test
    void theFileIsReplacedWholeWithItsPermissions() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        ConfigEditor.replace(file, "new\n");
        assertThat(file).hasContent("new");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("config.yaml");
        }
    }

    @Test
    void aLinkedFileIsChangedWhereItIsAndKeepsItsOwnerGroupAndMode() throws Exception {
        Path real = dir.resolve("real.yaml");
        Files.writeString(real, "old\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup");
        Files.getFileAttributeView(real, PosixFileAttributeView.class).setGroup(nobody);
        Path link = dir.resolve("config.yaml");
        Files.createSymbolicLink(link, real);
        ConfigEditor.replace(link, "new\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(real).hasContent("new");
        assertThat(Files.getPosixFilePermissions(real)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Files.readAttributes(real, PosixFileAttributes.class).group()).isEqualTo(nobody);
    }
}
