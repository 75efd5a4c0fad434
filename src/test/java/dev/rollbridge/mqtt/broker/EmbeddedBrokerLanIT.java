package dev.rollbridge.mqtt.broker;

import dev.rollbridge.login.BrokerLogin;
import dev.rollbridge.login.PasswordHash;
import dev.rollbridge.mqtt.link.Credentials;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The embedded broker in LAN mode: who may connect, and what the LAN login may publish. */
class EmbeddedBrokerLanIT {
    private static final char[] PASSWORD = "k7mq-x9pw-2abc-defg-hjkm".toCharArray();
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start("127.0.0.1", 0,
                Optional.of(new EmbeddedBroker.Lan(new BrokerLogin("rollbridge", PasswordHash.of(PASSWORD)), "rb", "homeassistant")));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private MqttClient connect(String user, char[] password) throws MqttException {
        MqttClient client = new MqttClient(broker.url(), "c-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password);
        }
        client.setTimeToWait(10_000);
        client.connect(options);
        return client;
    }

    private void refused(String user, char[] password) {
        MqttException e = catchThrowableOfType(MqttException.class, () -> connect(user, password).disconnect());
        assertThat(e).as("login %s", user).isNotNull();
        assertThat(e.getReasonCode()).isIn((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
                (int) MqttException.REASON_CODE_NOT_AUTHORIZED);
    }

    @Test
    void onlyTheLanLoginAndTheBridgesOwnGetIn() throws Exception {
        refused(null, null);
        refused("rollbridge", new char[0]);
        refused("rollbridge", "k7mq-x9pw-2abc-defg-hjkn".toCharArray());
        refused("someone", PASSWORD);
        Credentials own = broker.ownLogin().orElseThrow();
        refused(own.username(), PASSWORD);
        connect("rollbridge", PASSWORD).disconnect();
        connect(own.username(), own.password().orElseThrow().reveal()).disconnect();
    }

    @Test
    void wrongPasswordsFromAnyoneNeverLockTheOwnerOut() throws Exception {
        for (int i = 0; i < 20; i++) {
            refused("rollbridge", ("wrong-" + i).toCharArray());
        }
        connect("rollbridge", PASSWORD).disconnect();
    }

    @Test
    void theLanLoginReadsEverythingButWritesOnlyWhatAClientSends() throws Exception {
        Credentials own = broker.ownLogin().orElseThrow();
        MqttClient bridge = connect(own.username(), own.password().orElseThrow().reveal());
        bridge.publish("rb/bridge/state", "{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true);
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        bridge.subscribe("#", 1, (topic, message) -> seen.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
        assertThat(seen.poll(5, TimeUnit.SECONDS)).as("its own retained state").isEqualTo("rb/bridge/state {\"state\":\"online\"}");

        MqttClient lan = connect("rollbridge", PASSWORD);
        BlockingQueue<String> read = new LinkedBlockingQueue<>();
        lan.subscribe("rb/#", 1, (topic, message) -> read.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
        assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo("rb/bridge/state {\"state\":\"online\"}");

        for (String allowed : List.of("rb/rollsense_1/set", "rb/bridge/request/devices", "homeassistant/status")) {
            lan.publish(allowed, "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(seen.poll(5, TimeUnit.SECONDS)).as(allowed).isEqualTo(allowed + " {}");
        }
        for (String forbidden : List.of("rb/bridge/state", "rb/bridge/info", "rb/rollsense_1/event", "rb/rollsense_1/history",
                "rb/a/b/set", "homeassistant/device/rollbridge_x/config", "elsewhere")) {
            MqttClient attacker = connect("rollbridge", PASSWORD);
            // QoS 0: the broker drops a publish it refuses without an answer, so a QoS 1 one would wait for ever.
            attacker.setTimeToWait(2_000);
            try {
                attacker.publish(forbidden, "{\"state\":\"offline\"}".getBytes(StandardCharsets.UTF_8), 0, true);
            } catch (MqttException dropped) {
                // The broker may end the connection of a client that publishes where it may not.
            }
            try {
                attacker.disconnect();
            } catch (MqttException gone) {
                // already dropped
            }
            attacker.close();
        }
        // A marker the bridge publishes after the forbidden ones: when it arrives, any of theirs would have too.
        bridge.publish("rb/marker", "m".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("rb/marker m");
        assertThat(seen).isEmpty();
        MqttClient late = connect("rollbridge", PASSWORD);
        BlockingQueue<String> retained = new LinkedBlockingQueue<>();
        late.subscribe("rb/bridge/state", 1, (topic, message) -> retained.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        assertThat(retained.poll(5, TimeUnit.SECONDS)).as("the retained state is still the bridge's").isEqualTo("{\"state\":\"online\"}");
        late.disconnect();
        lan.disconnect();
        bridge.disconnect();
    }
}
