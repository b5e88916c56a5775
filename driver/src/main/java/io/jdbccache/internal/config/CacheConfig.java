package io.jdbccache.internal.config;

import io.jdbccache.CacheProperty;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.regex.PatternSyntaxException;

/**
 * The effective, validated configuration of one connection: defaults, then the rules file, then connection
 * properties. Immutable; equal configurations compare equal so connections can share derived decisions.
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

    private CacheConfig(Map<String, String> raw, String origin) throws SQLException {
        this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
        ValueParser parser = new ValueParser(raw, origin);
        name = parser.string(CacheProperty.NAME);
        if (name.isBlank() || !name.matches("[A-Za-z0-9_.-]+")) {
            throw parser.invalid(CacheProperty.NAME, name, "letters, digits, '_', '.' or '-'");
        }
        enabled = parser.bool(CacheProperty.ENABLED);
        ttlNanos = parser.duration(CacheProperty.TTL, CacheProperty.TTL.key());
        ttlJitter = parser.fraction(CacheProperty.TTL_JITTER, 0.0, 0.5);
        maxBytes = parser.size(CacheProperty.MAX_BYTES);
        maxResultBytes = parser.size(CacheProperty.MAX_RESULT_BYTES);
        maxResultRows = parser.positiveInt(CacheProperty.MAX_RESULT_ROWS);
        analysisCacheSize = parser.positiveInt(CacheProperty.ANALYSIS_CACHE_SIZE);
        analysisCacheBytes = parser.size(CacheProperty.ANALYSIS_CACHE_BYTES);
        catalogRefreshNanos = parser.duration(CacheProperty.CATALOG_REFRESH, CacheProperty.CATALOG_REFRESH.key());
        Set<String> settings = new TreeSet<>();
        for (String setting : parser.list(CacheProperty.KEY_SETTINGS)) {
            if (!setting.matches("[A-Za-z_][A-Za-z0-9_.$]*")) {
                throw parser.invalid(CacheProperty.KEY_SETTINGS, setting, "setting names like app.region");
            }
            settings.add(setting);
        }
        keySettings = Collections.unmodifiableSet(settings);
        deterministicFunctions = parser.lowerCaseList(CacheProperty.DETERMINISTIC_FUNCTIONS);
        neverCacheTables = parser.lowerCaseList(CacheProperty.NEVER_CACHE_TABLES);
        Set<String> only = parser.lowerCaseList(CacheProperty.ONLY_CACHE_TABLES);
        onlyCacheTables = only.isEmpty() ? null : only;
        neverCacheQueries = parser.pattern(CacheProperty.NEVER_CACHE_QUERIES);
        onlyCacheQueries = parser.pattern(CacheProperty.ONLY_CACHE_QUERIES);
        tableTtlNanos = parser.perTableDurations(CacheProperty.TABLE_TTL);
        alsoInvalidates = parser.perTableLists(CacheProperty.ALSO_INVALIDATES);
        cacheInSnapshotTransactions = parser.bool(CacheProperty.CACHE_IN_SNAPSHOT_TRANSACTIONS);
        singleFlightWaitNanos = parser.duration(CacheProperty.SINGLE_FLIGHT_WAIT,
                CacheProperty.SINGLE_FLIGHT_WAIT.key());
        unknownFunctionsMayWrite = parser.bool(CacheProperty.UNKNOWN_FUNCTIONS_MAY_WRITE);
        warmupQueries = List.copyOf(new TreeMap<>(parser.perName(CacheProperty.WARMUP)).values());
        parser.rejectUnknownKeys();
    }

    /**
     * Builds the configuration from merged key/value pairs.
     *
     * @param raw    every {@code cache.} key with its value, later sources already overriding earlier ones
     * @param origin where the values came from, for error messages
     * @throws SQLException naming the key, value and origin when a key is unknown or a value does not parse
     */
    public static CacheConfig of(Map<String, String> raw, String origin) throws SQLException {
        return new CacheConfig(raw, origin);
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

    /** Parses values of one merged map, remembering which keys were consumed. */
    private static final class ValueParser {
        private final Map<String, String> raw;
        private final String origin;
        private final Set<String> consumed = new HashSet<>();

        ValueParser(Map<String, String> raw, String origin) {
            this.raw = raw;
            this.origin = origin;
        }

        private String value(CacheProperty property) {
            consumed.add(property.key());
            String value = raw.get(property.key());
            return value == null ? property.defaultValue() : value.trim();
        }

        SQLException invalid(CacheProperty property, String value, String expected) {
            return invalid(property.key(), value, expected);
        }

        SQLException invalid(String key, String value, String expected) {
            return new SQLException("jdbc-cache: invalid value '" + value + "' for " + key + " (from " + origin
                    + "): expected " + expected, "HY024");
        }

        String string(CacheProperty property) {
            return value(property);
        }

        boolean bool(CacheProperty property) throws SQLException {
            String value = value(property).toLowerCase(Locale.ROOT);
            if (value.equals("true") || value.equals("false")) {
                return Boolean.parseBoolean(value);
            }
            throw invalid(property, value, "true or false");
        }

        int positiveInt(CacheProperty property) throws SQLException {
            String value = value(property);
            try {
                int parsed = Integer.parseInt(value.replace("_", ""));
                if (parsed > 0) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw invalid(property, value, "a positive integer");
        }

        double fraction(CacheProperty property, double min, double max) throws SQLException {
            String value = value(property);
            try {
                double parsed = Double.parseDouble(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw invalid(property, value, "a number from " + min + " to " + max);
        }

        long size(CacheProperty property) throws SQLException {
            String value = value(property);
            long parsed = Sizes.parseBytes(value);
            if (parsed <= 0) {
                throw invalid(property, value, "a positive size like 65536, 512KB, 64MB or 1GB");
            }
            return parsed;
        }

        long duration(CacheProperty property, String key) throws SQLException {
            return duration(key, value(property));
        }

        long duration(String key, String value) throws SQLException {
            Duration parsed = Sizes.parseDuration(value);
            if (parsed == null) {
                throw invalid(key, value, "a duration like 0, 500ms, 30s, 5m, 2h or 1d");
            }
            return parsed.toNanos();
        }

        List<String> list(CacheProperty property) {
            List<String> result = new ArrayList<>();
            for (String item : value(property).split(",")) {
                if (!item.isBlank()) {
                    result.add(item.trim());
                }
            }
            return result;
        }

        Set<String> lowerCaseList(CacheProperty property) {
            String value = value(property);
            Set<String> result = new LinkedHashSet<>();
            for (String item : value.split(",")) {
                String trimmed = item.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    result.add(trimmed);
                }
            }
            return Collections.unmodifiableSet(result);
        }

        Pattern pattern(CacheProperty property) throws SQLException {
            String value = value(property);
            if (value.isEmpty()) {
                return null;
            }
            try {
                return Pattern.compile(value, Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw invalid(property, value, "a Java regular expression (" + e.getDescription() + ")");
            }
        }

        Map<String, Long> perTableDurations(CacheProperty property) throws SQLException {
            String prefix = property.perTablePrefix();
            Map<String, Long> result = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : raw.entrySet()) {
                String key = entry.getKey();
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    consumed.add(key);
                    String table = key.substring(prefix.length()).trim().toLowerCase(Locale.ROOT);
                    result.put(table, duration(key, entry.getValue().trim()));
                }
            }
            return Collections.unmodifiableMap(result);
        }

        Map<String, List<String>> perTableLists(CacheProperty property) {
            Map<String, List<String>> result = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : perName(property).entrySet()) {
                List<String> names = new ArrayList<>();
                for (String item : entry.getValue().split(",")) {
                    if (!item.isBlank()) {
                        names.add(item.trim());
                    }
                }
                result.put(entry.getKey().toLowerCase(Locale.ROOT), List.copyOf(names));
            }
            return Collections.unmodifiableMap(result);
        }

        /** Values of a per-name key ({@code prefix.<name>}), keyed by the name as written. */
        Map<String, String> perName(CacheProperty property) {
            String prefix = property.perTablePrefix();
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : raw.entrySet()) {
                String key = entry.getKey();
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    consumed.add(key);
                    result.put(key.substring(prefix.length()).trim(), entry.getValue().trim());
                }
            }
            return result;
        }

        void rejectUnknownKeys() throws SQLException {
            for (String key : raw.keySet()) {
                if (!consumed.contains(key)) {
                    throw new SQLException("jdbc-cache: unknown key " + key + " (from " + origin
                            + "); known keys are listed in docs/configuration.md", "HY092");
                }
            }
        }
    }
}
