package io.jdbccache.internal.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The version stamp of one table (or of a whole database): a counter bumped before and after every write that may
 * change it. A cached entry remembers the stamps it was read under and is current only while all are unchanged, so
 * a write invalidates in O(1) and a reader that raced with a write can never store a result that is later served.
 * The dependents set lets a write also drop those entries at once, to free their memory.
 */
public final class TableVersion {
    private final String name;
    private final AtomicLong version = new AtomicLong();
    private final Set<CacheKey> dependents = ConcurrentHashMap.newKeySet();

    TableVersion(String name) {
        this.name = name;
    }

    /** The resolved table name ({@code schema.table}), or {@code *} for the database-wide stamp. */
    public String name() {
        return name;
    }

    long current() {
        return version.get();
    }

    void bump() {
        version.incrementAndGet();
    }

    Set<CacheKey> dependents() {
        return dependents;
    }

    @Override
    public String toString() {
        return name + "@" + version.get();
    }
}
