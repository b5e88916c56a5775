package io.jdbccache.internal.cache;

import io.jdbccache.internal.result.ResultSnapshot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One database fetch of a key in progress, which identical concurrent reads wait for instead of sending the same
 * query again (single flight). A waiter takes the result only if no table it depends on was written since the
 * fetch began, so sharing can never hand out something older than a completed write.
 */
public final class Flight {
    private final ReadStamp stamp;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile ResultSnapshot result;
    /** Readers that decided to wait for this fetch: observable, so tests can force the race instead of sleeping. */
    private final AtomicInteger waiters = new AtomicInteger();

    public Flight(ReadStamp stamp) {
        this.stamp = stamp;
    }

    void complete(ResultSnapshot snapshot) {
        result = snapshot;
        done.countDown();
    }

    /**
     * Waits at most {@code nanos} for the fetch.
     *
     * @return the shared result, or null if the fetch failed, overflowed, took too long, or a write to one of its
     *         tables has begun since it started: the caller then goes to the database itself
     */
    public ResultSnapshot await(long nanos) {
        waiters.incrementAndGet();
        try {
            if (!done.await(nanos, TimeUnit.NANOSECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        ResultSnapshot snapshot = result;
        return snapshot != null && stamp.isCurrent() && stamp.noUncommittedWrites() ? snapshot : null;
    }

    /** @return how many readers have called {@link #await} on this fetch so far */
    int waiters() {
        return waiters.get();
    }
}
