package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.scalar;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheMXBean;
import io.jdbccache.CachingDriver;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.timer.Timer;
import org.junit.jupiter.api.Test;

/**
 * Regressions from the second adversarial review. Correctness tests run their steps first on raw connections (the
 * control) and then through the cache, which must answer the same; leak tests can only be observed through the
 * cache and say so. Each once failed.
 */
class SecondReviewRegressionTest {




    private static void ignoreFailure(Connection c, String sql) {
        try {
            exec(c, sql);
        } catch (SQLException expected) {
            // the test provokes this failure
        }
    }

    // ---- 1. A write's plan computed while the catalog cannot be read is memoized forever -----------------------

    @Test
    void writePlanMemoizedWithoutCascadeAfterAbortedTransaction_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE p (id INT PRIMARY KEY)",
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p(id) ON DELETE CASCADE)",
            "INSERT INTO p VALUES (1), (2)", "INSERT INTO c VALUES (10, 1), (20, 2)"}, (db, src) -> {
                Connection reader = src.get();
                Connection writer = src.get();
                String delete = "DELETE FROM p WHERE id = 1";
                assertThat(scalar(reader, "SELECT count(*) FROM c")).isEqualTo(2);
                writer.setAutoCommit(false);
                ignoreFailure(writer, "SELECT 1/0"); // the transaction is now aborted
                ignoreFailure(writer, delete);      // fails too: "current transaction is aborted"
                writer.rollback();
                writer.setAutoCommit(true);
                assertThat(update(writer, delete)).isEqualTo(1); // cascades to c
                assertThat(scalar(reader, "SELECT count(*) FROM c")).as("c after DELETE FROM p ON DELETE CASCADE")
                        .isEqualTo(1);
            });
    }

    // ---- 2. JDBC commit()/rollback()/setAutoCommit(true) that did not end the transaction ---------------------

    @Test
    void jdbcCommitRejectedInAutocommitForgetsSqlTransaction_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection writer = src.get();
                Connection reader = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                exec(writer, "BEGIN");
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                try {
                    writer.commit(); // pgjdbc: "Cannot commit when autoCommit is enabled"; the transaction stays open
                } catch (SQLException expected) {
                    // both raw and cached
                }
                assertThat(scalar(reader, sql)).as("uncommitted").isEqualTo(1);
                exec(writer, "COMMIT");
                assertThat(scalar(reader, sql)).as("after COMMIT through the driver").isEqualTo(2);
            });
    }

    @Test
    void setAutoCommitTrueWhileAlreadyTrueForgetsSqlTransaction_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection writer = src.get();
                Connection reader = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                exec(writer, "BEGIN");
                writer.setAutoCommit(true); // already true: a no-op for pgjdbc, the transaction stays open
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(reader, sql)).as("uncommitted").isEqualTo(1);
                exec(writer, "COMMIT");
                assertThat(scalar(reader, sql)).as("after COMMIT through the driver").isEqualTo(2);
            });
    }

    // ---- 3. COMMIT AND CHAIN keeps the isolation level: a snapshot transaction read as READ COMMITTED --------

    @Test
    void commitAndChainKeepsRepeatableRead_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection snapshot = src.get();
                Connection writer = src.get();
                Connection other = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                exec(snapshot, "BEGIN ISOLATION LEVEL REPEATABLE READ");
                exec(snapshot, "COMMIT AND CHAIN"); // the chained transaction is REPEATABLE READ too
                assertThat(scalar(snapshot, sql)).isEqualTo(1); // snapshot taken
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(snapshot, sql)).isEqualTo(1); // from its snapshot: stored under a current stamp
                assertThat(scalar(other, sql)).as("autocommit read after a committed UPDATE").isEqualTo(2);
                exec(snapshot, "ROLLBACK");
            });
    }

    // ---- 4. Session settings: the key says what the session does not -----------------------------------------

    @Test
    void timeZoneAliasesMakeOneKeyForTwoZones_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE tz (t TIMESTAMPTZ)", "INSERT INTO tz VALUES ('2024-01-01 00:00:00+00')"}, (db, src) -> {
                String sql = "SELECT CAST(t AS VARCHAR) FROM tz";
                Connection a = src.get();
                exec(a, "SET TIME ZONE 'Asia/Tokyo'", "SET timezone = 'UTC'"); // in force: UTC
                assertThat(query(a, sql)).isEqualTo(List.of(row("2024-01-01 00:00:00+00")));
                Connection b = src.get();
                exec(b, "SET timezone = 'UTC'", "SET TIME ZONE 'Asia/Tokyo'"); // in force: Asia/Tokyo
                assertThat(query(b, sql)).as("session time zone Asia/Tokyo")
                        .isEqualTo(List.of(row("2024-01-01 09:00:00+09")));
            });
    }

    @Test
    void settingOfTransactionThatCommitTurnedIntoRollbackStaysInKey_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE iv (d INTERVAL)", "INSERT INTO iv VALUES (INTERVAL '1 day 2 hours')"}, (db, src) -> {
                String sql = "SELECT CAST(d AS VARCHAR) FROM iv";
                String set = "SET IntervalStyle = sql_standard";
                Connection a = src.get();
                a.setAutoCommit(false);
                exec(a, set);
                ignoreFailure(a, "SELECT 1/0"); // aborts the transaction
                a.commit();                      // PostgreSQL rolls an aborted transaction back: the SET is undone
                a.setAutoCommit(true);
                assertThat(query(a, sql)).isEqualTo(List.of(row("1 day 02:00:00")));
                Connection b = src.get();
                exec(b, set);
                assertThat(query(b, sql)).as("after SET IntervalStyle = sql_standard")
                        .isEqualTo(List.of(row("1 2:00:00")));
            });
    }

    @Test
    void settingOfFailedMultiStatementStringStaysInKey_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE iv (d INTERVAL)", "INSERT INTO iv VALUES (INTERVAL '1 day 2 hours')"}, (db, src) -> {
                String sql = "SELECT CAST(d AS VARCHAR) FROM iv";
                Connection a = src.get();
                // One implicit transaction: the error rolls the SET back.
                ignoreFailure(a, "SET IntervalStyle = sql_standard; SELECT 1/0");
                assertThat(query(a, sql)).isEqualTo(List.of(row("1 day 02:00:00")));
                Connection b = src.get();
                exec(b, "SET IntervalStyle = sql_standard; SELECT 1");
                assertThat(query(b, sql)).as("after SET IntervalStyle = sql_standard")
                        .isEqualTo(List.of(row("1 2:00:00")));
            });
    }

    // ---- 5. cache.neverCacheTables / cache.ttl.<table> are not applied through a view -------------------------

    @Test
    void neverCacheTablesBypassedThroughView_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {
            "CREATE TABLE cart_items (id INT PRIMARY KEY, qty INT)", "INSERT INTO cart_items VALUES (1, 1)",
            "CREATE VIEW cart_view AS SELECT id, qty FROM cart_items"}, (db, src) -> {
                Connection c = src.get();
                Connection reader = c.getClass().getName().startsWith("io.jdbccache")
                        ? db.cached("cache.neverCacheTables", "cart_items") : c;
                String sql = "SELECT qty FROM cart_view WHERE id = 1";
                assertThat(scalar(reader, sql)).isEqualTo(1);
                db.setup("UPDATE cart_items SET qty = 5 WHERE id = 1"); // another application: cart_items is listed
                assertThat(scalar(reader, sql)).as("a table in cache.neverCacheTables, read through a view")
                        .isEqualTo(5);
            });
    }

    // ---- 6. A write calling a function that writes another table ---------------------------------------------

    @Test
    void writeCallingWritingFunctionDoesNotInvalidateItsTables_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE a (id INT PRIMARY KEY, v INT)", "INSERT INTO a VALUES (1, 0)",
            "CREATE TABLE audit (id SERIAL PRIMARY KEY, note TEXT)",
            "CREATE FUNCTION log_change() RETURNS INT LANGUAGE SQL AS "
                    + "'INSERT INTO audit(note) VALUES (''changed'') RETURNING 1'"}, (db, src) -> {
                Connection c = src.get();
                String sql = "SELECT count(*) FROM audit";
                assertThat(scalar(c, sql)).isEqualTo(0);
                update(c, "UPDATE a SET v = log_change() WHERE id = 1");
                assertThat(scalar(c, sql)).as("after an UPDATE whose function inserted into audit").isEqualTo(1);
            });
    }

    // ---- 7. Connection.abort() skips the bookkeeping of close() ----------------------------------------------

    /** Leak (observable only through the cache): abort() leaves the cache, its bean and its writer counters. */
    @Test
    void abortLeaksCacheBeanAndUncommittedWriterCounter_pg() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)");
            Connection keeper = db.cached();
            Connection aborted = DriverManager.getConnection(db.cachedUrl);
            aborted.setAutoCommit(false);
            update(aborted, "UPDATE items SET v = 2 WHERE id = 1");
            aborted.abort(Runnable::run); // e.g. HikariCP shutting down with connections in use
            assertThat(aborted.isClosed()).isTrue(); // the database rolled the transaction back
            String sql = "SELECT v FROM items WHERE id = 1";
            assertThat(scalar(keeper, sql)).isEqualTo(1);
            TestDb.resetExecutions();
            assertThat(scalar(keeper, sql)).isEqualTo(1);
            assertThat(TestDb.executions()).as("second identical read after the aborted transaction ended: a hit")
                    .isZero();
            keeper.close();
            assertThat(CachingDriver.statistics(db.cacheName)).as("cache dropped after its last connection closed")
                    .isEmpty();
        }
    }

    /** Leak (observable only through the cache): after abort() of its only connection the cache and bean stay. */
    @Test
    void abortLeaksCacheRegistrationAndBean_pg() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            Connection only = DriverManager.getConnection(db.cachedUrl);
            only.abort(Runnable::run);
            assertThat(only.isClosed()).isTrue();
            assertThat(CachingDriver.statistics(db.cacheName)).as("cache of a name with no open connection")
                    .isEmpty();
            assertThat(ManagementFactory.getPlatformMBeanServer()
                    .isRegistered(new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName)))
                    .as("bean of a cache with no open connection").isFalse();
        }
    }

    // ---- 12. ALTER TABLE ... INHERIT adds rows to the parent without invalidating it -------------------------

    @Test
    void alterTableInheritDoesNotInvalidateParentReaders_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE parent (id INT)", "INSERT INTO parent VALUES (1)",
            "CREATE TABLE orphan (id INT)", "INSERT INTO orphan VALUES (2)"}, (db, src) -> {
                Connection c = src.get();
                String sql = "SELECT count(*) FROM parent";
                assertThat(scalar(c, sql)).isEqualTo(1);
                exec(c, "ALTER TABLE orphan INHERIT parent");
                assertThat(scalar(c, sql)).as("parent after ALTER TABLE orphan INHERIT parent").isEqualTo(2);
            });
    }

    // ---- 13. cache.cacheInSnapshotTransactions=true stores old snapshots for every connection ---------------

    @Test
    void cacheInSnapshotTransactionsServesOldSnapshotToOtherConnections_pg() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection other = src.get();
                boolean cached = other.getClass().getName().startsWith("io.jdbccache");
                Connection snapshot = cached ? db.cached("cache.cacheInSnapshotTransactions", "true") : db.raw();
                Connection writer = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                snapshot.setAutoCommit(false);
                snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(scalar(snapshot, "SELECT count(*) FROM items")).isEqualTo(1); // snapshot taken
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(snapshot, sql)).isEqualTo(1); // its snapshot, stored under a current stamp
                assertThat(scalar(other, sql)).as("a default-configured connection after a committed UPDATE")
                        .isEqualTo(2);
                snapshot.rollback();
            });
    }

    // ---- 14. A statement run after its connection closed leaks a writer counter ------------------------------

    /** Leak (observable only through the cache). */
    @Test
    void writeAfterCloseLeaksUncommittedWriterCounter_h2() throws Exception {
        try (TestDb db = TestDb.open(Database.H2)) {
            db.setup("CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)");
            Connection reader = db.cached();
            Connection closed = DriverManager.getConnection(db.cachedUrl);
            closed.setAutoCommit(false);
            Statement statement = closed.createStatement();
            closed.close(); // e.g. a pool closing an abandoned connection while its thread goes on
            try {
                statement.executeUpdate("UPDATE items SET v = 2 WHERE id = 1");
            } catch (SQLException expected) {
                // the connection is closed
            }
            String sql = "SELECT v FROM items WHERE id = 1";
            assertThat(scalar(reader, sql)).isEqualTo(1);
            TestDb.resetExecutions();
            assertThat(scalar(reader, sql)).isEqualTo(1);
            assertThat(TestDb.executions()).as("second identical read, nothing written: a hit").isZero();
        }
    }

    // ---- 8. deregister() with open connections: two caches for one name ------------------------------------

    @Test
    void deregisterWhileConnectionsOpenSplitsTheCache_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (db, src) -> {
                Connection old = src.get();
                CachingDriver.deregister(); // e.g. a container's redeploy hook, or a library re-registering
                CachingDriver.register();
                Connection fresh = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                assertThat(scalar(fresh, sql)).isEqualTo(1);
                update(old, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(fresh, sql)).as("after an UPDATE through a connection of the same cache name")
                        .isEqualTo(2);
            });
    }

    // ---- 9. EXPLAIN output shows the literal values of the last query --------------------------------------

    @Test
    void explainShowsLiteralValuesOfLastQuery_h2() throws Exception {
        try (TestDb db = TestDb.open(Database.H2)) {
            db.setup("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80))",
                    "INSERT INTO users VALUES (1, 'alice@example.com')");
            Connection c = db.cached();
            query(c, "SELECT id FROM users WHERE email = 'alice@example.com'");
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            CacheMXBean bean = JMX.newMXBeanProxy(server,
                    new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName), CacheMXBean.class);
            String id = bean.getQueryShapes()[0].getId();
            assertThat(bean.getQueryShapes()[0].getShape()).doesNotContain("alice");
            assertThat(bean.explain(id)).as("explain(id) through JMX").doesNotContain("alice@example.com");
            assertThat(bean.adviceReport(true)).as("adviceReport(true) through JMX")
                    .doesNotContain("alice@example.com");
        }
    }

    // ---- 10. Closing the last connection unregisters a bean that is not ours ---------------------------------

    @Test
    void lastCloseUnregistersAnotherClassLoadersBean_h2() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (TestDb db = TestDb.open(Database.H2)) {
            ObjectName name = new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName);
            // Stands for the bean of another web application's copy of the driver using the same cache name.
            server.registerMBean(new Timer(), name);
            try {
                Connection c = DriverManager.getConnection(db.cachedUrl); // logs "JMX name ... is taken"
                c.close();
                assertThat(server.isRegistered(name)).as("the other application's bean").isTrue();
            } finally {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            }
        }
    }

    // ---- 11. A BEGIN that failed leaves the connection "in a transaction" for good --------------------------

    /** Leak (observable only through the cache): a table written afterwards stays uncacheable for everyone. */
    @Test
    void failedBeginLeaksUncommittedWriterCounter_pg() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)");
            Connection writer = db.cached();
            Connection reader = db.cached();
            ignoreFailure(writer, "BEGIN ISOLATION LEVEL NONSENSE"); // syntax error: no transaction
            update(writer, "UPDATE items SET v = 2 WHERE id = 1");   // autocommit: committed at once
            String sql = "SELECT v FROM items WHERE id = 1";
            assertThat(scalar(reader, sql)).isEqualTo(2);
            TestDb.resetExecutions();
            assertThat(scalar(reader, sql)).isEqualTo(2);
            assertThat(TestDb.executions()).as("second identical read, nothing written since: a hit").isZero();
        }
    }
}
