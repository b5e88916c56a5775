package io.jdbccache.internal.cache;

import io.jdbccache.internal.config.CacheConfig;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The named caches of this class loader. A cache is created by the first connection that names it; later connections
 * with the same name share it, provided they agree on the cache-scoped values it was made with (a connection that
 * does not is refused: {@link CacheConfig#requireSameCacheScope}). When its last connection closes the cache is
 * dropped, and the next connection naming it makes it anew with its own values. The observer given with the
 * first connection (the JMX bean's registrar) hears of each connection and of the drop; {@link #clear} (driver
 * deregistration) tells it every cache is gone while caches still in use by open connections stay until those
 * close, so one name never splits into two caches. Redeploying an application leaks neither beans nor threads:
 * the beans go with their caches or with {@link #clear}, which also stops {@link CoarseClock}'s thread.
 *
 * <p>Opening and closing connections take this class's lock; queries never do.
 */
public final class CacheRegistry {
    private static final Map<String, ResultCache> CACHES = new HashMap<>();
    private static final Map<String, Integer> OPEN_CONNECTIONS = new HashMap<>();
    private static final Map<String, CacheObserver> OBSERVERS = new HashMap<>();
    /** The configuration each open cache was made with, which later connections' cache-scoped values must match. */
    private static final Map<String, CacheConfig> CREATED_WITH = new HashMap<>();
    /** Makes the second tier of each new cache from its configuration, or null for none. */
    private static Function<CacheConfig, ResultTier> tiers = config -> null;
    /** Makes the Redis tier of a cache whose configuration names one (set by the layer that knows Redis). */
    private static TierFactory redisTiers;

    /** Opens a cache's second tier; may refuse the configuration (a missing library). */
    @FunctionalInterface
    public interface TierFactory {
        ResultTier open(CacheConfig config) throws SQLException;
    }

    private CacheRegistry() {
    }

    /** The cache for a connection being opened, without an observer (benchmarks); pair with {@link #release}. */
    public static ResultCache acquire(CacheConfig config) throws SQLException {
        return acquire(config, CacheObserver.NONE);
    }

    /**
     * The cache for a connection being opened; pair every successful call with {@link #release}.
     *
     * @param observer told of this connection; the first connection's observer is the one told of the drop
     * @throws SQLException (HY024) if the cache is open and was made with other cache-scoped values than
     *                      {@code config}'s (see {@link CacheConfig#requireSameCacheScope}); nothing is acquired then
     */
    public static synchronized ResultCache acquire(CacheConfig config, CacheObserver observer) throws SQLException {
        ResultCache cache = CACHES.get(config.name());
        if (cache == null) {
            cache = new ResultCache(config.name(), config.maxBytes(), config.analysisCacheSize(),
                    config.analysisCacheBytes(), config.catalogRefreshNanos());
            // A configured Redis wins over the test hook: its tests run in every execution of the suite.
            ResultTier tier = config.redis() != null && redisTiers != null ? redisTiers.open(config)
                    : tiers.apply(config);
            if (tier != null) {
                cache.useTier(tier);
            }
            CACHES.put(config.name(), cache);
            OBSERVERS.put(config.name(), observer);
            CREATED_WITH.put(config.name(), config);
        } else {
            config.requireSameCacheScope(CREATED_WITH.get(config.name()));
        }
        // Here, not in the cache: a driver registered again after deregister() restarts the ticker for its caches.
        CoarseClock.start();
        OBSERVERS.get(config.name()).acquired(cache);
        OPEN_CONNECTIONS.merge(config.name(), 1, Integer::sum);
        return cache;
    }

    /**
     * Refuses {@code config} now if the open cache of its name was made with other cache-scoped values, so that a
     * connection that {@link #acquire} would refuse opens no physical connection first ({@code acquire} checks
     * again: a cache may be dropped and made anew in between).
     *
     * @throws SQLException (HY024) as {@link #acquire} would
     */
    public static synchronized void requireCompatible(CacheConfig config) throws SQLException {
        CacheConfig creator = CREATED_WITH.get(config.name());
        if (creator != null) {
            config.requireSameCacheScope(creator);
        }
    }

    /** A connection of {@code cache} closed; the last one drops the cache. */
    public static synchronized void release(ResultCache cache) {
        Integer open = OPEN_CONNECTIONS.get(cache.name());
        if (open == null || CACHES.get(cache.name()) != cache) {
            return;
        }
        if (open > 1) {
            OPEN_CONNECTIONS.put(cache.name(), open - 1);
            return;
        }
        OPEN_CONNECTIONS.remove(cache.name());
        CACHES.remove(cache.name());
        CREATED_WITH.remove(cache.name());
        OBSERVERS.remove(cache.name()).dropped(cache);
        cache.close();
    }

    /** Tells every observer its cache is gone (driver deregistration); the caches go with their last connections. */
    public static synchronized void clear() {
        for (ResultCache cache : CACHES.values()) {
            OBSERVERS.get(cache.name()).dropped(cache);
        }
        // No thread of the driver outlives its deregistration (a redeployed application's class loader would leak);
        // caches still in use read the real clock until a connection starts the ticker again.
        CoarseClock.stop();
    }

    /**
     * Chooses how caches created from now on get their second tier (tests plug in an in-memory one; the default is
     * none). Caches already in use keep theirs.
     */
    public static synchronized void useTiers(Function<CacheConfig, ResultTier> factory) {
        tiers = factory;
    }

    /** Chooses how caches whose configuration names a Redis get their tier (once, by the JDBC layer). */
    public static synchronized void useRedisTiers(TierFactory factory) {
        redisTiers = factory;
    }

    /** The cache of that name, or null if no open connection uses it. */
    public static synchronized ResultCache find(String name) {
        return CACHES.get(name);
    }
}
