package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads and writes by integer primary key: a write to one row leaves the cached reads of other rows in place, and
 * every write that is not provably by key still invalidates them all, including a keyed write whose effects reach
 * other rows of its table (a self-referencing foreign key, a trigger, a generated key) and a negated key.
 * The scenarios that use {@link RawThenCached} run first on raw connections, then through the cache.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class KeyedInvalidationTest {
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";

    @Parameter
    Database database;
    TestDb db;
    Connection c;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDb.open(database);
        db.createProducts();
        c = db.cached();
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private List<List<Object>> byId(Object id) throws Exception {
        return query(c, BY_ID, id);
    }

    private void updateById(String sql, Object... parameters) throws Exception {
        write(c, sql, parameters);
    }

    private static int write(Connection connection, String sql, Object... parameters) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    @Test
    void aWriteByKeyInvalidatesOnlyThatRow() throws Exception {
        assertThat(byId(1)).containsExactly(row(1, "apple", 10));
        assertThat(byId(2)).containsExactly(row(2, "pear", 20));
        updateById("UPDATE products SET price = ? WHERE id = ?", 11, 1);
        long before = executions();
        assertThat(byId(2)).containsExactly(row(2, "pear", 20));
        assertThat(executions()).as("row 2 still cached").isEqualTo(before);
        assertThat(byId(1)).containsExactly(row(1, "apple", 11));
        assertThat(executions()).as("row 1 read again").isEqualTo(before + 1);
        // A literal key works the same way, and DELETE by key too.
        update(c, "UPDATE products SET price = 21 WHERE id = 2");
        assertThat(byId(2)).containsExactly(row(2, "pear", 21));
        update(c, "DELETE FROM products WHERE id = 2");
        before = executions();
        assertThat(byId(1)).containsExactly(row(1, "apple", 11));
        assertThat(executions()).isEqualTo(before);
        assertThat(byId(2)).isEmpty();
    }

    @Test
    void aWriteByKeyStillInvalidatesReadsNotByKey() throws Exception {
        String all = "SELECT id, price FROM products ORDER BY id";
        assertThat(query(c, all)).containsExactly(row(1, 10), row(2, 20), row(3, 30));
        updateById("UPDATE products SET price = ? WHERE id = ?", 12, 1);
        assertThat(query(c, all)).containsExactly(row(1, 12), row(2, 20), row(3, 30));
    }

    @Test
    void writesNotProvablyByKeyInvalidateEveryRow() throws Exception {
        for (String write : List.of("UPDATE products SET price = price + 1 WHERE name = 'pear'",
                "UPDATE products SET price = price + 1 WHERE id = 2 OR id = 3",
                "UPDATE products SET price = price + 1 WHERE id IN (SELECT id FROM products WHERE id = 2)")) {
            byId(1);
            byId(2);
            long before = executions();
            update(c, write);
            List<List<Object>> fresh = query(db.raw(), "SELECT id, name, price FROM products WHERE id = 2");
            assertThat(byId(2)).as(write).isEqualTo(fresh);
            assertThat(executions()).as(write).isGreaterThan(before + 1);
        }
    }

    @Test
    void aWriteThatMovesTheKeyOrInsertsInvalidatesEveryRow() throws Exception {
        assertThat(byId(10)).isEmpty();
        assertThat(byId(11)).isEmpty();
        update(c, "UPDATE products SET id = 10 WHERE id = 1");
        assertThat(byId(10)).containsExactly(row(10, "apple", 10));
        updateById("INSERT INTO products (id, name, price) VALUES (?, ?, ?)", 11, "fig", 5);
        assertThat(byId(11)).containsExactly(row(11, "fig", 5));
    }

    @Test
    void aKeyOfAnotherTypeDependsOnTheWholeTable() throws Exception {
        if (database == Database.H2) {
            // PostgreSQL refuses a varchar parameter for an integer column; H2 converts it.
            assertThat(byId("2")).containsExactly(row(2, "pear", 20));
            updateById("UPDATE products SET price = ? WHERE id = ?", 22, 2);
            assertThat(byId("2")).containsExactly(row(2, "pear", 22));
        }
        assertThat(byId(2L)).isEqualTo(query(db.raw(), "SELECT id, name, price FROM products WHERE id = 2"));
        updateById("UPDATE products SET price = ? WHERE id = ?", 23, 2L);
        assertThat(byId(2)).containsExactly(row(2, "pear", 23));
    }

    @Test
    void inATransactionAWriteByKeyInvalidatesOnlyItsRowAtCommitOrRollback() throws Exception {
        Connection other = db.cached();
        query(other, BY_ID, 1);
        query(other, BY_ID, 2);
        c.setAutoCommit(false);
        updateById("UPDATE products SET price = ? WHERE id = ?", 13, 1);
        long stores = db.statistics().storeCount();
        assertThat(query(other, BY_ID, 1)).as("another session sees the committed row").containsExactly(
                row(1, "apple", 10));
        assertThat(query(other, BY_ID, 3)).containsExactly(row(3, "plum", 30));
        assertThat(db.statistics().storeCount()).as("row 3 stored; row 1 not, while its write is uncommitted")
                .isEqualTo(stores + 1);
        assertThat(byId(1)).as("the transaction sees its own write").containsExactly(row(1, "apple", 13));
        c.commit();
        assertThat(query(other, BY_ID, 1)).containsExactly(row(1, "apple", 13));
        TestDb.resetExecutions();
        assertThat(query(other, BY_ID, 2)).containsExactly(row(2, "pear", 20));
        assertThat(query(other, BY_ID, 3)).containsExactly(row(3, "plum", 30));
        assertThat(TestDb.executions()).as("rows 2 and 3 still cached after the commit").isZero();

        updateById("UPDATE products SET price = ? WHERE id = ?", 99, 2);
        c.rollback();
        c.setAutoCommit(true);
        assertThat(query(other, BY_ID, 2)).as("after the rollback").containsExactly(row(2, "pear", 20));
        TestDb.resetExecutions();
        assertThat(query(other, BY_ID, 3)).containsExactly(row(3, "plum", 30));
        assertThat(TestDb.executions()).as("row 3 still cached after the rollback").isZero();
    }

    @Test
    void aKeyedDeleteThatCascadesWithinItsTableInvalidatesTheCascadedRows() throws Exception {
        controlThenCached(database, new String[] {
            "CREATE TABLE tree (id INT PRIMARY KEY, parent_id INT REFERENCES tree(id) ON DELETE CASCADE,"
                    + " name VARCHAR(10))",
            "INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'child')"}, (run, src) -> {
                Connection tree = src.get();
                String sql = "SELECT id, name FROM tree WHERE id = ?";
                assertThat(query(tree, sql, 2)).containsExactly(row(2, "child"));
                write(tree, "DELETE FROM tree WHERE id = ?", 1);
                assertThat(query(tree, sql, 2)).as("child row 2 was deleted by the cascade").isEmpty();
            });
    }

    @Test
    void aKeyedDeleteThatSetsNullWithinItsTableInvalidatesThoseRows() throws Exception {
        controlThenCached(database, new String[] {
            "CREATE TABLE tree (id INT PRIMARY KEY, parent_id INT REFERENCES tree(id) ON DELETE SET NULL)",
            "INSERT INTO tree VALUES (1, NULL), (2, 1)"}, (run, src) -> {
                Connection tree = src.get();
                String sql = "SELECT id, parent_id FROM tree WHERE id = ?";
                assertThat(query(tree, sql, 2)).containsExactly(row(2, 1));
                write(tree, "DELETE FROM tree WHERE id = ?", 1);
                assertThat(query(tree, sql, 2)).as("parent_id set to NULL by the FK").containsExactly(row(2, null));
            });
    }

    /**
     * A trigger keeps one default address: setting row 2's flag clears row 1's. Declared in
     * {@code cache.alsoInvalidates} or not, the keyed UPDATE must not leave row 1's cached read in place (undeclared,
     * the table stamp covered it before writes by key existed).
     */
    @ParameterizedTest(name = "alsoInvalidates declared: {0}")
    @ValueSource(booleans = {true, false})
    void aTriggerThatChangesOtherRowsOfItsTableInvalidatesThem(boolean declared) throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "needs a PL/pgSQL trigger");
        String[] cacheParameters = declared ? new String[] {"cache.alsoInvalidates.addr", "addr"} : new String[0];
        controlThenCached(database, new String[] {
            "CREATE TABLE addr (id INT PRIMARY KEY, is_default BOOLEAN NOT NULL)",
            "INSERT INTO addr VALUES (1, true), (2, false)",
            "CREATE FUNCTION addr_one_default() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.is_default THEN UPDATE addr SET is_default = false WHERE id <> NEW.id AND is_default;"
                    + " END IF; RETURN NEW; END $$",
            "CREATE TRIGGER addr_default AFTER UPDATE ON addr FOR EACH ROW WHEN (pg_trigger_depth() = 0) "
                    + "EXECUTE FUNCTION addr_one_default()"}, cacheParameters, (run, src) -> {
                Connection addr = src.get();
                String sql = "SELECT id, is_default FROM addr WHERE id = ?";
                assertThat(query(addr, sql, 1)).containsExactly(row(1, true));
                write(addr, "UPDATE addr SET is_default = true WHERE id = ?", 2);
                assertThat(query(addr, sql, 1)).as("the trigger cleared row 1's flag").containsExactly(row(1, false));
            });
    }

    @Test
    void aKeyedUpdateOfAGeneratedKeysSourceMovesTheRowToItsNewKey() throws Exception {
        String ddl = database == Database.POSTGRESQL
                ? "CREATE TABLE g (x INT, id INT GENERATED ALWAYS AS (x + 1) STORED PRIMARY KEY)"
                : "CREATE TABLE g (x INT, id INT GENERATED ALWAYS AS (x + 1) PRIMARY KEY)";
        controlThenCached(database, new String[] {ddl, "INSERT INTO g (x) VALUES (1), (5)"}, (run, src) -> {
            Connection g = src.get();
            String sql = "SELECT x FROM g WHERE id = ?";
            assertThat(query(g, sql, 11)).isEmpty();
            write(g, "UPDATE g SET x = ? WHERE id = ?", 10, 2); // row x=1 (id 2) becomes id 11
            assertThat(query(g, sql, 11)).as("row now has id 11").containsExactly(row(10));
        });
    }

    @Test
    void aNegatedKeyEqualityIsNotAWriteByKey() throws Exception {
        controlThenCached(database, new String[] {"CREATE TABLE p (id INT PRIMARY KEY, v INT)",
            "INSERT INTO p VALUES (1, 1), (2, 2)"}, (run, src) -> {
                Connection p = src.get();
                String sql = "SELECT v FROM p WHERE id = ?";
                assertThat(query(p, sql, 2)).containsExactly(row(2));
                write(p, "UPDATE p SET v = 20 WHERE NOT id = ?", 1);
                assertThat(query(p, sql, 2)).containsExactly(row(20));
            });
    }
}
