package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.jmx.JmxExporter;
import io.jdbccache.internal.redis.RedisTiers;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way a caching connection is opened: by the driver, and by any other way in that has its own source of
 * physical connections (a {@code DataSource} wrapper, a Spring integration), so that they all share caches,
 * configurations and failure handling.
 *
 * <p>The sequence: start the JVM's one-time warm-up ({@link StartupWarmer}); intern the configuration; refuse it
 * if cache-scoped values conflict with the open cache of its name (before any physical connection opens); open the
 * physical connection; acquire the named cache (checked again); find the dialect and the database's scope in the
 * cache; register the source for diagnostics; wrap; run the warm-up queries if this is the cache's first
 * connection to the database. Whatever fails after the cache is acquired releases it, and whatever fails after the
 * physical connection is open closes it; the real driver's own exception is thrown unchanged.
 */
public final class ConnectionOpener {
    /** Equal configurations share one instance, so per-statement decisions memoized against it stay valid. */
    private static final Map<Map<String, String>, CacheConfig> CONFIGS = new ConcurrentHashMap<>();

    static {
        // Here, in the layer that knows Redis, so that the cache layer does not (RedisTiers itself names no Jedis type).
        CacheRegistry.useRedisTiers(RedisTiers::open);
    }

    private ConnectionOpener() {
    }

    /**
     * Opens a caching connection.
     *
     * @param source           opens a new connection of the real driver to the database, each time it is called
     *                         ({@code realDriver.connect(url, properties)}, {@code dataSource::getConnection}):
     *                         once now for the connection, later again for diagnostics ({@code EXPLAIN}), which
     *                         never run on the user's connection
     * @param config           the connection's configuration ({@code ConfigLoader.load})
     * @param databaseIdentity what identifies the database: connections of one cache with equal identities share
     *                         entries and invalidations, so it must differ between databases (the driver uses the
     *                         URL without its parameters)
     * @param sessionOptions   connection options that may change results (URL and driver options, credentials
     *                         left out): part of every key, so connections share entries only if theirs are equal
     * @throws SQLException the source's own exception if it fails; {@code HY024} if cache-scoped values conflict
     *                      with the open cache; {@code 08001} if the source returns no connection
     */
    public static CachingConnection open(DatabaseScope.ConnectionSource source, CacheConfig config,
            String databaseIdentity, String sessionOptions) throws SQLException {
        StartupWarmer.startOnce();
        CacheConfig shared = intern(config);
        CacheRegistry.requireCompatible(shared);
        // The real connection first, the cache second: meanwhile StartupWarmer loads what a cache is made of.
        Connection delegate = source.open();
        if (delegate == null) {
            throw new SQLException("jdbc-cache: no connection to " + databaseIdentity + " was opened", "08001");
        }
        ResultCache cache;
        try {
            cache = CacheRegistry.acquire(shared, JmxExporter.INSTANCE);
        } catch (SQLException | RuntimeException | Error e) {
            try {
                delegate.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        CachingConnection connection = wrap(delegate, source, cache, shared, databaseIdentity, sessionOptions);
        try {
            connection.warmUpIfFirst();
        } catch (RuntimeException | Error e) {
            // Failed queries are skipped inside; this is anything else. Closing releases the cache too.
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return connection;
    }

    private static CachingConnection wrap(Connection delegate, DatabaseScope.ConnectionSource source,
            ResultCache cache, CacheConfig config, String databaseIdentity, String sessionOptions)
            throws SQLException {
        try {
            DatabaseMetaData metaData = delegate.getMetaData();
            Dialect dialect = Dialect.of(metaData);
            DatabaseScope database = cache.database(databaseIdentity, dialect);
            database.diagnosticsSource(source);
            // The real driver's own connection, beneath any wrapping driver: catalog queries and read-backs use it.
            Connection physical = metaData.getConnection() != null ? metaData.getConnection() : delegate;
            return new CachingConnection(delegate, physical, cache, config, database, delegate.getCatalog(),
                    sessionOptions, delegate.getAutoCommit(), delegate.getTransactionIsolation());
        } catch (SQLException | RuntimeException | Error e) {
            // Error too: an old driver without getSchema() throws AbstractMethodError; the connection must close.
            CacheRegistry.release(cache);
            try {
                delegate.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static CacheConfig intern(CacheConfig config) {
        CacheConfig existing = CONFIGS.putIfAbsent(config.raw(), config);
        return existing == null ? config : existing;
    }
}
