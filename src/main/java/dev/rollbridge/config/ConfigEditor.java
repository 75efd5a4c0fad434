package dev.rollbridge.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
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
     * Replaces {@code file} by {@code text} all at once (a file beside it, made with the old file's
     * permissions from its first byte, the old owner and group, synced, renamed over it, the folder
     * synced): a crash leaves the old file or the new one, never half, and nobody the old file kept
     * out can read the new one while it is written. A symbolic link is followed: its target changes.
     */
    public static void replace(Path file, String text) throws IOException {
        Path target;
        try {
            target = file.toRealPath();
        } catch (AccessDeniedException e) {
            throw denied(file);
        }
        Path dir = target.getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".new");
        PosixFileAttributeView old = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        try {
            Files.deleteIfExists(temp);
            if (old != null) {
                PosixFileAttributes attributes = old.readAttributes();
                try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(attributes.permissions()))) {
                    // The umask may have taken bits away at creation: the old file's are set again, no more.
                    Files.setPosixFilePermissions(temp, attributes.permissions());
                    PosixFileAttributeView made = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
                    if (!attributes.owner().equals(made.readAttributes().owner())) {
                        made.setOwner(attributes.owner());
                    }
                    if (!attributes.group().equals(made.readAttributes().group())) {
                        made.setGroup(attributes.group());
                    }
                    write(out, text);
                }
            } else {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    write(out, text);
                }
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AccessDeniedException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // it was never made
            }
            throw denied(file);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw e;
        }
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the rename is done either way.
        }
    }

    private static void write(FileChannel out, String text) throws IOException {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        out.force(true);
    }

    private static AccessDeniedException denied(Path file) {
        return new AccessDeniedException(file.toString(), null, "permission denied: run it as root (sudo)");
    }
}
