package io.jdbccache.internal.cache;

import io.jdbccache.internal.sql.BypassReason;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Statistics of one query shape: the normalized SQL with literal values replaced by {@code ?}, so queries that
 * differ only in values are one shape. Parameter values are kept (last seen only) for on-demand EXPLAIN and are
 * never exposed through JMX or logs.
 *
 * <p>The cache tracks a bounded number of shapes ({@code ResultCache.MAX_SHAPES}), but an analysis and a cached
 * entry link to theirs for as long as they live, so a shape the cache has forgotten can outlive it many times over:
 * an application with 100,000 distinct shapes keeps tens of thousands of entries whose shapes were forgotten. A
 * forgotten shape is therefore {@linkplain #retire retired}: it lets go of everything it held (its {@link Tally}:
 * counters, histogram, kept SQL, even its text), so that what an entry keeps alive of it is this object's 16 bytes,
 * not the 650 bytes of a tally. What is still recorded into a retired shape is dropped (nothing reads it any more),
 * and the statement that meets its analysis linked to a retired shape links it to a tracked one again.
 */
public final class ShapeStatistics {
    /** SQL longer than this is not kept for EXPLAIN, so a thousand huge shapes cannot hold the heap. */
    static final int MAX_KEPT_SQL = 16 * 1024;
    /** What a retired shape reads as: nothing recorded, and never recorded into. */
    private static final Tally RETIRED = new Tally("");
    /** Everything this shape holds, or {@link #RETIRED} once the cache forgot it. */
    private volatile Tally tally;

    public ShapeStatistics(String shape) {
        this.tally = new Tally(shape);
    }

    /** The counters, histogram and kept SQL of a tracked shape. */
    private static final class Tally {
        final String shape;
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder bypasses = new LongAdder();
        final LongAdder rows = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder stores = new LongAdder();
        final LongAdder invalidations = new LongAdder();
        /** Recorded after database round trips only (see forDatabaseTime). */
        final LatencyRecorder databaseTime = LatencyRecorder.forDatabaseTime();
        /**
         * One plain counter per reason, not a LongAdder each: a bypass pays a database round trip anyway, and 21
         * adders would be most of what a shape keeps.
         */
        final AtomicLongArray bypassesByReason = new AtomicLongArray(BypassReason.values().length);
        volatile String lastBypassDetail;
        volatile String lastSql;
        volatile Object[] lastParameters;
        volatile boolean cacheable;
        volatile DatabaseScope database;
        volatile TableVersion[] dependencies = new TableVersion[0];

        Tally(String shape) {
            this.shape = shape;
        }
    }

    /** A short stable id (hex hash of the shape) to name the shape in JMX operations. */
    public String id() {
        return String.format("%08x", tally.shape.hashCode());
    }

    /** The shape's text; empty once retired. */
    public String shape() {
        return tally.shape;
    }

    public void recordHit() {
        Tally t = tally;
        if (t != RETIRED) {
            t.hits.increment();
        }
    }

    /**
     * A read that went to the database.
     *
     * @param miss       true for a cacheable read that missed (a bypass is counted by {@link #recordBypass})
     * @param sql        the SQL as sent (literals included), kept for EXPLAIN unless it is very long
     * @param parameters bound parameter values, kept (last only) for EXPLAIN, never exposed
     */
    public void recordDatabaseRead(boolean miss, long nanos, String sql, Object[] parameters,
            DatabaseScope scope) {
        Tally t = tally;
        if (t == RETIRED) {
            return;
        }
        t.database = scope;
        if (miss) {
            t.misses.increment();
        }
        t.cacheable = miss;
        t.databaseTime.record(nanos);
        boolean kept = sql.length() <= MAX_KEPT_SQL;
        t.lastSql = kept ? sql : null;
        t.lastParameters = kept ? parameters : null;
    }

    /**
     * Called when the cache stops tracking this shape (nothing reads it any more): lets go of all it held, so the
     * analyses and entries that still link to it keep only this object.
     */
    void retire() {
        tally = RETIRED;
    }

    /** True once the cache stopped tracking this shape: a holder that meets it should link a tracked one. */
    public boolean retired() {
        return tally == RETIRED;
    }

    /** A read of this shape that did not use the cache, and why (with its particulars). */
    public void recordBypass(BypassReason reason, String detail) {
        Tally t = tally;
        if (t != RETIRED) {
            t.bypasses.increment();
            t.bypassesByReason.incrementAndGet(reason.ordinal());
            t.lastBypassDetail = detail;
        }
    }

    /** The reason most of this shape's bypasses had, or null if it was never bypassed. */
    public BypassReason mainBypassReason() {
        AtomicLongArray counts = tally.bypassesByReason;
        BypassReason main = null;
        long most = 0;
        for (BypassReason reason : BypassReason.values()) {
            long count = counts.get(reason.ordinal());
            if (count > most) {
                most = count;
                main = reason;
            }
        }
        return main;
    }

    /** Bypasses by reason, as {@code REASON=count} joined by commas (empty if none). */
    public String bypassReasons() {
        AtomicLongArray counts = tally.bypassesByReason;
        StringBuilder out = new StringBuilder();
        for (BypassReason reason : BypassReason.values()) {
            long count = counts.get(reason.ordinal());
            if (count > 0) {
                out.append(out.length() == 0 ? "" : ", ").append(reason.name()).append('=').append(count);
            }
        }
        return out.toString();
    }

    /** The particulars of the last bypass ({@code "function now() is not known to be deterministic"}), or null. */
    public String lastBypassDetail() {
        return tally.lastBypassDetail;
    }

    public void recordStore(int rowCount, long sizeBytes) {
        Tally t = tally;
        if (t != RETIRED) {
            t.stores.increment();
            t.rows.add(rowCount);
            t.bytes.add(sizeBytes);
        }
    }

    public void recordInvalidation() {
        Tally t = tally;
        if (t != RETIRED) {
            t.invalidations.increment();
        }
    }

    /** Hits, misses and bypasses. */
    public long executions() {
        Tally t = tally;
        return t.hits.sum() + t.misses.sum() + t.bypasses.sum();
    }

    /** The tables this shape's results depend on (set when a result is stored), for per-table statistics. */
    public TableVersion[] dependencies() {
        return tally.dependencies;
    }

    public void dependencies(TableVersion[] tables) {
        Tally t = tally;
        if (t != RETIRED) {
            t.dependencies = tables;
        }
    }

    public long hits() {
        return tally.hits.sum();
    }

    public long misses() {
        return tally.misses.sum();
    }

    public long bypasses() {
        return tally.bypasses.sum();
    }

    public long invalidations() {
        return tally.invalidations.sum();
    }

    public boolean cacheable() {
        return tally.cacheable;
    }

    /** Mean rows per stored result. */
    public double meanRows() {
        Tally t = tally;
        long count = t.stores.sum();
        return count == 0 ? 0 : (double) t.rows.sum() / count;
    }

    /** Mean estimated bytes per stored result. */
    public double meanBytes() {
        Tally t = tally;
        long count = t.stores.sum();
        return count == 0 ? 0 : (double) t.bytes.sum() / count;
    }

    public LatencyRecorder databaseTime() {
        return tally.databaseTime;
    }

    /** Database time the cache saved: hits times the mean time a database read of this shape takes. */
    public double savedMicros() {
        Tally t = tally;
        return t.hits.sum() * t.databaseTime.meanMicros();
    }

    public DatabaseScope database() {
        return tally.database;
    }

    public String lastSql() {
        return tally.lastSql;
    }

    public Object[] lastParameters() {
        return tally.lastParameters;
    }

    public void reset() {
        Tally t = tally;
        if (t == RETIRED) {
            return;
        }
        t.hits.reset();
        t.misses.reset();
        t.bypasses.reset();
        for (int i = 0; i < t.bypassesByReason.length(); i++) {
            t.bypassesByReason.set(i, 0);
        }
        t.rows.reset();
        t.bytes.reset();
        t.stores.reset();
        t.invalidations.reset();
        t.databaseTime.reset();
    }
}
