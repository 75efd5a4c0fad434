package dev.rollbridge.mqtt;

import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.outbox.OutboxJournal;
import dev.rollbridge.mqtt.link.MqttLink;
import dev.rollbridge.mqtt.link.MqttSettings;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.AlertState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Events of one device come from two threads (its pipeline, and the history worker with its
 * advice). The outbox sends in the order messages enter it, so seq must be stamped where they
 * enter, under the same lock: a seq taken before the lock let a later number overtake an earlier
 * one (161 adjacent inversions in 8,000 events before).
 */
class EventOrderTest {
    @TempDir
    Path dir;

    @Test
    void eventsFromTwoThreadsLeaveInSeqOrder() throws Exception {
        MqttLink offline = mock(MqttLink.class);
        when(offline.isConnected()).thenReturn(false);
        when(offline.settings()).thenReturn(MqttSettings.of("tcp://127.0.0.1:1", "order", "rollbridge"));
        OutboxJournal journal = OutboxJournal.open(dir);
        MqttPublisher publisher = new MqttPublisher(offline, new Topics("rollbridge"), Clock.systemUTC(), Map::of, m -> { },
                Optional.of(journal));
        int each = 4_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (String who : List.of("pipeline", "history")) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    publisher.event("dev", Event.of(EventType.PAIN_REPORTED, AlertState.INSTANT, i, 1, who, Map.of("pain", 1)));
                }
            }, who);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        publisher.outbox().close();

        // The journal is written in the order messages enter the outbox, which is the order they are sent.
        List<Long> sent = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("outbox.journal"), StandardCharsets.UTF_8)) {
            JsonNode record = Json.read(line);
            if (record.path("op").asText().equals("put")) {
                JsonNode event = Json.read(Base64.getDecoder().decode(record.path("payload").asText()));
                assertThat(event.path("seq").asLong()).as("the payload's seq is the journaled one").isEqualTo(record.path("seq").asLong());
                sent.add(event.path("seq").asLong());
            }
        }
        assertThat(sent).hasSize(2 * each);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i)).as("message %d", i).isEqualTo(i + 1L);
        }
    }
}
