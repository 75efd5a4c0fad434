package dev.rollbridge.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.Mosquitto;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker restart mid-session: the daemon keeps running and no event is lost or reordered. */
class BrokerRestartIT {

    @Test
    void eventsRaisedWhileTheBrokerIsDownArriveInOrderAfterItReturns() throws Exception {
        try (Mosquitto broker = Mosquitto.start();
             MqttProbe dashboard = new MqttProbe(broker.url(), "restart/rollsense_c0ffee000001/event", true);
             Daemon daemon = Daemon.start("run", "--broker", broker.url(), "--base-topic", "restart", "--speed", "25", "--once")) {
            // The first hold starts about 82 s into the script: 3.3 s at 25x. Take the broker down then.
            dashboard.await("first hold", Duration.ofSeconds(30), m -> m.json().path("type").asText().equals("hold_started"));
            broker.restart(Duration.ofSeconds(3));
            // The session goes on while the broker is away; it ends with the script, about 309 s in.
            assertThat(daemon.waitFor(Duration.ofSeconds(60))).as("daemon exit code").isZero();
            dashboard.await("session ended", Duration.ofSeconds(20), m -> m.json().path("type").asText().equals("session_ended"));

            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (MqttProbe.Received m : dashboard.messages()) {
                byId.putIfAbsent(m.json().path("id").asText(), m.json());
            }
            List<Long> seqs = byId.values().stream().map(e -> e.path("seq").asLong()).toList();
            List<String> types = byId.values().stream().map(e -> e.path("type").asText()).toList();
            assertThat(seqs).as("seq after de-duplication by id (types %s)", types)
                    .isSorted().first().isEqualTo(1L);
            assertThat(seqs.get(seqs.size() - 1)).isEqualTo((long) seqs.size());
            assertThat(types).containsSubsequence("hold_started", "hold_target_reached", "hold_ended",
                    "speed_too_fast", "pressure_too_high", "hold_started", "hold_max_reached", "hold_ended");
            assertThat(daemon.stderr()).contains("lost").contains("reconnected");
        }
    }
}
