package dev.rollbridge.bridge;

/**
 * {@code <device>/availability}: offline (retained) from the start, online while the device's link
 * is up. The publisher repeats it on every reconnect and sets it offline when the bridge stops.
 */
public final class Availability implements Extension {
    private BridgeContext bridge;

    @Override
    public String name() {
        return "availability";
    }

    @Override
    public void start(BridgeContext context) {
        this.bridge = context;
        context.devices().forEach(d -> context.publisher().availability(d.id(), false));
    }

    @Override
    public void onLink(String deviceId, boolean up) {
        bridge.publisher().availability(deviceId, up);
    }
}
