package dev.rollbridge.login;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Failed logins per client, and how long its next attempt must wait: {@value #FREE_FAILURES} wrong
 * passwords are free, then each costs a lock that doubles, from 1 s up to {@link #LONGEST_LOCK}.
 * A right password clears its client's count.
 *
 * <p>Only per client, never for everyone together: a limit shared by all would let anyone lock
 * the owner out with a few wrong passwords, and the secrets are unguessable anyway
 * ({@link PasswordHash}); this only keeps one client from trying endlessly. Bounded: at most
 * {@value #MAX_CLIENTS} clients are remembered, the least recently failing forgotten first.
 */
public final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
    static final int MAX_CLIENTS = 4096;

    private record Failures(int count, long lockedUntil) {
    }

    private final LongSupplier nanoTime;
    private final Map<String, Failures> clients = new LinkedHashMap<>(64, 0.75f, true);

    public LoginThrottle() {
        this(System::nanoTime);
    }

    /** @param nanoTime a monotonic clock (tests step their own) */
    public LoginThrottle(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** How long {@code client} must wait before it may try a password; empty: it may now. */
    public synchronized Optional<Duration> waitFor(String client) {
        Failures f = clients.get(client);
        long left = f == null ? 0 : f.lockedUntil() - nanoTime.getAsLong();
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }

    /** A wrong password from {@code client}. */
    public synchronized void failed(String client) {
        long now = nanoTime.getAsLong();
        Failures before = clients.remove(client);
        int count = before == null ? 1 : before.count() + 1;
        long lock = 0;
        if (count >= FREE_FAILURES) {
            int doublings = Math.min(count - FREE_FAILURES, 20);
            lock = Math.min(Duration.ofSeconds(1L << doublings).toNanos(), LONGEST_LOCK.toNanos());
        }
        clients.put(client, new Failures(count, now + lock));
        if (clients.size() > MAX_CLIENTS) {
            Iterator<String> oldest = clients.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The right password from {@code client}: its failures are forgotten. */
    public synchronized void succeeded(String client) {
        clients.remove(client);
    }
}
