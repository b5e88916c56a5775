package io.jdbccache.internal.cache;

import io.jdbccache.internal.result.ResultSnapshot;

/**
 * A result as a second tier keeps it: the snapshot, the stamps it was read under with the tier's versions of them
 * at the time, and how long it may still be served.
 *
 * @param stamps      the stamps the result depends on, the database-wide one included
 * @param versions    the tier's versions of {@code stamps}, taken before the read went to the database
 * @param ttlNanos    how long it may be served from when it was stored (or, from {@link ResultTier#lookup}, from
 *                    now on)
 * @param ageNanos    how long ago it was stored (0 when storing): a reader with a shorter TTL than the storing
 *                    instance's serves it only within its own
 */
public record TierEntry(ResultSnapshot snapshot, StampId[] stamps, long[] versions, long ttlNanos, long ageNanos) {
    public TierEntry {
        if (stamps.length != versions.length) {
            throw new IllegalArgumentException("one version per stamp");
        }
    }

    /** True if the entry depends on every one of {@code needed} (reads with another plan may depend on fewer). */
    boolean dependsOnAll(TableVersion[] needed) {
        outer:
        for (TableVersion dependency : needed) {
            StampId id = dependency.id();
            for (StampId stamp : stamps) {
                if (stamp.equals(id)) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }
}
