package io.jdbccache;

import java.util.Map;

/**
 * An immutable, point-in-time snapshot of one cache's statistics. Counters only grow (until the cache is reset) and
 * are exact; the gauges ({@link #entryCount()}, {@link #weightedSizeBytes()}) are estimates at the moment of the
 * snapshot.
 *
 * @param cacheName         the cache's {@code cache.name}
 * @param hitCount          reads answered from the cache, without going to the database
 * @param missCount         cacheable reads that went to the database (their result was then stored if it could be)
 * @param bypassCount       statements that could not use the cache: uncacheable reads (functions that are not
 *                          deterministic, locking reads, unparseable SQL, rules) and reads inside a transaction that
 *                          wrote their tables
 * @param storeCount        results stored
 * @param invalidationCount table (or whole-database) invalidations caused by writes; a write counts once per table
 *                          before and once after it executes
 * @param evictionCount     entries removed for size or TTL
 * @param entryCount        entries currently held (estimate)
 * @param weightedSizeBytes estimated bytes retained by the entries
 * @param maxSizeBytes      the configured bound, {@code cache.maxBytes}
 * @param bypassesByReason  {@code bypassCount} split by reason (the names of the driver's bypass reasons, such as
 *                          {@code NON_DETERMINISTIC} or {@code SESSION_STATE_UNKNOWN}); reasons never seen are absent
 * @param sessionReadBacks  round trips spent reading a session's state back after it may have changed
 */
public record CacheStatistics(String cacheName, long hitCount, long missCount, long bypassCount, long storeCount,
        long invalidationCount, long evictionCount, long entryCount, long weightedSizeBytes, long maxSizeBytes,
        Map<String, Long> bypassesByReason, long sessionReadBacks) {

    public CacheStatistics {
        bypassesByReason = Map.copyOf(bypassesByReason);
    }

    /** Hits over hits plus misses; 0 when there were none. */
    public double hitRate() {
        long lookups = hitCount + missCount;
        return lookups == 0 ? 0.0 : (double) hitCount / lookups;
    }
}
