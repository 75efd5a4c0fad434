package dev.rollbridge.ble;

import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceFinderTest {
    private static final DeviceProfile BALL = new ProfileLoader().builtIn("rollsense-ball");
    private static final DeviceProfile ROLLER = new ProfileLoader().builtIn("rollsense-roller");
    private static final List<UUID> SHARED_SERVICE = BALL.serviceUuids();

    private static BleCentral.Advertisement ad(String name, List<UUID> uuids) {
        return new BleCentral.Advertisement("C0:FF:EE:00:00:01", name, Optional.of(-60), uuids);
    }

    @Test
    void theNameDecidesBetweenToolsThatShareAService() {
        assertThat(ROLLER.serviceUuids()).isEqualTo(SHARED_SERVICE);
        assertThat(DeviceFinder.profileOf(ad("RollSense Roller", SHARED_SERVICE), List.of(BALL, ROLLER))).contains(ROLLER);
        assertThat(DeviceFinder.profileOf(ad("RollSense Ball", SHARED_SERVICE), List.of(ROLLER, BALL))).contains(BALL);
    }

    @Test
    void withoutANameTheAdvertisedServiceDecidesAndAStrangerMatchesNothing() {
        assertThat(DeviceFinder.profileOf(ad("", SHARED_SERVICE), List.of(BALL, ROLLER))).contains(BALL);
        assertThat(DeviceFinder.profileOf(ad("Heart Rate Strap", List.of(UUID.fromString("0000180d-0000-1000-8000-00805f9b34fb"))),
                List.of(BALL, ROLLER))).isEmpty();
    }

    @Test
    void aThingyMayBeABallOrARollerAndIsFoundForEither() {
        DeviceProfile thingyBall = new ProfileLoader().builtIn("thingy52-ball");
        DeviceProfile thingyRoller = new ProfileLoader().builtIn("thingy52-roller");
        List<DeviceProfile> all = List.of(BALL, ROLLER, thingyBall, thingyRoller);
        assertThat(DeviceFinder.profilesOf(ad("Thingy", List.of()), all)).containsExactly(thingyBall, thingyRoller);
        DeviceFinder.Found found = new DeviceFinder.Found(ad("Thingy", List.of()), DeviceFinder.profilesOf(ad("Thingy", List.of()), all));
        assertThat(found.couldBe(thingyRoller)).as("a roller configured without an address finds it").isTrue();
        assertThat(found.couldBe(BALL)).isFalse();
    }
}
