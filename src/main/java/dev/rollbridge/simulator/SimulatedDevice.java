package dev.rollbridge.simulator;

import dev.rollbridge.stream.PlaybackTransport;

/** What every simulated device shares: its options (address, speed, loop, seed, loss) and its kind. */
abstract class SimulatedDevice extends PlaybackTransport {
    protected final SimulatedRollsense.Options options;

    SimulatedDevice(SimulatedRollsense.Options options) {
        if (options.speed() < 0) {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or positive, not " + options.speed());
        }
        this.options = options;
    }

    @Override
    public String deviceAddress() {
        return options.address();
    }

    @Override
    public String kind() {
        return "simulator";
    }
}
