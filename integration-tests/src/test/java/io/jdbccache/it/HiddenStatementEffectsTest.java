package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CachingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Effects a statement's text hides from a first look: transaction control sent through {@code executeQuery} or
 * inside a routine body, DDL after whitespace or a JDBC escape, failed strings and batches that ran some DDL,
 * NULLs bound through different setters, escapes left unprocessed, clock inputs built by calls or string
 * continuation, H2's case-insensitive identifiers, and a session read-back that must not wait for locks. Raw and
 * cached runs must agree.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class HiddenStatementEffectsTest {
    private static final String[] T = {
        "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
        "INSERT INTO t VALUES (1, 10), (2, 20)",
    };
    private static final String[] VIEW_OVER_A = {
        "CREATE TABLE a (id INT PRIMARY KEY, v INT)", "INSERT INTO a VALUES (1, 10)",
        "CREATE TABLE b (id INT PRIMARY KEY, v INT)", "INSERT INTO b VALUES (1, 20)",
        "CREATE VIEW w AS SELECT id, v FROM a",
    };

    @Parameter
    Database database;

    private boolean pg() {
        return database == Database.POSTGRESQL;
    }

    private void run(String[] fixture, Differential.Body body) throws Exception {
        sameOutcomes(database, fixture, Map.of(), body);
    }

    private static String executeQuery(Differential.Script s, String session, String sql) throws SQLException {
        return s.record(session + " executeQuery: " + sql, Differential.Script.outcome(() -> {
            try (Statement st = s.session(session).createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return TestDb.rows(rs).toString();
            }
        }));
    }

    // ---- BEGIN sent through executeQuery: pgjdbc runs it, then throws 02000; the transaction has begun

    @Test
    void beginThroughExecuteQueryIsMissed() throws Exception {
        Assumptions.assumeTrue(pg(),
                "BEGIN is PostgreSQL syntax (pgjdbc runs it through executeQuery, then throws 02000)");
        run(T, s -> {
            s.q("B", "SELECT v FROM t WHERE id = 1");
            executeQuery(s, "A", "BEGIN"); // ERROR 02000, but the server is now in a transaction
            s.q("A", "UPDATE t SET v = 99 WHERE id = 1");
            s.q("B", "SELECT v FROM t WHERE id = 1"); // 10 (uncommitted), stored by the cache
            s.q("A", "COMMIT");
            s.q("B", "SELECT v FROM t WHERE id = 1"); // the database answers 99
        });
    }

    // ---- BEGIN ATOMIC: pgjdbc keeps the body in one statement, so its END is no COMMIT

    @Test
    void endOfBeginAtomicBodyIsReadAsCommit() throws Exception {
        Assumptions.assumeTrue(pg(), "BEGIN ATOMIC is PostgreSQL syntax");
        run(T, s -> {
            s.q("B", "SELECT v FROM t WHERE id = 1");
            s.q("A", "BEGIN");
            s.q("A", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END");
            s.q("A", "UPDATE t SET v = 99 WHERE id = 1");
            s.q("B", "SELECT v FROM t WHERE id = 1");
            s.q("A", "COMMIT");
            s.q("B", "SELECT v FROM t WHERE id = 1"); // the database answers 99
        });
    }

    // ---- SELECT ... INTO creates a table: DDL

    @Test
    void selectIntoCreatingATableEarlierOnTheSearchPath() throws Exception {
        Assumptions.assumeTrue(pg(), "SELECT ... INTO a new table and search_path are PostgreSQL's");
        run(new String[] {"CREATE SCHEMA IF NOT EXISTS ${schema}_first", "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
            "INSERT INTO t VALUES (1, 10)"}, s -> {
                s.session("KEEPS_THE_CACHE_OPEN");
                try {
                    s.q("A", "SET search_path = " + s.schema() + "_first, " + s.schema());
                    s.q("A", "SELECT v FROM t");
                    s.q("A", "SELECT 99 AS v INTO " + s.schema() + "_first.t");
                    s.q("A", "SELECT v FROM t"); // the database answers 99
                } finally {
                    s.q("A", "DROP SCHEMA " + s.schema() + "_first CASCADE");
                }
            });
    }

    // ---- DDL whose text holds a JDBC escape keeps its raw text, leading whitespace included: still DDL

    @Test
    void escapedDdlAfterLeadingWhitespaceReplacesAView() throws Exception {
        Assumptions.assumeTrue(pg(), "pgjdbc keeps the raw text of DDL holding a JDBC escape");
        run(VIEW_OVER_A, s -> {
            s.q("A", "SELECT v FROM w");
            s.q("A", " CREATE OR REPLACE VIEW w AS SELECT id, {fn abs(v)} AS v FROM b");
            s.q("A", "SELECT v FROM w");
            s.q("A", "UPDATE b SET v = 21");
            s.q("A", "SELECT v FROM w"); // 21: w reads b now
        });
    }

    @Test
    void escapedDdlAfterLeadingWhitespaceCreatesATableEarlierOnThePath() throws Exception {
        Assumptions.assumeTrue(pg(), "search_path is PostgreSQL's");
        run(new String[] {"CREATE SCHEMA IF NOT EXISTS ${schema}_first", "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
            "INSERT INTO t VALUES (1, 10)"}, s -> {
                s.session("KEEPS_THE_CACHE_OPEN");
                try {
                    s.q("A", "SET search_path = " + s.schema() + "_first, " + s.schema());
                    s.q("A", "SELECT v FROM t");
                    s.q("A", " CREATE TABLE " + s.schema() + "_first.t AS SELECT {fn abs(-99)} AS v");
                    s.q("A", "SELECT v FROM t"); // the database answers 99
                } finally {
                    s.q("A", "DROP SCHEMA " + s.schema() + "_first CASCADE");
                }
            });
    }

    // ---- A failed batch or multi-statement string whose DDL did run: the catalog is read again

    @Test
    void failedMultiStatementStringWithCommittedDdl() throws Exception {
        Assumptions.assumeTrue(pg(), "a COMMIT inside a multi-statement string is PostgreSQL's");
        run(VIEW_OVER_A, s -> {
            s.q("A", "SELECT v FROM w");
            s.q("A", "CREATE OR REPLACE VIEW w AS SELECT id, v FROM b; COMMIT; INSERT INTO nosuch VALUES (1)");
            s.q("A", "SELECT v FROM w");
            s.q("A", "UPDATE b SET v = 21");
            s.q("A", "SELECT v FROM w"); // the database answers 21
        });
    }

    @Test
    void failedBatchWithCommittedDdl() throws Exception {
        Assumptions.assumeTrue(!pg(),
                "pgjdbc runs a batch as one transaction: on PostgreSQL the DDL before the failure rolls back");
        run(VIEW_OVER_A, s -> {
            s.q("A", "SELECT v FROM w");
            s.record("A batch", Differential.Script.outcome(() -> {
                try (Statement st = s.session("A").createStatement()) {
                    st.addBatch("CREATE OR REPLACE VIEW w AS SELECT id, v FROM b");
                    st.addBatch("INSERT INTO nosuch VALUES (1)");
                    return Arrays.toString(st.executeBatch());
                }
            }));
            s.q("A", "SELECT v FROM w");
            s.q("A", "UPDATE b SET v = 21");
            s.q("A", "SELECT v FROM w"); // the database answers 21
        });
    }

    // ---- NULLs bound with different setters: pgjdbc sends them with different types, so they are different keys

    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static String prepared(Differential.Script s, String label, String sql, Binder binder) throws SQLException {
        return s.record(label + ": " + sql, Differential.Script.outcome(() -> {
            try (PreparedStatement st = s.session("A").prepareStatement(sql)) {
                binder.bind(st);
                return Differential.Script.describe(st, st.execute());
            }
        }));
    }

    @Test
    void typedNullsShareAKey() throws Exception {
        Assumptions.assumeTrue(pg(), "pgjdbc sends NULLs bound through different setters with different types");
        String sql = "SELECT coalesce(?, 'x') AS c";
        run(T, s -> {
            prepared(s, "setObject(1, null)", sql, st -> st.setObject(1, null));
            prepared(s, "setBytes(1, null)", sql, st -> st.setBytes(1, null)); // the database answers 78 (bytea)
            prepared(s, "setBigDecimal(1, null)", sql, st -> st.setBigDecimal(1, null)); // the database answers 22P02
        });
    }

    // ---- Statement.setEscapeProcessing(false): a text with escapes then means something else

    private static String withoutEscapes(Differential.Script s, String sql) throws SQLException {
        return s.record("A (escape processing off): " + sql, Differential.Script.outcome(() -> {
            try (Statement st = s.session("A").createStatement()) {
                st.setEscapeProcessing(false);
                return Differential.Script.describe(st, st.execute(sql));
            }
        }));
    }

    @Test
    void escapeProcessingOffIsAnsweredFromTheCache() throws Exception {
        String sql = pg() ? "SELECT {fn abs(-1)}" : "SELECT {fn ucase('a')}";
        run(T, s -> {
            s.q("A", sql);
            withoutEscapes(s, sql); // the database answers 42601 (PostgreSQL), 42001 (H2)
        });
    }

    // ---- Clock inputs built by a call whose own parentheses take the cast, or by string continuation

    private static String first(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void clockInputsComputedByACallOrSplitByContinuation() throws Exception {
        Assumptions.assumeTrue(pg(), "'now' as a timestamptz input is PostgreSQL's");
        String[] clocks = {
            "SELECT reverse('won')::timestamptz",
            "SELECT concat('n', 'ow')::timestamptz",
            "SELECT format('%sow', 'n')::timestamp",
            "SELECT timestamptz 'n'\n'ow'",
            "SELECT timestamptz 'n' -- a comment\n'ow'",
        };
        run(T, s -> {
            for (String sql : clocks) {
                String earlier = first(s.session("A"), sql);
                Thread.sleep(20);
                String later = first(s.session("A"), sql);
                s.record("a later execution of " + sql.replace("\n", "\\n") + " reads the clock again",
                        String.valueOf(!earlier.equals(later)));
            }
        });
    }

    // ---- H2 with CASE_INSENSITIVE_IDENTIFIERS: "t" and T are one table

    @Test
    void caseInsensitiveIdentifiersMakeQuotedAndUnquotedNamesOneTable() throws Exception {
        Assumptions.assumeTrue(!pg(), "CASE_INSENSITIVE_IDENTIFIERS is an H2 setting");
        String name = "it_ci_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        String raw = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
        CachingDriver.register();
        try (Connection direct = DriverManager.getConnection(raw)) {
            TestDb.exec(direct, T);
            try (Connection cached = DriverManager.getConnection("jdbc:cache:" + raw.substring("jdbc:".length())
                    + ";cache.name=it-" + name)) {
                String read = "SELECT v FROM t ORDER BY id";
                assertThat(TestDb.query(cached, read)).isEqualTo(TestDb.query(direct, read));
                TestDb.exec(cached, "UPDATE \"t\" SET v = v + 1");
                assertThat(TestDb.query(cached, read)).as("cached read after UPDATE \"t\" through the cache")
                        .isEqualTo(TestDb.query(direct, read));
            }
            TestDb.exec(direct, "SHUTDOWN");
        }
    }

    // ---- The session read-back reads no policy expression, so it never waits for a lock on a policy's table

    @Test
    void readBackWaitsForALockOnAnUnrelatedTableWithAPolicy() throws Exception {
        Assumptions.assumeTrue(pg(), "row-level security policies are PostgreSQL's");
        run(new String[] {"CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 10)",
            "CREATE TABLE docs (id INT PRIMARY KEY, tenant TEXT)", "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY p ON docs USING (tenant = current_setting('app.tenant', true))"}, s -> {
                Connection locker = DriverManager.getConnection(s.db.rawUrl);
                locker.setAutoCommit(false);
                TestDb.exec(locker, "LOCK TABLE docs IN ACCESS EXCLUSIVE MODE");
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(4000);
                        locker.rollback();
                        locker.close();
                    } catch (Exception ignored) {
                        // the test is over
                    }
                });
                release.start();
                long start = System.nanoTime();
                s.record("A: SELECT v FROM t, with a 2 s query timeout, while docs is locked",
                        Differential.Script.outcome(() -> {
                            try (Statement st = s.session("A").createStatement()) {
                                st.setQueryTimeout(2);
                                String rows = Differential.Script.describe(st, st.execute("SELECT v FROM t"));
                                long millis = (System.nanoTime() - start) / 1_000_000;
                                return rows + (millis > 2_000 ? " after the query timeout" : " at once");
                            }
                        }));
                release.join();
            });
    }
}
