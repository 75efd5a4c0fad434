package dev.rollbridge.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Changes one top-level section of a configuration file by text, so the person's comments and
 * layout elsewhere stay as they were (a YAML round trip would drop every comment).
 */
public final class ConfigEditor {
    private ConfigEditor() {
    }

    /**
     * {@code text} with its top-level {@code key:} section (the key's line and every indented,
     * blank or comment line after it) replaced by {@code section}, or {@code section} appended.
     * Comment lines directly above the old section stay.
     */
    public static String withSection(String text, String key, List<String> section) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(Pattern.quote(key) + "\\s*:.*")) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.addAll(section);
        } else {
            int end = start + 1;
            while (end < lines.size() && (lines.get(end).isBlank() || lines.get(end).startsWith(" ") || lines.get(end).startsWith("\t"))) {
                end++;
            }
            // Blank lines before the next section belong to the layout, not to this section.
            while (end - 1 > start && lines.get(end - 1).isBlank()) {
                end--;
            }
            lines.subList(start, end).clear();
            lines.addAll(start, section);
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * Replaces {@code file} by {@code text} all at once (a file beside it, synced, then renamed over
     * it), with the old file's permissions: a crash leaves the old file or the new one, never half.
     */
    public static void replace(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + ".new");
        Set<PosixFilePermission> perms = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            // not POSIX: the default above
        }
        try {
            Files.deleteIfExists(temp);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(temp, perms);
                } catch (UnsupportedOperationException e) {
                    // not POSIX
                }
                out.write(StandardCharsets.UTF_8.encode(text));
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AccessDeniedException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // it was never made
            }
            throw new AccessDeniedException(file.toString(), null, "permission denied: run it as root (sudo)");
        }
    }
}
