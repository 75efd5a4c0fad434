package dev.rollbridge.login;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    private void after(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void fiveWrongPasswordsAreFreeThenTheLockDoublesUpToFifteenMinutes() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES - 1; i++) {
            assertThat(throttle.waitFor("10.0.0.5")).isEmpty();
            throttle.failed("10.0.0.5");
        }
        assertThat(throttle.waitFor("10.0.0.5")).isEmpty();
        throttle.failed("10.0.0.5"); // the fifth
        assertThat(throttle.waitFor("10.0.0.5")).contains(Duration.ofSeconds(1));
        assertThat(throttle.waitFor("10.0.0.6")).as("another client is not locked").isEmpty();
        after(Duration.ofSeconds(1));
        assertThat(throttle.waitFor("10.0.0.5")).isEmpty();
        throttle.failed("10.0.0.5");
        assertThat(throttle.waitFor("10.0.0.5")).contains(Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) {
            after(Duration.ofHours(1));
            throttle.failed("10.0.0.5");
        }
        assertThat(throttle.waitFor("10.0.0.5")).contains(LoginThrottle.LONGEST_LOCK);
    }

    @Test
    void theRightPasswordClearsTheCount() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("a");
        }
        throttle.succeeded("a");
        throttle.failed("a");
        assertThat(throttle.waitFor("a")).isEmpty();
    }

    @Test
    void manyAddressesFailingDoNotLockAnyoneElseOut() {
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 10; j++) {
                throttle.failed("10.0.1." + i);
            }
        }
        assertThat(throttle.waitFor("10.0.2.1")).as("the owner's address").isEmpty();
    }

    @Test
    void rememberedClientsAreBounded() {
        for (int i = 0; i < LoginThrottle.MAX_CLIENTS + 100; i++) {
            throttle.failed("c" + i);
        }
        for (int i = 0; i < 4; i++) {
            throttle.failed("c0");
        }
        assertThat(throttle.waitFor("c0")).as("c0 was forgotten, so four more are still free").isEmpty();
    }
}
