package io.jdbccache.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TierStatistics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;

/**
 * Application instances of the Redis tests: caches of different names over one test schema, each with its own Redis
 * client and channel subscription, as many JVMs would be. An instance is named by a short word ("a", "b"); its cache
 * is the test's cache name with that word appended.
 */
final class RedisInstances {
    private final TestDb db;

    RedisInstances(TestDb db) {
        this.db = db;
    }

    /** The cache name of {@code instance}. */
    String name(String instance) {
        return db.cacheName + "_" + instance;
    }

    ResultCache cache(String instance) {
        return CacheRegistry.find(name(instance));
    }

    TierStatistics tier(String instance) {
        return cache(instance).tier().statistics();
    }

    /**
     * The cached URL of {@code instance}: the test's schema through {@code redisUrl} under {@code prefix}, then
     * {@code keyValues} as URL parameters; {@code "user"} replaces the database user instead.
     */
    String url(String instance, String redisUrl, String prefix, String... keyValues) {
        String url = db.cachedUrl("cache.redis.url", redisUrl, "cache.redis.prefix", prefix)
                .replace("cache.name=" + db.cacheName, "cache.name=" + name(instance));
        for (int i = 0; i < keyValues.length; i += 2) {
            url = "user".equals(keyValues[i]) ? url.replace("user=" + Database.PG_USER, "user=" + keyValues[i + 1])
                    : Database.POSTGRESQL.withParameter(url, keyValues[i], keyValues[i + 1]);
        }
        return url;
    }

    /** A connection to {@code url}, once {@code instance} (the cache the URL names) hears the channel. */
    Connection connect(String instance, String url) throws Exception {
        Connection connection = DriverManager.getConnection(url);
        awaitContact(instance, true);
        return connection;
    }

    /** Waits until {@code instance} hears (or stops hearing) the channel; fails after 10 s. */
    void awaitContact(String instance, boolean heard) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tier(instance).busConnected() != heard) {
            assertThat(System.nanoTime()).as(instance + " channel " + (heard ? "heard" : "lost")).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
