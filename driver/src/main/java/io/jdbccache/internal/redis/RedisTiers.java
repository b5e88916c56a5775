package io.jdbccache.internal.redis;

import io.jdbccache.internal.cache.ResultTier;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.config.RedisSettings;
import java.sql.SQLException;

/**
 * Opens a cache's Redis tier when its configuration has {@code cache.redis.url}. This class names no Jedis type, so
 * the driver loads and runs without Jedis on the class path; only a configuration that asks for Redis needs it, and
 * then gets a message naming the missing dependency.
 */
public final class RedisTiers {
    private RedisTiers() {
    }

    /**
     * @throws SQLException (08001) if Jedis is not on the class path
     */
    public static ResultTier open(CacheConfig config) throws SQLException {
        return open(config.redis(), config.name());
    }

    /** The tier of cache {@code cacheName} over {@code settings} (tests give every cache one). */
    public static ResultTier open(RedisSettings settings, String cacheName) throws SQLException {
        try {
            Class.forName("redis.clients.jedis.UnifiedJedis", false, RedisTiers.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SQLException("jdbc-cache: cache.redis.url is set, but Jedis is not on the class path: add the "
                    + "dependency redis.clients:jedis (8.x) to the application, or remove cache.redis.url", "08001", e);
        }
        RedisTier tier = new RedisTier(settings, cacheName);
        tier.start();
        return tier;
    }
}
