package io.jdbccache;

import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every configuration key the driver understands: its default, type, bounds, scope and description, and the one
 * place its values are checked and converted ({@link #parse} and the typed getters).
 *
 * <p>Keys are read from, in increasing precedence: the built-in defaults, the rules file ({@link #CONFIG}), and the
 * connection properties / URL parameters. All keys start with {@code cache.}; such keys are never passed to the real
 * driver. An unknown {@code cache.} key, or a value that does not parse or lies outside the property's bounds, is an
 * {@link SQLException} at connect time naming the key, the value and where it came from.
 *
 * <p>A {@link Scope#CACHE} value configures the cache shared by every connection with the same {@link #NAME}: a
 * connection that joins an open cache with a different value is refused. A {@link Scope#CONNECTION} value applies to
 * the connection given it alone.
 *
 * <p>This enum is the single source of truth: {@code docs/configuration.md} and
 * {@code docs/jdbc-cache.reference.properties} list exactly these keys with their scopes and bounds (a test checks
 * it).
 */
public enum CacheProperty {
    ALSO_INVALIDATES("cache.alsoInvalidates.<table>", "", ValueType.LIST, Scope.CONNECTION, Bounds.NONE,
            "Tables that a write to <table> also changes behind the driver's back (triggers, functions): a write to "
                    + "<table> invalidates their readers too. Names as written in SQL, comma-separated."),
    ANALYSIS_CACHE_BYTES("cache.analysisCacheBytes", "32MB", ValueType.SIZE, Scope.CACHE, Bounds.atLeast("1"),
            "Memory bound of the kept parse results (estimated from the SQL texts): a 60 KB statement weighs 60 KB, "
                    + "so many huge distinct statements cannot exhaust the heap."),
    ANALYSIS_CACHE_SIZE("cache.analysisCacheSize", "10000", ValueType.INTEGER, Scope.CACHE, Bounds.atLeast("1"),
            "Distinct SQL strings whose parse result is kept, so a statement seen before is never parsed again."),
    CACHE_IN_SNAPSHOT_TRANSACTIONS("cache.cacheInSnapshotTransactions", "false", ValueType.BOOLEAN,
            Scope.CONNECTION, Bounds.NONE,
            "true lets REPEATABLE READ and SERIALIZABLE transactions be served from the cache (a hit may then not "
                    + "match the transaction's snapshot); by default they read through to the database."),
    CATALOG_REFRESH("cache.catalogRefresh", "60s", ValueType.DURATION, Scope.CACHE, Bounds.atLeast("0"),
            "How long catalog facts (views, foreign keys, triggers, row-level-security policies) are trusted before "
                    + "they are read again; DDL through the driver refreshes them at once. Bounds how long DDL made "
                    + "elsewhere goes unseen; 0 trusts them until such DDL."),
    CONFIG("cache.config", "", ValueType.STRING, Scope.CONNECTION, Bounds.NONE,
            "Rules file: a file path or a classpath: location. Defaults to the system property jdbccache.config, "
                    + "then to jdbc-cache.properties on the classpath if present."),
    DETERMINISTIC_FUNCTIONS("cache.deterministicFunctions", "", ValueType.LIST, Scope.CONNECTION, Bounds.NONE,
            "Extra functions (comma-separated, case-insensitive) known to be deterministic, so queries calling them "
                    + "may be cached. Functions not on the built-in or this list make a query uncacheable. A listed "
                    + "function is trusted: it must not write, change settings or make temporary objects, which the "
                    + "driver then never looks for."),
    ENABLED("cache.enabled", "true", ValueType.BOOLEAN, Scope.CONNECTION, Bounds.NONE,
            "false turns caching off: every statement goes to the database; writes still invalidate."),
    KEY_SETTINGS("cache.keySettings", "", ValueType.LIST, Scope.CONNECTION,
            Bounds.matching("[A-Za-z_][A-Za-z0-9_.$]*", "setting names like app.region"),
            "Extra session settings (comma-separated names, e.g. app.region) whose values change results: they are "
                    + "read back with the session's state and become part of the key. List every setting read by a "
                    + "function you declared in cache.deterministicFunctions (PostgreSQL)."),
    MAX_BYTES("cache.maxBytes", "64MB", ValueType.SIZE, Scope.CACHE, Bounds.atLeast("1"),
            "Memory bound of the in-process cache, as the estimated retained size of cached results."),
    MAX_RESULT_BYTES("cache.maxResultBytes", "1MB", ValueType.SIZE, Scope.CONNECTION, Bounds.atLeast("1"),
            "A result larger than this (estimated) is streamed to the caller uncached."),
    MAX_RESULT_ROWS("cache.maxResultRows", "10000", ValueType.INTEGER, Scope.CONNECTION, Bounds.atLeast("1"),
            "A result with more rows than this is streamed to the caller uncached."),
    NAME("cache.name", "default", ValueType.STRING, Scope.CACHE,
            Bounds.matching("[A-Za-z0-9_.-]+", "letters, digits, '_', '.' or '-'"),
            "Name of the cache; connections with the same name share one cache and its JMX bean."),
    NEVER_CACHE_QUERIES("cache.neverCacheQueries", "", ValueType.PATTERN, Scope.CONNECTION, Bounds.NONE,
            "Regular expression; a query whose normalized SQL matches (find) is never cached."),
    NEVER_CACHE_TABLES("cache.neverCacheTables", "", ValueType.LIST, Scope.CONNECTION, Bounds.NONE,
            "Tables (name or schema.name, case-insensitive) whose readers are never cached; writes to them still "
                    + "invalidate."),
    ONLY_CACHE_QUERIES("cache.onlyCacheQueries", "", ValueType.PATTERN, Scope.CONNECTION, Bounds.NONE,
            "Allow-list mode: if set, only queries whose normalized SQL matches (find) this regular expression are "
                    + "cached."),
    ONLY_CACHE_TABLES("cache.onlyCacheTables", "", ValueType.LIST, Scope.CONNECTION, Bounds.NONE,
            "Allow-list mode: if set, only queries reading nothing but these tables are cached."),
    REDIS_MAX_ENTRY_BYTES("cache.redis.maxEntryBytes", "512KB", ValueType.SIZE, Scope.CACHE, Bounds.atLeast("1"),
            "The largest result (encoded) stored in Redis; larger ones stay in the in-process cache only."),
    REDIS_MODE("cache.redis.mode", "standalone", ValueType.STRING, Scope.CACHE,
            Bounds.matching("standalone|sentinel|cluster", "standalone, sentinel or cluster"),
            "How cache.redis.url is read: one server (standalone), Sentinel nodes that name the master "
                    + "(sentinel, with cache.redis.sentinelMaster), or seed nodes of a Redis Cluster (cluster)."),
    REDIS_POOL_SIZE("cache.redis.poolSize", "16", ValueType.INTEGER, Scope.CACHE, Bounds.atLeast("1"),
            "Connections to Redis per cache (per node in a cluster), besides the one that listens for "
                    + "other instances' invalidations. A query finding them all busy waits a quarter of the timeout, "
                    + "then goes without Redis."),
    REDIS_PREFIX("cache.redis.prefix", "jdbc-cache", ValueType.STRING, Scope.CACHE,
            Bounds.matching("[A-Za-z0-9_.:-]+", "letters, digits, '_', '.', ':' or '-'"),
            "Start of every Redis key and of the invalidation channel: instances with the same prefix share "
                    + "results and invalidations; applications sharing one Redis use different prefixes."),
    REDIS_SECRET("cache.redis.secret", "", ValueType.STRING, Scope.CACHE, Bounds.NONE,
            "Optional shared secret: entries and invalidation messages are signed with HMAC-SHA256 under it, "
                    + "and whatever lacks a valid signature is rejected and counted. Never shown in messages."),
    REDIS_SENTINEL_MASTER("cache.redis.sentinelMaster", "mymaster", ValueType.STRING, Scope.CACHE, Bounds.NONE,
            "With cache.redis.mode=sentinel: the name of the master the Sentinels watch."),
    REDIS_STRICT("cache.redis.strict", "false", ValueType.BOOLEAN, Scope.CACHE, Bounds.NONE,
            "true: every read is checked against the versions in Redis (no in-process hits), so every instance "
                    + "sees every write through any instance on its very next read, at one or two Redis round "
                    + "trips per read; false: other instances' writes reach the in-process cache through the "
                    + "invalidation channel, within its delay."),
    REDIS_TIMEOUT("cache.redis.timeout", "100ms", ValueType.DURATION, Scope.CACHE, Bounds.atLeast("1ms"),
            "Connect and command timeout of Redis; a query that meets a slow or absent Redis waits at most "
                    + "this long for it before asking the database."),
    REDIS_TTL("cache.redis.ttl", "1h", ValueType.DURATION, Scope.CACHE, Bounds.atLeast("1ms"),
            "Upper bound of how long an entry is kept in Redis; an entry also keeps its own TTL (cache.ttl)."),
    REDIS_URL("cache.redis.url", "", ValueType.STRING, Scope.CACHE, Bounds.NONE,
            "Redis shared by every instance: redis://[user:password@]host:port[/database], rediss:// for TLS; "
                    + "for Sentinel or Cluster, a comma-separated list of such nodes. Empty: no shared tier. "
                    + "Needs Jedis (redis.clients:jedis) on the class path. The password is never shown."),
    SINGLE_FLIGHT_WAIT("cache.singleFlightWait", "2s", ValueType.DURATION, Scope.CONNECTION, Bounds.atLeast("0"),
            "How long concurrent callers of a query already being fetched wait to share its result before going "
                    + "to the database themselves; 0 turns sharing off."),
    TTL("cache.ttl", "60s", ValueType.DURATION, Scope.CONNECTION, Bounds.atLeast("0"),
            "Default time to live of a cached result: the bound on staleness for writes the driver cannot see."),
    TABLE_TTL("cache.ttl.<table>", "", ValueType.DURATION, Scope.CONNECTION, Bounds.atLeast("0"),
            "TTL for results that read this table (name or schema.name); a result reading several tables gets the "
                    + "smallest. 0 means never cache results reading it."),
    TTL_JITTER("cache.ttlJitter", "0.1", ValueType.FRACTION, Scope.CONNECTION, Bounds.between("0", "0.5"),
            "Each entry's TTL is shortened by a random fraction up to this, so entries cached together do not "
                    + "expire together (0 to 0.5)."),
    UNKNOWN_FUNCTIONS_MAY_WRITE("cache.unknownFunctionsMayWrite", "true", ValueType.BOOLEAN, Scope.CONNECTION,
            Bounds.NONE,
            "A read calling a function that is neither known deterministic nor a known read-only built-in is "
                    + "treated as a possible write: everything cached for the database is invalidated around it."),
    WARMUP("cache.warmup.<name>", "", ValueType.STRING, Scope.CONNECTION, Bounds.NONE,
            "A query run once when the first connection of the cache opens to a database, to fill the cache "
                    + "before traffic arrives. Any number of keys; failures are ignored. The keys of that first "
                    + "connection are the ones run.");


    /** How a value is written, and the Java type {@link #parse} returns for it. */
    public enum ValueType {
        /** Any text, trimmed: a {@link String}. */
        STRING("a text", ""),
        /** {@code true} or {@code false}, in any case: a {@link Boolean}. */
        BOOLEAN("true or false", ""),
        /** A decimal integer, {@code _} allowed between digits: an {@link Integer}. */
        INTEGER("an integer", ""),
        /** {@code 65536}, {@code 512KB}, {@code 64MB}, {@code 1GB} (binary multiples): a {@link Long}, in bytes. */
        SIZE("a size", "65536, 512KB, 64MB or 1GB"),
        /** {@code 0}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}: a {@link Long}, in nanoseconds. */
        DURATION("a duration", "0, 500ms, 30s, 5m, 2h or 1d"),
        /** A decimal number: a {@link Double}. */
        FRACTION("a number", ""),
        /** Comma-separated items, trimmed, empty ones dropped: an unmodifiable {@code List<String>}. */
        LIST("a comma-separated list", ""),
        /** A Java regular expression, matched ignoring case: a {@link Pattern}, or {@code null} when empty. */
        PATTERN("a Java regular expression", "");

        private final String noun;
        private final String examples;

        ValueType(String noun, String examples) {
            this.noun = noun;
            this.examples = examples;
        }
    }

    /** What a value configures. */
    public enum Scope {
        /**
         * The shared cache of a {@code cache.name}: the connection that creates the cache sets it, and a connection
         * that joins the open cache with a different value fails (see {@code docs/configuration.md}).
         */
        CACHE,
        /** The connection that sets it, whatever the other connections of its cache were given. */
        CONNECTION
    }

    /** The values a property accepts beyond its type: a range for numbers, a form for texts and list items. */
    private static final class Bounds {
        static final Bounds NONE = new Bounds(null, null, null, null);

        final String min;
        final String max;
        final Pattern form;
        final String formDescription;

        private Bounds(String min, String max, Pattern form, String formDescription) {
            this.min = min;
            this.max = max;
            this.form = form;
            this.formDescription = formDescription;
        }

        /** A number (size, duration) no smaller than {@code min}, written in the property's own notation. */
        static Bounds atLeast(String min) {
            return new Bounds(min, null, null, null);
        }

        static Bounds between(String min, String max) {
            return new Bounds(min, max, null, null);
        }

        /** A text (or each item of a list) matching {@code regex} entirely. */
        static Bounds matching(String regex, String description) {
            return new Bounds(null, null, Pattern.compile(regex), description);
        }
    }

    private final String key;
    private final String defaultValue;
    private final ValueType type;
    private final Scope scope;
    private final Bounds bounds;
    private final String description;

    CacheProperty(String key, String defaultValue, ValueType type, Scope scope, Bounds bounds, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.type = type;
        this.scope = scope;
        this.bounds = bounds;
        this.description = description;
    }

    /** True if a value of this key must never appear in a message (a password, a secret). */
    public boolean isSecret() {
        return this == REDIS_SECRET || this == REDIS_URL;
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

    /** Whether the value configures the shared cache or only the connection given it. */
    public Scope scope() {
        return scope;
    }

    /** The smallest value accepted, in the property's own notation ({@code 1} for a size: one byte). */
    public Optional<String> minimum() {
        return Optional.ofNullable(bounds.min);
    }

    /** The largest value accepted, in the property's own notation. */
    public Optional<String> maximum() {
        return Optional.ofNullable(bounds.max);
    }

    /**
     * The values accepted beyond the type, as documented: {@code at least 1}, {@code from 0 to 0.5}, the form of a
     * name; empty when the type says it all.
     */
    public String bounds() {
        if (bounds.form != null) {
            return bounds.formDescription;
        }
        if (bounds.min != null && bounds.max != null) {
            return "from " + bounds.min + " to " + bounds.max;
        }
        if (bounds.min != null) {
            return "at least " + bounds.min;
        }
        return bounds.max == null ? "" : "at most " + bounds.max;
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
     * The name part of a key of this per-table (per-name) property: {@code orders} for {@code cache.ttl.orders}.
     *
     * @return the name as written, trimmed; {@code null} if the key is not one of this property's
     */
    public String nameIn(String anyKey) {
        if (!isPerTable()) {
            return null;
        }
        String prefix = perTablePrefix();
        return anyKey.startsWith(prefix) && anyKey.length() > prefix.length()
                ? anyKey.substring(prefix.length()).trim() : null;
    }

    /**
     * Finds the property a key belongs to.
     *
     * @return the property, or {@code null} if the key is not one of ours
     */
    public static CacheProperty forKey(String key) {
        for (CacheProperty property : values()) {
            if (property.isPerTable() ? property.nameIn(key) != null : property.key.equals(key)) {
                return property;
            }
        }
        return null;
    }

    /** True for keys this driver owns (and so never passes to the real driver). */
    public static boolean isCacheKey(String key) {
        return key.toLowerCase(Locale.ROOT).startsWith("cache.");
    }

    /**
     * Checks one value of this property against its type and bounds and converts it.
     *
     * @param setKey the key the value was set under: {@link #key()}, or for a per-table property the full key
     *               ({@code cache.ttl.orders}), so that an error names what the user wrote
     * @param value  the value as written; surrounding blanks are ignored
     * @param origin where the value came from (a rules file, connection properties), for the error message
     * @return the value as the Java type its {@link ValueType} names
     * @throws SQLException (SQLState {@code HY024}) naming the key, the value, the origin and what was expected
     */
    public Object parse(String setKey, String value, String origin) throws SQLException {
        String text = value.trim();
        switch (type) {
            case STRING:
                checkForm(setKey, text, origin);
                return text;
            case BOOLEAN:
                String lower = text.toLowerCase(Locale.ROOT);
                if (lower.equals("true") || lower.equals("false")) {
                    return Boolean.valueOf(lower);
                }
                throw invalid(setKey, text, origin, expected());
            case LIST:
                List<String> items = new ArrayList<>();
                for (String item : text.split(",")) {
                    if (!item.isBlank()) {
                        checkForm(setKey, item.trim(), origin);
                        items.add(item.trim());
                    }
                }
                return List.copyOf(items);
            case PATTERN:
                if (text.isEmpty()) {
                    return null;
                }
                try {
                    return Pattern.compile(text, Pattern.CASE_INSENSITIVE);
                } catch (PatternSyntaxException e) {
                    throw invalid(setKey, text, origin, expected() + " (" + e.getDescription() + ")");
                }
            default:
                Object number = number(type, text);
                if (number == null || (bounds.min != null && compare(number, number(type, bounds.min)) < 0)
                        || (bounds.max != null && compare(number, number(type, bounds.max)) > 0)) {
                    throw invalid(setKey, text, origin, expected());
                }
                return number;
        }
    }

    /** The value set for this key in {@code values}, or the default, trimmed; not checked. */
    public String get(Map<String, String> values) {
        String value = values.get(key);
        return value == null ? defaultValue : value.trim();
    }

    /** The checked value of a {@link ValueType#STRING} property, or its default; see {@link #parse}. */
    public String getString(Map<String, String> values, String origin) throws SQLException {
        return (String) parse(requireType(ValueType.STRING), get(values), origin);
    }

    /** The value of a {@link ValueType#BOOLEAN} property, or its default; see {@link #parse}. */
    public boolean getBoolean(Map<String, String> values, String origin) throws SQLException {
        return (Boolean) parse(requireType(ValueType.BOOLEAN), get(values), origin);
    }

    /** The value of an {@link ValueType#INTEGER} property, or its default; see {@link #parse}. */
    public int getInt(Map<String, String> values, String origin) throws SQLException {
        return (Integer) parse(requireType(ValueType.INTEGER), get(values), origin);
    }

    /** The value of a {@link ValueType#SIZE} property in bytes, or its default; see {@link #parse}. */
    public long getBytes(Map<String, String> values, String origin) throws SQLException {
        return (Long) parse(requireType(ValueType.SIZE), get(values), origin);
    }

    /** The value of a {@link ValueType#DURATION} property in nanoseconds, or its default; see {@link #parse}. */
    public long getNanos(Map<String, String> values, String origin) throws SQLException {
        return (Long) parse(requireType(ValueType.DURATION), get(values), origin);
    }

    /** The value of a {@link ValueType#FRACTION} property, or its default; see {@link #parse}. */
    public double getFraction(Map<String, String> values, String origin) throws SQLException {
        return (Double) parse(requireType(ValueType.FRACTION), get(values), origin);
    }

    /** The items of a {@link ValueType#LIST} property, or of its default; see {@link #parse}. */
    @SuppressWarnings("unchecked")
    public List<String> getList(Map<String, String> values, String origin) throws SQLException {
        return (List<String>) parse(requireType(ValueType.LIST), get(values), origin);
    }

    /** The expression of a {@link ValueType#PATTERN} property, or {@code null} if unset; see {@link #parse}. */
    public Pattern getPattern(Map<String, String> values, String origin) throws SQLException {
        return (Pattern) parse(requireType(ValueType.PATTERN), get(values), origin);
    }

    private String requireType(ValueType expected) {
        if (type != expected || isPerTable()) {
            throw new IllegalStateException(key + " is " + (isPerTable() ? "per table" : "not " + expected)
                    + ": read it with parse");
        }
        return key;
    }

    /** What a value must look like, for messages: {@code a size of at least 1 (like 65536, ...)}. */
    private String expected() {
        String range = bounds.form == null ? bounds() : "";
        return type.noun + (range.isEmpty() ? "" : range.startsWith("from ") ? " " + range : " of " + range)
                + (type.examples.isEmpty() ? "" : " (like " + type.examples + ")");
    }

    private void checkForm(String setKey, String text, String origin) throws SQLException {
        if (bounds.form != null && !bounds.form.matcher(text).matches()) {
            throw invalid(setKey, text, origin, bounds.formDescription);
        }
    }

    private static SQLException invalid(String setKey, String value, String origin, String expected) {
        return new SQLException("jdbc-cache: invalid value '" + value + "' for " + setKey + " (from " + origin
                + "): expected " + expected, "HY024");
    }

    /** A number in the type's unit (bytes, nanoseconds), or {@code null} if malformed or beyond a {@code long}. */
    private static Object number(ValueType type, String text) {
        try {
            switch (type) {
                case INTEGER:
                    return Integer.valueOf(text.replace("_", ""));
                case FRACTION:
                    double fraction = Double.parseDouble(text);
                    return Double.isFinite(fraction) ? fraction : null;
                case SIZE:
                    return bytes(text);
                case DURATION:
                    return nanos(text);
                default:
                    throw new IllegalArgumentException(type.name());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Compares two numbers of one {@link ValueType} (both Integer, Long or Double). */
    @SuppressWarnings("unchecked")
    private static int compare(Object a, Object b) {
        return ((Comparable<Object>) a).compareTo(b);
    }

    private static final String[][] SIZE_UNITS = {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"},
        {"K", "1024"}, {"M", "1048576"}, {"G", "1073741824"}, {"B", "1"}};

    /** {@code 65536}, {@code 512KB}, {@code 64MB}, {@code 1GB} (binary multiples, any case) in bytes. */
    private static long bytes(String text) {
        String value = text.trim().toUpperCase(Locale.ROOT).replace("_", "");
        long multiplier = 1;
        for (String[] unit : SIZE_UNITS) {
            if (value.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                value = value.substring(0, value.length() - unit[0].length()).trim();
                break;
            }
        }
        return Math.multiplyExact(Long.parseLong(value), multiplier);
    }

    private static final String[] DURATION_UNITS = {"ms", "s", "m", "h", "d"};

    /** {@code 0}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} in nanoseconds. */
    private static long nanos(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return 0;
        }
        for (String unit : DURATION_UNITS) {
            if (value.endsWith(unit)) {
                long amount = Long.parseLong(value.substring(0, value.length() - unit.length()).trim());
                switch (unit) {
                    case "ms": return Duration.ofMillis(amount).toNanos();
                    case "s": return Duration.ofSeconds(amount).toNanos();
                    case "m": return Duration.ofMinutes(amount).toNanos();
                    case "h": return Duration.ofHours(amount).toNanos();
                    default: return Duration.ofDays(amount).toNanos();
                }
            }
        }
        throw new NumberFormatException("no unit: " + text);
    }

    DriverPropertyInfo toPropertyInfo(String currentValue) {
        return toPropertyInfo(key, currentValue == null ? defaultValue : currentValue);
    }

    /** The description {@link CachingDriver#getPropertyInfo} reports for a key set to {@code value}. */
    DriverPropertyInfo toPropertyInfo(String setKey, String value) {
        DriverPropertyInfo info = new DriverPropertyInfo(setKey, value);
        String range = bounds();
        info.description = description + (defaultValue.isEmpty() ? "" : " Default: " + defaultValue + ".")
                + (range.isEmpty() ? "" : " Accepts " + (bounds.form == null ? type.noun + " " : "") + range + ".")
                + (scope == Scope.CACHE ? " Configures the shared cache: connections sharing its cache.name must "
                        + "agree." : "");
        info.required = false;
        if (type == ValueType.BOOLEAN) {
            info.choices = new String[] {"true", "false"};
        }
        return info;
    }
}
