package io.jdbccache.internal.jmx;

import io.jdbccache.CacheMXBean;
import io.jdbccache.CacheStatistics;
import io.jdbccache.QueryShapeStatistics;
import io.jdbccache.TableStatistics;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.LatencyRecorder;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.ResultTier;
import io.jdbccache.internal.cache.TierStatistics;
import io.jdbccache.internal.cache.ShapeStatistics;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.sql.TableRef;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@link CacheMXBean} of one {@link ResultCache}: reads its counters, runs its operations. A monitoring scrape
 * reads a dozen attributes one by one: the counters are read live (sums of counters, no other work), while what
 * costs work (the entry count and size, for which the cache drains its pending removals, and the latency
 * percentiles) comes from one snapshot taken at most once a second, so a scrape does that work once, not once per
 * attribute. An operation (reset, invalidate) discards the snapshot.
 */
public final class CacheStatisticsBean implements CacheMXBean {
    /** How long one snapshot answers: a scrape's attributes are read well within it. */
    private static final long SNAPSHOT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int DEFAULT_TOP = 20;
    private static final int EXPLAINED_IN_REPORT = 5;
    private static final int REPORTED_SHAPES = 25;
    private final ResultCache cache;

    private volatile Snapshot snapshot;

    public CacheStatisticsBean(ResultCache cache) {
        this.cache = cache;
    }

    /** One moment's gauges: entry count and size (after a drain) and the latency percentiles the bean reports. */
    private record Snapshot(CacheStatistics drained, double[] hitMicros, double[] missMicros, long takenNanos) {
    }

    private Snapshot snapshot() {
        Snapshot current = snapshot;
        long now = System.nanoTime();
        if (current == null || now - current.takenNanos() >= SNAPSHOT_NANOS) {
            // Two scrapes racing here both take one: harmless, and no lock is held while draining.
            current = new Snapshot(cache.statistics(), percentiles(cache.hitLatency()), percentiles(cache.missLatency()),
                    now);
            snapshot = current;
        }
        return current;
    }

    private static double[] percentiles(LatencyRecorder latency) {
        return new double[] {latency.percentileMicros(50), latency.percentileMicros(95), latency.percentileMicros(99)};
    }

    /** The counters now (cheap); the gauges come from {@link #snapshot()}. */
    private CacheStatistics statistics() {
        return cache.counters();
    }

    @Override
    public long getHitCount() {
        return statistics().hitCount();
    }

    @Override
    public long getMissCount() {
        return statistics().missCount();
    }

    @Override
    public double getHitRate() {
        return statistics().hitRate();
    }

    @Override
    public long getBypassCount() {
        return statistics().bypassCount();
    }

    @Override
    public Map<String, Long> getBypassesByReason() {
        return statistics().bypassesByReason();
    }

    @Override
    public long getSessionReadBacks() {
        return statistics().sessionReadBacks();
    }

    @Override
    public long getStoreCount() {
        return statistics().storeCount();
    }

    @Override
    public long getInvalidationCount() {
        return statistics().invalidationCount();
    }

    @Override
    public long getEvictionCount() {
        return statistics().evictionCount();
    }

    @Override
    public long getEntryCount() {
        return snapshot().drained().entryCount();
    }

    @Override
    public long getWeightedSizeBytes() {
        return snapshot().drained().weightedSizeBytes();
    }

    @Override
    public long getMaxSizeBytes() {
        return cache.maxBytes();
    }

    @Override
    public double getHitLatencyP50Micros() {
        return snapshot().hitMicros()[0];
    }

    @Override
    public double getHitLatencyP95Micros() {
        return snapshot().hitMicros()[1];
    }

    @Override
    public double getHitLatencyP99Micros() {
        return snapshot().hitMicros()[2];
    }

    @Override
    public double getMissLatencyP50Micros() {
        return snapshot().missMicros()[0];
    }

    @Override
    public double getMissLatencyP95Micros() {
        return snapshot().missMicros()[1];
    }

    @Override
    public double getMissLatencyP99Micros() {
        return snapshot().missMicros()[2];
    }

    @Override
    public boolean isL2Enabled() {
        return cache.tier() != null;
    }

    @Override
    public long getL2HitCount() {
        return cache.tierHits();
    }

    @Override
    public long getL2MissCount() {
        return cache.tierMisses();
    }

    @Override
    public long getL2StoreCount() {
        return cache.tierStores();
    }

    private TierStatistics tier() {
        ResultTier tier = cache.tier();
        return tier == null ? TierStatistics.NONE : tier.statistics();
    }

    @Override
    public long getL2ErrorCount() {
        return tier().errors();
    }

    @Override
    public long getL2RejectedCount() {
        return tier().rejected();
    }

    @Override
    public long getL2PublishFailureCount() {
        return tier().publishFailures();
    }

    @Override
    public String getL2CircuitState() {
        return tier().circuit();
    }

    @Override
    public boolean isL2BusConnected() {
        return tier().busConnected();
    }

    @Override
    public double getL2BusDelayP50Millis() {
        return tier().busDelayP50Millis();
    }

    @Override
    public double getL2BusDelayP99Millis() {
        return tier().busDelayP99Millis();
    }

    @Override
    public long getL2ResyncCount() {
        return tier().resyncs();
    }

    @Override
    public TableStatistics[] getTableStatistics() {
        cache.drainCleanups();
        // Reads served per table are summed from the shapes (the hit path counts per shape only).
        Map<TableVersion, Long> reads = new IdentityHashMap<>();
        for (ShapeStatistics shape : cache.shapes()) {
            long hits = shape.hits();
            for (TableVersion table : shape.dependencies()) {
                reads.merge(table, hits, Long::sum);
            }
        }
        List<TableStatistics> result = new ArrayList<>();
        for (DatabaseScope database : cache.databases()) {
            for (TableVersion table : database.tables()) {
                result.add(new TableStatistics(database.identity(), table.name(), reads.getOrDefault(table, 0L),
                        table.writesSeen(), table.invalidations(), table.dependentEntries()));
            }
        }
        result.sort((a, b) -> Long.compare(b.getReadsServed(), a.getReadsServed()));
        return result.toArray(new TableStatistics[0]);
    }

    @Override
    public QueryShapeStatistics[] getQueryShapes() {
        return topQueryShapes(DEFAULT_TOP);
    }

    @Override
    public QueryShapeStatistics[] topQueryShapes(int n) {
        List<QueryShapeStatistics> result = new ArrayList<>();
        for (ShapeStatistics shape : Advisor.byBenefit(cache.shapes(), Math.max(0, n))) {
            result.add(new QueryShapeStatistics(shape.id(), shape.shape(), shape.executions(), shape.hits(),
                    shape.misses(), shape.bypasses(), shape.databaseTime().meanMicros(),
                    shape.databaseTime().percentileMicros(99), shape.meanRows(), shape.meanBytes(),
                    shape.invalidations(), shape.savedMicros(), shape.bypassReasons(),
                    shape.lastBypassDetail() == null ? "" : shape.lastBypassDetail()));
        }
        return result.toArray(new QueryShapeStatistics[0]);
    }

    @Override
    public int invalidateTable(String table) {
        TableRef ref = TableRef.parse(table);
        int matched = 0;
        for (DatabaseScope database : cache.databases()) {
            for (TableVersion version : database.tables()) {
                if (matches(version.name(), ref, database)) {
                    cache.invalidate(new TableVersion[] {version, version.anyRow()}, InvalidationEvent.Phase.MANUAL);
                    matched++;
                    snapshot = null;
                }
            }
        }
        return matched;
    }

    private static boolean matches(String resolved, TableRef ref, DatabaseScope database) {
        String name = database.identifierCase().apply(ref.name());
        String[] parts = TableRef.split(resolved);
        if (ref.schema() == null) {
            return parts[1].equals(name);
        }
        return resolved.equals(TableRef.qualify(database.identifierCase().apply(ref.schema()), name));
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
        snapshot = null;
    }

    @Override
    public void resetStatistics() {
        cache.resetStatistics();
        snapshot = null;
    }

    @Override
    public String explain(String shapeId) {
        for (ShapeStatistics shape : cache.shapes()) {
            if (shape.id().equalsIgnoreCase(shapeId.trim())) {
                return Explainer.explain(shape).summary();
            }
        }
        return "no query shape with id " + shapeId + " (see the QueryShapes attribute)";
    }

    @Override
    public String adviceReport(boolean explain) {
        List<Advisor.Advice> advice = new ArrayList<>();
        int explained = 0;
        for (ShapeStatistics shape : Advisor.byBenefit(cache.shapes(), REPORTED_SHAPES)) {
            Explainer.Explanation explanation = null;
            if (explain && shape.cacheable() && explained < EXPLAINED_IN_REPORT) {
                explanation = Explainer.explain(shape);
                explained++;
            }
            advice.add(Advisor.advise(shape, explanation));
        }
        StringBuilder out = new StringBuilder(Advisor.report(cache.name(), advice));
        CacheStatistics stats = cache.statistics();
        out.append(String.format(Locale.ROOT,
                "totals: %d hits, %d misses (hit rate %.1f%%), %d bypasses, %d entries, %.1f of %.1f MB%n",
                stats.hitCount(), stats.missCount(), 100 * stats.hitRate(), stats.bypassCount(), stats.entryCount(),
                stats.weightedSizeBytes() / 1048576.0, stats.maxSizeBytes() / 1048576.0));
        if (!stats.bypassesByReason().isEmpty()) {
            out.append("bypasses by reason: ").append(stats.bypassesByReason()).append(String.format("%n"));
        }
        for (Advisor.Advice a : advice) {
            if (a.explanation() != null) {
                out.append(a.explanation().summary());
            }
        }
        return out.toString();
    }
}
