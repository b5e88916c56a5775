package io.jdbccache;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.config.CacheUrl;
import io.jdbccache.internal.config.ConfigLoader;
import io.jdbccache.internal.jdbc.ConnectionOpener;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The jdbc-cache driver: accepts {@code jdbc:cache:<rest>} and connects through the driver that accepts
 * {@code jdbc:<rest>}, caching SELECT results and invalidating them when writes go through it.
 *
 * <p>Registered with {@link DriverManager} when the class loads (and through {@code META-INF/services}), so a URL
 * change is all an application needs. {@code cache.} properties (from the URL, the connection properties or the rules
 * file, see {@link CacheProperty}) configure the cache and are never passed to the real driver; every other
 * property is. Thread-safe.
 */
public final class CachingDriver implements Driver {
    private static final CachingDriver INSTANCE = new CachingDriver();
    private static volatile boolean registered;

    static {
        try {
            register();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Registers the driver with {@link DriverManager} if it is not registered yet. */
    public static synchronized void register() throws SQLException {
        if (!registered) {
            DriverManager.registerDriver(INSTANCE);
            registered = true;
        }
    }

    /** Deregisters the driver, for containers that redeploy applications. */
    public static synchronized void deregister() throws SQLException {
        if (registered) {
            DriverManager.deregisterDriver(INSTANCE);
            registered = false;
        }
        CacheRegistry.clear();
    }

    public static boolean isRegistered() {
        return registered;
    }

    /**
     * A point-in-time snapshot of a cache's statistics.
     *
     * @param cacheName the {@code cache.name} of the cache
     * @return empty if no connection has used a cache of that name
     */
    public static Optional<CacheStatistics> statistics(String cacheName) {
        ResultCache cache = CacheRegistry.find(cacheName);
        return cache == null ? Optional.empty() : Optional.of(cache.statistics());
    }

    /** Drops every entry of the named cache; does nothing if there is no such cache. */
    public static void invalidateAll(String cacheName) {
        ResultCache cache = CacheRegistry.find(cacheName);
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return CacheUrl.accepts(url);
    }

    /**
     * Connects through the real driver: parses the URL, loads the configuration, and opens the caching connection
     * the one way every caching connection is opened.
     *
     * @return null if the URL is not a {@code jdbc:cache:} URL (as {@link Driver#connect} requires)
     * @throws SQLException the real driver's own exception when it fails; ours (SQLState HY024/HY092) when the
     *                      configuration is invalid or conflicts with the open cache it names; 08001 when no driver
     *                      accepts the real URL
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        CacheUrl cacheUrl = CacheUrl.parse(url);
        CacheUrl.Keys keys = cacheUrl.keys(info);
        CacheConfig config = ConfigLoader.load(keys.cacheValues(), keys.origins());
        String realUrl = cacheUrl.realUrl();
        Driver realDriver = DriverManager.getDriver(realUrl);
        Properties realProperties = keys.realProperties();
        String identity = cacheUrl.databaseIdentity();
        DatabaseScope.ConnectionSource source = () -> {
            // A copy each time: a driver may change the properties it is given.
            Connection connection = realDriver.connect(realUrl, (Properties) realProperties.clone());
            if (connection == null) {
                throw new SQLException("jdbc-cache: no driver accepts " + identity, "08001");
            }
            return connection;
        };
        return ConnectionOpener.open(source, config, identity, sessionOptions(cacheUrl, realProperties));
    }

    /** The URL's and the properties' options, credentials left out: connections share entries only if equal. */
    private static String sessionOptions(CacheUrl url, Properties realProperties) {
        TreeMap<String, String> options = new TreeMap<>();
        for (String key : realProperties.stringPropertyNames()) {
            String lower = key.toLowerCase(Locale.ROOT);
            if (!lower.equals("user") && !lower.equals("password")) {
                options.put(key, realProperties.getProperty(key));
            }
        }
        return url.sessionOptions() + (options.isEmpty() ? "" : "|" + options);
    }

    /**
     * Describes every {@code cache.} key with the value this URL and these properties give it (the properties win,
     * as at connect; the rules file is not read), or its default; a per-table key given, such as
     * {@code cache.ttl.orders}, is listed too. Then the real driver's own properties, if a driver accepts the real
     * URL.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        List<DriverPropertyInfo> result = new ArrayList<>();
        CacheUrl cacheUrl = acceptsURL(url) ? CacheUrl.parse(url) : null;
        CacheUrl.Keys keys = cacheUrl == null ? null : cacheUrl.keys(info);
        Map<String, String> given = keys == null ? cacheKeys(info) : keys.cacheValues();
        for (CacheProperty property : CacheProperty.values()) {
            result.add(property.toPropertyInfo(given.get(property.key())));
            if (property.isPerTable()) {
                for (Map.Entry<String, String> entry : given.entrySet()) {
                    if (property.nameIn(entry.getKey()) != null) {
                        result.add(property.toPropertyInfo(entry.getKey(), entry.getValue()));
                    }
                }
            }
        }
        if (cacheUrl != null) {
            String realUrl = cacheUrl.realUrl();
            try {
                Driver realDriver = DriverManager.getDriver(realUrl);
                result.addAll(List.of(realDriver.getPropertyInfo(realUrl, keys.realProperties())));
            } catch (SQLException noRealDriver) {
                // Only our own properties can be described.
            }
        }
        return result.toArray(new DriverPropertyInfo[0]);
    }

    private static Map<String, String> cacheKeys(Properties info) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                if (CacheProperty.isCacheKey(key)) {
                    keys.put(key, info.getProperty(key));
                }
            }
        }
        return keys;
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** False: compliance is that of the real driver, which this one cannot vouch for. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("io.jdbccache");
    }
}
