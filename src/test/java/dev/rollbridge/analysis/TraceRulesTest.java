package dev.rollbridge.analysis;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.replay.TraceReader;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.SampleView;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each trace under src/test/resources/traces/ goes through the replay path (trace → frames →
 * profile decoder → analysis) and must produce exactly the events its .expected file lists:
 * type, state and sample time, plus any data values it names.
 */
class TraceRulesTest {
    static final Path TRACES = Path.of("src/test/resources/traces");
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");

    @TestFactory
    Stream<DynamicTest> everyTraceProducesExactlyItsExpectedEvents() throws IOException {
        List<Path> traces;
        try (Stream<Path> files = Files.list(TRACES)) {
            traces = files.filter(p -> p.toString().endsWith(".csv") || p.toString().endsWith(".jsonl")).sorted().toList();
        }
        assertThat(traces).hasSizeGreaterThanOrEqualTo(20);
        return traces.stream().map(trace -> DynamicTest.dynamicTest(trace.getFileName().toString(), () -> check(trace)));
    }

    /** What a trace produced: its events and the decoder's counters. */
    record Result(List<Event> events, FrameDecoder.Stats stats) {
    }

    static Result analyse(Path trace) {
        List<Event> events = new ArrayList<>();
        // The traces are noise-free: a pressure that does not move by one bit while the tool rolls is
        // what a stuck sensor looks like, so that kind of sensor_fault is left to DeviceHealthRuleTest.
        Analyzer analyzer = new Analyzer(BALL.thresholds(), BALL.contactRadiusCm(), e -> {
            if (!(e.type() == EventType.SENSOR_FAULT && "pressure_stuck".equals(e.data().get("kind")))) {
                events.add(e);
            }
        });
        // Malformed frames are counted by the decoder; the .expected file says how many there must be.
        FrameDecoder decoder = new FrameDecoder(BALL, new Recorder() {
            @Override
            public void onSample(SampleView sample) {
                analyzer.onSample(sample);
            }
        });
        for (Frame f : new TraceReader(BALL, "C0:FF:EE:00:00:01").read(trace)) {
            decoder.decode(f);
        }
        analyzer.interrupt("end_of_stream");
        return new Result(events, decoder.stats());
    }

    private static void check(Path trace) throws IOException {
        Path expectedFile = Path.of(trace.toString().replaceAll("\\.(csv|jsonl)$", ".expected"));
        List<String> lines = Files.readAllLines(expectedFile);
        List<String[]> expected = lines.stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("!"))
                .map(l -> l.trim().split("\\s+"))
                .toList();
        Result result = analyse(trace);
        List<Event> events = result.events();
        // "!counter N" lines: decoder counters the trace must produce (0 when not named).
        Map<String, Long> counters = new HashMap<>(Map.of("lost_samples", 0L, "malformed", 0L));
        lines.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1).trim().split("\\s+"))
                .forEach(kv -> counters.put(kv[0], Long.parseLong(kv[1])));
        assertThat(result.stats().lostSamples()).as("lost samples in %s", trace.getFileName()).isEqualTo(counters.get("lost_samples"));
        assertThat(result.stats().malformed()).as("malformed frames in %s", trace.getFileName()).isEqualTo(counters.get("malformed"));
        List<String> actual = events.stream().map(TraceRulesTest::describe).toList();
        assertThat(events).as("events of %s: %s", trace.getFileName(), actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i);
            Event ev = events.get(i);
            String where = trace.getFileName() + " event " + i + " (" + describe(ev) + ")";
            if (e[0].contains("..")) {
                // A statistical detector: the .expected file gives the window its physics allows.
                String[] range = e[0].split("\\.\\.");
                assertThat(ev.tMillis()).as("t_ms of %s", where).isBetween(Long.parseLong(range[0]), Long.parseLong(range[1]));
            } else {
                assertThat(ev.tMillis()).as("t_ms of %s", where).isEqualTo(Long.parseLong(e[0]));
            }
            assertThat(ev.type().wireName()).as("type of %s", where).isEqualTo(e[1]);
            assertThat(ev.state().name().toLowerCase()).as("state of %s", where).isEqualTo(e[2]);
            for (int k = 3; k < e.length; k++) {
                String[] kv = e[k].split("=", 2);
                assertThat(ev.data()).as("data of %s", where).containsKey(kv[0]);
                assertThat(String.valueOf(ev.data().get(kv[0]))).as("%s of %s", kv[0], where).isEqualTo(kv[1]);
            }
            assertThat(ev.message()).as("message of %s", where).isNotBlank();
        }
    }

    private static String describe(Event e) {
        return e.tMillis() + " " + e.type().wireName() + " " + e.state().name().toLowerCase() + " " + Map.copyOf(e.data());
    }
}
