package dev.rollbridge.mqtt.contract;

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

    public String bridgeHealth() {
        return base + "/bridge/health";
    }

    /** Requests to the bridge: {@code rollbridge/bridge/request/<name>}. */
    public String bridgeRequestFilter() {
        return base + "/bridge/request/#";
    }

    public String bridgeResponse(String name) {
        return base + "/bridge/response/" + name;
    }

    /** The name of a bridge request topic ({@code health_check}, {@code device/restart}), or null. */
    public String requestName(String topic) {
        String prefix = base + "/bridge/request/";
        return topic.startsWith(prefix) && topic.length() > prefix.length() ? topic.substring(prefix.length()) : null;
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

    /** Summary of the device's last finished session (retained). */
    public String session(String deviceId) {
        return device(deviceId) + "/session";
    }

    /**
     * The device's history of the last weeks (retained): sessions per day and leg, sessions per
     * week, pain per day and the seek-professional rule, for the dashboard's history view.
     */
    public String history(String deviceId) {
        return device(deviceId) + "/history";
    }

    /**
     * The device's morning check-in (retained): whether today's is due, its answer, and whether a
     * sore morning lowered the next session's figures.
     */
    public String checkin(String deviceId) {
        return device(deviceId) + "/checkin";
    }

    /** Where on the muscle the device's session's work went so far (retained, at most once a second). */
    public String segments(String deviceId) {
        return device(deviceId) + "/segments";
    }

    /** Commands in for every device: {@code rollbridge/+/set}. */
    public String commandFilter() {
        return base + "/+/set";
    }

    /** A device's commands: {@code rollbridge/<device>/set}. */
    public String command(String deviceId) {
        return device(deviceId) + "/set";
    }

    public String commandResponse(String deviceId) {
        return device(deviceId) + "/set/response";
    }

    /** The device id of a {@code rollbridge/<device>/set} topic, or null when it is not one. */
    public String deviceOfCommandTopic(String topic) {
        String prefix = base + "/";
        if (!topic.startsWith(prefix) || !topic.endsWith("/set")) {
            return null;
        }
        String device = topic.substring(prefix.length(), topic.length() - "/set".length());
        return device.isEmpty() || device.contains("/") ? null : device;
    }
}
