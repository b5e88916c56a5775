package io.jdbccache.it;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultTier;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.config.RedisSettings;
import io.jdbccache.internal.redis.RedisTiers;
import io.jdbccache.testing.MemoryTier;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Function;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The tier axis of the test matrix: with {@code -Djdbccache.it.tier=memory} (the build's second run of this suite)
 * every cache the tests open gets the in-memory fake of a shared second tier, one store for the whole JVM as one
 * Redis is for many instances; with {@code redis} (the third run) every cache gets the real Redis tier on
 * 127.0.0.1:6379 under a prefix of this run's own. So every test body runs over L1 alone, over L1 plus a fake
 * second tier, and over L1 plus Redis.
 */
public final class TierMatrix implements LauncherSessionListener {
    /** The store of the run with the fake tier on, or null on the L1-only run. */
    private static volatile MemoryTier.Store store;
    /** The Redis run's key prefix, or null. */
    private static volatile String redisPrefix;
    /** How this run's caches get their second tier. */
    private static volatile Function<CacheConfig, ResultTier> factory = config -> null;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String tier = System.getProperty("jdbccache.it.tier", "none");
        switch (tier) {
            case "none":
                break;
            case "memory":
                MemoryTier.Store shared = new MemoryTier.Store();
                store = shared;
                factory = shared::tierFor;
                break;
            case "redis":
                RedisSettings redis = redisSettings();
                factory = config -> {
                    try {
                        return RedisTiers.open(redis, config.name());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                };
                break;
            default:
                throw new IllegalArgumentException("jdbccache.it.tier must be none, memory or redis, not " + tier);
        }
        CacheRegistry.useTiers(factory);
    }

    /** The shared Redis with this run's own prefix; an unreachable Redis fails the run under CI=true. */
    private static RedisSettings redisSettings() {
        if (!RedisServers.answers(RedisServers.SHARED_PORT) && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("Redis at 127.0.0.1:6379 does not answer (CI=true: the Redis run must run)");
        }
        redisPrefix = "jdbc-cache-matrix:" + ProcessHandle.current().pid();
        try {
            // A generous timeout: on a loaded machine a subscription or a pong may take longer than the default's
            // 100 ms, and each cache then serves nothing of its own until it hears the channel.
            return CacheConfig.of(Map.of("cache.redis.url", "redis://127.0.0.1:6379", "cache.redis.prefix", redisPrefix,
                    "cache.redis.timeout", "2s"), "the tier matrix").redis();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (redisPrefix != null) {
            // The run's evidence that Redis was really in the path, then its keys go.
            System.out.printf("redis tier: %d keys under %s%n", RedisServers.deleteKeys(redisPrefix), redisPrefix);
        }
        MemoryTier.Store shared = store;
        if (shared != null) {
            // The run's evidence that the tier was really in the path, printed once.
            System.out.printf("memory tier: %d entries stored (%d in byte form), %d served%n", shared.stores(),
                    shared.encoded(), shared.hits());
        }
    }

    /** How this run's caches get their second tier (what a test that changed it puts back). */
    public static Function<CacheConfig, ResultTier> factory() {
        return factory;
    }

    /** The fake tier's store when this run has one, else null. */
    public static MemoryTier.Store store() {
        return store;
    }
}
