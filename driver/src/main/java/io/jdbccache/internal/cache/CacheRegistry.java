package io.jdbccache.internal.cache;

import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.stats.CacheStatisticsBean;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The named caches of this class loader and their JMX beans. A cache is created, and its bean
 * ({@code io.jdbccache:type=Cache,name=<name>}) registered, by the first connection that names it; later connections
 * with the same name share it, provided they agree on the cache-scoped values it was made with (a connection that
 * does not is refused: {@link CacheConfig#requireSameCacheScope}). When its last connection closes the cache is
 * dropped and its bean unregistered, and the next connection naming it makes it anew with its own values;
 * deregistering the driver unregisters every bean at once (caches still in use by open connections stay until
 * those close, so one name never splits into two caches). Redeploying an application leaks neither beans nor
 * threads: none are ever started.
 *
 * <p>Opening and closing connections take this class's lock; queries never do.
 */
public final class CacheRegistry {
    private static final Logger LOG = Logger.getLogger("io.jdbccache");
    private static final Map<String, ResultCache> CACHES = new HashMap<>();
    private static final Map<String, Integer> OPEN_CONNECTIONS = new HashMap<>();
    /** The configuration each open cache was made with, which later connections' cache-scoped values must match. */
    private static final Map<String, CacheConfig> CREATED_WITH = new HashMap<>();
    /** Names whose bean this class loader registered (another one's bean under the same name is left alone). */
    private static final Set<String> REGISTERED = new HashSet<>();

    private CacheRegistry() {
    }

    /**
     * The cache for a connection being opened; pair every successful call with {@link #release}.
     *
     * @throws SQLException (HY024) if the cache is open and was made with other cache-scoped values than
     *                      {@code config}'s (see {@link CacheConfig#requireSameCacheScope}); nothing is acquired then
     */
    public static synchronized ResultCache acquire(CacheConfig config) throws SQLException {
        ResultCache cache = CACHES.get(config.name());
        if (cache == null) {
            cache = new ResultCache(config.name(), config.maxBytes(), config.analysisCacheSize(),
                    config.analysisCacheBytes(), config.catalogRefreshNanos());
            CACHES.put(config.name(), cache);
            CREATED_WITH.put(config.name(), config);
        } else {
            config.requireSameCacheScope(CREATED_WITH.get(config.name()));
        }
        if (!REGISTERED.contains(config.name())) {
            register(cache);
        }
        OPEN_CONNECTIONS.merge(config.name(), 1, Integer::sum);
        return cache;
    }

    /** A connection of {@code cache} closed; the last one drops the cache and its bean. */
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
        unregister(cache);
    }

    /** Unregisters every bean (driver deregistration); the caches go with their last connections. */
    public static synchronized void clear() {
        for (ResultCache cache : CACHES.values()) {
            unregister(cache);
        }
    }

    /** The cache of that name, or null if no open connection uses it. */
    public static synchronized ResultCache find(String name) {
        return CACHES.get(name);
    }

    /** The bean's name for a cache name. */
    public static ObjectName objectName(String cacheName) throws JMException {
        return new ObjectName("io.jdbccache:type=Cache,name=" + cacheName);
    }

    private static void register(ResultCache cache) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(cache.name());
            if (server.isRegistered(name)) {
                // Another class loader's driver (another web application) uses the same name: keep theirs.
                LOG.log(Level.WARNING, "jdbc-cache: JMX name {0} is taken; cache statistics not exposed", name);
                return;
            }
            server.registerMBean(new CacheStatisticsBean(cache), name);
            REGISTERED.add(cache.name());
        } catch (JMException | SecurityException e) {
            LOG.log(Level.WARNING, "jdbc-cache: cannot register the JMX bean of cache " + cache.name(), e);
        }
    }

    private static void unregister(ResultCache cache) {
        if (!REGISTERED.remove(cache.name())) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(cache.name());
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException | SecurityException e) {
            LOG.log(Level.WARNING, "jdbc-cache: cannot unregister the JMX bean of cache " + cache.name(), e);
        }
    }
}
