package dev.rollbridge.analysis;

/**
 * The gyro's zero-rate offset as the analysis has learned it (see {@code GyroBias}), for
 * {@code bridge/health}: per axis in deg/s, whether anything has been learned yet, and how much
 * still time it was learned from.
 */
public record GyroOffset(boolean learned, double xDps, double yDps, double zDps, double stillSeconds) {
}
