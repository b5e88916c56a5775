package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdbccache.CacheStatistics;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What is cached, under which key, and what goes to the database every time. The scenarios that use
 * {@link RawThenCached} run first on raw connections, then through the cache.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class CachingReadsTest {
    /** The zone offset pgjdbc appends to a date or time parameter it sends as text. */
    private static final String ZONE_OFFSET = " ?[+-]\\d\\d(:\\d\\d){0,2}$";

    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDb.open(database);
        db.createProducts();
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    @Test
    void repeatedSelectReachesTheDatabaseOnceWhateverItsFormatting() throws SQLException {
        Connection c = db.cached();
        List<List<Object>> expected = List.of(row(1, "apple"), row(2, "pear"));
        assertThat(query(c, "SELECT id, name FROM products WHERE price < 25 ORDER BY id")).isEqualTo(expected);
        // Whitespace and comments are normalized; letter case only where the database folds it (PostgreSQL), and
        // spacing around operators is kept (a - -1 is not a--1).
        assertThat(query(c, "SELECT id,name  FROM products -- the cheap ones\nWHERE price < 25 ORDER BY id"))
                .isEqualTo(expected);
        assertThat(query(c, "SELECT  id ,\n\tname\nFROM   products  WHERE price <  25 ORDER  BY id ;"))
                .isEqualTo(expected);
        try (Statement statement = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                try (ResultSet rs = statement.executeQuery("SELECT id, name FROM products WHERE price < 25 ORDER BY id")) {
                    assertThat(TestDb.rows(rs)).isEqualTo(expected);
                }
            }
        }
        assertThat(executions()).isEqualTo(1);
        CacheStatistics stats = db.statistics();
        assertThat(stats.missCount()).isEqualTo(1);
        assertThat(stats.hitCount()).isEqualTo(5);
        assertThat(stats.storeCount()).isEqualTo(1);
        assertThat(stats.entryCount()).isEqualTo(1);
    }

    @Test
    void preparedStatementIsCachedPerParameterValue() throws SQLException {
        Connection c = db.cached();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM products WHERE id = ?")) {
            for (int round = 0; round < 3; round++) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(TestDb.rows(rs)).containsExactly(row("apple"));
                }
                ps.setInt(1, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(TestDb.rows(rs)).containsExactly(row("pear"));
                }
            }
        }
        // A second prepared statement with the same text (differently spaced) shares the entries.
        try (PreparedStatement ps = c.prepareStatement("SELECT name\nFROM  products /* again */ WHERE id = ?")) {
            ps.setInt(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(TestDb.rows(rs)).containsExactly(row("pear"));
            }
        }
        assertThat(executions()).isEqualTo(2);
        assertThat(db.statistics().missCount()).isEqualTo(2);
        assertThat(db.statistics().hitCount()).isEqualTo(5);
    }

    @Test
    void parameterTypesAreDifferentKeys() throws SQLException {
        Connection c = db.cached();
        String sql = "SELECT name FROM products WHERE id = CAST(? AS INT)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int round = 0; round < 2; round++) {
                ps.setInt(1, 3);
                assertThat(names(ps)).containsExactly("plum");
                ps.setString(1, "3");
                assertThat(names(ps)).containsExactly("plum");
                ps.setLong(1, 3L);
                assertThat(names(ps)).containsExactly("plum");
            }
        }
        assertThat(executions()).isEqualTo(3);
        assertThat(db.statistics().missCount()).isEqualTo(3);
        assertThat(db.statistics().hitCount()).isEqualTo(3);
    }

    @Test
    void dateTimeAndTimestampParametersWithTheSameMillisAreDifferentKeys() throws Exception {
        long millis = LocalDateTime.of(2024, 1, 1, 10, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        controlThenCached(database, new String[] {
            "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)"}, (run, src) -> {
                Connection c = src.get();
                String sql = "SELECT CAST(? AS VARCHAR(40)) FROM t WHERE id = 1";
                assertThat(boundAsText(c, sql, ps -> ps.setTime(1, new Time(millis))))
                        .isEqualTo(List.of(row("10:00:00")));
                assertThat(boundAsText(c, sql, ps -> ps.setDate(1, new Date(millis))))
                        .as("setDate after setTime with the same millis").isEqualTo(List.of(row("2024-01-01")));
                assertThat(boundAsText(c, sql, ps -> ps.setTimestamp(1, new Timestamp(millis + 1))))
                        .isEqualTo(List.of(row("2024-01-01 10:00:00.001")));
                assertThat(boundAsText(c, sql, ps -> ps.setDate(1, new Date(millis + 1))))
                        .as("setDate after setTimestamp with the same millis").isEqualTo(List.of(row("2024-01-01")));
            });
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /**
     * The rows of a prepared query whose one column is its parameter cast to text. pgjdbc sends a date or time
     * parameter as text with the JVM zone's offset ({@code 10:00:00+00}, {@code 2024-01-01 +00}); that offset is cut
     * off so that both databases give the same text.
     */
    private List<List<Object>> boundAsText(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<List<Object>> rows = TestDb.rows(rs);
                if (database != Database.POSTGRESQL) {
                    return rows;
                }
                return rows.stream().map(r -> row(((String) r.get(0)).replaceFirst(ZONE_OFFSET, ""))).toList();
            }
        }
    }

    private static List<Object> names(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return TestDb.rows(rs).stream().map(r -> r.get(0)).toList();
        }
    }

    @Test
    void literalsAreDifferentKeys() throws SQLException {
        Connection c = db.cached();
        assertThat(query(c, "SELECT name FROM products WHERE id = 1")).containsExactly(row("apple"));
        assertThat(query(c, "SELECT name FROM products WHERE id = 2")).containsExactly(row("pear"));
        assertThat(query(c, "SELECT name FROM products WHERE name = 'apple'")).hasSize(1);
        assertThat(query(c, "SELECT name FROM products WHERE name = 'APPLE'")).isEmpty();
        assertThat(executions()).isEqualTo(4);
    }

    @Test
    void sharedAcrossConnectionsOfTheSameCache() throws SQLException {
        assertThat(query(db.cached(), "SELECT count(*) FROM products")).containsExactly(row(3L));
        assertThat(query(db.cached(), "SELECT count(*) FROM products")).containsExactly(row(3L));
        assertThat(executions()).isEqualTo(1);
    }

    @Test
    void uncacheableReadsAreBypassedEveryTime() throws SQLException {
        db.setup(database == Database.POSTGRESQL
                ? "CREATE FUNCTION twice(x INT) RETURNS INT AS 'SELECT 2 * x' LANGUAGE SQL"
                : "CREATE ALIAS twice FOR 'java.lang.Math.abs(int)'");
        Connection c = db.cached();
        List<String> uncacheable = List.of(
                "SELECT CURRENT_TIMESTAMP",
                "SELECT id, CURRENT_TIMESTAMP FROM products",
                database == Database.POSTGRESQL ? "SELECT now(), id FROM products" : "SELECT NOW(), id FROM products",
                database == Database.POSTGRESQL ? "SELECT random() FROM products" : "SELECT RAND() FROM products",
                "SELECT id FROM products WHERE id = 1 FOR UPDATE",
                "SELECT twice(price) FROM products");
        for (String sql : uncacheable) {
            long before = executions();
            long bypassBefore = db.statistics().bypassCount();
            query(c, sql);
            query(c, sql);
            assertThat(executions() - before).as(sql).isEqualTo(2);
            assertThat(db.statistics().bypassCount() - bypassBefore).as(sql).isEqualTo(2);
        }
        assertThat(db.statistics().hitCount()).isZero();
        assertThat(db.statistics().storeCount()).isZero();
    }

    @Test
    void sqlTheParserCannotReadIsBypassedButWorks() throws SQLException {
        // Valid on the database, not parseable by JSqlParser.
        String sql = database == Database.POSTGRESQL
                ? "SELECT id FROM products WHERE id < 2 ORDER BY id USING <"
                : "SELECT id FROM products WHERE price IS OF (INTEGER) AND id < 2";
        Connection c = db.cached();
        assertThat(query(c, sql)).containsExactly(row(1));
        assertThat(query(c, sql)).containsExactly(row(1));
        assertThat(executions()).isEqualTo(2);
        assertThat(db.statistics().bypassCount()).isEqualTo(2);
        assertThat(db.statistics().hitCount()).isZero();
    }

    @Test
    void viewsAreCachedAndInvalidatedByWritesToTheirBaseTables() throws SQLException {
        db.setup("CREATE VIEW cheap AS SELECT id, name FROM products WHERE price < 25",
                "CREATE VIEW cheap_names AS SELECT name FROM cheap");
        Connection c = db.cached();
        assertThat(query(c, "SELECT count(*) FROM cheap")).containsExactly(row(2L));
        assertThat(query(c, "SELECT count(*) FROM cheap_names")).containsExactly(row(2L));
        // The first reads also looked the views up in the catalog (once per view, then remembered).
        long afterFirstReads = executions();
        assertThat(query(c, "SELECT count(*) FROM cheap")).containsExactly(row(2L));
        assertThat(query(c, "SELECT count(*) FROM cheap_names")).containsExactly(row(2L));
        assertThat(executions()).isEqualTo(afterFirstReads);
        // A write to the base table reaches both the view and the view over the view.
        TestDb.update(c, "UPDATE products SET price = 5 WHERE id = 3");
        assertThat(query(c, "SELECT count(*) FROM cheap")).containsExactly(row(3L));
        assertThat(query(c, "SELECT count(*) FROM cheap_names")).containsExactly(row(3L));
        assertThat(executions()).isEqualTo(afterFirstReads + 3);
        assertThat(db.statistics().hitCount()).isEqualTo(2);
        assertThat(db.statistics().storeCount()).isEqualTo(4);
    }

    @Test
    void neverCacheTablesAppliesThroughAView() throws Exception {
        controlThenCached(database, new String[] {
            "CREATE TABLE cart_items (id INT PRIMARY KEY, qty INT)", "INSERT INTO cart_items VALUES (1, 1)",
            "CREATE VIEW cart_view AS SELECT id, qty FROM cart_items"}, (run, src) -> {
                Connection c = src.get();
                Connection reader = c.getClass().getName().startsWith("io.jdbccache")
                        ? run.cached("cache.neverCacheTables", "cart_items") : c;
                String sql = "SELECT qty FROM cart_view WHERE id = 1";
                assertThat(scalar(reader, sql)).isEqualTo(1);
                run.setup("UPDATE cart_items SET qty = 5 WHERE id = 1"); // another application: cart_items is listed
                assertThat(scalar(reader, sql)).as("a table in cache.neverCacheTables, read through a view")
                        .isEqualTo(5);
            });
    }

    @Test
    void viewsOverVolatileFunctionsAreNotCached() throws SQLException {
        db.setup("CREATE VIEW stamped AS SELECT id, CURRENT_TIMESTAMP AS seen FROM products");
        Connection c = db.cached();
        query(c, "SELECT count(*) FROM stamped");
        long afterFirstRead = executions();
        query(c, "SELECT count(*) FROM stamped");
        assertThat(executions()).isEqualTo(afterFirstRead + 1);
        assertThat(db.statistics().bypassCount()).isEqualTo(2);
        assertThat(db.statistics().storeCount()).isZero();
    }

    @Test
    void badSqlFailsLikeTheRealDriver() throws SQLException {
        Connection raw = db.raw();
        Connection cached = db.cached();
        for (String sql : List.of("SELEC id FROM products", "SELECT id FROM no_such_table",
                "SELECT no_such_column FROM products", "SELECT id FROM products WHERE", "UPDATE nowhere SET x = 1")) {
            SQLException expected = catchThrowableOfType(SQLException.class, () -> TestDb.query(raw, sql));
            SQLException actual = catchThrowableOfType(SQLException.class, () -> TestDb.query(cached, sql));
            assertThat((Throwable) expected).as(sql).isNotNull();
            assertThat((Throwable) actual).as(sql).isNotNull();
            assertThat(actual.getClass()).as(sql).isEqualTo(expected.getClass());
            assertThat(actual.getSQLState()).as(sql).isEqualTo(expected.getSQLState());
            assertThat(actual.getErrorCode()).as(sql).isEqualTo(expected.getErrorCode());
            if (database == Database.POSTGRESQL) {
                // A failed statement aborts nothing in autocommit mode; the connection stays usable.
                assertThat(query(cached, "SELECT 1")).containsExactly(row(1));
            }
        }
        assertThat(query(cached, "SELECT count(*) FROM products")).containsExactly(row(3L));
    }

    @Test
    void resultLargerThanMaxResultRowsStreamsCompletelyUncached() throws SQLException {
        db.setup(database == Database.POSTGRESQL
                ? "CREATE TABLE big AS SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 50000) g"
                : "CREATE TABLE big AS SELECT X AS id, 'row ' || X AS label FROM SYSTEM_RANGE(1, 50000)");
        Connection c = db.cached("cache.maxResultRows", "100");
        for (int round = 1; round <= 2; round++) {
            int count = 0;
            try (Statement statement = c.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT id, label FROM big ORDER BY id")) {
                while (rs.next()) {
                    count++;
                    assertThat(rs.getLong(1)).isEqualTo(count);
                    if (count % 997 == 0 || count == 100 || count == 101) {
                        assertThat(rs.getString("label")).isEqualTo("row " + count);
                    }
                }
            }
            assertThat(count).isEqualTo(50_000);
            assertThat(executions()).as("round %d", round).isEqualTo(round);
        }
        CacheStatistics stats = db.statistics();
        assertThat(stats.storeCount()).isZero();
        assertThat(stats.entryCount()).isZero();
        assertThat(stats.missCount()).isZero();
        assertThat(stats.bypassesByReason()).containsEntry("TOO_LARGE", 2L);
    }

    @Test
    void resultOfExactlyMaxResultRowsIsCached() throws SQLException {
        Connection c = db.cached("cache.maxResultRows", "3");
        assertThat(query(c, "SELECT id FROM products ORDER BY id")).hasSize(3);
        assertThat(query(c, "SELECT id FROM products ORDER BY id")).hasSize(3);
        assertThat(executions()).isEqualTo(1);
    }
}
