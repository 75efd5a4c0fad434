package dev.rollbridge.profile;

import java.util.Optional;

/**
 * One DATA frame type: a header followed by {@code count} samples.
 *
 * @param id         value of the {@code type} header field that selects this layout
 * @param minMtu     smallest ATT MTU that carries a full frame of this type
 * @param timeSource where sample time comes from
 * @param t0         header field with the first sample's time in µs (required for {@link TimeSource#HEADER_T0})
 */
public record FrameLayout(int id, String name, int minMtu, int headerSize, int maxSamples, TimeSource timeSource,
                          FieldSpec type, FieldSpec count, FieldSpec seq, Optional<FieldSpec> t0) {

    public enum TimeSource {
        /** Sample i is at {@code t0 + i * period}. */
        HEADER_T0,
        /** Time is {@code seq * period}, seq extended past its wrap. */
        SEQ
    }

    /** The largest frame of this type, in bytes. */
    public int maxLength(int sampleSize) {
        return headerSize + maxSamples * sampleSize;
    }
}
