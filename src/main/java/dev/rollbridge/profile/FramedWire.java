package dev.rollbridge.profile;

import java.util.List;
import java.util.Map;

/**
 * Whole samples in DATA frames on one characteristic, with a sample counter and device time, and
 * a CONTROL characteristic for start, stop and rate commands.
 */
public record FramedWire(double sampleRateHz, Characteristic data, Characteristic control, SampleLayout sample,
                         List<FrameLayout> frames, Map<String, byte[]> controlCommands) implements Wire {
}
