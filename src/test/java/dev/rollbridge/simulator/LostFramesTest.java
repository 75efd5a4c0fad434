package dev.rollbridge.simulator;

import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventType;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.FrameSink;
import dev.rollbridge.testing.Recorder;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames lost on the radio are not lost contact time (issue 17, item 1): the scripted session in
 * 10-sample frames (100 ms each), once whole and once with bursts of lost frames (11 % and 21 %),
 * must reach the leg target at the same sample time and count the same time under load, within
 * 1 %, and raise no alert the whole session did not. (Before: 100 ms of contact lost per lost
 * frame, the leg target late, a warm-up advised that was done.)
 */
class LostFramesTest {

    /** Gilbert–Elliott loss: bursts of lost frames, seeded, about {@code 1 / (1 + stay/enter)} of them. */
    private static final class BurstyLink implements FrameSink {
        private final FrameSink next;
        private final Random random;
        private final double enterBurst;
        private final double leaveBurst;
        private boolean inBurst;
        long delivered;
        long lost;

        BurstyLink(FrameSink next, long seed, double enterBurst, double leaveBurst) {
            this.next = next;
            this.random = new Random(seed);
            this.enterBurst = enterBurst;
            this.leaveBurst = leaveBurst;
        }

        private boolean drop() {
            inBurst = inBurst ? random.nextDouble() >= leaveBurst : random.nextDouble() < enterBurst;
            if (inBurst) {
                lost++;
            } else {
                delivered++;
            }
            return inBurst;
        }

        @Override
        public boolean offer(Frame frame) {
            return drop() || next.offer(frame);
        }

        @Override
        public void put(Frame frame) throws InterruptedException {
            if (!drop()) {
                next.put(frame);
            }
        }

        @Override
        public void linkChanged(boolean up) {
            next.linkChanged(up);
        }

        @Override
        public void endOfStream() {
            next.endOfStream();
        }
    }

    private record Run(List<Event> events, double lossRate) {
        Event first(EventType type) {
            return events.stream().filter(e -> e.type() == type).findFirst().orElseThrow(() -> new AssertionError("no " + type + " in " + events));
        }

        long count(EventType type) {
            return events.stream().filter(e -> e.type() == type).count();
        }
    }

    /** The profile's thresholds with the leg target well inside the script (it ends at ~301 s under load). */
    private static Thresholds thresholds(DeviceProfile profile) {
        return Thresholds.fromFlat(profile.thresholds(), Map.of("leg_target_ms", LEG_TARGET_MS));
    }

    private static final long LEG_TARGET_MS = 240_000;

    private static Run play(DeviceProfile profile, double enterBurst, double leaveBurst) throws Exception {
        Recorder recorder = new Recorder();
        DevicePipeline pipeline = new DevicePipeline("dev", profile, thresholds(profile), Optional.empty(), 1024, recorder);
        SimulatedRollsense sim = new SimulatedRollsense(profile, HamstringSessionScript.standard(profile.thresholds().pressure().ceilingKpa()),
                new SimulatedRollsense.Options("C0:FF:EE:00:00:01", 0, 185, false, 7, false, false));
        BurstyLink link = new BurstyLink(pipeline, 17, enterBurst, leaveBurst);
        pipeline.start();
        sim.start(link);
        assertThat(pipeline.awaitEndOfStream(Duration.ofSeconds(60))).isTrue();
        pipeline.close();
        return new Run(List.copyOf(recorder.events), (double) link.lost / Math.max(1, link.lost + link.delivered));
    }

    @ParameterizedTest(name = "{0}, bursts entered with p={1}, left with p={2}")
    @CsvSource({"rollsense-ball, 0.03, 0.25", "rollsense-roller, 0.03, 0.25", "rollsense-ball, 0.06, 0.25", "rollsense-roller, 0.06, 0.25"})
    void burstsOfLostFramesDoNotDelayTheLegTargetOrShortenTheTimeUnderLoad(String profileName, double enterBurst, double leaveBurst)
            throws Exception {
        DeviceProfile profile = new ProfileLoader().builtIn(profileName);
        Run whole = play(profile, 0, 1);
        Run lossy = play(profile, enterBurst, leaveBurst);

        assertThat(whole.lossRate()).isZero();
        assertThat(lossy.lossRate()).as("frames lost").isBetween(0.08, 0.25);
        long legTarget = LEG_TARGET_MS;
        long late = lossy.first(EventType.LEG_TARGET_REACHED).tMillis() - whole.first(EventType.LEG_TARGET_REACHED).tMillis();
        System.out.printf("%s at %.0f %% loss: leg target %d ms late%n", profileName, lossy.lossRate() * 100, late);
        assertThat(Math.abs(late)).as("leg target late by %d ms at %.0f %% loss", late, lossy.lossRate() * 100)
                .isLessThanOrEqualTo(legTarget / 100);
        double activeWhole = (double) whole.first(EventType.SESSION_ENDED).data().get("active_s");
        double activeLossy = (double) lossy.first(EventType.SESSION_ENDED).data().get("active_s");
        assertThat(activeLossy).as("time under load").isCloseTo(activeWhole, Percentage.withPercentage(1));
        // Holds are timed by the stream's clock already: the same holds, and each reaches its target.
        assertThat(lossy.count(EventType.HOLD_TARGET_REACHED)).isEqualTo(whole.count(EventType.HOLD_TARGET_REACHED));
        // No false alarm from the loss: rolling time lost in gaps once advised a warm-up that was done.
        // A sensor_fault of kind data_loss is the one alert the loss should raise (where a 5 s block loses a fifth).
        assertThat(lossy.events().stream().filter(e -> !(e.type() == EventType.SENSOR_FAULT && "data_loss".equals(e.data().get("kind"))))
                .map(Event::type).filter(type -> whole.count(type) == 0).toList())
                .as("alerts the whole session did not raise").isEmpty();
        assertThat(whole.count(EventType.SENSOR_FAULT)).as("sensor faults without loss").isZero();
    }
}
