package dev.rollbridge.analysis;

import dev.rollbridge.profile.ChannelEncoder;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.profile.Notification;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.profile.SampleDecoder;
import dev.rollbridge.replay.TraceReader;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules' traces (src/test/resources/traces, each with its .expected events) resampled to each
 * channel profile's rates and sent as that device would: its own notifications, encoded byte for
 * byte, at their own rates and phases, handed over in 15 ms connection-event bursts, its load in
 * its own figure (an air-pressure rise over 101.3 kPa, kg over a contact patch). Decoded by the
 * profile and judged with thresholds scaled to the profile's load figure, the events must be the
 * trace's own, each within two of the slowest notification's periods plus 150 ms.
 *
 * <p>Not compared: {@code sensor_fault} (the traces test RollSense's counter and frames). Tightening
 * is judged on fresh pressure readings 30 ms apart or closer, which none of these profiles' pressure
 * is: their runs must raise no {@code ease_off} at all. A tool that measures only one of load and motion runs every
 * trace too: no event of a rule that is off for it may come, and the events of the rules that are
 * on and depend only on what it measures must be the trace's.
 *
 * <p>Two boundary traces are finer than a resampled stream can be, and lose one event type there
 * (everything else in them is compared): {@code hold-30000ms} holds for exactly the 30 s target
 * (zero margin; its twin {@code hold-29500ms} is compared in full), so its
 * {@code hold_target_reached} is judged on RollSense's own clock only (TraceRulesTest); and
 * {@code pressure-250ms} is 250 ms over the ceiling, which at 10 Hz is two or three readings and
 * cannot show the rule's 200 ms dwell: its {@code pressure_too_high} is compared where the pressure
 * comes at 12 Hz or faster (and at 10 Hz no other event may come of it).
 */
class ResampledTracesTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final long LEAD_IN_MS = 2_000;
    private static final Set<EventType> NOT_COMPARED = EnumSet.of(EventType.SENSOR_FAULT);
    private static final Set<EventType> MOTION_RULES = EnumSet.of(EventType.SPEED_TOO_FAST, EventType.WARMUP_ADVISED,
            EventType.FRICTION_LIMIT_REACHED);
    private static final Set<EventType> PRESSURE_RULES = EnumSet.of(EventType.PRESSURE_TOO_HIGH, EventType.EASE_OFF,
            EventType.CALIBRATION_DONE);

    @TestFactory
    Stream<DynamicTest> everyTraceGivesItsEventsThroughEveryChannelProfile() throws IOException {
        List<Path> traces;
        try (Stream<Path> files = Files.list(TraceRulesTest.TRACES)) {
            traces = files.filter(p -> p.toString().endsWith(".csv") || p.toString().endsWith(".jsonl")).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : List.of("thingy52-ball", "nano33-ble-sense", "thingy52-roller", "oriori-ball", "ess-pressure")) {
            DeviceProfile profile = new ProfileLoader().builtIn(name);
            for (Path trace : traces) {
                tests.add(DynamicTest.dynamicTest(name + ": " + trace.getFileName(), () -> check(profile, trace)));
            }
        }
        return tests.stream();
    }

    /** The trace as RollSense samples, decoded the way TraceRulesTest does. */
    private static List<Sample> truth(Path trace) {
        Recorder recorder = new Recorder();
        FrameDecoder decoder = new FrameDecoder(BALL, recorder);
        for (Frame f : new TraceReader(BALL, "C0:FF:EE:00:00:01").read(trace)) {
            decoder.decode(f);
        }
        return recorder.samples;
    }

    /** The ball's thresholds with every pressure number in the profile's load figure. */
    static Thresholds scaled(DeviceProfile profile) {
        double s = scale(profile);
        Thresholds t = BALL.thresholds();
        Map<String, Number> changes = new LinkedHashMap<>();
        changes.put("contact_kpa", t.contact().kpa() * s);
        changes.put("pressure_ceiling_kpa", t.pressure().ceilingKpa() * s);
        changes.put("pressure_clear_kpa", t.pressure().clearKpa() * s);
        changes.put("tightening_floor_kpa", t.tightening().floorKpa() * s);
        return Thresholds.fromFlat(t, changes);
    }

    private static double scale(DeviceProfile profile) {
        return profile.thresholds().contact().kpa() / BALL.thresholds().contact().kpa();
    }

    /** The device's notifications for the trace: each at its rate and phase, received in connection-event bursts. */
    static List<Frame> resample(DeviceProfile profile, List<Sample> truth, long seed) {
        Random rnd = new Random(seed);
        double s = scale(profile);
        boolean baseline = profile.channels().orElseThrow().pressureBaseline().isPresent();
        ChannelEncoder encoder = new ChannelEncoder();
        record Due(long sendMicros, Notification n) {
        }
        List<Due> sends = new ArrayList<>();
        long t0 = truth.get(0).tMillis() * 1000;
        long end = truth.get(truth.size() - 1).tMillis() * 1000 + LEAD_IN_MS * 1000;
        for (Notification n : profile.channels().orElseThrow().notifications()) {
            for (long t = (long) (rnd.nextDouble() * n.periodMicros()); t <= end; t += n.periodMicros()) {
                sends.add(new Due(t, n));
            }
        }
        sends.sort(Comparator.comparingLong(Due::sendMicros));
        List<Frame> frames = new ArrayList<>();
        long lastReceived = 0;
        int i = 0;
        for (Due d : sends) {
            long traceMicros = t0 + d.sendMicros() - LEAD_IN_MS * 1000;
            Sample at;
            if (traceMicros < t0) {
                at = new Sample(0, 0, 0, 0, 0, 0, 0, 0, 1); // the tool at rest before the trace begins
            } else {
                while (i + 1 < truth.size() && truth.get(i + 1).tMillis() * 1000 <= traceMicros) {
                    i++;
                }
                // Inside a gap of the trace (frames lost, the link down): the device's notification is lost too.
                boolean inGap = i + 1 < truth.size() && truth.get(i + 1).tMillis() - truth.get(i).tMillis() > 1_000;
                if (inGap) {
                    continue;
                }
                at = truth.get(i);
            }
            Sample v = at;
            byte[] bytes = encoder.encode(d.n(), channel -> switch (channel) {
                case "pressure" -> (baseline ? 101.325 : 0) + v.pressureKpa() * s;
                case "gyro_x" -> v.gxDps();
                case "gyro_y" -> v.gyDps();
                case "gyro_z" -> v.gzDps();
                case "accel_x" -> Double.isNaN(v.axG()) ? 0 : v.axG();
                case "accel_y" -> Double.isNaN(v.ayG()) ? 0 : v.ayG();
                case "accel_z" -> Double.isNaN(v.azG()) ? 1 : v.azG();
                case "battery" -> 80;
                default -> throw new IllegalArgumentException(channel);
            });
            long received = Math.max(lastReceived, (d.sendMicros() / 15_000 + 1) * 15_000 + rnd.nextInt(2_000));
            lastReceived = received;
            frames.add(new Frame("C0:FF:EE:00:00:01", d.n().characteristic().uuid(), bytes, received));
        }
        return frames;
    }

    private static List<Event> analyse(DeviceProfile profile, List<Frame> frames) {
        List<Event> events = new ArrayList<>();
        Analyzer analyzer = new Analyzer(scaled(profile), BALL.contactRadiusCm(), SensorRange.UNKNOWN, profile.capabilities(),
                Optional.empty(), events::add);
        SampleDecoder decoder = SampleDecoder.of(profile, FrameDecoder.Listener.of(analyzer::onSample, analyzer::onBattery));
        frames.forEach(decoder::decode);
        analyzer.interrupt("end_of_stream");
        assertThat(decoder.stats().malformed()).isZero();
        return events;
    }

    private static List<String[]> expected(Path trace) throws IOException {
        Path file = Path.of(trace.toString().replaceAll("\\.(csv|jsonl)$", ".expected"));
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("!"))
                .map(l -> l.trim().split("\\s+")).toList();
    }

    private static String story(Event e) {
        return e.type().wireName() + ":" + e.state().name().toLowerCase();
    }

    private static void check(DeviceProfile profile, Path trace) throws IOException {
        List<Sample> truth = truth(trace);
        List<Event> got = analyse(profile, resample(profile, truth, trace.getFileName().toString().hashCode()));
        boolean pressure = profile.has(Capability.PRESSURE);
        boolean motion = profile.has(Capability.MOTION);
        if (!motion) {
            assertThat(got).as("no event of a rule that needs motion").noneMatch(e -> MOTION_RULES.contains(e.type()));
        }
        if (!pressure) {
            assertThat(got).as("no event of a rule that needs a load").noneMatch(e -> PRESSURE_RULES.contains(e.type()));
        }
        // With only one of the two, contact and holds mean something else (a steady load; stillness on a tool being
        // worked): the trace's events are compared for the rules that depend on what the tool measures alone.
        Set<EventType> compared = EnumSet.copyOf(pressure && motion ? EnumSet.complementOf(EnumSet.copyOf(NOT_COMPARED))
                : pressure ? EnumSet.of(EventType.PRESSURE_TOO_HIGH) : EnumSet.of(EventType.SPEED_TOO_FAST));
        String traceName = trace.getFileName().toString();
        long pressurePeriod = profile.channels().orElseThrow().notifications().stream().filter(n -> n.carries("pressure"))
                .mapToLong(Notification::periodMicros).findFirst().orElse(0) / 1000;
        if (traceName.startsWith("hold-30000ms")) {
            compared.remove(EventType.HOLD_TARGET_REACHED);
        }
        if (traceName.startsWith("pressure-250ms") && pressurePeriod > 1000 / 12) {
            compared.remove(EventType.PRESSURE_TOO_HIGH);
        }
        if (pressure && pressurePeriod > Analyzer.tighteningMaxStepMillis()) {
            // Tightening is judged on fresh pressure readings 30 ms apart or closer: at 10-20 Hz, never.
            assertThat(got).as("no ease_off from a %d ms pressure", pressurePeriod).noneMatch(e -> e.type() == EventType.EASE_OFF);
            compared.remove(EventType.EASE_OFF);
        }
        List<String[]> want = expected(trace).stream().filter(e -> compared.contains(type(e[1]))).toList();
        List<Event> have = got.stream().filter(e -> compared.contains(e.type())).toList();
        long slowest = profile.channels().orElseThrow().notifications().stream().mapToLong(Notification::periodMicros).max().orElseThrow() / 1000;
        String seen = have.stream().map(e -> story(e) + "@" + (e.tMillis() - LEAD_IN_MS)).toList() + " vs "
                + want.stream().map(e -> e[1] + ":" + e[2] + "@" + e[0]).toList();
        assertThat(have.stream().map(ResampledTracesTest::story).toList()).as("%s", seen)
                .containsExactlyElementsOf(want.stream().map(e -> e[1] + ":" + e[2]).toList());
        for (int k = 0; k < want.size(); k++) {
            String[] e = want.get(k);
            long tolerance = type(e[1]) == EventType.FRICTION_LIMIT_REACHED ? 1_000 : 2 * slowest + 150;
            long t = have.get(k).tMillis() - LEAD_IN_MS;
            if (e[0].contains("..")) {
                String[] range = e[0].split("\\.\\.");
                assertThat(t).as("event %d of %s", k, seen).isBetween(Long.parseLong(range[0]) - tolerance, Long.parseLong(range[1]) + tolerance);
            } else {
                assertThat(t).as("event %d of %s", k, seen).isBetween(Long.parseLong(e[0]) - tolerance, Long.parseLong(e[0]) + tolerance);
            }
        }
    }

    private static EventType type(String wireName) {
        return Stream.of(EventType.values()).filter(t -> t.wireName().equals(wireName)).findFirst().orElseThrow();
    }
}
