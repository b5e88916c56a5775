package io.jdbccache.internal.cache;

import java.util.concurrent.locks.LockSupport;

/**
 * The time an entry's TTL is checked against on every hit, published by one daemon thread every millisecond.
 *
 * <p>Why not {@code System.nanoTime()} on each hit: on a virtual machine's clock source (kvm-clock) it costs about
 * 30 ns, more than the rest of a cache lookup; and Caffeine's own per-entry expiry, which reads it and rewrites the
 * entry's node on every read, made two threads reading the same entries slower than one (docs/design.md,
 * "The hit path"). One volatile read of a field written once a millisecond is shared by every core without contention.
 *
 * <p>The published value is a {@code System.nanoTime()} reading, so it is never ahead of real time, and behind it by
 * at most one tick plus the ticker's scheduling delay: an entry may be served that much after its TTL, never
 * earlier. Deadlines are computed from {@code System.nanoTime()} itself (on the store path, which reads it anyway).
 * Once the ticker is stopped ({@link #stop}, the driver being deregistered) or has died, {@link #now} reads
 * {@code System.nanoTime()} directly, so time never stands still.
 */
final class CoarseClock {
    private static final long TICK_NANOS = 1_000_000;
    /** Published instead of a time when no ticker runs: readers then read the real clock. */
    private static final long NOT_TICKING = Long.MIN_VALUE;
    private static volatile long published = NOT_TICKING;
    private static Thread ticker;

    private CoarseClock() {
    }

    /** Now, in {@code System.nanoTime()} units, to within a tick. */
    static long now() {
        long time = published;
        return time != NOT_TICKING ? time : System.nanoTime();
    }

    /** Starts the ticker unless it runs (idempotent; on every cache's creation). */
    static synchronized void start() {
        if (ticker != null && ticker.isAlive()) {
            return;
        }
        Thread thread = new Thread(CoarseClock::tick, "jdbc-cache-clock");
        thread.setDaemon(true);
        // An application server's class loader must not be kept alive by this thread.
        thread.setContextClassLoader(null);
        published = System.nanoTime();
        ticker = thread;
        thread.start();
    }

    /** Stops the ticker (the driver is deregistered); readers fall back to the real clock at once. */
    static synchronized void stop() {
        if (ticker != null) {
            ticker.interrupt();
            ticker = null;
        }
        published = NOT_TICKING;
    }

    private static void tick() {
        Thread self = Thread.currentThread();
        try {
            while (publish(self)) {
                LockSupport.parkNanos(TICK_NANOS);
                // Only stop() ends the ticker (publish then says so); its interrupt merely wakes it. An interrupt
                // from elsewhere is cleared: while the status is set, parkNanos returns at once and the thread spins.
                Thread.interrupted();
            }
        } finally {
            synchronized (CoarseClock.class) {
                if (ticker == self) {
                    // Died (an Error): readers go back to the real clock rather than see time stand still.
                    published = NOT_TICKING;
                }
            }
        }
    }

    /** Publishes the time if {@code thread} is still the ticker: under the lock, so stop() cannot be undone. */
    private static synchronized boolean publish(Thread thread) {
        if (ticker != thread) {
            return false;
        }
        published = System.nanoTime();
        return true;
    }
}
