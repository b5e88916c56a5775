package io.jdbccache;

import java.util.Map;

/**
 * The JMX view of one cache, registered as {@code io.jdbccache:type=Cache,name=<cache.name>} while the cache has
 * open connections. Counters are cumulative since the cache was created or {@link #resetStatistics()} was called;
 * gauges (entries, sizes, percentiles) are point-in-time readings. Latency percentiles come from a lock-free
 * histogram and cover every read since the last reset. No attribute or operation result ever contains a parameter
 * value. Thread-safe.
 */
public interface CacheMXBean {
    /** Reads answered by the cache (including reads that shared a concurrent identical fetch). */
    long getHitCount();

    /** Cacheable reads that went to the database. */
    long getMissCount();

    /** Hits over hits plus misses, 0 to 1. */
    double getHitRate();

    /** Reads that could not use the cache (uncacheable SQL, rules, transactions). */
    long getBypassCount();

    /**
     * {@link #getBypassCount()} by reason: {@code NON_DETERMINISTIC}, {@code SESSION_STATE_UNKNOWN},
     * {@code ROW_SECURITY}, {@code SNAPSHOT_TRANSACTION}, {@code WRITTEN_IN_TRANSACTION}, {@code NEVER_CACHE_RULE},
     * {@code TOO_LARGE}, {@code NOT_PARSEABLE}... (docs/operations.md lists them all). Reasons never seen are absent.
     */
    Map<String, Long> getBypassesByReason();

    /** Round trips spent reading a session's state back after a statement that may have changed it. */
    long getSessionReadBacks();

    long getStoreCount();

    /** Table invalidations caused by writes (a write counts before and after it runs). */
    long getInvalidationCount();

    /** Entries removed for size or TTL. */
    long getEvictionCount();

    /** Point-in-time: entries held. */
    long getEntryCount();

    /** Point-in-time: estimated bytes retained by the entries. */
    long getWeightedSizeBytes();

    /** The configured bound, {@code cache.maxBytes}. */
    long getMaxSizeBytes();

    double getHitLatencyP50Micros();

    double getHitLatencyP95Micros();

    double getHitLatencyP99Micros();

    double getMissLatencyP50Micros();

    double getMissLatencyP95Micros();

    double getMissLatencyP99Micros();

    /** True if the cache has a shared second tier (Redis, {@code cache.redis.url}); its figures follow. */
    boolean isL2Enabled();

    /** Reads answered by the second tier after a miss here. */
    long getL2HitCount();

    /** Lookups in the second tier that found nothing it could serve. */
    long getL2MissCount();

    /** Results handed to the second tier to store. */
    long getL2StoreCount();

    /** Redis commands that failed or timed out (each answered as if Redis were empty). */
    long getL2ErrorCount();

    /** Entries or messages read from Redis that were corrupt, truncated, foreign or wrongly signed: never trusted. */
    long getL2RejectedCount();

    /** Writes whose invalidation could not reach Redis (their databases are published as written once it is back). */
    long getL2PublishFailureCount();

    /** {@code closed} (Redis in use), {@code open} (skipped after a failure), {@code half-open} (probing), or none. */
    String getL2CircuitState();

    /** True while other instances' invalidations are heard; while false, nothing is served from this instance. */
    boolean isL2BusConnected();

    /** Median delay from another instance's write to its invalidation arriving here, in ms; -1 before any. */
    double getL2BusDelayP50Millis();

    /** 99th percentile of that delay, in ms; -1 before any. */
    double getL2BusDelayP99Millis();

    /** Times this instance dropped its own entries because it could not hear the others for a while. */
    long getL2ResyncCount();

    /** Per table: reads served, writes seen, invalidations, entries depending on it. */
    TableStatistics[] getTableStatistics();

    /** The top query shapes by database time saved (at most 20; see {@link #topQueryShapes(int)}). */
    QueryShapeStatistics[] getQueryShapes();

    /** The top {@code n} query shapes by database time saved (statistics are kept for at most 1,000 shapes). */
    QueryShapeStatistics[] topQueryShapes(int n);

    /**
     * Invalidates every cached result that read the table, in every database of this cache.
     *
     * @param table {@code name} or {@code schema.name}, as it would be written in SQL
     * @return the number of tables matched
     */
    int invalidateTable(String table);

    /** Drops every cached result. */
    void invalidateAll();

    /** Zeroes every counter and histogram; entries stay. */
    void resetStatistics();

    /**
     * Runs {@code EXPLAIN} for one query shape with the last parameters seen (PostgreSQL: {@code EXPLAIN (ANALYZE,
     * BUFFERS, FORMAT JSON)} inside a transaction that is rolled back; other databases: their own EXPLAIN) and
     * returns a readable summary. Only for reads; executes the query once.
     *
     * @param shapeId the id from {@link QueryShapeStatistics#getId()}
     */
    String explain(String shapeId);

    /**
     * The advisor's report: per query shape, sorted by benefit, whether to cache it, not cache it, or change its
     * TTL, and why. With {@code explain=true} it also runs EXPLAIN on the top shapes (PostgreSQL buffer numbers).
     */
    String adviceReport(boolean explain);
}
