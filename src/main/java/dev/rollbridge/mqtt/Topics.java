package dev.rollbridge.mqtt;

/** The topic names of the MQTT contract (design §5), under a configurable base. */
public record Topics(String base) {

    public Topics {
        if (base.isBlank() || base.contains("#") || base.contains("+") || base.startsWith("/") || base.endsWith("/")) {
            throw new IllegalArgumentException("base topic '" + base
                    + "' must be non-empty, without wildcards (# +) and without a leading or trailing /");
        }
    }

    public String bridgeState() {
        return base + "/bridge/state";
    }

    public String bridgeInfo() {
        return base + "/bridge/info";
    }

    public String device(String deviceId) {
        return base + "/" + deviceId;
    }

    public String availability(String deviceId) {
        return device(deviceId) + "/availability";
    }

    public String event(String deviceId) {
        return device(deviceId) + "/event";
    }
}
