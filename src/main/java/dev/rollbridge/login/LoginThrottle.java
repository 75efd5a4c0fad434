package dev.rollbridge.login;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Failed logins, and how long the next attempt must wait. Per client: {@value #FREE_FAILURES} wrong
 * passwords are free, then each costs a lock that doubles, from 1 s up to
 * {@link #LONGEST_LOCK}. For everyone together: at most {@value #GLOBAL_FAILURES} failures in
 * {@link #GLOBAL_WINDOW}, so many addresses cannot guess faster than one (nor keep the CPU busy
 * with password hashing). A right password clears its client's count.
 *
 * <p>Bounded: at most {@value #MAX_CLIENTS} clients are remembered, the least recently failing
 * forgotten first (the global limit still holds for them).
 */
public final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
    static final int GLOBAL_FAILURES = 30;
    static final Duration GLOBAL_WINDOW = Duration.ofMinutes(10);
    static final int MAX_CLIENTS = 4096;

    private record Failures(int count, long lockedUntil) {
    }

    private final LongSupplier nanoTime;
    private final Map<String, Failures> clients = new LinkedHashMap<>(64, 0.75f, true);
    private final Deque<Long> recent = new ArrayDeque<>();

    public LoginThrottle() {
        this(System::nanoTime);
    }

    /** @param nanoTime a monotonic clock (tests step their own) */
    public LoginThrottle(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** How long {@code client} must wait before it may try a password; empty: it may now. */
    public synchronized Optional<Duration> waitFor(String client) {
        long now = nanoTime.getAsLong();
        long until = 0;
        Failures f = clients.get(client);
        if (f != null) {
            until = f.lockedUntil();
        }
        forgetOld(now);
        if (recent.size() >= GLOBAL_FAILURES) {
            until = Math.max(until, recent.peekFirst() + GLOBAL_WINDOW.toNanos());
        }
        return until - now > 0 ? Optional.of(Duration.ofNanos(until - now)) : Optional.empty();
    }

    /** A wrong password from {@code client}. */
    public synchronized void failed(String client) {
        long now = nanoTime.getAsLong();
        forgetOld(now);
        recent.addLast(now);
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

    /** Failures remembered now, for everyone (the health report). */
    public synchronized int recentFailures() {
        forgetOld(nanoTime.getAsLong());
        return recent.size();
    }

    private void forgetOld(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst() >= GLOBAL_WINDOW.toNanos()) {
            recent.removeFirst();
        }
    }
}
