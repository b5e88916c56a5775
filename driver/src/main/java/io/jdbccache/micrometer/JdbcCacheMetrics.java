package io.jdbccache.micrometer;

import io.jdbccache.CacheMXBean;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.jmx.CacheStatisticsBean;
import io.jdbccache.internal.sql.BypassReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes one cache's statistics to a Micrometer registry: what its JMX bean ({@link CacheMXBean}) shows, read
 * through that bean, so the two always agree. Every meter carries the tag {@code cache} (the {@code cache.name}).
 *
 * <pre>{@code
 * new JdbcCacheMetrics("orders").bindTo(registry);      // or, in Spring Boot, return it from a @Bean method
 * }</pre>
 *
 * <p>The meters read the cache when the registry is scraped; nothing is recorded on the query path, which stays as
 * it is without Micrometer. The cache may not exist yet when the binder is bound (a pool opens its first connection
 * later) and may be dropped and made again: each reading finds the cache of that name afresh, and reads 0 (gauges:
 * NaN) while there is none. Latency percentiles come from the driver's own histograms as time gauges tagged
 * {@code quantile}; they are not Micrometer timers, whose recording would sit on every hit.
 *
 * <p>Micrometer is an optional dependency of the driver: only this class needs it.
 */
public final class JdbcCacheMetrics implements MeterBinder {
    private final String cacheName;
    private final Tags tags;
    /** The bean of the cache last found under {@link #cacheName}, made here (not the registered one), or null. */
    private volatile Bound bound;

    private record Bound(ResultCache cache, CacheMXBean bean) {
    }

    /** The meters of the cache named {@code cacheName}, tagged {@code cache=<cacheName>}. */
    public JdbcCacheMetrics(String cacheName) {
        this(cacheName, Tags.empty());
    }

    /** As {@link #JdbcCacheMetrics(String)}, with {@code extraTags} on every meter too. */
    public JdbcCacheMetrics(String cacheName, Iterable<Tag> extraTags) {
        this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
        this.tags = Tags.concat(extraTags, "cache", cacheName);
    }

    /**
     * Binds every meter. Micrometer holds the object a meter reads weakly; the gauges hold this binder strongly, so
     * it (and with it the counters, which have no strong option) lives as long as the registry keeps its meters,
     * even when the application keeps no reference to it ({@code new JdbcCacheMetrics(name).bindTo(registry)}).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "jdbc.cache.hits", "reads answered from the cache", CacheMXBean::getHitCount);
        counter(registry, "jdbc.cache.misses", "cacheable reads that went to the database",
                CacheMXBean::getMissCount);
        for (BypassReason reason : BypassReason.values()) {
            String name = reason.name();
            FunctionCounter.builder("jdbc.cache.bypasses", this,
                    metrics -> metrics.read(bean -> bean.getBypassesByReason().getOrDefault(name, 0L), 0))
                    .tags(tags).tag("reason", name).description("reads that could not use the cache, by reason")
                    .register(registry);
        }
        counter(registry, "jdbc.cache.stores", "results stored", CacheMXBean::getStoreCount);
        counter(registry, "jdbc.cache.invalidations", "table invalidations caused by writes",
                CacheMXBean::getInvalidationCount);
        counter(registry, "jdbc.cache.evictions", "entries removed for size or TTL", CacheMXBean::getEvictionCount);
        counter(registry, "jdbc.cache.session.readbacks", "round trips reading a session's state back",
                CacheMXBean::getSessionReadBacks);

        gauge(registry, "jdbc.cache.entries", "entries held", null, CacheMXBean::getEntryCount);
        gauge(registry, "jdbc.cache.size", "estimated bytes held by the entries", BaseUnits.BYTES,
                CacheMXBean::getWeightedSizeBytes);
        gauge(registry, "jdbc.cache.max.size", "the bound on the entries' bytes (cache.maxBytes)", BaseUnits.BYTES,
                CacheMXBean::getMaxSizeBytes);
        gauge(registry, "jdbc.cache.hit.ratio", "hits over hits plus misses since the last reset", null,
                CacheMXBean::getHitRate);
        String hit = "time of a hit, from execute to the result set";
        latency(registry, "jdbc.cache.hit.latency", hit, "0.5", CacheMXBean::getHitLatencyP50Micros);
        latency(registry, "jdbc.cache.hit.latency", hit, "0.95", CacheMXBean::getHitLatencyP95Micros);
        latency(registry, "jdbc.cache.hit.latency", hit, "0.99", CacheMXBean::getHitLatencyP99Micros);
        String miss = "time of a miss, from execute to the stored result";
        latency(registry, "jdbc.cache.miss.latency", miss, "0.5", CacheMXBean::getMissLatencyP50Micros);
        latency(registry, "jdbc.cache.miss.latency", miss, "0.95", CacheMXBean::getMissLatencyP95Micros);
        latency(registry, "jdbc.cache.miss.latency", miss, "0.99", CacheMXBean::getMissLatencyP99Micros);

        counter(registry, "jdbc.cache.l2.hits", "reads answered by Redis after a miss here", CacheMXBean::getL2HitCount);
        counter(registry, "jdbc.cache.l2.misses", "Redis lookups that found nothing servable",
                CacheMXBean::getL2MissCount);
        counter(registry, "jdbc.cache.l2.stores", "results handed to Redis", CacheMXBean::getL2StoreCount);
        counter(registry, "jdbc.cache.l2.errors", "Redis commands that failed or timed out",
                CacheMXBean::getL2ErrorCount);
        counter(registry, "jdbc.cache.l2.rejected", "corrupt, foreign or wrongly signed bytes read from Redis",
                CacheMXBean::getL2RejectedCount);
        counter(registry, "jdbc.cache.l2.publish.failures", "writes whose invalidation could not reach Redis",
                CacheMXBean::getL2PublishFailureCount);
        counter(registry, "jdbc.cache.l2.resyncs", "times this instance dropped its entries on losing the bus",
                CacheMXBean::getL2ResyncCount);
        gauge(registry, "jdbc.cache.l2.circuit.open", "1 while Redis is skipped after a failure (open or probing)",
                null, bean -> bean.isL2Enabled() && !"closed".equals(bean.getL2CircuitState()) ? 1 : 0);
        gauge(registry, "jdbc.cache.l2.bus.connected", "1 while this instance hears other instances' writes", null,
                bean -> bean.isL2BusConnected() ? 1 : 0);
        String delay = "delay from another instance's write to hearing it";
        timeGauge(registry, "jdbc.cache.l2.bus.delay", delay, "0.5", TimeUnit.MILLISECONDS,
                CacheMXBean::getL2BusDelayP50Millis);
        timeGauge(registry, "jdbc.cache.l2.bus.delay", delay, "0.99", TimeUnit.MILLISECONDS,
                CacheMXBean::getL2BusDelayP99Millis);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<CacheMXBean> f) {
        FunctionCounter.builder(name, this, metrics -> metrics.read(f, 0)).tags(tags).description(description)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, String baseUnit,
            ToDoubleFunction<CacheMXBean> f) {
        Gauge.builder(name, this, metrics -> metrics.read(f, Double.NaN)).tags(tags).description(description)
                .baseUnit(baseUnit).strongReference(true).register(registry);
    }

    private void latency(MeterRegistry registry, String name, String description, String quantile,
            ToDoubleFunction<CacheMXBean> micros) {
        timeGauge(registry, name, description, quantile, TimeUnit.MICROSECONDS, micros);
    }

    private void timeGauge(MeterRegistry registry, String name, String description, String quantile, TimeUnit unit,
            ToDoubleFunction<CacheMXBean> f) {
        TimeGauge.builder(name, this, unit, metrics -> metrics.read(f, Double.NaN)).tags(tags)
                .tag("quantile", quantile).description(description).strongReference(true).register(registry);
    }

    /** {@code f} of the current cache's bean, or {@code absent} while no cache has the name. */
    private double read(ToDoubleFunction<CacheMXBean> f, double absent) {
        ResultCache cache = CacheRegistry.find(cacheName);
        if (cache == null) {
            return absent;
        }
        Bound current = bound;
        if (current == null || current.cache() != cache) {
            current = new Bound(cache, new CacheStatisticsBean(cache));
            bound = current;
        }
        return f.applyAsDouble(current.bean());
    }
}
