package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.execFailing;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.scalar;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transactions see their own writes; others see committed data only; rollback leaves the cache correct. A
 * transaction is tracked however it begins, chains or fails to end: BEGIN inside a multi-statement string, COMMIT AND
 * CHAIN (keeping its isolation), a JDBC commit or setAutoCommit(true) the driver refuses or ignores, a BEGIN that
 * failed, snapshot isolation set as a quoted default. The scenarios that use {@link RawThenCached} run first on raw
 * connections, then through the cache.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class TransactionTest {
    private static final String PRICE = "SELECT price FROM products WHERE id = 1";
    private static final String CATEGORIES = "SELECT id, title FROM categories ORDER BY id";
    private static final String[] ITEMS = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"};
    private static final String ITEM = "SELECT v FROM items WHERE id = 1";

    @Parameter
    Database database;
    TestDb db;
    Connection writer;
    Connection reader;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDb.open(database);
        db.createProducts();
        writer = db.cached();
        reader = db.cached();
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    @Test
    void ownWritesAreSeenAndOthersSeeThemAfterCommit() throws SQLException {
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        writer.setAutoCommit(false);
        assertThat(query(writer, PRICE)).containsExactly(row(10));
        update(writer, "UPDATE products SET price = 11 WHERE id = 1");
        for (int i = 0; i < 2; i++) {
            assertThat(query(writer, PRICE)).as("own write").containsExactly(row(11));
            assertThat(query(reader, PRICE)).as("uncommitted write is invisible to others").containsExactly(row(10));
        }
        // The writer's reads of a table it wrote bypass the cache; its reads of other tables may use it.
        long bypasses = db.statistics().bypassCount();
        query(writer, PRICE);
        assertThat(db.statistics().bypassCount()).isEqualTo(bypasses + 1);
        writer.commit();
        assertThat(query(reader, PRICE)).containsExactly(row(11));
        assertThat(query(writer, PRICE)).containsExactly(row(11));
        assertThat(query(db.raw(), PRICE)).containsExactly(row(11));
        long executions = executions();
        assertThat(query(reader, PRICE)).containsExactly(row(11));
        assertThat(query(writer, PRICE)).containsExactly(row(11));
        assertThat(executions()).as("cached again after commit").isEqualTo(executions);
    }

    @Test
    void readsOfUnwrittenTablesInATransactionMayUseTheCache() throws SQLException {
        query(reader, CATEGORIES);
        writer.setAutoCommit(false);
        update(writer, "UPDATE products SET price = 11 WHERE id = 1");
        long executions = executions();
        assertThat(query(writer, CATEGORIES)).hasSize(2);
        assertThat(executions()).isEqualTo(executions);
        writer.commit();
    }

    @Test
    void rollbackLeavesTheCacheCorrect() throws SQLException {
        writer.setAutoCommit(false);
        update(writer, "UPDATE products SET price = 99 WHERE id = 1");
        assertThat(query(writer, PRICE)).containsExactly(row(99));
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        writer.rollback();
        for (Connection c : List.of(writer, reader, writer, reader)) {
            assertThat(query(c, PRICE)).containsExactly(row(10));
        }
        writer.setAutoCommit(true);
        assertThat(query(writer, PRICE)).containsExactly(row(10));
    }

    @Test
    void rollbackToSavepoint() throws SQLException {
        writer.setAutoCommit(false);
        update(writer, "UPDATE products SET price = 11 WHERE id = 1");
        Savepoint savepoint = writer.setSavepoint();
        update(writer, "UPDATE products SET price = 12 WHERE id = 1");
        assertThat(query(writer, PRICE)).containsExactly(row(12));
        writer.rollback(savepoint);
        assertThat(query(writer, PRICE)).containsExactly(row(11));
        writer.commit();
        assertThat(query(reader, PRICE)).containsExactly(row(11));
        assertThat(query(writer, PRICE)).containsExactly(row(11));
    }

    @Test
    void setAutoCommitTrueCommits() throws SQLException {
        writer.setAutoCommit(false);
        update(writer, "UPDATE products SET price = 13 WHERE id = 1");
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        writer.setAutoCommit(true);
        assertThat(query(reader, PRICE)).containsExactly(row(13));
    }

    @Test
    void sqlBeginCommitIsTracked() throws SQLException {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "BEGIN is PostgreSQL syntax");
        assertSqlTransactionControlIsTracked("BEGIN");
    }

    @Test
    void sqlSetAutocommitOffIsTracked() throws SQLException {
        Assumptions.assumeTrue(database == Database.H2, "SET AUTOCOMMIT OFF is H2 syntax");
        assertSqlTransactionControlIsTracked("SET AUTOCOMMIT OFF");
    }

    private void assertSqlTransactionControlIsTracked(String begin) throws SQLException {
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        TestDb.exec(writer, begin);
        update(writer, "UPDATE products SET price = 14 WHERE id = 1");
        assertThat(query(writer, PRICE)).containsExactly(row(14));
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        TestDb.exec(writer, "COMMIT");
        assertThat(query(reader, PRICE)).as("after COMMIT").containsExactly(row(14));
    }

    @Test
    void beginInsideAMultiStatementStringStartsATransaction() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "BEGIN is PostgreSQL syntax");
        controlThenCached(database, ITEMS, (run, src) -> {
            Connection writing = src.get();
            Connection other = src.get();
            exec(writing, "BEGIN; UPDATE items SET v = 2 WHERE id = 1");
            assertThat(scalar(writing, ITEM)).isEqualTo(2);
            assertThat(scalar(other, ITEM)).as("another connection must not see uncommitted data").isEqualTo(1);
            exec(writing, "ROLLBACK");
            assertThat(scalar(other, ITEM)).as("after ROLLBACK").isEqualTo(1);
        });
    }

    @Test
    void aFailedBeginStartsNoTransaction() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "BEGIN is PostgreSQL syntax");
        db.setup(ITEMS);
        execFailing(writer, "BEGIN ISOLATION LEVEL NONSENSE"); // syntax error: no transaction
        update(writer, "UPDATE items SET v = 2 WHERE id = 1");  // autocommit: committed at once
        assertThat(scalar(reader, ITEM)).isEqualTo(2);
        TestDb.resetExecutions();
        assertThat(scalar(reader, ITEM)).isEqualTo(2);
        assertThat(executions()).as("second identical read, nothing written since: a hit").isZero();
    }

    @Test
    void aJdbcCommitRefusedInAutocommitLeavesTheSqlTransactionOpen() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "BEGIN is PostgreSQL syntax");
        controlThenCached(database, ITEMS, (run, src) -> {
            Connection writing = src.get();
            Connection other = src.get();
            exec(writing, "BEGIN");
            update(writing, "UPDATE items SET v = 2 WHERE id = 1");
            try {
                writing.commit(); // pgjdbc: "Cannot commit when autoCommit is enabled"; the transaction stays open
            } catch (SQLException expected) {
                // both raw and cached
            }
            assertThat(scalar(other, ITEM)).as("uncommitted").isEqualTo(1);
            exec(writing, "COMMIT");
            assertThat(scalar(other, ITEM)).as("after COMMIT through the driver").isEqualTo(2);
        });
    }

    @Test
    void setAutoCommitTrueWhenAlreadyOnLeavesTheSqlTransactionOpen() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "BEGIN is PostgreSQL syntax");
        controlThenCached(database, ITEMS, (run, src) -> {
            Connection writing = src.get();
            Connection other = src.get();
            exec(writing, "BEGIN");
            writing.setAutoCommit(true); // already true: a no-op for pgjdbc, the transaction stays open
            update(writing, "UPDATE items SET v = 2 WHERE id = 1");
            assertThat(scalar(other, ITEM)).as("uncommitted").isEqualTo(1);
            exec(writing, "COMMIT");
            assertThat(scalar(other, ITEM)).as("after COMMIT through the driver").isEqualTo(2);
        });
    }

    @Test
    void commitAndChainStartsATransactionAtOnce() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "COMMIT AND CHAIN is PostgreSQL syntax");
        controlThenCached(database, ITEMS, (run, src) -> {
            Connection chained = src.get();
            Connection other = src.get();
            exec(chained, "BEGIN");
            exec(chained, "COMMIT AND CHAIN"); // a new transaction is open at once
            update(chained, "UPDATE items SET v = 2 WHERE id = 1");
            assertThat(scalar(chained, ITEM)).isEqualTo(2); // its own uncommitted write: never to be served to others
            assertThat(scalar(other, ITEM)).as("another connection must not see uncommitted data").isEqualTo(1);
            exec(chained, "ROLLBACK");
            assertThat(scalar(other, ITEM)).as("after ROLLBACK").isEqualTo(1);
        });
    }

    @Test
    void commitAndChainKeepsRepeatableRead() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "COMMIT AND CHAIN is PostgreSQL syntax");
        controlThenCached(database, ITEMS, (run, src) -> {
            Connection snapshot = src.get();
            Connection writing = src.get();
            Connection other = src.get();
            exec(snapshot, "BEGIN ISOLATION LEVEL REPEATABLE READ");
            exec(snapshot, "COMMIT AND CHAIN"); // the chained transaction is REPEATABLE READ too
            assertThat(scalar(snapshot, ITEM)).isEqualTo(1); // snapshot taken
            update(writing, "UPDATE items SET v = 2 WHERE id = 1");
            assertThat(scalar(snapshot, ITEM)).isEqualTo(1); // from its snapshot: never to be served to others
            assertThat(scalar(other, ITEM)).as("autocommit read after a committed UPDATE").isEqualTo(2);
            exec(snapshot, "ROLLBACK");
        });
    }

    @Test
    void snapshotIsolationSetAsAQuotedDefaultIsASnapshotTransaction() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "default_transaction_isolation is PostgreSQL's");
        controlThenCached(database, ITEMS, (run, src) -> {
            String setting = "SET default_transaction_isolation = 'repeatable read'";
            Connection snapshot = src.get();
            Connection other = src.get();
            Connection writing = src.get();
            exec(snapshot, setting);
            exec(other, setting);
            snapshot.setAutoCommit(false);
            assertThat(scalar(snapshot, ITEM)).isEqualTo(1); // snapshot taken
            update(writing, "UPDATE items SET v = 2 WHERE id = 1");
            assertThat(scalar(snapshot, ITEM)).isEqualTo(1); // from its snapshot: never to be served to others
            assertThat(scalar(other, ITEM)).as("autocommit read after a committed UPDATE").isEqualTo(2);
            snapshot.rollback();
        });
    }

    @Test
    void closingAConnectionWithAnOpenTransactionLeavesNothingStale() throws SQLException {
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        writer.setAutoCommit(false);
        update(writer, "UPDATE products SET price = 15 WHERE id = 1");
        assertThat(query(writer, PRICE)).containsExactly(row(15));
        writer.close();
        List<List<Object>> truth = query(db.raw(), PRICE);
        assertThat(query(reader, PRICE)).isEqualTo(truth);
    }
}
