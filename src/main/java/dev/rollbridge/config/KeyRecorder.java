package dev.rollbridge.config;

import java.util.List;

/**
 * Told about every key the configuration checker reads, whether the file has it or not: the
 * checker's own reads are the schema the configuration reference (docs/configuration.md) is
 * generated from, so the reference cannot drift from what is accepted. The daemon uses none.
 * Paths are as in problems ({@code devices[0].thresholds}); list indexes are the reader's to fold.
 */
interface KeyRecorder {
    /** A mapping at {@code path} ("" for the top level) that accepts exactly these keys. */
    void mapping(String path, List<String> keys);

    /**
     * A key read at {@code path}.
     *
     * @param type      text, integer, number, boolean, choice, list, or a loader's own words
     * @param allowed   the range or the choices; null when any value of the type is checked further by hand or allowed
     * @param otherwise the default when the key is left out; null when there is none (or it is not a literal)
     */
    void key(String path, String type, String allowed, String otherwise);
}
