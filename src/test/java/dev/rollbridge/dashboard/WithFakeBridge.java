package dev.rollbridge.dashboard;

import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.testing.WithMosquitto;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Mosquitto, a fake bridge on it that announces one device (retained state and info), a
 * dashboard feed that knows the device, and the browser page a test opens; after each test the
 * page is closed and the bridge's retained topics are cleared.
 */
abstract class WithFakeBridge extends WithMosquitto {
    protected final String base;
    protected final String device;
    private final List<String> retainedTopics = new ArrayList<>();
    protected MqttClient bridge;
    protected DashboardFeed feed;
    protected WebDriver page;

    /** @param deviceTopics the device's topics the test retains (as suffixes: "", "/session"), cleared after it */
    protected WithFakeBridge(String base, String device, String... deviceTopics) {
        this.base = base;
        this.device = device;
        retainedTopics.addAll(List.of(base + "/bridge/state", base + "/bridge/info"));
        for (String suffix : deviceTopics) {
            retainedTopics.add(base + "/" + device + suffix);
        }
    }

    @BeforeEach
    void aBridgeWithOneDevice() throws Exception {
        bridge = new MqttClient(broker.url(), "fake-bridge-" + System.nanoTime());
        bridge.connect();
        retain(base + "/bridge/state", "{\"state\":\"online\"}");
        retain(base + "/bridge/info", "{\"devices\":[{\"id\":\"" + device + "\",\"profile\":\"rollsense-ball\",\"thresholds\":{\"speed_limit_cm_s\":7.5}}]}");
        feed = new DashboardFeed(broker.url(), new Topics(base));
        feed.connect();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> feed.knows(device));
    }

    @AfterEach
    void stopTheBridge() throws Exception {
        if (page != null) {
            page.quit();
        }
        feed.close();
        for (String topic : retainedTopics) {
            retain(topic, "");
        }
        bridge.disconnect();
        bridge.close();
    }

    protected void retain(String topic, String payload) throws Exception {
        bridge.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true);
    }
}
