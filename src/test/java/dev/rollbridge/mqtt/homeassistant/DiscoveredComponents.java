package dev.rollbridge.mqtt.homeassistant;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.mqtt.MqttPublisher;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.testing.ManualTransport;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The discovery components of one RollSense ball on a bridge with the coach and the check-in on or off. */
final class DiscoveredComponents {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");

    private DiscoveredComponents() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(boolean coached, boolean checkin) {
        Topics topics = new Topics("rb");
        MqttLink link = new MqttLink(MqttSettings.of("tcp://127.0.0.1:9", "ha-components-" + System.nanoTime(), "rb"),
                MqttPublisher.will(topics));
        try (link) {
            Bridge bridge = new Bridge(link, topics, List.of(new Bridge.Device("ball", BALL, BALL.thresholds(),
                    new ManualTransport(BALL, "C0:FF:EE:00:00:01"))), Clock.systemUTC(), Optional.empty(), List.of(), coached);
            HomeAssistantDiscovery discovery = new HomeAssistantDiscovery("homeassistant", Optional.empty(), checkin);
            discovery.start(bridge);
            try {
                Map<String, Object> config = discovery.config(new HomeAssistantDiscovery.Device("ball", "C0:FF:EE:00:00:01",
                        "rollsense-ball", "RollSense ball"));
                return (Map<String, Object>) config.get("cmps");
            } finally {
                discovery.stop();
            }
        }
    }
}
