package dev.rollbridge.simulator;

import dev.rollbridge.analysis.Analyzer;
import dev.rollbridge.analysis.Capability;
import dev.rollbridge.analysis.Command;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.SensorRange;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The coach's prompts for the simulator's hamstring session (issue 20), as a golden file: the
 * script through the real pipeline (frames → decode → rules → coach) with the coach on, one line
 * per prompt: sample time rounded to the second, step, text. {@code -Dcoach.golden.write=true}
 * writes the file instead of comparing (then read its diff before committing it).
 *
 * <p>Real signals are messy: the same session with a gyro offset, timing jitter, and at 10 and
 * 200 Hz must give the same steps in the same order, each near its time in the golden file.
 */
class CoachGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/coach/golden-session.txt");

    /** One prompt as the golden file has it. */
    private record Prompt(long second, String step, String text) {
        String line() {
            return "t=" + second + "s " + step + " " + text;
        }
    }

    private static List<Prompt> prompts(List<Event> events) {
        List<Prompt> out = new ArrayList<>();
        for (Event e : events) {
            if (e.type() == EventType.COACH_PROMPT && e.detail() instanceof EventDetail.CoachPrompt p) {
                out.add(new Prompt(Math.round(e.tMillis() / 1000.0), p.step().wireName(), p.text()));
            }
        }
        return out;
    }

    private static List<Prompt> pipelineSession() throws Exception {
        DeviceProfile profile = new ProfileLoader().builtIn("rollsense-ball");
        Recorder recorder = new Recorder();
        DevicePipeline pipeline = new DevicePipeline("dev", profile, profile.thresholds(), Optional.empty(), true, 1024, recorder);
        HamstringSessionScript script = HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa());
        SimulatedRollsense sim = new SimulatedRollsense(profile, script, new SimulatedRollsense.Options("C0:FF:EE:00:00:01", 0, 23, false, 7));
        pipeline.start();
        sim.start(pipeline);
        assertThat(pipeline.awaitEndOfStream(Duration.ofSeconds(60))).isTrue();
        pipeline.close();
        return prompts(recorder.events);
    }

    @Test
    void theSimulatedSessionsPromptsMatchTheGoldenFile() throws Exception {
        List<String> got = pipelineSession().stream().map(Prompt::line).toList();
        if (Boolean.getBoolean("coach.golden.write")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, String.join("\n", got) + "\n", StandardCharsets.UTF_8);
            return;
        }
        List<String> want = golden();
        if (!got.equals(want)) {
            fail("the coach's prompts differ from " + GOLDEN + " (rewrite it with -Dcoach.golden.write=true if the change is meant):\n"
                    + diff(want, got));
        }
    }

    @Test
    void theGoldenSessionWalksThroughTheGuideInItsOrder() throws IOException {
        // The file itself must tell the guide's story, so a rewrite cannot quietly bless a broken coach.
        assertThat(golden().stream().map(l -> l.split(" ")[1]).toList())
                .containsExactly("warm_up", "red_flags", "find_spot", "ease_off_slowly", "cross_fibre", "leg_done");
    }

    @ParameterizedTest(name = "every {0} ms, gyro offset {1} deg/s, jitter {2} ms")
    @CsvSource({"10, 0, 0", "10, 1.5, 3", "100, 2.0, 30", "5, 1.5, 1", "100, 0, 0"})
    void messySignalsGiveTheSameStepsInTheSameOrderNearTheirTimes(long periodMs, double offsetDps, long jitterMs) throws IOException {
        List<Prompt> want = golden().stream().map(CoachGoldenTest::parse).toList();
        List<Prompt> got = prompts(analyse(periodMs, offsetDps, jitterMs, 11));
        System.out.printf("coach every %d ms, offset %.1f, jitter %d: %s%n", periodMs, offsetDps, jitterMs,
                got.stream().map(p -> p.step() + "@" + p.second()).toList());
        assertThat(got.stream().map(Prompt::step).toList()).as("steps every %d ms", periodMs)
                .containsExactlyElementsOf(want.stream().map(Prompt::step).toList());
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).second()).as("%s every %d ms", want.get(i).step(), periodMs).isCloseTo(want.get(i).second(),
                    org.assertj.core.data.Offset.offset(3L));
        }
    }

    @Test
    void aSecondLegStartsTheWalkAgainAndPainAboveTheLimitBringsBackTheRedFlags() {
        DeviceProfile profile = new ProfileLoader().builtIn("rollsense-ball");
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(profile.thresholds(), profile.contactRadiusCm(), SensorRange.UNKNOWN,
                EnumSet.allOf(Capability.class), Optional.empty(), true, events::add);
        HamstringSessionScript script = HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa());
        analyzer.onCommand(new Command.StartSession("left"));
        long end = play(analyzer, script, 0, 10, new Random(3));
        // The person switches legs and, 40 s into the second, reports pain 8 of 10.
        analyzer.onCommand(new Command.StartSession("right"));
        long secondStart = end;
        end = play(analyzer, HamstringSessionScript.of(script.segments().subList(1, 4)), end, 10, new Random(4), 40_000,
                () -> analyzer.onCommand(new Command.ReportPain(8)));
        analyzer.interrupt("end_of_stream");

        List<String> first = steps(events, 1);
        List<String> second = steps(events, 2);
        assertThat(first).containsExactly("warm_up", "red_flags", "find_spot", "ease_off_slowly", "cross_fibre", "leg_done");
        assertThat(second).as("the right leg: warmed up again, the red flags only after the pain")
                .containsExactly("warm_up", "red_flags", "find_spot");
        Event painFlags = events.stream().filter(e -> e.session() == 2 && e.detail() instanceof EventDetail.CoachPrompt p
                && p.step().wireName().equals("red_flags")).findFirst().orElseThrow();
        assertThat(painFlags.tMillis() - secondStart).as("3 s after the reduce_pressure warning at 40 s").isBetween(42_900L, 43_200L);
    }

    private static List<String> steps(List<Event> events, int session) {
        return events.stream().filter(e -> e.session() == session && e.detail() instanceof EventDetail.CoachPrompt)
                .map(e -> ((EventDetail.CoachPrompt) e.detail()).step().wireName()).toList();
    }

    private static long play(Analyzer analyzer, HamstringSessionScript script, long from, long periodMs, Random rnd) {
        return play(analyzer, script, from, periodMs, rnd, Long.MAX_VALUE, () -> { });
    }

    /** Plays a script from sample time {@code from}; {@code atMs} into it, {@code then} runs (a command). Returns the end time. */
    private static long play(Analyzer analyzer, HamstringSessionScript script, long from, long periodMs, Random rnd, long atMs,
                             Runnable then) {
        ToolPhysics physics = new ToolPhysics(new ProfileLoader().builtIn("rollsense-ball").contactRadiusCm(), 0.3, rnd);
        long t = from;
        boolean done = false;
        for (HamstringSessionScript.Segment segment : script.segments()) {
            for (long local = 0; local < segment.durationMs(); local += periodMs) {
                Sample s = physics.step(segment, local / 1000.0, periodMs / 1000.0);
                analyzer.onSample(new Sample(t, 0, s.pressureKpa(), s.gxDps(), s.gyDps(), s.gzDps(), s.axG(), s.ayG(), s.azG()));
                if (!done && t - from >= atMs) {
                    done = true;
                    then.run();
                }
                t += periodMs;
            }
        }
        return t;
    }

    /**
     * The standard session's samples straight into the analysis, as the simulator's physics makes
     * them, every {@code periodMs} with up to {@code jitterMs} of timing jitter and a constant gyro
     * offset on every axis.
     */
    private static List<Event> analyse(long periodMs, double offsetDps, long jitterMs, long seed) {
        DeviceProfile profile = new ProfileLoader().builtIn("rollsense-ball");
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(profile.thresholds(), profile.contactRadiusCm(), SensorRange.UNKNOWN,
                EnumSet.allOf(Capability.class), Optional.empty(), true, events::add);
        Random rnd = new Random(seed);
        ToolPhysics physics = new ToolPhysics(profile.contactRadiusCm(), 0.3, rnd);
        HamstringSessionScript script = HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa());
        long segmentStart = 0;
        long seq = 0;
        long lastT = -1;
        for (HamstringSessionScript.Segment segment : script.segments()) {
            for (long local = 0; local < segment.durationMs(); local += periodMs) {
                long t = segmentStart + local + (jitterMs == 0 ? 0 : rnd.nextLong(-jitterMs, jitterMs + 1));
                t = Math.max(t, lastT + 1);
                double dt = lastT < 0 ? periodMs / 1000.0 : (t - lastT) / 1000.0;
                Sample s = physics.step(segment, local / 1000.0, dt);
                analyzer.onSample(new Sample(t, seq++, s.pressureKpa(), s.gxDps() + offsetDps, s.gyDps() - offsetDps,
                        s.gzDps() + offsetDps / 2, s.axG(), s.ayG(), s.azG()));
                lastT = t;
            }
            segmentStart += segment.durationMs();
        }
        analyzer.interrupt("end_of_stream");
        return events;
    }

    private static List<String> golden() throws IOException {
        return Files.readAllLines(GOLDEN, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    private static Prompt parse(String line) {
        String[] parts = line.split(" ", 3);
        return new Prompt(Long.parseLong(parts[0].substring(2, parts[0].length() - 1)), parts[1], parts[2]);
    }

    /** Line by line: "  " same, "- " only in the golden file, "+ " only in this run (a plain longest-common-subsequence diff). */
    static String diff(List<String> want, List<String> got) {
        int[][] lcs = new int[want.size() + 1][got.size() + 1];
        for (int i = want.size() - 1; i >= 0; i--) {
            for (int j = got.size() - 1; j >= 0; j--) {
                lcs[i][j] = want.get(i).equals(got.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        while (i < want.size() || j < got.size()) {
            if (i < want.size() && j < got.size() && want.get(i).equals(got.get(j))) {
                out.append("  ").append(want.get(i++)).append('\n');
                j++;
            } else if (j < got.size() && (i == want.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.append("+ ").append(got.get(j++)).append('\n');
            } else {
                out.append("- ").append(want.get(i++)).append('\n');
            }
        }
        return out.toString();
    }
}
