package io.jdbccache.internal.cache;

import static io.jdbccache.internal.cache.Keys.context;
import static io.jdbccache.internal.cache.Keys.h2;
import static io.jdbccache.internal.cache.Keys.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The canonical byte form of a key: equal exactly for equal keys, and absent where it cannot be portable. */
class KeyBytesTest {

    private static byte[] bytes(CacheKey key) {
        Optional<byte[]> bytes = KeyBytes.of(key);
        assertThat(bytes).as("%s is shareable", key).isPresent();
        return bytes.get();
    }

    private static byte[] bytesOf(Object... parameters) {
        return bytes(key(context(), "SELECT ?", 0, parameters));
    }

    private static boolean shareable(Object... parameters) {
        return KeyBytes.of(key(context(), "SELECT ?", 0, parameters)).isPresent();
    }

    private static Calendar calendar(String zone) {
        return Calendar.getInstance(TimeZone.getTimeZone(zone));
    }

    @Test
    void formStartsWithItsVersion() {
        assertThat(bytesOf()[0]).isEqualTo(KeyBytes.FORMAT_VERSION).isEqualTo((byte) 1);
    }

    @Test
    void equalKeysBuiltIndependentlyGiveEqualBytes() {
        Supplier<CacheKey> build = () -> key(
                context(h2("jdbc:h2:mem:same"), new String("app"), "app", List.of(new String("PUBLIC")),
                        new String("TimeZone=UTC"), "SAME", new String("")),
                new String("SELECT * FROM t WHERE a = ? AND b = ? AND c = ?"), 100,
                ParameterValues.of(new String("x")), ParameterValues.of(new BigDecimal("1.50")),
                ParameterValues.of(new byte[] {1, 2, 3}), ParameterValues.of(new Timestamp(1_000_123)),
                ParameterValues.withCalendar(new Timestamp(7), calendar("Europe/Paris")),
                ParameterValues.typed(Long.valueOf(5_000_000_000L), Types.BIGINT, -1),
                ParameterValues.nullOf(Types.VARCHAR, "text"), ParameterValues.nullSetBy("setBytes"),
                ParameterValues.of(UUID.fromString("0c9d6e7a-1111-4222-8333-444455556666")),
                ParameterValues.of(ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))),
                ParameterValues.of(Double.NaN), ParameterValues.of("😀 ü"));
        CacheKey first = build.get();
        CacheKey second = build.get();
        assertThat(first).isNotSameAs(second).isEqualTo(second);
        assertThat(bytes(first)).isEqualTo(bytes(second)).isNotSameAs(bytes(second));
        assertThat(bytes(first)).isEqualTo(bytes(first));
    }

    @Test
    void eachContextFieldChangesTheBytes() {
        List<ConnectionContext> contexts = Keys.contextsDifferingInOneField(h2("jdbc:h2:mem:fields"));
        List<ByteBuffer> forms = new ArrayList<>();
        for (ConnectionContext context : contexts) {
            forms.add(ByteBuffer.wrap(bytes(key(context, "SELECT 1", 0))));
        }
        assertThat(forms).doesNotHaveDuplicates();
    }

    @Test
    void sqlAndRowLimitChangeTheBytes() {
        ConnectionContext context = context();
        List<ByteBuffer> forms = new ArrayList<>();
        for (CacheKey key : List.of(key(context, "SELECT 1", 0), key(context, "SELECT 2", 0),
                key(context, "SELECT 1 ", 0), key(context, "select 1", 0), key(context, "", 0),
                key(context, "SELECT 1", 1), key(context, "SELECT 1", -1), key(context, "SELECT 1", Long.MAX_VALUE))) {
            forms.add(ByteBuffer.wrap(bytes(key)));
        }
        assertThat(forms).doesNotHaveDuplicates();
    }

    /** Key parts of one parameter, pairwise unequal, for every distinction ParameterValues makes. */
    private static List<Object> distinctParts() {
        return Arrays.asList(
                ParameterValues.of(1), ParameterValues.of(1L), ParameterValues.of((short) 1),
                ParameterValues.of((byte) 1), ParameterValues.of("1"), ParameterValues.national("1"),
                ParameterValues.of('1'), ParameterValues.of(new BigDecimal("1")),
                ParameterValues.of(new BigDecimal("1.0")), ParameterValues.of(new BigDecimal("10").movePointLeft(1)
                        .setScale(2)), ParameterValues.of(new BigDecimal("-1")), ParameterValues.of(BigInteger.ONE),
                ParameterValues.of(1.0), ParameterValues.of(1.0f), ParameterValues.of(0.0), ParameterValues.of(-0.0),
                ParameterValues.of(Double.NaN), ParameterValues.of(Float.NaN), ParameterValues.of(true),
                ParameterValues.of(false), ParameterValues.of(0), ParameterValues.of(""),
                ParameterValues.of(new byte[0]), ParameterValues.of(new byte[] {1}),
                ParameterValues.of(new byte[] {0, 1}), ParameterValues.of(new UUID(0, 1)),
                ParameterValues.of(null), ParameterValues.nullOf(Types.INTEGER, null),
                ParameterValues.nullOf(Types.VARCHAR, null), ParameterValues.nullOf(Types.VARCHAR, "text"),
                ParameterValues.nullOf(Types.VARCHAR, ""), ParameterValues.nullSetBy("setString"),
                ParameterValues.nullSetBy("setBytes"), ParameterValues.nullSetBy("setObject"),
                ParameterValues.of(new Date(0)), ParameterValues.of(new Time(0)), ParameterValues.of(new Timestamp(0)),
                ParameterValues.of(nanos(new Timestamp(0), 1)), ParameterValues.of(new Timestamp(1)),
                ParameterValues.withCalendar(new Timestamp(0), calendar("UTC")),
                ParameterValues.withCalendar(new Timestamp(0), calendar("Europe/Paris")),
                ParameterValues.withCalendar(new Date(0), calendar("UTC")),
                ParameterValues.typed(1, Types.BIGINT, -1), ParameterValues.typed(1, Types.BIGINT, 0),
                ParameterValues.typed(1, Types.NUMERIC, -1), ParameterValues.typed(1, "java.sql.BIGINT", -1),
                ParameterValues.typed(1L, Types.BIGINT, -1), ParameterValues.typed(null, Types.BIGINT, -1),
                ParameterValues.typed(new byte[] {1}, Types.BINARY, -1),
                ParameterValues.of(LocalDate.of(1970, 1, 1)), ParameterValues.of(LocalDate.of(1970, 1, 2)),
                ParameterValues.of(LocalTime.MIDNIGHT), ParameterValues.of(LocalTime.of(0, 0, 0, 1)),
                ParameterValues.of(LocalDateTime.of(1970, 1, 1, 0, 0)),
                ParameterValues.of(OffsetTime.of(LocalTime.MIDNIGHT, ZoneOffset.UTC)),
                ParameterValues.of(OffsetTime.of(LocalTime.MIDNIGHT, ZoneOffset.ofHours(1))),
                ParameterValues.of(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)),
                // The same instant at another offset is another key (OffsetDateTime.equals).
                ParameterValues.of(OffsetDateTime.of(1970, 1, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1))),
                ParameterValues.of(ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)),
                ParameterValues.of(ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"))),
                ParameterValues.of(ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneId.of("Etc/UTC"))),
                ParameterValues.of(Instant.EPOCH), ParameterValues.of(Instant.ofEpochSecond(0, 1)));
    }

    private static Timestamp nanos(Timestamp timestamp, int nanos) {
        timestamp.setNanos(nanos);
        return timestamp;
    }

    @Test
    void eachParameterDistinctionChangesTheBytes() {
        List<Object> parts = distinctParts();
        assertThat(parts).doesNotHaveDuplicates();
        List<Object> again = distinctParts();
        for (int i = 0; i < parts.size(); i++) {
            for (int j = 0; j < parts.size(); j++) {
                boolean equalBytes = ByteBuffer.wrap(bytesOf(parts.get(i)))
                        .equals(ByteBuffer.wrap(bytesOf(again.get(j))));
                assertThat(equalBytes).as("bytes of parts %d and %d (%s, %s)", i, j, parts.get(i), again.get(j))
                        .isEqualTo(i == j);
            }
        }
    }

    @Test
    void equalDoublesGiveEqualBytesAsEqualsHasIt() {
        // Double.equals makes every NaN one value: so must the bytes.
        double otherNaN = Double.longBitsToDouble(0x7ff8000000000001L);
        assertThat(ParameterValues.of(otherNaN)).isEqualTo(ParameterValues.of(Double.NaN));
        assertThat(bytesOf(otherNaN)).isEqualTo(bytesOf(Double.NaN));
        float otherFloatNaN = Float.intBitsToFloat(0x7fc00001);
        assertThat(bytesOf(otherFloatNaN)).isEqualTo(bytesOf(Float.NaN));
    }

    @Test
    void parameterCountAndOrderChangeTheBytes() {
        List<ByteBuffer> forms = new ArrayList<>();
        for (Object[] parameters : List.of(new Object[] {}, new Object[] {null}, new Object[] {1},
                new Object[] {1, 1}, new Object[] {1, 2}, new Object[] {2, 1}, new Object[] {1, null},
                new Object[] {null, 1}, new Object[] {1, 2, 3})) {
            forms.add(ByteBuffer.wrap(bytesOf(parameters)));
        }
        assertThat(forms).doesNotHaveDuplicates();
    }

    @Test
    void noContentCanShiftOneFieldIntoTheNext() {
        DatabaseScope db = h2("jdbc:h2:mem:shift");
        List<String> path = List.of("PUBLIC");
        List<CacheKey> keys = List.of(
                key(context(), "SELECT ?", 0, "ab", "c"),
                key(context(), "SELECT ?", 0, "a", "bc"),
                key(context(), "SELECT ?", 0, "abc"),
                key(context(), "SELECT ?", 0, "a\0", "bc"),
                key(context(), "SELECT ?", 0, "a", "\0bc"),
                // a string holding what could read as a length and a tag
                key(context(), "SELECT ?", 0, "\0\0\0\1a"),
                key(context(), "SELECT ?\0\0\0\0", 0),
                key(context(), "SELECT ?", 0, 0),
                key(context(), "SELECT ?\0\0\0\1\1\0\0\0\0", 0),
                key(context(), "SELECT ?", 0, ""),
                key(context(db, "ab", "c", path, "x", "ONE", ""), "SELECT 1", 0),
                key(context(db, "a", "bc", path, "x", "ONE", ""), "SELECT 1", 0),
                key(context(db, "", null, path, "x", "ONE", ""), "SELECT 1", 0),
                key(context(db, null, "", path, "x", "ONE", ""), "SELECT 1", 0),
                key(context(db, "a", "b", List.of("S,T"), "x", "ONE", ""), "SELECT 1", 0),
                key(context(db, "a", "b", List.of("S", "T"), "x", "ONE", ""), "SELECT 1", 0),
                key(context(db, "a", "b", List.of("S"), "Tx", "ONE", ""), "SELECT 1", 0),
                key(context(db, "a", "b", path, "x\ny", "ONE", ""), "SELECT 1", 0),
                key(context(db, "a", "b", path, "x", "\nyONE", ""), "SELECT 1", 0),
                key(context(db, "a", "b", path, "x", "ONE", "SELECT 1"), "", 0),
                key(context(), "SELECT ?", 0, ParameterValues.typed("ab", "c", 0)),
                key(context(), "SELECT ?", 0, ParameterValues.typed("a", "bc", 0)),
                key(context(), "SELECT ?", 0, ParameterValues.nullOf(Types.NULL, "setString")),
                key(context(), "SELECT ?", 0, ParameterValues.nullSetBy("setString")),
                key(context(), "SELECT ?", 0, ParameterValues.of(new byte[] {0, 0, 0, 1, 'a'})),
                key(context(), "SELECT ?", 0, ParameterValues.of(new byte[] {'a'})));
        Map<ByteBuffer, CacheKey> byForm = new HashMap<>();
        for (CacheKey key : keys) {
            CacheKey earlier = byForm.putIfAbsent(ByteBuffer.wrap(bytes(key)), key);
            assertThat(earlier == null || earlier.equals(key)).as("%s and %s share a form", earlier, key).isTrue();
        }
        // Two of them are equal by construction: nullSetBy is a NULL-typed null named by its setter.
        assertThat(byForm).hasSize(keys.size() - 1);
    }

    @Test
    void partsWithoutAPortableFormMakeTheKeyUnshareable() {
        assertThat(shareable(ParameterValues.UNCACHEABLE)).isFalse();
        assertThat(shareable(1, ParameterValues.UNCACHEABLE)).isFalse();
        assertThat(shareable("\uD800")).as("unpaired surrogate").isFalse();
        assertThat(shareable("a\uDC00b")).as("unpaired low surrogate").isFalse();
        assertThat(shareable("\uD83D\uDE00")).as("a surrogate pair is fine").isTrue();
        assertThat(shareable(ParameterValues.national("\uD800"))).isFalse();
        assertThat(shareable(ParameterValues.of(Year.of(2024)))).as("a java.time kind not in the format").isFalse();
        assertThat(shareable(ParameterValues.typed(Year.of(2024), Types.INTEGER, 0))).isFalse();
        assertThat(shareable(ParameterValues.of(new ForeignTemporal()))).isFalse();
        assertThat(shareable(ParameterValues.of(new BigDecimal("1") { }))).as("a BigDecimal subclass").isFalse();
        assertThat(shareable(ParameterValues.of(new BigInteger("1") { }))).as("a BigInteger subclass").isFalse();
        assertThat(shareable(ParameterValues.of(new Timestamp(0) { }))).as("a vendor Timestamp").isFalse();
        assertThat(KeyBytes.of(key(context(), "SELECT '\uD800'", 0))).isEmpty();
        assertThat(KeyBytes.of(key(context(h2("jdbc:h2:mem:x"), "app", "app", List.of("PUBLIC"), "a=\uDBFF",
                "ONE", ""), "SELECT 1", 0))).isEmpty();
    }

    @Test
    void legacyDatesAndTimesCarryTheDefaultTimeZoneTheyAreRenderedIn() {
        TimeZone original = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            byte[] utc = bytesOf(ParameterValues.of(new Timestamp(0)));
            byte[] utcLocal = bytesOf(ParameterValues.of(LocalDateTime.of(1970, 1, 1, 0, 0)));
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            assertThat(bytesOf(ParameterValues.of(new Timestamp(0)))).isNotEqualTo(utc);
            assertThat(bytesOf(ParameterValues.of(LocalDateTime.of(1970, 1, 1, 0, 0)))).isEqualTo(utcLocal);
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void formNeverAppearsInTheKeysText() {
        CacheKey key = key(context(), "SELECT ?", 0, "secret-value");
        assertThat(key.toString()).doesNotContain("secret");
    }

    /**
     * Many keys drawn from small pools, so that many are equal though built from distinct objects: two keys have
     * equal forms exactly when they are equal.
     */
    @Test
    void formsAreEqualExactlyWhenKeysAre() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Map<CacheKey, ByteBuffer> formOfKey = new HashMap<>();
        Map<ByteBuffer, CacheKey> keyOfForm = new HashMap<>();
        int equalPairs = 0;
        for (int i = 0; i < 20_000; i++) {
            CacheKey key = randomKey(random);
            ByteBuffer form = ByteBuffer.wrap(bytes(key));
            ByteBuffer earlierForm = formOfKey.putIfAbsent(key, form);
            CacheKey earlierKey = keyOfForm.putIfAbsent(form, key);
            assertThat(earlierForm == null || earlierForm.equals(form))
                    .as("seed %d: equal keys %s with different forms", seed, key).isTrue();
            assertThat(earlierKey == null || earlierKey.equals(key))
                    .as("seed %d: unequal keys %s and %s with one form", seed, earlierKey, key).isTrue();
            if (earlierForm != null) {
                equalPairs++;
            }
        }
        assertThat(formOfKey).hasSameSizeAs(keyOfForm);
        assertThat(equalPairs).as("the pools are small enough for keys to repeat").isGreaterThan(1_000);
        assertThat(formOfKey.size()).as("and large enough for them to differ").isGreaterThan(1_000);
    }

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** Distinct but equal scopes of each database, so that equal keys rarely share a scope instance. */
    private static final List<DatabaseScope> SCOPES = List.of(h2("jdbc:h2:mem:a"), h2("jdbc:h2:mem:a"),
            h2("jdbc:h2:mem:a"), h2("jdbc:h2:mem:a"), h2("jdbc:h2:mem:b"), h2("jdbc:h2:mem:b"),
            Keys.scope("jdbc:h2:mem:a", Keys.dialect("Other", "UPPER")),
            Keys.scope("jdbc:h2:mem:a", Keys.dialect("Other", "UPPER")),
            Keys.scope("jdbc:h2:mem:a", Keys.dialect("Other", "LOWER")));

    /** Each field of the context mostly keeps its usual value, so that whole keys repeat. */
    private static <T> T usually(Random random, T usual, List<T> others) {
        return random.nextInt(8) != 0 ? usual : pick(random, others);
    }

    private static CacheKey randomKey(Random random) {
        DatabaseScope database = usually(random, SCOPES.get(random.nextInt(4)), SCOPES);
        ConnectionContext context = context(database, copy(usually(random, "app", List.of("tenant", ""))),
                usually(random, "app", Arrays.asList("tenant", null)),
                usually(random, List.of("PUBLIC"), List.of(List.of("APP", "PUBLIC"), List.of())),
                usually(random, copy("TimeZone=UTC"), Arrays.asList("TimeZone=UTC\nx=1", null)),
                usually(random, "ONE", Arrays.asList("TWO", null)),
                usually(random, "", List.of("MODE=PostgreSQL")));
        String sql = copy(pick(random, List.of("SELECT ?", "SELECT ?, ?", "SELECT ? ", "SELECT '\0'")));
        Object[] parameters = new Object[random.nextInt(3)];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = randomPart(random);
        }
        return new CacheKey(context, sql, parameters, pick(random, List.of(0L, 1L, 100L)));
    }

    /** A key part of a random kind and value, built from new objects every time. */
    private static Object randomPart(Random random) {
        int small = random.nextInt(2);
        return switch (random.nextInt(22)) {
            case 0 -> ParameterValues.of(small);
            case 1 -> ParameterValues.of((long) small);
            case 2 -> ParameterValues.of((short) small);
            case 3 -> ParameterValues.of((byte) small);
            case 4 -> ParameterValues.of(copy(String.valueOf(small)));
            case 5 -> ParameterValues.national(copy(String.valueOf(small)));
            case 6 -> ParameterValues.of(BigDecimal.valueOf(small, random.nextInt(2)));
            case 7 -> ParameterValues.of(BigInteger.valueOf(small));
            case 8 -> ParameterValues.of(small == 0 ? -0.0 : 0.0);
            case 9 -> ParameterValues.of((float) small);
            case 10 -> ParameterValues.of(small == 0);
            case 11 -> ParameterValues.of(new byte[] {(byte) small});
            case 12 -> ParameterValues.of(new Timestamp(small));
            case 13 -> ParameterValues.of(new Date(small));
            case 14 -> ParameterValues.withCalendar(new Time(small), calendar(random.nextBoolean() ? "UTC" : "GMT"));
            case 15 -> ParameterValues.nullOf(random.nextBoolean() ? Types.INTEGER : Types.VARCHAR,
                    random.nextBoolean() ? null : "text");
            case 16 -> ParameterValues.nullSetBy(random.nextBoolean() ? "setString" : "setBytes");
            case 17 -> ParameterValues.typed(small, random.nextBoolean() ? Types.BIGINT : Types.INTEGER,
                    random.nextInt(2) - 1);
            case 18 -> ParameterValues.of(LocalDate.ofEpochDay(small));
            case 19 -> ParameterValues.of(OffsetDateTime.of(1970, 1, 1, small, 0, 0, 0,
                    ZoneOffset.ofHours(random.nextInt(2))));
            case 20 -> ParameterValues.of(new UUID(0, small));
            default -> ParameterValues.of(null);
        };
    }

    /** An equal string that is another object. */
    private static String copy(String s) {
        return new String(s);
    }

    /** A TemporalAccessor outside java.time: its equality is unknown (here, identity). */
    private static final class ForeignTemporal implements TemporalAccessor {
        @Override
        public boolean isSupported(TemporalField field) {
            return false;
        }

        @Override
        public long getLong(TemporalField field) {
            throw new UnsupportedOperationException();
        }
    }
}
