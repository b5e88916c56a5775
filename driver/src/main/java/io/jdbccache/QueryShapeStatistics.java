package io.jdbccache;

import java.beans.ConstructorProperties;

/**
 * Statistics of one query shape (normalized SQL with literal values replaced by {@code ?}), an immutable snapshot
 * exposed over JMX as composite data. Never contains parameter values.
 */
public final class QueryShapeStatistics {
    private final String id;
    private final String shape;
    private final long executions;
    private final long hits;
    private final long misses;
    private final long bypasses;
    private final double meanDatabaseMicros;
    private final double p99DatabaseMicros;
    private final double meanRows;
    private final double meanBytes;
    private final long invalidations;
    private final double savedMicros;
    private final String bypassReasons;
    private final String bypassDetail;

    @ConstructorProperties({"id", "shape", "executions", "hits", "misses", "bypasses",
        "meanDatabaseMicros", "p99DatabaseMicros", "meanRows", "meanBytes", "invalidations", "savedMicros",
        "bypassReasons", "bypassDetail"})
    public QueryShapeStatistics(String id, String shape, long executions, long hits, long misses, long bypasses,
            double meanDatabaseMicros, double p99DatabaseMicros, double meanRows, double meanBytes,
            long invalidations, double savedMicros, String bypassReasons, String bypassDetail) {
        this.id = id;
        this.shape = shape;
        this.executions = executions;
        this.hits = hits;
        this.misses = misses;
        this.bypasses = bypasses;
        this.meanDatabaseMicros = meanDatabaseMicros;
        this.p99DatabaseMicros = p99DatabaseMicros;
        this.meanRows = meanRows;
        this.meanBytes = meanBytes;
        this.invalidations = invalidations;
        this.savedMicros = savedMicros;
        this.bypassReasons = bypassReasons;
        this.bypassDetail = bypassDetail;
    }

    /** Stable short id, for {@link CacheMXBean#explain(String)}. */
    public String getId() {
        return id;
    }

    public String getShape() {
        return shape;
    }

    public long getExecutions() {
        return executions;
    }

    public long getHits() {
        return hits;
    }

    public long getMisses() {
        return misses;
    }

    public long getBypasses() {
        return bypasses;
    }

    public double getHitRate() {
        return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }

    /** Mean time of a database read of this shape (execution and reading the rows). */
    public double getMeanDatabaseMicros() {
        return meanDatabaseMicros;
    }

    public double getP99DatabaseMicros() {
        return p99DatabaseMicros;
    }

    public double getMeanRows() {
        return meanRows;
    }

    /** Mean estimated bytes of one cached result. */
    public double getMeanBytes() {
        return meanBytes;
    }

    /** Cached results of this shape dropped by writes. */
    public long getInvalidations() {
        return invalidations;
    }

    /** Hits times the mean database time: what the cache saved the database. */
    public double getSavedMicros() {
        return savedMicros;
    }

    /** This shape's bypasses by reason, as {@code REASON=count, ...} (empty if never bypassed). */
    public String getBypassReasons() {
        return bypassReasons;
    }

    /** The particulars of the last bypass, e.g. {@code function now() is not known to be deterministic}. */
    public String getBypassDetail() {
        return bypassDetail;
    }
}
