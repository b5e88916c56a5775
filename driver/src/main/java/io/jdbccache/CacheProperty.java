package io.jdbccache;

import java.sql.DriverPropertyInfo;
import java.util.Locale;

/**
 * Every configuration key the driver understands, with its default and description.
 *
 * <p>Keys are read from, in increasing precedence: the built-in defaults, the rules file ({@link #CONFIG}), and the
 * connection properties / URL parameters. All keys start with {@code cache.}; such keys are never passed to the real
 * driver. An unknown {@code cache.} key or a value that does not parse is an {@link java.sql.SQLException} at connect
 * time naming the key, the value and where it came from.
 *
 * <p>This enum is the single source of truth: {@code docs/configuration.md} and
 * {@code docs/jdbc-cache.reference.properties} list exactly these keys (a test checks it).
 */
public enum CacheProperty {
    ALSO_INVALIDATES("cache.alsoInvalidates.<table>", "", ValueType.LIST,
            "Tables that a write to <table> also changes behind the driver's back (triggers, functions): a write to "
                    + "<table> invalidates their readers too. Names as written in SQL, comma-separated."),
    ANALYSIS_CACHE_BYTES("cache.analysisCacheBytes", "32MB", ValueType.SIZE,
            "Memory bound of the kept parse results (estimated from the SQL texts): a 60 KB statement weighs 60 KB, "
                    + "so many huge distinct statements cannot exhaust the heap."),
    ANALYSIS_CACHE_SIZE("cache.analysisCacheSize", "10000", ValueType.INTEGER,
            "Distinct SQL strings whose parse result is kept, so a statement seen before is never parsed again."),
    CACHE_IN_SNAPSHOT_TRANSACTIONS("cache.cacheInSnapshotTransactions", "false", ValueType.BOOLEAN,
            "true lets REPEATABLE READ and SERIALIZABLE transactions be served from the cache (a hit may then not "
                    + "match the transaction's snapshot); by default they read through to the database."),
    CATALOG_REFRESH("cache.catalogRefresh", "60s", ValueType.DURATION,
            "How long catalog facts (views, foreign keys, triggers, row-level-security policies) are trusted before "
                    + "they are read again; DDL through the driver refreshes them at once. Bounds how long DDL made "
                    + "elsewhere goes unseen; 0 trusts them until such DDL."),
    CONFIG("cache.config", "", ValueType.STRING,
            "Rules file: a file path or a classpath: location. Defaults to the system property jdbccache.config, "
                    + "then to jdbc-cache.properties on the classpath if present."),
    DETERMINISTIC_FUNCTIONS("cache.deterministicFunctions", "", ValueType.LIST,
            "Extra functions (comma-separated, case-insensitive) known to be deterministic, so queries calling them "
                    + "may be cached. Functions not on the built-in or this list make a query uncacheable."),
    ENABLED("cache.enabled", "true", ValueType.BOOLEAN,
            "false turns caching off: every statement goes to the database; writes still invalidate."),
    KEY_SETTINGS("cache.keySettings", "", ValueType.LIST,
            "Extra session settings (comma-separated names, e.g. app.region) whose values change results: they are "
                    + "read back with the session's state and become part of the key. List every setting read by a "
                    + "function you declared in cache.deterministicFunctions (PostgreSQL)."),
    MAX_BYTES("cache.maxBytes", "64MB", ValueType.SIZE,
            "Memory bound of the in-process cache, as the estimated retained size of cached results."),
    MAX_RESULT_BYTES("cache.maxResultBytes", "1MB", ValueType.SIZE,
            "A result larger than this (estimated) is streamed to the caller uncached."),
    MAX_RESULT_ROWS("cache.maxResultRows", "10000", ValueType.INTEGER,
            "A result with more rows than this is streamed to the caller uncached."),
    NAME("cache.name", "default", ValueType.STRING,
            "Name of the cache; connections with the same name share one cache (and, later, one JMX bean)."),
    NEVER_CACHE_QUERIES("cache.neverCacheQueries", "", ValueType.PATTERN,
            "Regular expression; a query whose normalized SQL matches (find) is never cached."),
    NEVER_CACHE_TABLES("cache.neverCacheTables", "", ValueType.LIST,
            "Tables (name or schema.name, case-insensitive) whose readers are never cached; writes to them still "
                    + "invalidate."),
    ONLY_CACHE_QUERIES("cache.onlyCacheQueries", "", ValueType.PATTERN,
            "Allow-list mode: if set, only queries whose normalized SQL matches (find) this regular expression are "
                    + "cached."),
    ONLY_CACHE_TABLES("cache.onlyCacheTables", "", ValueType.LIST,
            "Allow-list mode: if set, only queries reading nothing but these tables are cached."),
    SINGLE_FLIGHT_WAIT("cache.singleFlightWait", "2s", ValueType.DURATION,
            "How long concurrent callers of a query already being fetched wait to share its result before going "
                    + "to the database themselves; 0 turns sharing off."),
    TTL("cache.ttl", "60s", ValueType.DURATION,
            "Default time to live of a cached result: the bound on staleness for writes the driver cannot see."),
    TABLE_TTL("cache.ttl.<table>", "", ValueType.DURATION,
            "TTL for results that read this table (name or schema.name); a result reading several tables gets the "
                    + "smallest. 0 means never cache results reading it."),
    TTL_JITTER("cache.ttlJitter", "0.1", ValueType.FRACTION,
            "Each entry's TTL is shortened by a random fraction up to this, so entries cached together do not "
                    + "expire together (0 to 0.5)."),
    UNKNOWN_FUNCTIONS_MAY_WRITE("cache.unknownFunctionsMayWrite", "true", ValueType.BOOLEAN,
            "A read calling a function that is neither known deterministic nor a known read-only built-in is "
                    + "treated as a possible write: everything cached for the database is invalidated around it."),
    WARMUP("cache.warmup.<name>", "", ValueType.STRING,
            "A query run once when the first connection of the cache opens to a database, to fill the cache "
                    + "before traffic arrives. Any number of keys; failures are ignored.");

    /** How a value is written and checked. */
    public enum ValueType {
        STRING, BOOLEAN, INTEGER, SIZE, DURATION, FRACTION, LIST, PATTERN
    }

    private final String key;
    private final String defaultValue;
    private final ValueType type;
    private final String description;

    CacheProperty(String key, String defaultValue, ValueType type, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.type = type;
        this.description = description;
    }

    /** The key as written in a properties file; a per-table key is shown with a {@code <table>} placeholder. */
    public String key() {
        return key;
    }

    /** The default as it would be written in a properties file; empty means unset. */
    public String defaultValue() {
        return defaultValue;
    }

    public ValueType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** True for keys that take a table or other name as their last part, like {@code cache.ttl.orders}. */
    public boolean isPerTable() {
        return key.endsWith(">");
    }

    /** The prefix of a per-table (per-name) key, e.g. {@code cache.ttl.}. */
    public String perTablePrefix() {
        return key.substring(0, key.lastIndexOf('<'));
    }

    /**
     * Finds the property a key belongs to.
     *
     * @return the property, or {@code null} if the key is not one of ours
     */
    public static CacheProperty forKey(String key) {
        for (CacheProperty property : values()) {
            if (property.isPerTable()) {
                String prefix = property.perTablePrefix();
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    return property;
                }
            } else if (property.key.equals(key)) {
                return property;
            }
        }
        return null;
    }

    /** True for keys this driver owns (and so never passes to the real driver). */
    public static boolean isCacheKey(String key) {
        return key.toLowerCase(Locale.ROOT).startsWith("cache.");
    }

    DriverPropertyInfo toPropertyInfo(String currentValue) {
        DriverPropertyInfo info = new DriverPropertyInfo(key, currentValue == null ? defaultValue : currentValue);
        info.description = description + (defaultValue.isEmpty() ? "" : " Default: " + defaultValue + ".");
        info.required = false;
        if (type == ValueType.BOOLEAN) {
            info.choices = new String[] {"true", "false"};
        }
        return info;
    }
}
