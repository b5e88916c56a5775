package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.scalar;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdbccache.CachingDriver;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regressions from an adversarial review: each test runs its steps first on raw connections (proving the expected
 * values are what the database answers), then through the cache, which must answer the same. Each once failed.
 */
class ReviewRegressionTest {

    private static List<List<Object>> prepared(Connection c, String sql, SqlConsumer binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.accept(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return TestDb.rows(rs);
            }
        }
    }

    interface SqlConsumer {
        void accept(PreparedStatement ps) throws SQLException;
    }




    // ---- 1. CTE named like a table hides the table: the result depends on no table and is never invalidated ---

    @Test
    void cteShadowingTableNameLosesDependency_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(10))",
            "INSERT INTO orders VALUES (1, 'open'), (2, 'closed')"}, (db, src) -> {
                Connection c = src.get();
                String sql = "WITH orders AS (SELECT * FROM orders WHERE status = 'open') SELECT count(*) FROM orders";
                assertThat(scalar(c, sql)).isEqualTo(1);
                update(c, "UPDATE orders SET status = 'open' WHERE id = 2");
                assertThat(scalar(c, sql)).as("after UPDATE orders through the driver").isEqualTo(2);
            });
    }

    @Test
    void nestedCteShadowingTableNameLosesDependency_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY)", "INSERT INTO items VALUES (1)"}, (db, src) -> {
                Connection c = src.get();
                String sql = "SELECT count(*) FROM items WHERE id IN "
                        + "(SELECT id FROM (WITH items AS (SELECT 1 AS id) SELECT id FROM items) x)";
                assertThat(scalar(c, sql)).isEqualTo(1);
                update(c, "DELETE FROM items");
                assertThat(scalar(c, sql)).as("after DELETE FROM items through the driver").isEqualTo(0);
            });
    }

    // ---- 2. Transaction state lost: uncommitted / rolled-back data stored and served to others --------------

    @Test
    void commitAndChainLeaksUncommittedData_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection writer = src.get();
                Connection reader = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                exec(writer, "BEGIN");
                exec(writer, "COMMIT AND CHAIN"); // a new transaction is open at once
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(writer, sql)).isEqualTo(2); // its own uncommitted write, stored in the cache
                assertThat(scalar(reader, sql)).as("another connection must not see uncommitted data").isEqualTo(1);
                exec(writer, "ROLLBACK");
                assertThat(scalar(reader, sql)).as("after ROLLBACK").isEqualTo(1);
            });
    }

    @Test
    void beginInsideMultiStatementStringLeaksUncommittedData_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection writer = src.get();
                Connection reader = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                exec(writer, "BEGIN; UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(writer, sql)).isEqualTo(2);
                assertThat(scalar(reader, sql)).as("another connection must not see uncommitted data").isEqualTo(1);
                exec(writer, "ROLLBACK");
                assertThat(scalar(reader, sql)).as("after ROLLBACK").isEqualTo(1);
            });
    }

    // ---- 3. Snapshot transaction not detected: its old snapshot is stored under a current stamp ------------

    @Test
    void defaultTransactionIsolationAsQuotedValueIsNotDetected_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                String sql = "SELECT v FROM items WHERE id = 1";
                String setting = "SET default_transaction_isolation = 'repeatable read'";
                Connection snapshot = src.get();
                Connection other = src.get();
                Connection writer = src.get();
                exec(snapshot, setting);
                exec(other, setting);
                snapshot.setAutoCommit(false);
                assertThat(scalar(snapshot, sql)).isEqualTo(1); // snapshot taken
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(snapshot, sql)).isEqualTo(1); // read from its snapshot, stored with a current stamp
                assertThat(scalar(other, sql)).as("autocommit read after a committed UPDATE").isEqualTo(2);
                snapshot.rollback();
            });
    }

    // ---- 4. Session state the key does not capture --------------------------------------------------------

    @Test
    void setConfigSearchPathKeepsCachingUnderOldSchema_pg() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            String other = db.name + "_other";
            db.setup("CREATE TABLE items (v INT)", "INSERT INTO items VALUES (1)",
                    "CREATE SCHEMA " + other, "CREATE TABLE " + other + ".items (v INT)",
                    "INSERT INTO " + other + ".items VALUES (99)");
            try {
                Connection a = db.cached();
                Connection b = db.cached();
                String sql = "SELECT v FROM items";
                query(a, "SELECT set_config('search_path', '" + other + "', false)");
                assertThat(query(a, sql)).isEqualTo(List.of(row(99))); // right, but stored under schema db.name
                assertThat(query(b, sql)).as("connection B still resolves items in its own schema")
                        .isEqualTo(List.of(row(1)));
            } finally {
                db.setup("DROP SCHEMA " + other + " CASCADE");
            }
        }
    }

    @Test
    void selectIntoTempTableShadowsTableButCachingContinues_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (v INT)", "INSERT INTO items VALUES (1)"}, (db, src) -> {
                Connection a = src.get();
                Connection b = src.get();
                String sql = "SELECT v FROM items";
                exec(a, "SELECT 99 AS v INTO TEMP items");
                assertThat(query(a, sql)).isEqualTo(List.of(row(99))); // the temp table, stored as <schema>.items
                assertThat(query(b, sql)).as("connection B has no temp table").isEqualTo(List.of(row(1)));
            });
    }

    @Test
    void setLocalLeavesSettingInKeyAfterTransactionEnds_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE iv (d INTERVAL)", "INSERT INTO iv VALUES (INTERVAL '1 day 2 hours')"}, (db, src) -> {
                String sql = "SELECT CAST(d AS VARCHAR) FROM iv";
                String setLocal = "SET LOCAL IntervalStyle = 'sql_standard'";
                Connection a = src.get();
                a.setAutoCommit(false);
                exec(a, setLocal);
                a.commit(); // IntervalStyle is back to 'postgres'; the cache key still says sql_standard
                a.setAutoCommit(true);
                assertThat(query(a, sql)).isEqualTo(List.of(row("1 day 02:00:00")));
                Connection b = src.get();
                b.setAutoCommit(false);
                exec(b, setLocal);
                assertThat(query(b, sql)).as("inside a transaction with SET LOCAL IntervalStyle = 'sql_standard'")
                        .isEqualTo(List.of(row("1 2:00:00")));
                b.rollback();
            });
    }

    @Test
    void sessionSettingsInUrlAreNotPartOfKey_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE iv (d INTERVAL)", "INSERT INTO iv VALUES (INTERVAL '1 day 2 hours')"}, (db, src) -> {
                String sql = "SELECT CAST(d AS VARCHAR) FROM iv";
                Connection plain = src.get();
                String option = "-c%20IntervalStyle=sql_standard";
                boolean raw = !plain.getClass().getName().startsWith("io.jdbccache");
                Connection sqlStandard = DriverManager.getConnection(raw
                        ? db.database.withParameter(db.rawUrl, "options", option)
                        : db.cachedUrl("options", option));
                try {
                    assertThat(query(plain, sql)).isEqualTo(List.of(row("1 day 02:00:00")));
                    assertThat(query(sqlStandard, sql))
                            .as("connection opened with options=-c IntervalStyle=sql_standard")
                            .isEqualTo(List.of(row("1 2:00:00")));
                } finally {
                    sqlStandard.close();
                }
            });
    }

    @Test
    void privateInMemoryH2DatabasesShareOneIdentity_h2() throws Exception {
        CachingDriver.register();
        String url = "jdbc:cache:h2:mem:;cache.name=review-private-mem";
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url)) {
            exec(a, "CREATE TABLE t (v INT)", "INSERT INTO t VALUES (1)");
            exec(b, "CREATE TABLE t (v INT)", "INSERT INTO t VALUES (2)");
            assertThat(query(a, "SELECT v FROM t")).isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT v FROM t")).as("b's own private database holds 2")
                    .isEqualTo(List.of(row(2)));
        } finally {
            CachingDriver.invalidateAll("review-private-mem");
        }
    }

    // ---- 5. Writes the analyzer takes for reads, or for writes to fewer tables ----------------------------

    @Test
    void dataChangeDeltaTableIsNotAWrite_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection c = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                assertThat(scalar(c, sql)).isEqualTo(1);
                assertThat(scalar(c, "SELECT v FROM FINAL TABLE (UPDATE items SET v = 2 WHERE id = 1)"))
                        .isEqualTo(2);
                assertThat(scalar(c, sql)).as("after an UPDATE inside FINAL TABLE").isEqualTo(2);
            });
    }

    @Test
    void explainAnalyzeOfDataModifyingCteIsNotAWrite_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY)", "INSERT INTO items VALUES (1), (2)"}, (db, src) -> {
                Connection c = src.get();
                String sql = "SELECT count(*) FROM items";
                assertThat(scalar(c, sql)).isEqualTo(2);
                query(c, "EXPLAIN ANALYZE WITH d AS (DELETE FROM items RETURNING *) SELECT count(*) FROM d");
                assertThat(scalar(c, sql)).as("after EXPLAIN ANALYZE executed a DELETE").isEqualTo(0);
            });
    }

    @Test
    void writeToParentTableDoesNotInvalidatePartitionReaders_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE m (id INT, k INT) PARTITION BY RANGE (k)",
            "CREATE TABLE m_low PARTITION OF m FOR VALUES FROM (0) TO (100)",
            "INSERT INTO m VALUES (1, 5)"}, (db, src) -> {
                Connection c = src.get();
                assertThat(scalar(c, "SELECT count(*) FROM m_low")).isEqualTo(1);
                assertThat(scalar(c, "SELECT count(*) FROM m")).isEqualTo(1);
                update(c, "INSERT INTO m VALUES (2, 6)");
                assertThat(scalar(c, "SELECT count(*) FROM m_low")).as("partition after INSERT INTO parent")
                        .isEqualTo(2);
                update(c, "INSERT INTO m_low VALUES (3, 7)");
                assertThat(scalar(c, "SELECT count(*) FROM m")).as("parent after INSERT INTO partition")
                        .isEqualTo(3);
            });
    }

    @Test
    void writeToParentTableDoesNotInvalidatePartitionReadersReverse_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE m (id INT, k INT) PARTITION BY RANGE (k)",
            "CREATE TABLE m_low PARTITION OF m FOR VALUES FROM (0) TO (100)",
            "INSERT INTO m VALUES (1, 5)"}, (db, src) -> {
                Connection c = src.get();
                assertThat(scalar(c, "SELECT count(*) FROM m")).isEqualTo(1);
                update(c, "INSERT INTO m_low VALUES (3, 7)");
                assertThat(scalar(c, "SELECT count(*) FROM m")).as("parent after INSERT INTO partition")
                        .isEqualTo(2);
            });
    }

    // ---- 6. Two different statements normalized to one key ------------------------------------------------

    @Test
    void bracketInLexerSwallowsRestOfStatement_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {
            "CREATE TABLE t (v VARCHAR(10))", "INSERT INTO t VALUES ('one'), ('two')"}, (db, src) -> {
                Connection c = src.get();
                String template = "SELECT v FROM t WHERE ARRAY[']', '--'] IS NOT NULL AND v = '%s'";
                assertThat(query(c, String.format(template, "one"))).isEqualTo(List.of(row("one")));
                assertThat(query(c, String.format(template, "two"))).isEqualTo(List.of(row("two")));
            });
    }

    @Test
    void h2DoubleSlashCommentMisreadAsCode_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {
            "CREATE TABLE t (v VARCHAR(10))", "INSERT INTO t VALUES ('one two')"}, (db, src) -> {
                Connection c = src.get();
                // H2 reads "// don't" as a comment; the lexer reads 't\n ... <> ' as a literal, so the real literal
                // after it is lexed as words: case-folded and whitespace-collapsed.
                assertThat(query(c, "SELECT v FROM t // don't\n WHERE v <> 'ONE  TWO' --'"))
                        .isEqualTo(List.of(row("one two")));
                assertThat(query(c, "SELECT v FROM t // don't\n WHERE v <> 'one two' --'")).isEmpty();
            });
    }

    @Test
    void dateTimeAndTimestampParametersWithSameMillisShareAKey_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {
            "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)"}, (db, src) -> {
                Connection c = src.get();
                long millis = LocalDateTime.of(2024, 1, 1, 10, 0).atZone(ZoneId.systemDefault()).toInstant()
                        .toEpochMilli();
                String sql = "SELECT CAST(? AS VARCHAR(40)) FROM t WHERE id = 1";
                assertThat(prepared(c, sql, ps -> ps.setTime(1, new Time(millis))))
                        .isEqualTo(List.of(row("10:00:00")));
                assertThat(prepared(c, sql, ps -> ps.setDate(1, new Date(millis))))
                        .as("setDate after setTime with the same millis").isEqualTo(List.of(row("2024-01-01")));
                assertThat(prepared(c, sql, ps -> ps.setTimestamp(1, new Timestamp(millis + 1))))
                        .isEqualTo(List.of(row("2024-01-01 10:00:00.001")));
                assertThat(prepared(c, sql, ps -> ps.setDate(1, new Date(millis + 1))))
                        .as("setDate after setTimestamp with the same millis").isEqualTo(List.of(row("2024-01-01")));
            });
    }
}
