package io.jdbccache.internal.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops paying Redis's timeout on every query while Redis is down: after {@link #FAILURES_TO_OPEN} failure (one,
 * so that a query whose first Redis call timed out skips its next ones and pays the timeout once) the circuit opens and every call is skipped (answered as if Redis were empty) for a pause; then one call is
 * let through as a probe (half-open): its success closes the circuit, its failure opens it again for twice the
 * pause, up to {@link #MAX_PAUSE_NANOS}. Lock-free: queries never wait on each other here.
 */
final class CircuitBreaker {
    static final int FAILURES_TO_OPEN = 1;
    static final long FIRST_PAUSE_NANOS = 500_000_000L;
    static final long MAX_PAUSE_NANOS = 10_000_000_000L;

    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long openUntilNanos;
    private volatile long pauseNanos = FIRST_PAUSE_NANOS;
    private volatile boolean open;

    /** True if a call may go to Redis now: the circuit is closed, or this call is the half-open probe. */
    boolean allow() {
        if (!open) {
            return true;
        }
        return System.nanoTime() - openUntilNanos >= 0 && probing.compareAndSet(false, true);
    }

    /** The call succeeded: the circuit closes. Returns true if it was not closed before (Redis is back). */
    boolean success() {
        failuresInARow.set(0);
        if (!open) {
            return false;
        }
        pauseNanos = FIRST_PAUSE_NANOS;
        open = false;
        probing.set(false);
        return true;
    }

    /** The call failed or timed out. */
    void failure() {
        boolean wasProbe = open && probing.get();
        if (failuresInARow.incrementAndGet() >= FAILURES_TO_OPEN || wasProbe) {
            long pause = wasProbe ? Math.min(MAX_PAUSE_NANOS, pauseNanos * 2) : pauseNanos;
            pauseNanos = pause;
            openUntilNanos = System.nanoTime() + pause;
            open = true;
            probing.set(false);
        }
    }

    String state() {
        return !open ? "closed" : System.nanoTime() - openUntilNanos >= 0 ? "half-open" : "open";
    }
}
