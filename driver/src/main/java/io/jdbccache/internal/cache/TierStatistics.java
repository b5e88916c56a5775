package io.jdbccache.internal.cache;

/**
 * What a second tier reports of itself beside the cache's own counters of it (hits, misses, stores).
 *
 * @param errors            commands that failed or timed out
 * @param rejected          entries or messages found corrupt, truncated, foreign or wrongly signed, never trusted
 * @param publishFailures   writes whose invalidation could not be published (other instances may not hear them
 *                          until the tier is back and the writer publishes its databases as changed)
 * @param circuit           {@code closed} (in use), {@code open} (skipped after failures) or {@code half-open}
 * @param busConnected      true while other instances' invalidations are heard
 * @param busDelayP50Millis median delay from another instance's publication to its arrival here, or -1
 * @param busDelayP99Millis the same, 99th percentile, or -1
 * @param resyncs           times this instance dropped its own entries because it may have missed invalidations
 */
public record TierStatistics(long errors, long rejected, long publishFailures, String circuit, boolean busConnected,
        double busDelayP50Millis, double busDelayP99Millis, long resyncs) {
    /** A tier that keeps no statistics (or no tier). */
    public static final TierStatistics NONE = new TierStatistics(0, 0, 0, "none", false, -1, -1, 0);
}
