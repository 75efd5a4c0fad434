package dev.rollbridge.ble;

import java.time.Duration;

/**
 * How a {@link BleLink} heals itself: connect timeout, scan time when the device must be found
 * again, reconnect backoff (exponential with jitter), after how many failures in a row it
 * re-discovers the device and power-cycles the adapter, and how long a connected device may send
 * nothing before the link is rebuilt.
 */
public record LinkPolicy(Duration connectTimeout, Duration scanTime, Duration backoffFirst, Duration backoffMax,
                         int rediscoverAfter, int powerCycleAfter, Duration watchdog) {

    public LinkPolicy {
        if (rediscoverAfter < 1 || powerCycleAfter <= rediscoverAfter) {
            throw new IllegalArgumentException("need 1 <= rediscover_after < power_cycle_after, not "
                    + rediscoverAfter + " and " + powerCycleAfter);
        }
    }

    public static LinkPolicy defaults() {
        return new LinkPolicy(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60),
                3, 6, Duration.ofSeconds(5));
    }

    /** The delay before attempt {@code failures + 1}: first × 2^(failures-1), capped, plus up to 25 % jitter. */
    public Duration backoff(int failures, double jitter01) {
        if (failures <= 0) {
            return Duration.ofMillis(Math.min(250, backoffFirst.toMillis()));
        }
        long base = backoffFirst.toMillis() << Math.min(20, failures - 1);
        long capped = Math.min(backoffMax.toMillis(), base);
        return Duration.ofMillis(capped + (long) (capped * 0.25 * jitter01));
    }
}
