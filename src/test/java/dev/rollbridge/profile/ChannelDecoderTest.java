package dev.rollbridge.profile;

import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.testing.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The fused path's time line and its robustness; the byte layouts themselves are checked by the
 * profiles' vectors (ProfileVectorsTest).
 */
class ChannelDecoderTest {
    private static final ProfileLoader LOADER = new ProfileLoader();
    private static final String ADDRESS = "C0:FF:EE:00:00:01";

    /** A Thingy:52 raw motion value: accel in Q6.10 g, gyro in Q11.5 deg/s, compass left at 0. */
    private static byte[] thingyMotion(double gx) {
        ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(4, (short) 1024);
        b.putShort(6, (short) Math.round(gx * 32));
        return b.array();
    }

    private static double std(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return Math.sqrt(values.stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElse(0));
    }

    /** Linux's default connection interval is 30-50 ms; the Thingy asks for 7.5-30 ms a second in, and may not get it. */
    @ParameterizedTest(name = "a {0} ms connection interval")
    @ValueSource(ints = {15, 30, 45, 50})
    void burstsOfAConnectionEventAreSpreadBackOntoTheDevicesTimeLine(int intervalMs) {
        DeviceProfile roller = LOADER.builtIn("thingy52-roller");
        UUID motion = roller.channels().orElseThrow().notifications().get(0).characteristic().uuid();
        Recorder recorder = new Recorder();
        SampleDecoder decoder = SampleDecoder.of(roller, recorder);
        Random rnd = new Random(3);
        List<Long> sent = new ArrayList<>();
        List<Double> receiveError = new ArrayList<>();
        long interval = intervalMs * 1000L;
        for (int k = 0; k < 1_500; k++) {
            long sendMicros = 1_000_000 + k * 20_000L;
            // Handed over at the next connection event, plus up to 2 ms of a busy host.
            long received = (sendMicros / interval + 1) * interval + rnd.nextInt(2_000);
            sent.add(sendMicros);
            receiveError.add((received - sendMicros) / 1000.0);
            decoder.decode(new Frame(ADDRESS, motion, thingyMotion(10), received));
        }
        List<Sample> samples = recorder.samples;
        assertThat(samples).hasSize(1_500);
        List<Double> placedError = new ArrayList<>();
        for (int i = 250; i < samples.size(); i++) {
            placedError.add(samples.get(i).tMillis() - sent.get(i) / 1000.0);
        }
        for (int i = 1; i < samples.size(); i++) {
            assertThat(samples.get(i).tMillis()).as("sample %d is not before the one before it", i).isGreaterThanOrEqualTo(samples.get(i - 1).tMillis());
        }
        double raw = std(receiveError.subList(250, receiveError.size()));
        double smoothed = std(placedError);
        System.out.printf("%d ms interval: receive-time jitter %.2f ms, after smoothing %.2f ms%n", intervalMs, raw, smoothed);
        assertThat(raw).as("the radio's jitter in this test").isGreaterThan(3.5);
        assertThat(smoothed).as("jitter left on the sample clock").isLessThan(raw / 3);
        long lastSpan = samples.get(samples.size() - 1).tMillis() - samples.get(250).tMillis();
        assertThat(lastSpan).as("the clock keeps the device's 50 Hz (ms over 1,249 periods)").isBetween(24_980L - 60, 24_980L + 60);
        assertThat(decoder.stats().lostSamples()).as("bursts are not losses").isZero();
    }

    @Test
    void aSilenceOfTheLinkIsCountedAsTheNotificationsItMissedEvenInBursts() {
        DeviceProfile roller = LOADER.builtIn("thingy52-roller");
        UUID motion = roller.channels().orElseThrow().notifications().get(0).characteristic().uuid();
        Recorder recorder = new Recorder();
        SampleDecoder decoder = SampleDecoder.of(roller, recorder);
        for (int k = 0; k < 1_000; k++) {
            if (k >= 500 && k < 530) {
                continue; // 30 notifications (600 ms) lost on the way
            }
            long sendMicros = k * 20_000L;
            decoder.decode(new Frame(ADDRESS, motion, thingyMotion(10), (sendMicros / 45_000 + 1) * 45_000));
        }
        assertThat(decoder.stats().lostSamples()).as("30 missed, give or take the burst on its way").isBetween(27L, 33L);
    }

    @Test
    void aDeviceSlowerThanItsNominalRateIsFollowedNotCountedAsLoss() {
        DeviceProfile ess = LOADER.builtIn("ess-pressure");
        UUID pressure = ess.channels().orElseThrow().notifications().get(0).characteristic().uuid();
        Recorder recorder = new Recorder();
        SampleDecoder decoder = SampleDecoder.of(ess, recorder);
        // Nominally 10 Hz; this one's timer runs at 9.5 Hz (105.3 ms).
        int n = 600;
        for (int k = 0; k < n; k++) {
            long send = k * 105_263L;
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1_013_250);
            decoder.decode(new Frame(ADDRESS, pressure, b.array(), send + 7_500));
        }
        List<Sample> samples = recorder.samples;
        assertThat(samples).hasSize(n);
        long lastError = samples.get(n - 1).tMillis() - ((n - 1) * 105_263L + 7_500) / 1000;
        assertThat(Math.abs(lastError)).as("the clock follows the device's own rate (ms off after a minute)").isLessThanOrEqualTo(5);
        assertThat(decoder.stats().lostSamples()).isZero();
    }

    @Test
    void afterADropTheNextValuesStartAFreshTimeLineAndMustPrimeAgain() {
        DeviceProfile thingy = LOADER.builtIn("thingy52-ball");
        ChannelLayout wire = thingy.channels().orElseThrow();
        UUID pressure = wire.notifications().get(0).characteristic().uuid();
        UUID motion = wire.notifications().get(1).characteristic().uuid();
        byte[] hpa = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1013).put(4, (byte) 25).array();
        Recorder recorder = new Recorder();
        SampleDecoder decoder = SampleDecoder.of(thingy, recorder);
        decoder.decode(new Frame(ADDRESS, pressure, hpa, 0));
        decoder.decode(new Frame(ADDRESS, motion, thingyMotion(0), 10_000));
        assertThat(recorder.samples).hasSize(1);
        decoder.resync();
        decoder.decode(new Frame(ADDRESS, motion, thingyMotion(0), 30_000_000));
        assertThat(recorder.samples).as("motion alone after a drop: pressure is not known yet").hasSize(1);
        decoder.decode(new Frame(ADDRESS, pressure, hpa, 30_010_000));
        assertThat(recorder.samples).hasSize(2);
        assertThat(recorder.samples.get(1).tMillis()).isEqualTo(30_010);
        assertThat(decoder.stats().lostSamples()).as("the time the link was down is not loss").isZero();
    }

    @Test
    void anyBytesOnAnyCharacteristicAreDecodedOrCountedNeverThrown() {
        Random rnd = new Random(11);
        for (String name : List.of("thingy52-ball", "thingy52-roller", "oriori-ball", "nano33-ble-sense", "ess-pressure")) {
            DeviceProfile profile = LOADER.builtIn(name);
            List<UUID> chars = new ArrayList<>(profile.channels().orElseThrow().notifications().stream().map(n -> n.characteristic().uuid()).toList());
            profile.battery().ifPresent(b -> chars.add(b.uuid()));
            chars.add(UUID.randomUUID());
            Recorder recorder = new Recorder();
            SampleDecoder decoder = SampleDecoder.of(profile, recorder);
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = new byte[rnd.nextInt(i % 7 == 0 ? 300 : 20)];
                rnd.nextBytes(bytes);
                if (i % 5 == 0 && bytes.length > 0) {
                    // Text-like: digits, points and bars, so some match the Oriori pattern.
                    for (int k = 0; k < bytes.length; k++) {
                        bytes[k] = (byte) "0123456789.|".charAt(rnd.nextInt(12));
                    }
                }
                decoder.decode(new Frame(ADDRESS, chars.get(rnd.nextInt(chars.size())), bytes, i * 5_000L));
            }
            FrameDecoder.Stats stats = decoder.stats();
            assertThat(stats.malformed()).as("%s: garbage is counted", name).isPositive();
            assertThat(recorder.malformed).as("%s: each with a reason", name).hasSize((int) stats.malformed());
            assertThat(recorder.samples).as("%s: what did decode is a number", name).allSatisfy(s -> {
                assertThat(s.gxDps()).isNotNaN();
                assertThat(Double.isInfinite(s.pressureKpa())).isFalse();
            });
        }
    }

    /** A profile's pattern that backtracks exponentially, and a device text made to make it: one value lost, not the thread. */
    @Test
    void aPatternThatBacktracksBadlyCostsOneValueNotThePipeline() throws Exception {
        String yaml = Files.readString(Path.of("device-profiles/oriori-ball.yaml"))
                .replace("(?<load>[0-9]{1,3}\\\\.[0-9])", "(?<load>([0-9]+?)+?\\\\.[0-9])");
        assertThat(yaml).contains("([0-9]+?)+?");
        DeviceProfile evil = LOADER.parse("evil.yaml", yaml);
        UUID data = evil.channels().orElseThrow().notifications().get(0).characteristic().uuid();
        Recorder recorder = new Recorder();
        SampleDecoder decoder = SampleDecoder.of(evil, recorder);
        String attack = "991" + "7".repeat(58) + "x";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                decoder.decode(new Frame(ADDRESS, data, attack.getBytes(StandardCharsets.US_ASCII), 0)));
        assertThat(recorder.malformed).singleElement().asString().contains("took over");
        decoder.decode(new Frame(ADDRESS, data, "9910012.5|".getBytes(StandardCharsets.US_ASCII), 100_000));
        assertThat(recorder.samples).as("the next good value decodes").hasSize(1);
    }

    private static byte[] essPascals(double pa) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) Math.round(pa * 10)).array();
    }

    /** A barometer's 0 before it is ready is no reading (not a tare no rest could correct); a tare taken while loaded heals at the next rest. */
    @Test
    void theBaselineSurvivesABarometersFirstZeroAndATareTakenWhileLoaded() {
        DeviceProfile ess = LOADER.builtIn("ess-pressure");
        UUID pressure = ess.channels().orElseThrow().notifications().get(0).characteristic().uuid();
        Recorder recorder = new Recorder();
        SampleDecoder decoder = SampleDecoder.of(ess, recorder);
        long t = 0;
        decoder.decode(new Frame(ADDRESS, pressure, essPascals(0), t));
        assertThat(recorder.samples).as("no reading: nothing to prime on").isEmpty();
        // Connected while loaded: 101,325 Pa of air plus a 2 kPa load is the tare.
        for (int i = 0; i < 50; i++) {
            decoder.decode(new Frame(ADDRESS, pressure, essPascals(103_325), t += 100_000));
        }
        assertThat(recorder.samples.get(recorder.samples.size() - 1).pressureKpa()).as("a wrong tare: no load seen").isZero();
        // Let go: the reading drops below the wrong baseline (reads 0, never negative), and after 3 s at rest is the baseline.
        for (int i = 0; i < 40; i++) {
            decoder.decode(new Frame(ADDRESS, pressure, essPascals(101_325), t += 100_000));
        }
        assertThat(recorder.samples).allSatisfy(s -> assertThat(s.pressureKpa()).isGreaterThanOrEqualTo(0));
        decoder.decode(new Frame(ADDRESS, pressure, essPascals(103_325), t += 100_000));
        assertThat(recorder.samples.get(recorder.samples.size() - 1).pressureKpa()).as("the load reads right again")
                .isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
    }
}
