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
 * entry link to theirs for as long as they live, so a shape the cache has forgotten can outlive it many times over
 * (an application with 100,000 distinct shapes). A forgotten shape is therefore {@linkplain #retire retired}: it
 * drops its latency histograms and kept SQL, the large parts; its holders' counts still land in its counters,
 * which nothing reads any more.
 */
public final class ShapeStatistics {
    private final String id;
    private final String shape;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    /** Shared and never recorded into: the empty database time of every retired shape. */
    private static final LatencyRecorder RETIRED = LatencyRecorder.forDatabaseTime();
    /** Recorded after database round trips only (see forDatabaseTime); {@link #RETIRED} once the shape is forgotten. */
    private volatile LatencyRecorder databaseTime = LatencyRecorder.forDatabaseTime();
    /** SQL longer than this is not kept for EXPLAIN, so a thousand huge shapes cannot hold the heap. */
    static final int MAX_KEPT_SQL = 16 * 1024;
    /**
     * One plain counter per reason, not a LongAdder each: a bypass pays a database round trip anyway, and 21 adders
     * were most of what a forgotten shape keeps.
     */
    private final AtomicLongArray bypassesByReason = new AtomicLongArray(BypassReason.values().length);
    private volatile String lastBypassDetail;
    private volatile String lastSql;
    private volatile Object[] lastParameters;
    private volatile boolean cacheable;
    private volatile DatabaseScope database;
    private volatile TableVersion[] dependencies = new TableVersion[0];

    public ShapeStatistics(String shape) {
        this.shape = shape;
        this.id = String.format("%08x", shape.hashCode());
    }

    /** A short stable id (hex hash of the shape) to name the shape in JMX operations. */
    public String id() {
        return id;
    }

    public String shape() {
        return shape;
    }

    public void recordHit() {
        hits.increment();
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
        this.database = scope;
        if (miss) {
            misses.increment();
        }
        this.cacheable = miss;
        LatencyRecorder recorder = databaseTime;
        if (recorder != RETIRED) {
            recorder.record(nanos);
            lastSql = sql.length() <= MAX_KEPT_SQL ? sql : null;
            lastParameters = sql.length() <= MAX_KEPT_SQL ? parameters : null;
        }
    }

    /**
     * Called when the cache stops tracking this shape (nothing reads it any more): lets go of the histograms and
     * the kept SQL, so the analyses and entries that still link to it keep only its counters.
     */
    void retire() {
        databaseTime = RETIRED;
        lastSql = null;
        lastParameters = null;
    }

    /** True once the cache stopped tracking this shape. */
    boolean retired() {
        return databaseTime == RETIRED;
    }

    /** A read of this shape that did not use the cache, and why (with its particulars). */
    public void recordBypass(BypassReason reason, String detail) {
        bypasses.increment();
        bypassesByReason.incrementAndGet(reason.ordinal());
        lastBypassDetail = detail;
    }

    /** The reason most of this shape's bypasses had, or null if it was never bypassed. */
    public BypassReason mainBypassReason() {
        BypassReason main = null;
        long most = 0;
        for (BypassReason reason : BypassReason.values()) {
            long count = bypassesByReason.get(reason.ordinal());
            if (count > most) {
                most = count;
                main = reason;
            }
        }
        return main;
    }

    /** Bypasses by reason, as {@code REASON=count} joined by commas (empty if none). */
    public String bypassReasons() {
        StringBuilder out = new StringBuilder();
        for (BypassReason reason : BypassReason.values()) {
            long count = bypassesByReason.get(reason.ordinal());
            if (count > 0) {
                out.append(out.length() == 0 ? "" : ", ").append(reason.name()).append('=').append(count);
            }
        }
        return out.toString();
    }

    /** The particulars of the last bypass ({@code "function now() is not known to be deterministic"}), or null. */
    public String lastBypassDetail() {
        return lastBypassDetail;
    }

    public void recordStore(int rowCount, long sizeBytes) {
        stores.increment();
        rows.add(rowCount);
        bytes.add(sizeBytes);
    }

    public void recordInvalidation() {
        invalidations.increment();
    }

    /** Hits, misses and bypasses. */
    public long executions() {
        return hits.sum() + misses.sum() + bypasses.sum();
    }

    /** The tables this shape's results depend on (set when a result is stored), for per-table statistics. */
    public TableVersion[] dependencies() {
        return dependencies;
    }

    public void dependencies(TableVersion[] tables) {
        this.dependencies = tables;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long bypasses() {
        return bypasses.sum();
    }

    public long invalidations() {
        return invalidations.sum();
    }

    public boolean cacheable() {
        return cacheable;
    }

    /** Mean rows per stored result. */
    public double meanRows() {
        long count = stores.sum();
        return count == 0 ? 0 : (double) rows.sum() / count;
    }

    /** Mean estimated bytes per stored result. */
    public double meanBytes() {
        long count = stores.sum();
        return count == 0 ? 0 : (double) bytes.sum() / count;
    }

    public LatencyRecorder databaseTime() {
        return databaseTime;
    }

    /** Database time the cache saved: hits times the mean time a database read of this shape takes. */
    public double savedMicros() {
        return hits.sum() * databaseTime.meanMicros();
    }

    public DatabaseScope database() {
        return database;
    }

    public String lastSql() {
        return lastSql;
    }

    public Object[] lastParameters() {
        return lastParameters;
    }

    public void reset() {
        hits.reset();
        misses.reset();
        bypasses.reset();
        for (int i = 0; i < bypassesByReason.length(); i++) {
            bypassesByReason.set(i, 0);
        }
        rows.reset();
        bytes.reset();
        stores.reset();
        invalidations.reset();
        LatencyRecorder recorder = databaseTime;
        if (recorder != RETIRED) {
            recorder.reset();
        }
    }
}
