package io.jdbccache.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cache hit looks exactly like the real driver's result: same metadata, and every getter returns an equal value
 * (or both throw). Compared row by row, column by column, between a raw connection and a cache hit.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class ResultFidelityTest {
    private static final String SQL = "SELECT * FROM types ORDER BY id";

    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDb.open(database);
        boolean pg = database == Database.POSTGRESQL;
        db.setup("CREATE TABLE types (id INT PRIMARY KEY, i INT, bi BIGINT NOT NULL, n NUMERIC(12, 3), d DOUBLE PRECISION,"
                + " b BOOLEAN, v VARCHAR(40), dt DATE, ts TIMESTAMP, tstz TIMESTAMP WITH TIME ZONE, "
                + (pg ? "bin BYTEA" : "bin VARBINARY(16)") + ", u UUID)",
                "INSERT INTO types VALUES (1, 42, 9000000000, 123.456, 1.5, TRUE, 'hello', DATE '2024-02-29',"
                        + " TIMESTAMP '2024-02-29 13:14:15.123456', TIMESTAMP WITH TIME ZONE '2024-02-29 13:14:15+05:30', "
                        + (pg ? "'\\x0102ff'::bytea" : "X'0102FF'") + ", '123e4567-e89b-12d3-a456-426614174000')",
                "INSERT INTO types (id, bi) VALUES (2, -1)",
                "INSERT INTO types VALUES (3, -7, 0, -0.5, -2.25e10, FALSE, '12', DATE '1970-01-01',"
                        + " TIMESTAMP '1999-12-31 23:59:59', TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00Z', "
                        + (pg ? "''::bytea" : "X''") + ", '00000000-0000-0000-0000-000000000000')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    @Test
    void cacheHitMatchesTheRealDriver() throws SQLException {
        Connection cached = db.cached();
        TestDb.query(cached, SQL);
        List<String> differences = new ArrayList<>();
        try (Statement rawStatement = db.raw().createStatement(); ResultSet raw = rawStatement.executeQuery(SQL);
                Statement cachedStatement = cached.createStatement();
                ResultSet hit = cachedStatement.executeQuery(SQL)) {
            assertThat(db.statistics().hitCount()).isEqualTo(1);
            compareMetaData(raw.getMetaData(), hit.getMetaData(), differences);
            int columns = raw.getMetaData().getColumnCount();
            int row = 0;
            while (raw.next()) {
                row++;
                assertThat(hit.next()).as("row %d", row).isTrue();
                for (int i = 1; i <= columns; i++) {
                    String label = raw.getMetaData().getColumnLabel(i);
                    for (Getter getter : GETTERS) {
                        compare(differences, "row " + row + " " + label + " " + getter.name, getter, raw, hit, i);
                    }
                }
            }
            assertThat(hit.next()).isFalse();
        }
        if (!LENIENT.isEmpty()) {
            System.out.println("[" + database + "] lenient conversions on a hit: " + LENIENT.size() + ", e.g. "
                    + LENIENT.subList(0, Math.min(5, LENIENT.size())));
            LENIENT.clear();
        }
        assertThat(differences).isEmpty();
    }

    private static void compareMetaData(ResultSetMetaData raw, ResultSetMetaData hit, List<String> differences)
            throws SQLException {
        assertThat(hit.getColumnCount()).isEqualTo(raw.getColumnCount());
        for (int i = 1; i <= raw.getColumnCount(); i++) {
            Object[][] pairs = {
                {"label", raw.getColumnLabel(i), hit.getColumnLabel(i)},
                {"name", raw.getColumnName(i), hit.getColumnName(i)},
                {"type", raw.getColumnType(i), hit.getColumnType(i)},
                {"typeName", raw.getColumnTypeName(i), hit.getColumnTypeName(i)},
                {"className", raw.getColumnClassName(i), hit.getColumnClassName(i)},
                {"nullable", raw.isNullable(i), hit.isNullable(i)},
                {"precision", raw.getPrecision(i), hit.getPrecision(i)},
                {"scale", raw.getScale(i), hit.getScale(i)},
                {"signed", raw.isSigned(i), hit.isSigned(i)},
            };
            for (Object[] pair : pairs) {
                if (!Objects.equals(pair[1], pair[2])) {
                    differences.add("metadata column " + i + " " + pair[0] + ": raw=" + pair[1] + " hit=" + pair[2]);
                }
            }
        }
    }

    private static void compare(List<String> differences, String where, Getter getter, ResultSet raw, ResultSet hit,
            int column) {
        Object expected;
        Object actual;
        try {
            expected = normalize(getter.get(raw, column)) + " null=" + raw.wasNull();
        } catch (Exception e) {
            expected = "throws";
        }
        try {
            actual = normalize(getter.get(hit, column)) + " null=" + hit.wasNull();
        } catch (Exception e) {
            actual = "throws";
        }
        if ("throws".equals(expected) && !"throws".equals(actual)) {
            // The cache converts where the real driver refuses: more lenient, reported but not failed here.
            LENIENT.add(where);
            return;
        }
        if (!Objects.equals(expected, actual) && !knownH2Difference(raw, where)) {
            differences.add(where + ": raw=" + expected + " hit=" + actual);
        }
    }

    /**
     * Documented choices where the cache follows pgjdbc rather than H2 (driver test H2FidelityTest lists them):
     * getBytes of numbers and UUIDs gives their text bytes, integral getters truncate fractions. Reported, not failed.
     */
    private static boolean knownH2Difference(ResultSet raw, String where) {
        boolean h2 = raw.getClass().getName().startsWith("org.h2.");
        return h2 && (where.matches("row \\d+ (ID|I|BI|U) getBytes")
                || where.matches("row \\d+ (D|N) get(Int|Long)"));
    }

    /** Conversions the hit allows and the real driver refuses (printed; see the report). */
    private static final List<String> LENIENT = new ArrayList<>();

    private static Object normalize(Object value) {
        if (value instanceof byte[]) {
            return Arrays.toString((byte[]) value);
        }
        if (value instanceof BigDecimal) {
            return value.toString();
        }
        return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
    }

    private interface Call {
        Object get(ResultSet rs, int column) throws SQLException;
    }

    private record Getter(String name, Call call) {
        Object get(ResultSet rs, int column) throws SQLException {
            return call.get(rs, column);
        }
    }

    private static final List<Getter> GETTERS = List.of(
            new Getter("getObject", ResultSet::getObject),
            new Getter("getString", ResultSet::getString),
            new Getter("getInt", ResultSet::getInt),
            new Getter("getLong", ResultSet::getLong),
            new Getter("getDouble", ResultSet::getDouble),
            new Getter("getBigDecimal", ResultSet::getBigDecimal),
            new Getter("getBoolean", ResultSet::getBoolean),
            new Getter("getBytes", ResultSet::getBytes),
            new Getter("getDate", ResultSet::getDate),
            new Getter("getTimestamp", ResultSet::getTimestamp),
            new Getter("getObject(LocalDateTime)", (rs, i) -> rs.getObject(i, LocalDateTime.class)),
            new Getter("getObject(OffsetDateTime)", (rs, i) -> rs.getObject(i, OffsetDateTime.class)),
            new Getter("getObject(LocalDate)", (rs, i) -> rs.getObject(i, LocalDate.class)),
            new Getter("getObject(UUID)", (rs, i) -> rs.getObject(i, UUID.class)),
            new Getter("getObject(String)", (rs, i) -> rs.getObject(i, String.class)));
}
