package io.jdbccache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdbccache.CacheProperty.Scope;
import io.jdbccache.CacheProperty.ValueType;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.config.CacheConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The registry is the single source of truth: it parses every value within its bounds, knows each key's scope, and
 * docs and the reference properties file list every key with the same type facts.
 */
class CachePropertyTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final AtomicInteger CACHE_NAMES = new AtomicInteger();

    @Test
    void keysAreSortedAndUnique() {
        List<String> keys = Arrays.stream(CacheProperty.values()).map(CacheProperty::key).collect(Collectors.toList());
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        assertThat(keys).allMatch(key -> key.startsWith("cache."));
    }

    /**
     * The constant spells its key without {@code cache.}: {@code cache.maxResultRows} is {@code MAX_RESULT_ROWS}. A
     * per-table key is named by its prefix ({@code cache.warmup.<name>} is {@code WARMUP}), preceded by its
     * placeholder where the prefix alone spells another key ({@code cache.ttl.<table>} is {@code TABLE_TTL}).
     */
    @Test
    void constantNamesSpellTheirKeys() {
        for (CacheProperty property : CacheProperty.values()) {
            String spelled = property.isPerTable() ? property.perTablePrefix() : property.key();
            spelled = spelled.substring("cache.".length()).replaceAll("\\.$", "");
            String constant = spelled.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_')
                    .toUpperCase(Locale.ROOT);
            if (property.isPerTable() && !property.name().equals(constant)) {
                String placeholder = property.key().substring(property.key().lastIndexOf('<') + 1,
                        property.key().length() - 1).toUpperCase(Locale.ROOT);
                assertThat(property.name()).as(property.key()).isEqualTo(placeholder + "_" + constant);
                assertThat(CacheProperty.valueOf(constant).key()).as("the key spelled " + constant)
                        .isEqualTo("cache." + spelled);
            } else {
                assertThat(property.name()).as(property.key()).isEqualTo(constant);
            }
        }
    }

    @Test
    void everyKeyIsDocumentedWithItsTypeFacts() throws IOException {
        Map<String, List<String>> rows = new HashMap<>();
        List<String> header = null;
        for (String line : Files.readAllLines(DOCS.resolve("configuration.md"))) {
            if (line.startsWith("| key |")) {
                header = cells(line);
            } else if (line.startsWith("| `cache.")) {
                List<String> cells = cells(line);
                rows.put(cells.get(0).replace("`", ""), cells);
            }
        }
        assertThat(header).containsExactly("key", "type", "scope", "bounds", "default", "description");
        assertThat(rows.keySet()).as("documented keys").containsExactlyInAnyOrderElementsOf(
                Arrays.stream(CacheProperty.values()).map(CacheProperty::key).collect(Collectors.toList()));
        for (CacheProperty property : CacheProperty.values()) {
            List<String> row = rows.get(property.key());
            assertThat(row.get(2)).as(property.key() + " scope").isEqualTo(property.scope().name()
                    .toLowerCase(Locale.ROOT));
            assertThat(row.get(3)).as(property.key() + " bounds")
                    .isEqualTo(property.bounds().isEmpty() ? "(none)" : property.bounds());
            assertThat(row.get(4)).as(property.key() + " default")
                    .isEqualTo(property.defaultValue().isEmpty() ? "(none)" : "`" + property.defaultValue() + "`");
        }
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        return Arrays.stream(inner.split("\\|")).map(String::trim).collect(Collectors.toList());
    }

    /** Each key (or per-table example) is in the reference file; the cache-scoped ones say so in their comment. */
    @Test
    void everyKeyIsInTheReferencePropertiesFileWithItsScope() throws IOException {
        List<String> lines = Files.readAllLines(DOCS.resolve("jdbc-cache.reference.properties"));
        for (CacheProperty property : CacheProperty.values()) {
            String key = property.isPerTable() ? property.perTablePrefix() : property.key() + "=";
            int at = -1;
            for (int i = 0; i < lines.size() && at < 0; i++) {
                if (lines.get(i).startsWith("#" + key)) {
                    at = i;
                }
            }
            assertThat(at).as(property.key() + " in the reference file").isNotNegative();
            StringBuilder comment = new StringBuilder();
            for (int i = at - 1; i >= 0 && lines.get(i).startsWith("# "); i--) {
                comment.insert(0, lines.get(i));
            }
            assertThat(comment.toString().contains("(cache scope)")).as(property.key() + " marked (cache scope)")
                    .isEqualTo(property.scope() == Scope.CACHE);
        }
    }

    @Test
    void lookupFindsPerTableKeys() {
        assertThat(CacheProperty.forKey("cache.ttl")).isEqualTo(CacheProperty.TTL);
        assertThat(CacheProperty.forKey("cache.ttl.orders")).isEqualTo(CacheProperty.TABLE_TTL);
        assertThat(CacheProperty.forKey("cache.ttl.")).isNull();
        assertThat(CacheProperty.forKey("cache.nope")).isNull();
        assertThat(CacheProperty.TABLE_TTL.nameIn("cache.ttl.Shop.Orders")).isEqualTo("Shop.Orders");
        assertThat(CacheProperty.TTL.nameIn("cache.ttl.orders")).isNull();
    }

    /** Every default parses, within bounds, to the Java type its value type names (per-table keys have none). */
    @Test
    void defaultsParseToTheirTypes() throws SQLException {
        Map<ValueType, Class<?>> javaTypes = Map.of(ValueType.STRING, String.class, ValueType.BOOLEAN, Boolean.class,
                ValueType.INTEGER, Integer.class, ValueType.SIZE, Long.class, ValueType.DURATION, Long.class,
                ValueType.FRACTION, Double.class, ValueType.LIST, List.class, ValueType.PATTERN, Pattern.class);
        for (CacheProperty property : CacheProperty.values()) {
            if (property.isPerTable()) {
                assertThat(property.defaultValue()).as(property.key()).isEmpty();
                continue;
            }
            Object value = property.parse(property.key(), property.defaultValue(), "the defaults");
            if (value != null) {
                assertThat(value).as(property.key()).isInstanceOf(javaTypes.get(property.type()));
            } else {
                assertThat(property.type()).as(property.key()).isEqualTo(ValueType.PATTERN);
            }
        }
    }

    @Test
    void valuesParseInTheirNotation() throws SQLException {
        assertThat(CacheProperty.MAX_BYTES.parse("cache.maxBytes", "512KB", "test")).isEqualTo(512L * 1024);
        assertThat(CacheProperty.MAX_BYTES.parse("cache.maxBytes", " 1g ", "test")).isEqualTo(1L << 30);
        assertThat(CacheProperty.MAX_BYTES.parse("cache.maxBytes", "65_536", "test")).isEqualTo(65536L);
        assertThat(CacheProperty.TTL.parse("cache.ttl", "500ms", "test")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(CacheProperty.TTL.parse("cache.ttl", "2h", "test")).isEqualTo(TimeUnit.HOURS.toNanos(2));
        assertThat(CacheProperty.TTL.parse("cache.ttl", "0", "test")).isEqualTo(0L);
        assertThat(CacheProperty.MAX_RESULT_ROWS.parse("cache.maxResultRows", "10_000", "test")).isEqualTo(10_000);
        assertThat(CacheProperty.ENABLED.parse("cache.enabled", "FALSE", "test")).isEqualTo(false);
        assertThat(CacheProperty.NEVER_CACHE_TABLES.parse("cache.neverCacheTables", " a, ,b ", "test"))
                .isEqualTo(List.of("a", "b"));
        assertThat(CacheProperty.TTL.getNanos(Map.of("cache.ttl", "5m"), "test"))
                .isEqualTo(TimeUnit.MINUTES.toNanos(5));
        assertThat(CacheProperty.TTL.getNanos(Map.of(), "test")).isEqualTo(TimeUnit.SECONDS.toNanos(60));
        assertThatThrownBy(() -> CacheProperty.TTL.getBytes(Map.of(), "test"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void malformedValuesNameKeyValueAndOrigin() {
        String[][] bad = {{"cache.ttl", "5"}, {"cache.ttl", "soon"}, {"cache.maxBytes", "lots"},
            {"cache.maxResultRows", "1.5"}, {"cache.enabled", "yes"}, {"cache.ttlJitter", "NaN"},
            {"cache.neverCacheQueries", "("}, {"cache.ttl", "9999999999d"}, {"cache.maxBytes", "99999999999GB"}};
        for (String[] keyValue : bad) {
            CacheProperty property = CacheProperty.forKey(keyValue[0]);
            assertRejected(() -> property.parse(keyValue[0], keyValue[1], "rules file x.properties"), keyValue[0],
                    keyValue[1], "rules file x.properties");
        }
    }

    /** Below the minimum or above the maximum of each bounded key, by one unit of its notation. */
    @Test
    void outOfBoundsValuesAreRejectedNamingTheKey() {
        int bounded = 0;
        for (CacheProperty property : CacheProperty.values()) {
            String setKey = property.isPerTable() ? property.perTablePrefix() + "orders" : property.key();
            for (String outside : outside(property)) {
                assertRejected(() -> property.parse(setKey, outside, "URL"), setKey, outside, "URL");
                assertRejected(() -> CacheConfig.of(Map.of(setKey, outside), "URL"), setKey, outside, "URL");
                bounded++;
            }
            property.minimum().ifPresent(min -> assertThatCode(() -> property.parse(setKey, min, "URL"))
                    .as(setKey + "=" + min).doesNotThrowAnyException());
            property.maximum().ifPresent(max -> assertThatCode(() -> property.parse(setKey, max, "URL"))
                    .as(setKey + "=" + max).doesNotThrowAnyException());
        }
        assertThat(bounded).isGreaterThanOrEqualTo(11);
        assertRejected(() -> CacheConfig.of(Map.of("cache.name", "a b"), "URL"), "cache.name", "a b", "URL");
        assertRejected(() -> CacheConfig.of(Map.of("cache.keySettings", "app.region, x'y"), "URL"),
                "cache.keySettings", "x'y", "URL");
    }

    private static List<String> outside(CacheProperty property) {
        List<String> values = new ArrayList<>();
        property.minimum().ifPresent(min -> values.add(step(property.type(), min, -1)));
        property.maximum().ifPresent(max -> values.add(step(property.type(), max, +1)));
        return values;
    }

    private static String step(ValueType type, String bound, int direction) {
        switch (type) {
            case INTEGER:
            case SIZE:
                return String.valueOf(Long.parseLong(bound) + direction);
            case DURATION:
                return Long.parseLong(bound.replace("ms", "")) + direction + "ms"; // bounds are 0 or in ms

            case FRACTION:
                return String.valueOf(Double.parseDouble(bound) + direction * 0.01);
            default:
                throw new AssertionError(type + " has no numeric bounds");
        }
    }

    private static void assertRejected(ThrowingCall call, String key, String value, String origin) {
        SQLException e = catchThrowableOfType(SQLException.class, call::run);
        assertThat((Throwable) e).as(key + "=" + value).isNotNull();
        assertThat(e.getMessage()).as(key + "=" + value).contains(key).contains("'" + value + "'").contains(origin);
        assertThat(e.getSQLState()).isEqualTo("HY024");
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    /**
     * A second connection of one cache name with another value of a cache-scoped key is refused, naming the key
     * and both values; connection-scoped keys may differ; once the cache is gone, its name takes new values.
     */
    @Test
    void aConflictingCacheScopedValueIsRefusedNamingBothValues() throws SQLException {
        int checked = 0;
        for (CacheProperty property : CacheProperty.values()) {
            if (property.scope() != Scope.CACHE || property == CacheProperty.NAME) {
                continue;
            }
            String name = "property-test-" + CACHE_NAMES.incrementAndGet();
            String other = otherValue(property);
            ResultCache cache = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", name), "test"));
            try {
                SQLException e = catchThrowableOfType(SQLException.class, () -> CacheRegistry.acquire(
                        CacheConfig.of(Map.of("cache.name", name, property.key(), other), "test")));
                assertThat((Throwable) e).as(property.key()).isNotNull();
                if (property.isSecret()) {
                    // A password or secret never appears in a message, not even in a refusal naming the key.
                    assertThat(e.getMessage()).as(property.key()).contains(name)
                            .contains(property.key() + "=(a value not shown)").doesNotContain(other);
                } else {
                    assertThat(e.getMessage()).as(property.key()).contains(name)
                            .contains(property.key() + "=" + property.defaultValue() + " (the default)")
                            .contains(property.key() + "=" + other);
                }
                assertThat(e.getSQLState()).isEqualTo("HY024");
                // The same value in another notation is no conflict.
                String same = sameInOtherNotation(property);
                CacheRegistry.release(CacheRegistry.acquire(
                        CacheConfig.of(Map.of("cache.name", name, property.key(), same), "test")));
            } finally {
                CacheRegistry.release(cache);
            }
            assertThat(CacheRegistry.find(name)).isNull();
            ResultCache recreated = CacheRegistry.acquire(
                    CacheConfig.of(Map.of("cache.name", name, property.key(), other), "test"));
            CacheRegistry.release(recreated);
            checked++;
        }
        assertThat(checked).isEqualTo(14);
    }

    @Test
    void connectionScopedValuesMayDifferWithinACache() throws SQLException {
        String name = "property-test-" + CACHE_NAMES.incrementAndGet();
        ResultCache first = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", name), "test"));
        try {
            for (CacheProperty property : CacheProperty.values()) {
                if (property.scope() == Scope.CONNECTION && property.type() == ValueType.DURATION
                        && !property.isPerTable()) {
                    ResultCache joined = CacheRegistry.acquire(
                            CacheConfig.of(Map.of("cache.name", name, property.key(), "7s"), "test"));
                    assertThat(joined).isSameAs(first);
                    CacheRegistry.release(joined);
                }
            }
            ResultCache joined = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", name,
                    "cache.maxResultRows", "5", "cache.enabled", "false", "cache.ttl.orders", "1s"), "test"));
            assertThat(joined).isSameAs(first);
            CacheRegistry.release(joined);
        } finally {
            CacheRegistry.release(first);
        }
    }

    private static String otherValue(CacheProperty property) {
        switch (property.type()) {
            case SIZE:
                return "3MB";
            case INTEGER:
                return "1234";
            case DURATION:
                return "7s";
            case BOOLEAN:
                return String.valueOf(!Boolean.parseBoolean(property.defaultValue()));
            case STRING:
                switch (property) {
                    case REDIS_MODE:
                        return "cluster";
                    case REDIS_URL:
                        // A port nothing listens on: the tier keeps failing, and counts it, without failing a query.
                        return "redis://user:pw-secret@127.0.0.1:1/0";
                    case REDIS_SECRET:
                        return "s3cret-value";
                    default:
                        return "other-" + property.defaultValue();
                }
            default:
                throw new AssertionError("no other value for " + property.key() + ": extend the test");
        }
    }

    private static String sameInOtherNotation(CacheProperty property) throws SQLException {
        Object parsed = property.parse(property.key(), property.defaultValue(), "test");
        switch (property.type()) {
            case SIZE:
                return parsed.toString();
            case INTEGER:
                return parsed.toString().replaceAll("(\\d)(\\d{3})$", "$1_$2");
            case DURATION:
                return TimeUnit.NANOSECONDS.toMillis((Long) parsed) + "ms";
            case BOOLEAN:
                return property.defaultValue().toUpperCase(Locale.ROOT);
            case STRING:
                return " " + property.defaultValue() + " "; // trimmed
            default:
                throw new AssertionError("no other notation for " + property.key() + ": extend the test");
        }
    }

    /** Values given in the URL (both parameter styles) and in the properties are reported; the properties win. */
    @Test
    void propertyInfoReportsValuesGivenInTheUrlAndProperties() throws SQLException {
        CachingDriver.register();
        Properties info = new Properties();
        info.setProperty("cache.maxBytes", "1MB");
        info.setProperty("cache.ttl", "9m");
        info.setProperty("user", "sa");
        Map<String, String> reported = reported(DriverManager.getDriver("jdbc:cache:h2:mem:x").getPropertyInfo(
                "jdbc:cache:postgresql://127.0.0.1/test?cache.name=orders&sslmode=disable&cache.ttl=5m"
                        + "&cache.ttl.exchange_rates=10s&cache.neverCacheQueries=a%26b", info));
        assertThat(reported).containsEntry("cache.name", "orders").containsEntry("cache.maxBytes", "1MB")
                .containsEntry("cache.ttl", "9m").containsEntry("cache.ttl.exchange_rates", "10s")
                .containsEntry("cache.neverCacheQueries", "a&b").containsEntry("cache.enabled", "true")
                .containsEntry("cache.ttl.<table>", "");
        Map<String, String> h2 = reported(new CachingDriver().getPropertyInfo(
                "jdbc:cache:h2:mem:x;DB_CLOSE_DELAY=-1;cache.analysisCacheSize=77", null));
        assertThat(h2).containsEntry("cache.analysisCacheSize", "77").containsEntry("cache.maxBytes", "64MB");
        DriverPropertyInfo maxBytes = Arrays.stream(new CachingDriver().getPropertyInfo("jdbc:cache:h2:mem:x", null))
                .filter(p -> p.name.equals("cache.maxBytes")).findFirst().orElseThrow();
        assertThat(maxBytes.description).contains("at least 1").contains("shared cache");
    }

    private static Map<String, String> reported(DriverPropertyInfo[] infos) {
        Map<String, String> values = new HashMap<>();
        for (DriverPropertyInfo info : infos) {
            if (info.name.startsWith("cache.")) {
                assertThat(values.put(info.name, info.value)).as(info.name + " reported once").isNull();
            }
        }
        return values;
    }

    /** A bad value given in the URL fails the connection naming the URL, before any database is reached. */
    @Test
    void aBadUrlValueNamesTheUrlAsItsOrigin() throws SQLException {
        CachingDriver.register();
        assertRejected(() -> DriverManager.getConnection("jdbc:cache:h2:mem:never;cache.maxResultRows=0"),
                "cache.maxResultRows", "0", "URL");
        Properties info = new Properties();
        info.setProperty("cache.ttl", "-5s");
        assertRejected(() -> DriverManager.getConnection("jdbc:cache:h2:mem:never;cache.ttl=5s", info), "cache.ttl",
                "-5s", "connection properties");
    }
}
