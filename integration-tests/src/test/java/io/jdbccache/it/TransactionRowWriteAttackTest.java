package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.execFailing;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attacks on writes by integer primary key inside a transaction (commit 3585a12): such a write bumps only its
 * table's stamp and its row's, holds them as uncommitted until the transaction ends, and bumps them again then.
 * Every scenario runs first on raw connections (the control), then through the cache, with the same assertions.
 * An attack session (helper-31) wrote it; it found one way through, older than that commit and fixed since: a
 * derived column list ({@code FROM products AS t(price, name, id)}) that gives another column the key's name was
 * taken for a read by key.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class TransactionRowWriteAttackTest {
    private static final String[] PRODUCTS = {
        "CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(50), price INT)",
        "INSERT INTO products VALUES (1, 'apple', 10), (2, 'pear', 20), (3, 'plum', 30)"};
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";
    private static final String PRICE = "SELECT price FROM products WHERE id = ?";
    private static final String ALL = "SELECT id, price FROM products ORDER BY id";
    private static final String SUM = "SELECT SUM(price) FROM products";

    @Parameter
    Database database;

    private static int write(Connection connection, String sql, Object... parameters) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private static long sum(Connection connection) throws Exception {
        return ((Number) query(connection, SUM).get(0).get(0)).longValue();
    }

    // ---- found, and fixed ---------------------------------------------------------------------------------------

    /**
     * A read naming the key column through a derived column list ({@code products AS t(price, name, id)}) is taken
     * as a read by key although its {@code id} is the table's price column: a write by key to the row it really
     * returned (row 1, price 10) moves row 1's stamp, not row 10's, so the cached answer outlives the commit.
     */
    @Test
    void aDerivedColumnListRenamingTheKeyIsNotAReadByKeyInsideATransaction() throws Exception {
        String renamed = "SELECT name FROM products AS t(price, name, id) WHERE id = ?";
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            assertThat(query(reader, renamed, 10)).containsExactly(row("apple"));
            writer.setAutoCommit(false);
            write(writer, "UPDATE products SET name = ? WHERE id = ?", "APPLE", 1);
            writer.commit();
            assertThat(query(db.raw(), renamed, 10)).containsExactly(row("APPLE"));
            assertThat(query(reader, renamed, 10))
                    .as("reader after the writer's commit of UPDATE ... WHERE id = 1 (the row whose price is 10)")
                    .containsExactly(row("APPLE"));
        });
    }

    /** The same in autocommit mode (the keyed write's row-only bump predates 3585a12). */
    @Test
    void aDerivedColumnListRenamingTheKeyIsNotAReadByKeyInAutocommit() throws Exception {
        String renamed = "SELECT name FROM products AS t(price, name, id) WHERE id = 10";
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            assertThat(query(reader, renamed)).containsExactly(row("apple"));
            write(writer, "UPDATE products SET name = ? WHERE id = ?", "APPLE", 1);
            assertThat(query(reader, renamed)).as("reader after an autocommit UPDATE ... WHERE id = 1")
                    .containsExactly(row("APPLE"));
        });
    }

    // ---- what held ------------------------------------------------------------------------------------------

    @Test
    void otherSessionsAndTheWriterSeeWhatTheDatabaseAnswersAroundCommitAndRollback() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            for (int i = 0; i < 2; i++) {
                assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
                assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
                assertThat(query(reader, ALL)).containsExactly(row(1, 10), row(2, 20), row(3, 30));
                assertThat(sum(reader)).isEqualTo(60);
            }
            writer.setAutoCommit(false);
            assertThat(write(writer, "UPDATE products SET price = ? WHERE id = ?", 11, 1)).isEqualTo(1);
            for (int i = 0; i < 2; i++) {
                assertThat(query(reader, PRICE, 1)).as("uncommitted row").containsExactly(row(10));
                assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
                assertThat(query(reader, ALL)).containsExactly(row(1, 10), row(2, 20), row(3, 30));
                assertThat(sum(reader)).isEqualTo(60);
                assertThat(query(writer, PRICE, 1)).as("writer's own row").containsExactly(row(11));
                assertThat(query(writer, PRICE, 2)).containsExactly(row(20));
                assertThat(query(writer, ALL)).containsExactly(row(1, 11), row(2, 20), row(3, 30));
                assertThat(sum(writer)).isEqualTo(61);
            }
            writer.commit();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(11));
            assertThat(query(reader, ALL)).containsExactly(row(1, 11), row(2, 20), row(3, 30));
            assertThat(sum(reader)).isEqualTo(61);
            // A rolled-back keyed write.
            assertThat(write(writer, "UPDATE products SET price = ? WHERE id = ?", 99, 2)).isEqualTo(1);
            assertThat(query(writer, PRICE, 2)).containsExactly(row(99));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
            writer.rollback();
            assertThat(query(writer, PRICE, 2)).containsExactly(row(20));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
            assertThat(sum(reader)).isEqualTo(61);
        });
    }

    @Test
    void savepointsRollBackKeyedWritesForEveryone() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            query(reader, PRICE, 1);
            query(reader, PRICE, 2);
            writer.setAutoCommit(false);
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
            Savepoint savepoint = writer.setSavepoint("s1");
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 12, 1);
            write(writer, "DELETE FROM products WHERE id = ?", 2);
            assertThat(query(writer, PRICE, 1)).containsExactly(row(12));
            assertThat(query(writer, PRICE, 2)).isEmpty();
            writer.rollback(savepoint);
            assertThat(query(writer, PRICE, 1)).containsExactly(row(11));
            assertThat(query(writer, PRICE, 2)).containsExactly(row(20));
            assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
            writer.commit();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(11));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
            assertThat(query(writer, PRICE, 1)).containsExactly(row(11));
        });
    }

    @Test
    void sqlBeginAndSavepointStatements() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "BEGIN in SQL on PostgreSQL");
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            query(reader, PRICE, 1);
            query(reader, PRICE, 3);
            exec(writer, "BEGIN");
            exec(writer, "UPDATE products SET price = 31 WHERE id = 3");
            exec(writer, "SAVEPOINT a");
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 12, 1);
            assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
            exec(writer, "ROLLBACK TO SAVEPOINT a");
            assertThat(query(writer, PRICE, 1)).containsExactly(row(10));
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 13, 1);
            exec(writer, "COMMIT");
            assertThat(query(reader, PRICE, 1)).containsExactly(row(13));
            assertThat(query(reader, PRICE, 3)).containsExactly(row(31));
        });
    }

    /** A keyed write on the parent's unique (non-key) column cascades into the child's rows. */
    @Test
    void aKeyedWriteCascadingThroughAUniqueColumn() throws Exception {
        String[] setup = {
            "CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, v INT)",
            "CREATE TABLE child (id INT PRIMARY KEY, pcode VARCHAR(10) REFERENCES parent(code)"
                    + " ON UPDATE CASCADE ON DELETE CASCADE)",
            "INSERT INTO parent VALUES (1, 'a', 0), (2, 'b', 0)", "INSERT INTO child VALUES (1, 'a'), (2, 'b')"};
        String childById = "SELECT pcode FROM child WHERE id = ?";
        controlThenCached(database, setup, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            assertThat(query(reader, childById, 1)).containsExactly(row("a"));
            assertThat(query(reader, childById, 2)).containsExactly(row("b"));
            writer.setAutoCommit(false);
            write(writer, "UPDATE parent SET code = ? WHERE id = ?", "z", 1);
            assertThat(query(writer, childById, 1)).containsExactly(row("z"));
            assertThat(query(reader, childById, 1)).containsExactly(row("a"));
            writer.commit();
            assertThat(query(reader, childById, 1)).containsExactly(row("z"));
            write(writer, "DELETE FROM parent WHERE id = ?", 2);
            writer.commit();
            assertThat(query(reader, childById, 2)).isEmpty();
        });
    }

    /** Two tables whose unique columns reference each other with ON UPDATE CASCADE: a keyed write changes another
     * row of its own table through the other one. */
    @Test
    void aCascadeCycleBackIntoTheWrittenTable() throws Exception {
        String[] setup = {
            "CREATE TABLE a (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, bcode VARCHAR(10))",
            "CREATE TABLE b (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE REFERENCES a(code) ON UPDATE CASCADE)",
            "INSERT INTO a VALUES (1, 'x', NULL), (2, 'y', NULL)",
            "INSERT INTO b VALUES (1, 'x'), (2, 'y')",
            "UPDATE a SET bcode = 'y' WHERE id = 1", "UPDATE a SET bcode = 'x' WHERE id = 2",
            "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (bcode) REFERENCES b(code) ON UPDATE CASCADE"};
        String aById = "SELECT bcode FROM a WHERE id = ?";
        controlThenCached(database, setup, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            assertThat(query(reader, aById, 2)).containsExactly(row("x"));
            writer.setAutoCommit(false);
            write(writer, "UPDATE a SET code = ? WHERE id = ?", "z", 1);
            assertThat(query(writer, aById, 2)).containsExactly(row("z"));
            writer.commit();
            assertThat(query(reader, aById, 2)).as("row 2 changed through b's cascade").containsExactly(row("z"));
        });
    }

    @Test
    void aSelfReferenceThroughAUniqueColumn() throws Exception {
        String[] setup = {
            "CREATE TABLE node (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, up VARCHAR(10)"
                    + " REFERENCES node(code) ON UPDATE CASCADE)",
            "INSERT INTO node VALUES (1, 'r', NULL), (2, 'c', 'r')"};
        String upById = "SELECT up FROM node WHERE id = ?";
        controlThenCached(database, setup, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            assertThat(query(reader, upById, 2)).containsExactly(row("r"));
            writer.setAutoCommit(false);
            write(writer, "UPDATE node SET code = ? WHERE id = ?", "R", 1);
            writer.commit();
            assertThat(query(reader, upById, 2)).containsExactly(row("R"));
        });
    }

    @Test
    void deleteThenInsertOfTheSameKeyAndAMovedKey() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            query(reader, BY_ID, 1);
            query(reader, BY_ID, 4);
            query(reader, BY_ID, 5);
            writer.setAutoCommit(false);
            write(writer, "DELETE FROM products WHERE id = ?", 1);
            write(writer, "INSERT INTO products VALUES (?, ?, ?)", 1, "fig", 5);
            assertThat(query(reader, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            assertThat(query(writer, BY_ID, 1)).containsExactly(row(1, "fig", 5));
            writer.commit();
            assertThat(query(reader, BY_ID, 1)).containsExactly(row(1, "fig", 5));
            query(reader, BY_ID, 3);
            write(writer, "UPDATE products SET id = id + 1 WHERE id = ?", 3);
            assertThat(query(writer, BY_ID, 4)).containsExactly(row(4, "plum", 30));
            writer.commit();
            assertThat(query(reader, BY_ID, 3)).isEmpty();
            assertThat(query(reader, BY_ID, 4)).containsExactly(row(4, "plum", 30));
            write(writer, "UPDATE products SET name = ?, id = ? WHERE id = ?", "plum5", 5, 4);
            writer.commit();
            assertThat(query(reader, BY_ID, 4)).isEmpty();
            assertThat(query(reader, BY_ID, 5)).containsExactly(row(5, "plum5", 30));
        });
    }

    @Test
    void keysBoundAsOtherTypes() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            writer.setAutoCommit(false);
            List<Object> keys = database == Database.H2
                    ? List.of(1L, (short) 1, BigDecimal.ONE, (byte) 1, "1")
                    : List.of(1L, (short) 1, BigDecimal.ONE, (byte) 1);
            int price = 100;
            for (Object key : keys) {
                query(reader, PRICE, 1);
                query(reader, PRICE, 1L);
                write(writer, "UPDATE products SET price = ? WHERE id = ?", ++price, key);
                writer.commit();
                assertThat(query(reader, PRICE, 1)).as("key bound as " + key.getClass().getSimpleName())
                        .containsExactly(row(price));
                assertThat(query(reader, PRICE, 1L)).containsExactly(row(price));
            }
        });
    }

    @Test
    void closingMidTransactionRollsBack() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            query(reader, PRICE, 1);
            writer.setAutoCommit(false);
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
            assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
            writer.close();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
            assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
        });
    }

    @Test
    void aFailedStatementAfterAKeyedWrite() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "PostgreSQL aborts the transaction");
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            query(reader, PRICE, 1);
            writer.setAutoCommit(false);
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
            execFailing(writer, "SELECT 1 / 0");
            execFailing(writer, "SELECT price FROM products WHERE id = 1");
            writer.rollback();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
            // A keyed write that itself fails (a check the update violates) then a commit, which rolls back.
            exec(writer, "SAVEPOINT x");
            execFailing(writer, "UPDATE products SET price = 1 / 0 WHERE id = 1");
            exec(writer, "ROLLBACK TO SAVEPOINT x");
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 12, 1);
            writer.commit();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(12));
        });
    }

    @Test
    void batchesAndStringsOfStatementsInATransaction() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "strings of statements on PostgreSQL");
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            query(reader, PRICE, 1);
            query(reader, PRICE, 2);
            query(reader, PRICE, 3);
            writer.setAutoCommit(false);
            try (PreparedStatement batch = writer.prepareStatement("UPDATE products SET price = ? WHERE id = ?")) {
                batch.setInt(1, 11);
                batch.setInt(2, 1);
                batch.addBatch();
                batch.setInt(1, 21);
                batch.setInt(2, 2);
                batch.addBatch();
                batch.executeBatch();
            }
            try (Statement statement = writer.createStatement()) {
                statement.execute("UPDATE products SET price = 31 WHERE id = 3; UPDATE products SET price = 32"
                        + " WHERE id = 3");
            }
            assertThat(query(reader, PRICE, 2)).containsExactly(row(20));
            writer.commit();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(11));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(21));
            assertThat(query(reader, PRICE, 3)).containsExactly(row(32));
            writer.setAutoCommit(true);
            try (Statement statement = writer.createStatement()) {
                statement.execute("BEGIN; UPDATE products SET price = 12 WHERE id = 1; COMMIT");
            }
            assertThat(query(reader, PRICE, 1)).containsExactly(row(12));
        });
    }

    @Test
    void twoTransactionsWritingTheSameKeyOneAfterTheOther() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection first = src.get();
            Connection second = src.get();
            query(reader, PRICE, 1);
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            write(second, "UPDATE products SET price = ? WHERE id = ?", 22, 2);
            write(first, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
            first.commit();
            write(second, "UPDATE products SET price = ? WHERE id = ?", 12, 1);
            assertThat(query(reader, PRICE, 1)).containsExactly(row(11));
            assertThat(query(reader, PRICE, 1)).containsExactly(row(11));
            second.commit();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(12));
            assertThat(query(reader, PRICE, 2)).containsExactly(row(22));
        });
    }

    @Test
    void aRepeatableReadWriterAndReader() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            Connection reader = src.get();
            Connection writer = src.get();
            Connection snapshot = src.get();
            query(reader, PRICE, 1);
            snapshot.setAutoCommit(false);
            snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            assertThat(query(snapshot, PRICE, 1)).containsExactly(row(10));
            writer.setAutoCommit(false);
            writer.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            write(writer, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
            writer.commit();
            assertThat(query(reader, PRICE, 1)).containsExactly(row(11));
            if (database == Database.POSTGRESQL) {
                assertThat(query(snapshot, PRICE, 1)).as("snapshot taken before the commit").containsExactly(row(10));
            }
            snapshot.commit();
            assertThat(query(snapshot, PRICE, 1)).containsExactly(row(11));
        });
    }

    /** Two caches (two cache.names) on one Redis prefix, strict: the second sees the first's commit at once. */
    @Test
    void twoCachesOnOneRedisPrefix() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "rows travel through Redis on PostgreSQL");
        String prefix = "attack31-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            controlThenCached(database, PRODUCTS, (db, src) -> {
                Connection a;
                Connection b;
                if (src.get().getClass().getName().startsWith("org.")) {
                    a = db.raw();
                    b = db.raw();
                } else {
                    String base = "jdbc:cache:" + db.rawUrl.substring("jdbc:".length());
                    String[] common = {"cache.redis.url", "redis://127.0.0.1:6379", "cache.redis.prefix", prefix,
                        "cache.redis.strict", "true"};
                    String urlA = database.withParameter(base, "cache.name", db.cacheName + "-a");
                    String urlB = database.withParameter(base, "cache.name", db.cacheName + "-b");
                    for (int i = 0; i < common.length; i += 2) {
                        urlA = database.withParameter(urlA, common[i], common[i + 1]);
                        urlB = database.withParameter(urlB, common[i], common[i + 1]);
                    }
                    a = db.connect(urlA);
                    b = db.connect(urlB);
                }
                assertThat(query(b, PRICE, 1)).containsExactly(row(10));
                assertThat(query(b, PRICE, 2)).containsExactly(row(20));
                assertThat(query(a, PRICE, 2)).containsExactly(row(20));
                a.setAutoCommit(false);
                write(a, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
                assertThat(query(b, PRICE, 1)).containsExactly(row(10));
                assertThat(query(b, PRICE, 1)).containsExactly(row(10));
                assertThat(query(b, ALL)).containsExactly(row(1, 10), row(2, 20), row(3, 30));
                a.commit();
                assertThat(query(b, PRICE, 1)).containsExactly(row(11));
                assertThat(query(b, ALL)).containsExactly(row(1, 11), row(2, 20), row(3, 30));
                write(a, "UPDATE products SET price = ? WHERE id = ?", 99, 2);
                assertThat(query(b, PRICE, 2)).containsExactly(row(20));
                a.rollback();
                assertThat(query(b, PRICE, 2)).containsExactly(row(20));
                assertThat(query(a, PRICE, 2)).containsExactly(row(20));
            });
        } finally {
            RedisServers.deleteKeys(prefix);
        }
    }

    @Test
    void hikariPoolReturnsAnOpenTransaction() throws Exception {
        controlThenCached(database, PRODUCTS, (db, src) -> {
            boolean cached = !src.get().getClass().getName().startsWith("org.");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(cached ? db.plainCachedUrl() : db.rawUrl);
            config.setMaximumPoolSize(2);
            config.setAutoCommit(false);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                try (Connection reader = pool.getConnection()) {
                    assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
                    reader.commit();
                }
                try (Connection writer = pool.getConnection()) {
                    write(writer, "UPDATE products SET price = ? WHERE id = ?", 11, 1);
                    // returned to the pool without commit: Hikari rolls back
                }
                try (Connection reader = pool.getConnection()) {
                    assertThat(query(reader, PRICE, 1)).containsExactly(row(10));
                    reader.commit();
                }
                try (Connection writer = pool.getConnection()) {
                    write(writer, "UPDATE products SET price = ? WHERE id = ?", 12, 1);
                    writer.commit();
                }
                try (Connection reader = pool.getConnection()) {
                    assertThat(query(reader, PRICE, 1)).containsExactly(row(12));
                    reader.commit();
                }
            }
        });
    }
}
