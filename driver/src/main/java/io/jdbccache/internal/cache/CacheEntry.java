package io.jdbccache.internal.cache;

import io.jdbccache.internal.result.ResultSnapshot;

/**
 * A cached result and the table-version stamps it was read under. Immutable; current only while every stamp still
 * matches its table's version, and live until its own deadline (its jittered TTL from when it was stored).
 */
public final class CacheEntry {
    /**
     * What an entry keeps alive besides its snapshot, measured with a class histogram: Caffeine's node (56), the
     * key (40) with its parameter array, this object (40), the read stamp (24 + 32 for its stamps), the snapshot's
     * column array (48).
     */
    private static final int OVERHEAD_BYTES = 256;
    /** A node in each dependency's set of dependents. */
    private static final int PER_DEPENDENCY_BYTES = 48;
    private final ResultSnapshot snapshot;
    private final ReadStamp stamp;
    /** {@code System.nanoTime()} at which the TTL ends; compared with {@link CoarseClock#now} on each hit. */
    private final long expiresAtNanos;
    private final int weight;
    private final ShapeStatistics shape;

    CacheEntry(ResultSnapshot snapshot, ReadStamp stamp, long ttlNanos, int keyBytes,
            ShapeStatistics shape) {
        this.snapshot = snapshot;
        this.shape = shape;
        this.stamp = stamp;
        this.expiresAtNanos = System.nanoTime() + ttlNanos;
        long bytes = snapshot.estimatedBytes() + OVERHEAD_BYTES + keyBytes
                + (long) PER_DEPENDENCY_BYTES * stamp.dependencies().length;
        this.weight = (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    public ResultSnapshot snapshot() {
        return snapshot;
    }

    /** True while no table this result read has been written since it was read. */
    public boolean isCurrent() {
        return stamp.isCurrent();
    }

    /** True once the TTL ended at {@code nowNanos} (overflow-safe, as {@code System.nanoTime()} differences are). */
    boolean isExpired(long nowNanos) {
        return nowNanos - expiresAtNanos >= 0;
    }

    /** The statistics of the query shape this entry answers (may be null). */
    ShapeStatistics shape() {
        return shape;
    }

    TableVersion[] dependencies() {
        return stamp.dependencies();
    }

    int weight() {
        return weight;
    }
}
