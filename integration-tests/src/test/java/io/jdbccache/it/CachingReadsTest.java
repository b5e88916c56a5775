package io.jdbccache.it;

import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdbccache.CacheStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What is cached, under which key, and what goes to the database every time. */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class CachingReadsTest {
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
        CacheStats stats = db.stats();
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
        assertThat(db.stats().missCount()).isEqualTo(2);
        assertThat(db.stats().hitCount()).isEqualTo(5);
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
        assertThat(db.stats().missCount()).isEqualTo(3);
        assertThat(db.stats().hitCount()).isEqualTo(3);
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
            long bypassBefore = db.stats().bypassCount();
            query(c, sql);
            query(c, sql);
            assertThat(executions() - before).as(sql).isEqualTo(2);
            assertThat(db.stats().bypassCount() - bypassBefore).as(sql).isEqualTo(2);
        }
        assertThat(db.stats().hitCount()).isZero();
        assertThat(db.stats().storeCount()).isZero();
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
        assertThat(db.stats().bypassCount()).isEqualTo(2);
        assertThat(db.stats().hitCount()).isZero();
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
        assertThat(db.stats().hitCount()).isEqualTo(2);
        assertThat(db.stats().storeCount()).isEqualTo(4);
    }

    @Test
    void viewsOverVolatileFunctionsAreNotCached() throws SQLException {
        db.setup("CREATE VIEW stamped AS SELECT id, CURRENT_TIMESTAMP AS seen FROM products");
        Connection c = db.cached();
        query(c, "SELECT count(*) FROM stamped");
        long afterFirstRead = executions();
        query(c, "SELECT count(*) FROM stamped");
        assertThat(executions()).isEqualTo(afterFirstRead + 1);
        assertThat(db.stats().bypassCount()).isEqualTo(2);
        assertThat(db.stats().storeCount()).isZero();
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
        CacheStats stats = db.stats();
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
