package io.jdbccache.internal.config;

import io.jdbccache.CacheProperty;
import io.jdbccache.CacheProperty.Scope;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The effective, validated configuration of one connection: defaults, then the rules file, then connection
 * properties. Every value is checked and converted by its {@link CacheProperty}; this class only names the fields.
 * Immutable; equal configurations compare equal so connections can share derived decisions.
 */
public final class CacheConfig {
    private final Map<String, String> raw;
    private final String name;
    private final boolean enabled;
    private final long ttlNanos;
    private final double ttlJitter;
    private final long maxBytes;
    private final long maxResultBytes;
    private final int maxResultRows;
    private final int analysisCacheSize;
    private final long analysisCacheBytes;
    private final long catalogRefreshNanos;
    private final Set<String> keySettings;
    private final Set<String> deterministicFunctions;
    private final Set<String> neverCacheTables;
    private final Set<String> onlyCacheTables;
    private final Pattern neverCacheQueries;
    private final Pattern onlyCacheQueries;
    private final Map<String, Long> tableTtlNanos;
    private final Map<String, List<String>> alsoInvalidates;
    private final boolean cacheInSnapshotTransactions;
    private final long singleFlightWaitNanos;
    private final boolean unknownFunctionsMayWrite;
    private final List<String> warmupQueries;
    private final RedisSettings redis;
    /** The parsed value of every {@link Scope#CACHE} key, to compare with the configuration a cache was made with. */
    private final Map<CacheProperty, Object> cacheScoped;

    private CacheConfig(Map<String, String> raw, Map<String, String> origins) throws SQLException {
        this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
        ValueParser parser = new ValueParser(raw, origins);
        name = parser.string(CacheProperty.NAME);
        enabled = parser.bool(CacheProperty.ENABLED);
        ttlNanos = parser.nanos(CacheProperty.TTL);
        ttlJitter = parser.fraction(CacheProperty.TTL_JITTER);
        maxBytes = parser.bytes(CacheProperty.MAX_BYTES);
        maxResultBytes = parser.bytes(CacheProperty.MAX_RESULT_BYTES);
        maxResultRows = parser.integer(CacheProperty.MAX_RESULT_ROWS);
        analysisCacheSize = parser.integer(CacheProperty.ANALYSIS_CACHE_SIZE);
        analysisCacheBytes = parser.bytes(CacheProperty.ANALYSIS_CACHE_BYTES);
        catalogRefreshNanos = parser.nanos(CacheProperty.CATALOG_REFRESH);
        keySettings = Collections.unmodifiableSet(new TreeSet<>(parser.list(CacheProperty.KEY_SETTINGS)));
        deterministicFunctions = parser.lowerCaseList(CacheProperty.DETERMINISTIC_FUNCTIONS);
        neverCacheTables = parser.lowerCaseList(CacheProperty.NEVER_CACHE_TABLES);
        Set<String> only = parser.lowerCaseList(CacheProperty.ONLY_CACHE_TABLES);
        onlyCacheTables = only.isEmpty() ? null : only;
        neverCacheQueries = parser.pattern(CacheProperty.NEVER_CACHE_QUERIES);
        onlyCacheQueries = parser.pattern(CacheProperty.ONLY_CACHE_QUERIES);
        tableTtlNanos = parser.perTableNanos(CacheProperty.TABLE_TTL);
        alsoInvalidates = parser.perTableLists(CacheProperty.ALSO_INVALIDATES);
        cacheInSnapshotTransactions = parser.bool(CacheProperty.CACHE_IN_SNAPSHOT_TRANSACTIONS);
        singleFlightWaitNanos = parser.nanos(CacheProperty.SINGLE_FLIGHT_WAIT);
        unknownFunctionsMayWrite = parser.bool(CacheProperty.UNKNOWN_FUNCTIONS_MAY_WRITE);
        warmupQueries = List.copyOf(new TreeMap<>(parser.perName(CacheProperty.WARMUP)).values());
        redis = redisSettings(parser);
        parser.rejectUnknownKeys();
        cacheScoped = Collections.unmodifiableMap(parser.cacheScoped);
    }

    /** Every cache.redis key is read (and so checked) even without a URL: a typo fails at once, not later. */
    private static RedisSettings redisSettings(ValueParser parser) throws SQLException {
        String url = parser.string(CacheProperty.REDIS_URL);
        String mode = parser.string(CacheProperty.REDIS_MODE);
        String sentinelMaster = parser.string(CacheProperty.REDIS_SENTINEL_MASTER);
        String prefix = parser.string(CacheProperty.REDIS_PREFIX);
        long timeoutMillis = parser.nanos(CacheProperty.REDIS_TIMEOUT) / 1_000_000;
        int poolSize = parser.integer(CacheProperty.REDIS_POOL_SIZE);
        long ttlNanos = parser.nanos(CacheProperty.REDIS_TTL);
        long maxEntryBytes = parser.bytes(CacheProperty.REDIS_MAX_ENTRY_BYTES);
        byte[] secret = RedisSettings.secretBytes(parser.string(CacheProperty.REDIS_SECRET));
        boolean strict = parser.bool(CacheProperty.REDIS_STRICT);
        if (url.isEmpty()) {
            return null;
        }
        return new RedisSettings(RedisSettings.parseNodes(url), mode, sentinelMaster, prefix,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis), poolSize, ttlNanos, maxEntryBytes, secret, strict);
    }

    /**
     * Builds the configuration from merged key/value pairs.
     *
     * @param raw    every {@code cache.} key with its value, later sources already overriding earlier ones
     * @param origin where the values came from, for error messages
     * @throws SQLException naming the key, value and origin when a key is unknown or a value does not parse or is
     *                      out of bounds
     */
    public static CacheConfig of(Map<String, String> raw, String origin) throws SQLException {
        Map<String, String> origins = new HashMap<>();
        for (String key : raw.keySet()) {
            origins.put(key, origin);
        }
        return new CacheConfig(raw, origins);
    }

    /**
     * Builds the configuration from merged key/value pairs, each with where it came from.
     *
     * @param origins for each key of {@code raw}, where its value came from (a rules file, the URL, connection
     *                properties), for error messages
     * @throws SQLException naming the key, value and origin when a key is unknown or a value does not parse or is
     *                      out of bounds
     */
    public static CacheConfig of(Map<String, String> raw, Map<String, String> origins) throws SQLException {
        return new CacheConfig(raw, origins);
    }

    /**
     * Checks that a connection with this configuration may join the open cache that {@code creator} created:
     * every {@link Scope#CACHE} value (other than the name itself) must be equal, as parsed ({@code 64MB} equals
     * {@code 67108864}), since the cache was built with the creator's and cannot honour another.
     *
     * @throws SQLException (SQLState {@code HY024}) naming the cache and, for each differing key, both values
     */
    public void requireSameCacheScope(CacheConfig creator) throws SQLException {
        if (creator == this) {
            return;
        }
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<CacheProperty, Object> entry : cacheScoped.entrySet()) {
            CacheProperty property = entry.getKey();
            if (property != CacheProperty.NAME && !entry.getValue().equals(creator.cacheScoped.get(property))) {
                conflicts.add(property.key() + "=" + creator.written(property) + " and this connection has "
                        + property.key() + "=" + written(property));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new SQLException("jdbc-cache: cache " + name + " is open with " + String.join("; with ", conflicts)
                    + ". These keys configure the shared cache: every connection of one cache.name must give them "
                    + "the same value (or use another cache.name)", "HY024");
        }
    }

    /** The value of a key as given, or its default marked as such. */
    private String written(CacheProperty property) {
        String value = raw.get(property.key());
        if (property.isSecret() && value != null) {
            return "(a value not shown)";
        }
        return value == null ? property.defaultValue() + " (the default)" : value.trim();
    }

    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    public long ttlNanos() {
        return ttlNanos;
    }

    public double ttlJitter() {
        return ttlJitter;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long maxResultBytes() {
        return maxResultBytes;
    }

    public int maxResultRows() {
        return maxResultRows;
    }

    public int analysisCacheSize() {
        return analysisCacheSize;
    }

    public long analysisCacheBytes() {
        return analysisCacheBytes;
    }

    /** How long catalog facts are trusted without DDL through the driver; 0 for ever. */
    public long catalogRefreshNanos() {
        return catalogRefreshNanos;
    }

    /** Settings the user declared as changing results, as written (PostgreSQL setting names ignore case). */
    public Set<String> keySettings() {
        return keySettings;
    }

    /** Lower-case names of functions the user declared deterministic. */
    public Set<String> deterministicFunctions() {
        return deterministicFunctions;
    }

    /** Lower-case table names ({@code name} or {@code schema.name}) whose readers are never cached. */
    public Set<String> neverCacheTables() {
        return neverCacheTables;
    }

    /** Lower-case table names of the allow-list, or {@code null} when allow-list mode is off. */
    public Set<String> onlyCacheTables() {
        return onlyCacheTables;
    }

    public Pattern neverCacheQueries() {
        return neverCacheQueries;
    }

    public Pattern onlyCacheQueries() {
        return onlyCacheQueries;
    }

    /** Per-table TTLs keyed by lower-case {@code name} or {@code schema.name}. */
    public Map<String, Long> tableTtlNanos() {
        return tableTtlNanos;
    }

    /**
     * Extra invalidation targets: lower-case {@code name} or {@code schema.name} of a written table to the table
     * names (as written in SQL) whose readers its writes also invalidate.
     */
    public Map<String, List<String>> alsoInvalidates() {
        return alsoInvalidates;
    }

    public boolean cacheInSnapshotTransactions() {
        return cacheInSnapshotTransactions;
    }

    public long singleFlightWaitNanos() {
        return singleFlightWaitNanos;
    }

    public boolean unknownFunctionsMayWrite() {
        return unknownFunctionsMayWrite;
    }

    /** Warm-up queries, ordered by their key's name. */
    public List<String> warmupQueries() {
        return warmupQueries;
    }

    /** The merged {@code cache.} keys this configuration was built from. */
    /** The shared Redis tier's settings, or null without {@code cache.redis.url}. */
    public RedisSettings redis() {
        return redis;
    }

    public Map<String, String> raw() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheConfig && ((CacheConfig) o).raw.equals(raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        return "CacheConfig" + raw;
    }

    /**
     * Reads the values of one merged map through the registry ({@link CacheProperty} checks and converts), naming
     * each key's own origin in errors and remembering which keys were consumed and the cache-scoped values.
     */
    private static final class ValueParser {
        private final Map<String, String> raw;
        private final Map<String, String> origins;
        private final Set<String> consumed = new HashSet<>();
        private final Map<CacheProperty, Object> cacheScoped = new EnumMap<>(CacheProperty.class);

        ValueParser(Map<String, String> raw, Map<String, String> origins) {
            this.raw = raw;
            this.origins = origins;
        }

        private String origin(String key) {
            return origins.getOrDefault(key, raw.containsKey(key) ? "connection properties" : "the defaults");
        }

        /** Marks the property read and keeps its value if it configures the shared cache. */
        private <T> T read(CacheProperty property, T value) {
            consumed.add(property.key());
            if (property.scope() == Scope.CACHE && value != null) {
                cacheScoped.put(property, value);
            }
            return value;
        }

        String string(CacheProperty property) throws SQLException {
            return read(property, property.getString(raw, origin(property.key())));
        }

        boolean bool(CacheProperty property) throws SQLException {
            return read(property, property.getBoolean(raw, origin(property.key())));
        }

        int integer(CacheProperty property) throws SQLException {
            return read(property, property.getInt(raw, origin(property.key())));
        }

        double fraction(CacheProperty property) throws SQLException {
            return read(property, property.getFraction(raw, origin(property.key())));
        }

        long bytes(CacheProperty property) throws SQLException {
            return read(property, property.getBytes(raw, origin(property.key())));
        }

        long nanos(CacheProperty property) throws SQLException {
            return read(property, property.getNanos(raw, origin(property.key())));
        }

        List<String> list(CacheProperty property) throws SQLException {
            return read(property, property.getList(raw, origin(property.key())));
        }

        Set<String> lowerCaseList(CacheProperty property) throws SQLException {
            Set<String> result = new LinkedHashSet<>();
            for (String item : list(property)) {
                result.add(item.toLowerCase(Locale.ROOT));
            }
            return Collections.unmodifiableSet(result);
        }

        Pattern pattern(CacheProperty property) throws SQLException {
            return read(property, property.getPattern(raw, origin(property.key())));
        }

        Map<String, Long> perTableNanos(CacheProperty property) throws SQLException {
            Map<String, Long> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : perNameValues(property).entrySet()) {
                result.put(entry.getKey().toLowerCase(Locale.ROOT), (Long) entry.getValue());
            }
            return Collections.unmodifiableMap(result);
        }

        @SuppressWarnings("unchecked")
        Map<String, List<String>> perTableLists(CacheProperty property) throws SQLException {
            Map<String, List<String>> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : perNameValues(property).entrySet()) {
                result.put(entry.getKey().toLowerCase(Locale.ROOT), (List<String>) entry.getValue());
            }
            return Collections.unmodifiableMap(result);
        }

        /** Values of a per-name key ({@code prefix.<name>}), keyed by the name as written. */
        Map<String, String> perName(CacheProperty property) throws SQLException {
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : perNameValues(property).entrySet()) {
                result.put(entry.getKey(), (String) entry.getValue());
            }
            return result;
        }

        private Map<String, Object> perNameValues(CacheProperty property) throws SQLException {
            Map<String, Object> result = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : raw.entrySet()) {
                String key = entry.getKey();
                String name = property.nameIn(key);
                if (name != null) {
                    consumed.add(key);
                    result.put(name, property.parse(key, entry.getValue(), origin(key)));
                }
            }
            return result;
        }

        void rejectUnknownKeys() throws SQLException {
            for (String key : raw.keySet()) {
                if (!consumed.contains(key)) {
                    throw new SQLException("jdbc-cache: unknown key " + key + " (from " + origin(key)
                            + "); known keys are listed in docs/configuration.md", "HY092");
                }
            }
        }
    }
}
