package io.jdbccache.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.jdbccache.CacheStatistics;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.result.ResultSnapshot;
import io.jdbccache.internal.sql.BypassReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process result store of one named cache, with its statistics and the per-database scopes it serves.
 * Thread-safe and lock-free on the hit path: Caffeine's lookup plus a check of the entry's version stamps.
 *
 * <p>Seams: an optional second {@link ResultTier} below this store (asked after a miss here, filled with what is
 * stored here), and {@link InvalidationListener}s that hear every invalidation of writes through this JVM;
 * invalidations from elsewhere come in through {@link #apply}. Every invalidation, local or not, ends in
 * {@link #moveLocally}.
 */
public final class ResultCache {
    private static final Logger LOG = Logger.getLogger("io.jdbccache");
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
    private final LongAdder tierHits = new LongAdder();
    private final LongAdder tierMisses = new LongAdder();
    private final LongAdder tierStores = new LongAdder();
    private final LongAdder listenerFailures = new LongAdder();
    private final CopyOnWriteArrayList<InvalidationListener> listeners = new CopyOnWriteArrayList<>();
    /** Set once, before the cache is handed to any connection (see CacheRegistry); null for none. */
    private ResultTier tier;
    /** False when the tier checks every read itself ({@code cache.redis.strict}): nothing is kept here. */
    private boolean localHitsAllowed = true;
    /** True while the tier cannot hear other instances: nothing of this instance's own is served. */
    private volatile boolean localHitsSuspended;
    private final LatencyRecorder hitLatency = new LatencyRecorder();
    private final LatencyRecorder missLatency =
            new LatencyRecorder();
    /** A forgotten shape is retired: the analyses and entries still linking to it keep its counters only. */
    private final Cache<String, ShapeStatistics> shapes = Caffeine.newBuilder().maximumSize(MAX_SHAPES)
            .executor(Runnable::run)
            .removalListener((String shape, ShapeStatistics stats, RemovalCause cause) -> {
                if (stats != null) {
                    stats.retire();
                }
            })
            .build();
    /**
     * Shapes tracked at once; the least recently used beyond this are forgotten and retired, so memory stays
     * bounded.
     */
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
        // No Caffeine expiry: it reads the clock and rewrites the entry's node on every read, which made two threads
        // reading the same entries slower than one. Each entry carries its own deadline instead (see CacheEntry,
        // CoarseClock); an expired entry is removed when a read meets it, when statistics are read, or by eviction.
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheKey key, CacheEntry entry) -> entry.weight())
                .executor(Runnable::run)
                .removalListener(this::onRemoval)
                .build();
    }

    /**
     * Loads and initializes the classes every cache is made of (Caffeine's generated ones, the latency histograms)
     * by making one and dropping it: a new JVM's first connection can have this done on another thread while it
     * opens the real connection (about 0.1-0.2 s cold).
     */
    public static void preload() {
        new ResultCache("jdbc-cache preload", 1 << 16, 1, 1 << 10, 0).statistics();
    }

    public String name() {
        return name;
    }

    /**
     * Puts {@code secondTier} under this store: it hears every invalidation first, and its subscriber feeds this
     * cache the invalidations of other instances. Called once, before any connection uses the cache.
     */
    void useTier(ResultTier secondTier) {
        this.tier = secondTier;
        this.localHitsAllowed = secondTier.allowsLocalHits();
        listeners.add(0, secondTier);
        secondTier.subscribe(this::apply);
        secondTier.watchContact(new ResultTier.ContactListener() {
            @Override
            public void lost() {
                localHitsSuspended = true;
                forgetLocally();
            }

            @Override
            public void regained() {
                // Again, now that events are heard: what was read while deaf may have missed a write meanwhile.
                forgetLocally();
                localHitsSuspended = false;
            }
        });
    }

    /**
     * Makes every entry of this instance unservable and every read in flight unstorable, without telling anyone:
     * the second tier lost contact, so writes elsewhere may go unheard.
     */
    private void forgetLocally() {
        for (DatabaseScope database : databases.values()) {
            database.everything().bump();
        }
        entries.invalidateAll();
    }

    /** Drops the second tier's connections and threads (the cache is dropped). */
    void close() {
        if (tier != null) {
            tier.close();
        }
    }

    /** False when every read must be checked against the second tier: nothing is served from here, nor shared. */
    public boolean allowsLocalHits() {
        return localHitsAllowed;
    }

    /** The second tier, or null. */
    public ResultTier tier() {
        return tier;
    }

    /** Adds a listener that hears every invalidation of writes through this cache (a publisher, a test). */
    public void addListener(InvalidationListener listener) {
        listeners.add(listener);
    }

    public void removeListener(InvalidationListener listener) {
        listeners.remove(listener);
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
        if (localHitsSuspended) {
            return null;
        }
        CacheEntry entry = entries.getIfPresent(key);
        if (entry == null || (entry.isCurrent() && !entry.isExpired(CoarseClock.now()))) {
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
            ShapeStatistics shape) {
        return store(key, snapshot, stamp, null, ttlNanos, jitter, shape);
    }

    /**
     * As {@link #store(CacheKey, ResultSnapshot, ReadStamp, long, double, ShapeStatistics)}, and into the second tier too
     * when {@code tierVersions} (from {@link #tierVersions}, taken with {@code stamp}) are given.
     */
    public boolean store(CacheKey key, ResultSnapshot snapshot, ReadStamp stamp, long[] tierVersions, long ttlNanos,
            double jitter, ShapeStatistics shape) {
        if (ttlNanos <= 0 || !stamp.isCurrent() || !stamp.noUncommittedWrites()) {
            return false;
        }
        long ttl = jitter > 0 ? (long) (ttlNanos * (1.0 - jitter * ThreadLocalRandom.current().nextDouble())) : ttlNanos;
        ttl = Math.max(1, ttl);
        if (tierVersions != null) {
            storeInTier(key, snapshot, stamp, tierVersions, ttl);
        }
        return storeLocally(key, new CacheEntry(snapshot, stamp, ttl, 2 * key.sql().length(), shape));
    }

    private boolean storeLocally(CacheKey key, CacheEntry entry) {
        if (!localHitsAllowed) {
            return false;
        }
        for (TableVersion dependency : entry.dependencies()) {
            if (dependency.keepsDependents()) {
                dependency.dependents().add(key);
            }
        }
        entries.put(key, entry);
        stores.increment();
        return true;
    }

    private void storeInTier(CacheKey key, ResultSnapshot snapshot, ReadStamp stamp, long[] tierVersions, long ttl) {
        try {
            tier.store(key, new TierEntry(snapshot, stamp.ids(), tierVersions, ttl, 0));
            tierStores.increment();
        } catch (RuntimeException e) {
            // A tier must not throw (see ResultTier); one that does is skipped, never failing the query.
            LOG.log(Level.FINE, "jdbc-cache: second tier failed to store", e);
        }
    }

    /**
     * The second tier's versions of the stamps of a read about to go to the database, or null without a tier (or
     * when the tier cannot tell): taken with the read's local stamp and handed back to {@link #store}.
     */
    public long[] tierVersions(ReadStamp stamp) {
        if (tier == null) {
            return null;
        }
        try {
            return tier.versions(stamp.ids());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "jdbc-cache: second tier failed to report versions", e);
            return null;
        }
    }

    /**
     * After a miss here: the second tier's current entry for {@code key}, if it depends on every stamp of this read,
     * no local write moved one since {@code stamp} was taken (before this lookup), and it is younger than this read's
     * TTL; it is kept here too, for what is left of either TTL, when {@code mayStore}. Null without a tier or entry.
     *
     * @param mayStore the read may store (and its plan is of the current catalog)
     */
    public ResultSnapshot lookupTier(CacheKey key, ReadStamp stamp, boolean mayStore, long ttlNanos, ShapeStatistics shape) {
        if (tier == null) {
            return null;
        }
        TierEntry found;
        try {
            found = tier.lookup(key, stamp.ids());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "jdbc-cache: second tier failed to look up", e);
            return null;
        }
        // An entry another instance read with a plan of fewer stamps (other rules) would not be invalidated by
        // writes to the stamps it lacks: never served here.
        // This instance's TTL bounds what it serves however long the storing instance's was (the TTL is what bounds
        // writes made outside the driver).
        long left = found == null ? 0 : Math.min(found.ttlNanos(), ttlNanos - found.ageNanos());
        if (left <= 0 || !found.dependsOnAll(stamp.dependencies()) || !stamp.isCurrent()) {
            tierMisses.increment();
            return null;
        }
        tierHits.increment();
        if (mayStore && stamp.noUncommittedWrites()) {
            storeLocally(key, new CacheEntry(found.snapshot(), stamp, left, 2 * key.sql().length(), shape));
        }
        return found.snapshot();
    }

    /** Reads answered by the second tier after a miss here. */
    public long tierHits() {
        return tierHits.sum();
    }

    /** Lookups in the second tier that found nothing it could serve. */
    public long tierMisses() {
        return tierMisses.sum();
    }

    /** Results handed to the second tier to store. */
    public long tierStores() {
        return tierStores.sum();
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
     * read overlapping the write cannot store its result, and when its transaction ends. Listeners (the second
     * tier first) hear it before the local stamps move.
     */
    public void invalidate(TableVersion[] tables, InvalidationEvent.Phase phase) {
        if (!listeners.isEmpty()) {
            List<InvalidationEvent> events = new ArrayList<>(tables.length);
            for (TableVersion table : tables) {
                events.add(new InvalidationEvent(table.id(), phase));
            }
            publish(events);
        }
        moveLocally(tables);
    }

    /** The one local effect of every invalidation, this JVM's or another's: stamps move, entries become unservable. */
    private void moveLocally(TableVersion[] tables) {
        for (TableVersion table : tables) {
            if (table.isDatabaseWide()) {
                moveDatabase(table);
                continue;
            }
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

    private void moveDatabase(TableVersion everything) {
        everything.bump();
        invalidations.increment();
        String identity = everything.database();
        entries.asMap().keySet().removeIf(key -> key.context().database().identity().equals(identity));
    }

    private void publish(List<InvalidationEvent> events) {
        for (InvalidationListener listener : listeners) {
            try {
                listener.invalidated(events);
            } catch (RuntimeException e) {
                // A listener must not throw (see InvalidationListener); one that does never fails the write.
                listenerFailures.increment();
                LOG.log(Level.FINE, "jdbc-cache: an invalidation listener failed", e);
            }
        }
    }

    /**
     * Applies invalidations from elsewhere (another instance, a change feed): the same local effect as a write
     * through this JVM, without telling the listeners again.
     */
    public void apply(List<InvalidationEvent> events) {
        for (InvalidationEvent event : events) {
            for (DatabaseScope database : databases.values()) {
                // A database never seen here has nothing to invalidate.
                if (!database.identity().equals(event.stamp().database())) {
                    continue;
                }
                if (event.phase() == InvalidationEvent.Phase.CATALOG_CHANGED) {
                    database.forgetCatalog();
                } else if (localHitsAllowed) {
                    // Without entries of its own (every read checked against the tier), nothing here can be stale:
                    // moving the stamp would only keep the read in flight from storing into the tier.
                    TableVersion stamp = database.existingStamp(event.stamp());
                    if (stamp != null) {
                        moveLocally(new TableVersion[] {stamp});
                    }
                }
            }
        }
    }

    /**
     * The catalog of {@code database} may have changed (DDL, user code): its facts are forgotten here, and the
     * listeners hear it first so that other instances forget theirs too (a policy created through one instance
     * must change the keys of every instance's sessions).
     */
    public void catalogChanged(DatabaseScope database) {
        if (!listeners.isEmpty()) {
            publish(List.of(new InvalidationEvent(database.everything().id(), InvalidationEvent.Phase.CATALOG_CHANGED)));
        }
        database.forgetCatalog();
    }

    /** Invalidations a listener failed to hear (it threw). */
    public long listenerFailures() {
        return listenerFailures.sum();
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

    /**
     * Removes every entry whose TTL ended. A walk over all entries, so only where statistics are read (at most once a
     * second by JMX); otherwise an expired entry waits for a read to meet it or for eviction, counted against
     * cache.maxBytes like any cold entry.
     */
    private void removeExpired() {
        long now = System.nanoTime();
        entries.asMap().values().removeIf(entry -> entry.isExpired(now));
    }

    /** Marks everything of one database written (a write whose tables are unknown). */
    public void invalidateDatabase(DatabaseScope database, InvalidationEvent.Phase phase) {
        invalidate(new TableVersion[] {database.everything()}, phase);
    }

    /** Drops every entry of every database (an operator's request), here and, through the listeners, elsewhere. */
    public void invalidateAll() {
        if (!listeners.isEmpty() && !databases.isEmpty()) {
            List<InvalidationEvent> events = new ArrayList<>();
            for (DatabaseScope database : databases.values()) {
                events.add(new InvalidationEvent(database.everything().id(), InvalidationEvent.Phase.MANUAL));
            }
            publish(events);
        }
        for (DatabaseScope database : databases.values()) {
            database.everything().bump();
        }
        // One request, one invalidation, however many databases it reached; the clear below removes every entry.
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
    public ShapeStatistics shape(String shape) {
        // A shape of a 300 KB statement is named by its beginning and a hash: statistics of two such shapes may
        // merge, but a thousand of them cannot hold the heap.
        String name = shape.length() <= MAX_SHAPE_TEXT ? shape
                : shape.substring(0, MAX_SHAPE_TEXT - 32) + "... (" + shape.length() + " chars, #"
                        + Integer.toHexString(shape.hashCode()) + ")";
        ShapeStatistics stats = shapes.getIfPresent(name);
        return stats != null ? stats : shapes.get(name, ShapeStatistics::new);
    }

    /** Longest shape text kept as a shape's name. */
    static final int MAX_SHAPE_TEXT = 4096;

    public Collection<ShapeStatistics> shapes() {
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
        for (ShapeStatistics shape : shapes.asMap().values()) {
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

    /**
     * A point-in-time snapshot of the counters and gauges, draining the pending removals first so that the entry
     * count and size leave out entries already unservable.
     */
    public CacheStatistics statistics() {
        return statistics(true);
    }

    /**
     * The counters now, without draining pending removals first: cheap (sums of counters), for attributes read one
     * by one; the entry count and size may still include entries already unservable.
     */
    public CacheStatistics counters() {
        return statistics(false);
    }

    private CacheStatistics statistics(boolean drain) {
        if (drain) {
            drainCleanups();
            removeExpired();
            entries.cleanUp();
        }
        long weighted = entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
        Map<String, Long> reasons = new TreeMap<>();
        for (BypassReason reason : BypassReason.values()) {
            long count = bypassesByReason[reason.ordinal()].sum();
            if (count > 0) {
                reasons.put(reason.name(), count);
            }
        }
        return new CacheStatistics(name, hits.sum(), misses.sum(), bypasses.sum(), stores.sum(), invalidations.sum(),
                evictions.sum(), entries.estimatedSize(), weighted, maxBytes, reasons, sessionReadBacks.sum());
    }

    private void onRemoval(CacheKey key, CacheEntry entry, RemovalCause cause) {
        if (cause == RemovalCause.REPLACED || key == null || entry == null) {
            return;
        }
        if (cause.wasEvicted() || (cause == RemovalCause.EXPLICIT && entry.isCurrent()
                && entry.isExpired(System.nanoTime()))) {
            // Met expired by a read or a sweep: an expiry, as Caffeine's own would have been.
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
}
