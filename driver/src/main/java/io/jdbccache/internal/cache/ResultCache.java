package io.jdbccache.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.jdbccache.CacheStats;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.result.ResultSnapshot;
import io.jdbccache.internal.sql.BypassReason;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process result store of one named cache, with its statistics and the per-database scopes it serves.
 * Thread-safe and lock-free on the hit path: Caffeine's lookup plus a check of the entry's version stamps.
 */
public final class ResultCache {
    private final String name;
    private final long maxBytes;
    private final int analysisCacheSize;
    private final long analysisCacheBytes;
    private final long catalogRefreshNanos;
    private final Cache<CacheKey, CacheEntry> entries;
    private final ConcurrentHashMap<String, DatabaseScope> databases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<TableVersion> pendingCleanups =
            new ConcurrentLinkedQueue<>();

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder[] bypassesByReason = new LongAdder[BypassReason.values().length];
    private final LongAdder sessionReadBacks = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LatencyRecorder hitLatency = new LatencyRecorder();
    private final LatencyRecorder missLatency =
            new LatencyRecorder();
    private final Cache<String, ShapeStats> shapes =
            Caffeine.newBuilder().maximumSize(MAX_SHAPES).executor(Runnable::run).build();
    /** Shapes tracked at once; the least recently used beyond this are forgotten, so memory stays bounded. */
    static final int MAX_SHAPES = 1000;

    ResultCache(String name, long maxBytes, int analysisCacheSize, long analysisCacheBytes, long catalogRefreshNanos) {
        this.name = name;
        this.maxBytes = maxBytes;
        this.analysisCacheSize = analysisCacheSize;
        this.analysisCacheBytes = analysisCacheBytes;
        this.catalogRefreshNanos = catalogRefreshNanos;
        for (int i = 0; i < bypassesByReason.length; i++) {
            bypassesByReason[i] = new LongAdder();
        }
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheKey key, CacheEntry entry) -> entry.weight())
                .expireAfter(new EntryExpiry())
                .executor(Runnable::run)
                .removalListener(this::onRemoval)
                .build();
    }

    public String name() {
        return name;
    }

    /** The scope of a database, created on first use. */
    public DatabaseScope database(String identity, Dialect dialect) {
        return databases.computeIfAbsent(identity + "|" + dialect.name() + "|" + dialect.identifierCase(),
                id -> new DatabaseScope(identity, dialect, analysisCacheSize, analysisCacheBytes, catalogRefreshNanos));
    }

    /**
     * Returns the current entry for {@code key}, or null. Does not count: the caller counts a hit or a miss once it
     * knows which it served.
     */
    public CacheEntry lookup(CacheKey key) {
        CacheEntry entry = entries.getIfPresent(key);
        if (entry == null || entry.isCurrent()) {
            return entry;
        }
        entries.asMap().remove(key, entry);
        return null;
    }

    /**
     * Stores a result read under {@code stamp}, unless a write moved one of its tables meanwhile or a transaction
     * holds uncommitted writes to one of them (its commit could otherwise race with this store). A TTL of zero or
     * less stores nothing.
     *
     * @return true if stored
     */
    public boolean store(CacheKey key, ResultSnapshot snapshot, ReadStamp stamp, long ttlNanos, double jitter,
            ShapeStats shape) {
        if (ttlNanos <= 0 || !stamp.isCurrent() || !stamp.noUncommittedWrites()) {
            return false;
        }
        long ttl = jitter > 0 ? (long) (ttlNanos * (1.0 - jitter * ThreadLocalRandom.current().nextDouble())) : ttlNanos;
        CacheEntry entry = new CacheEntry(snapshot, stamp, Math.max(1, ttl), 2 * key.sql().length(), shape);
        for (TableVersion dependency : entry.dependencies()) {
            if (dependency.keepsDependents()) {
                dependency.dependents().add(key);
            }
        }
        entries.put(key, entry);
        stores.increment();
        return true;
    }

    /**
     * Registers {@code flight} as the fetch of {@code key} unless one is already in progress.
     *
     * @return the fetch already in progress (the caller should wait for it), or null if the caller now leads
     */
    public Flight joinFlight(CacheKey key, Flight flight) {
        return flights.putIfAbsent(key, flight);
    }

    /** @return the readers waiting for fetches in progress, over all keys (a point-in-time count, for tests) */
    public int flightWaiters() {
        int waiting = 0;
        for (Flight flight : flights.values()) {
            waiting += flight.waiters();
        }
        return waiting;
    }

    /** Ends a fetch this caller led, handing its result (null if none) to the waiters. */
    public void endFlight(CacheKey key, Flight flight, ResultSnapshot result) {
        flights.remove(key, flight);
        flight.complete(result);
    }

    /**
     * Marks the tables written: every entry that read one of them stops being served at once; its removal from the
     * store waits for the next drain ({@link #drainCleanups}). Called before and after a write executes, so that a
     * read overlapping the write cannot store its result.
     */
    public void invalidate(TableVersion[] tables) {
        for (TableVersion table : tables) {
            table.bump();
            if (!table.isRowLevel()) {
                invalidations.increment();
            }
            if (!table.dependents().isEmpty() && table.cleanupPending.compareAndSet(false, true)) {
                pendingCleanups.add(table);
            }
        }
        // The bump already made the entries unservable, so a write costs O(tables written), not O(entries that
        // read them). Dropped entries are removed when a read meets one, when statistics are read, or by eviction
        // and expiry; until then they count against cache.maxBytes like any cold entry.
    }

    /** Removes the entries of every table invalidated since the last drain (also run before statistics are read). */
    public void drainCleanups() {
        TableVersion table;
        while ((table = pendingCleanups.poll()) != null) {
            table.cleanupPending.set(false);
            for (CacheKey key : table.dependents()) {
                CacheEntry entry = entries.getIfPresent(key);
                if (entry != null && !entry.isCurrent()) {
                    entries.asMap().remove(key, entry);
                }
            }
        }
    }

    /** Marks everything of one database written (a write whose tables are unknown). */
    public void invalidateDatabase(DatabaseScope database) {
        database.everything().bump();
        invalidations.increment();
        entries.asMap().keySet().removeIf(key -> key.context().database() == database);
    }

    /** Drops every entry of every database. */
    public void invalidateAll() {
        for (DatabaseScope database : databases.values()) {
            database.everything().bump();
        }
        invalidations.increment();
        entries.invalidateAll();
    }

    /**
     * A read answered from the cache (or by another caller's concurrent fetch).
     *
     * @param startNanos when the read began, or 0 when this hit's latency is not sampled
     */
    public void recordHit(long startNanos) {
        hits.increment();
        if (startNanos != 0) {
            hitLatency.record(System.nanoTime() - startNanos);
        }
    }

    public void recordMiss(long startNanos) {
        misses.increment();
        missLatency.record(System.nanoTime() - startNanos);
    }

    /** The statistics of a query shape, created on first use (bounded, least recently used forgotten). */
    public ShapeStats shape(String shape) {
        // A shape of a 300 KB statement is named by its beginning and a hash: statistics of two such shapes may
        // merge, but a thousand of them cannot hold the heap.
        String name = shape.length() <= MAX_SHAPE_TEXT ? shape
                : shape.substring(0, MAX_SHAPE_TEXT - 32) + "... (" + shape.length() + " chars, #"
                        + Integer.toHexString(shape.hashCode()) + ")";
        ShapeStats stats = shapes.getIfPresent(name);
        return stats != null ? stats : shapes.get(name, ShapeStats::new);
    }

    /** Longest shape text kept as a shape's name. */
    static final int MAX_SHAPE_TEXT = 4096;

    public Collection<ShapeStats> shapes() {
        return shapes.asMap().values();
    }

    public Collection<DatabaseScope> databases() {
        return databases.values();
    }

    public LatencyRecorder hitLatency() {
        return hitLatency;
    }

    public LatencyRecorder missLatency() {
        return missLatency;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Zeroes every counter and histogram (entries stay). */
    public void resetStatistics() {
        hits.reset();
        misses.reset();
        bypasses.reset();
        for (LongAdder reason : bypassesByReason) {
            reason.reset();
        }
        sessionReadBacks.reset();
        stores.reset();
        invalidations.reset();
        evictions.reset();
        hitLatency.reset();
        missLatency.reset();
        for (ShapeStats shape : shapes.asMap().values()) {
            shape.reset();
        }
        for (DatabaseScope database : databases.values()) {
            database.resetStatistics();
        }
    }

    /** A read that did not use the cache, and why. */
    public void recordBypass(BypassReason reason) {
        bypasses.increment();
        bypassesByReason[reason.ordinal()].increment();
    }

    /** A session's state was read back from the database. */
    public void recordSessionReadBack() {
        sessionReadBacks.increment();
    }

    /** A point-in-time snapshot of the counters. */
    public CacheStats stats() {
        drainCleanups();
        entries.cleanUp();
        long weighted = entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
        Map<String, Long> reasons = new TreeMap<>();
        for (BypassReason reason : BypassReason.values()) {
            long count = bypassesByReason[reason.ordinal()].sum();
            if (count > 0) {
                reasons.put(reason.name(), count);
            }
        }
        return new CacheStats(name, hits.sum(), misses.sum(), bypasses.sum(), stores.sum(), invalidations.sum(),
                evictions.sum(), entries.estimatedSize(), weighted, maxBytes, reasons, sessionReadBacks.sum());
    }

    private void onRemoval(CacheKey key, CacheEntry entry, RemovalCause cause) {
        if (cause == RemovalCause.REPLACED || key == null || entry == null) {
            return;
        }
        if (cause.wasEvicted()) {
            evictions.increment();
        } else if (cause == RemovalCause.EXPLICIT && entry.shape() != null) {
            entry.shape().recordInvalidation();
        }
        for (TableVersion dependency : entry.dependencies()) {
            if (dependency.keepsDependents()) {
                dependency.dependents().remove(key);
            }
        }
    }

    /** Each entry lives for its own (jittered) TTL from when it was stored; reads do not extend it. */
    private static final class EntryExpiry implements Expiry<CacheKey, CacheEntry> {
        @Override
        public long expireAfterCreate(CacheKey key, CacheEntry entry, long currentTime) {
            return entry.ttlNanos();
        }

        @Override
        public long expireAfterUpdate(CacheKey key, CacheEntry entry, long currentTime, long currentDuration) {
            return entry.ttlNanos();
        }

        @Override
        public long expireAfterRead(CacheKey key, CacheEntry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
