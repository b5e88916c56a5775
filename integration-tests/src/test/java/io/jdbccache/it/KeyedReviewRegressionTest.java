package io.jdbccache.it;

import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adversarial review of invalidation by primary key: each body runs first on raw connections (control), then through
 * the cache, which must answer the same.
 */
class KeyedReviewRegressionTest {

    interface Body {
        void run(RawThenCached.Src src) throws Exception;
    }

    /** Like RawThenCached.controlThenCached, with extra cache.* parameters for the cached run. */
    static void controlThenCached(Database database, String[] setup, String[] cacheParams, Body body)
            throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup(setup);
            body.run(db::raw);
        }
        try (TestDb db = TestDb.open(database)) {
            db.setup(setup);
            body.run(() -> db.cached(cacheParams));
        }
    }

    static List<List<Object>> byKey(Connection c, String sql, Object key) throws Exception {
        return query(c, sql, key);
    }

    static int write(Connection c, String sql, Object... parameters) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        }
    }

    // ---- 1. self-referencing ON DELETE CASCADE: a keyed DELETE deletes other rows of the same table -------------

    static final String[] TREE = {
        "CREATE TABLE tree (id INT PRIMARY KEY, parent_id INT REFERENCES tree(id) ON DELETE CASCADE, name VARCHAR(10))",
        "INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'child')"};

    void selfCascade(Database database) throws Exception {
        controlThenCached(database, TREE, new String[0], src -> {
            Connection c = src.get();
            String sql = "SELECT id, name FROM tree WHERE id = ?";
            assertThat(byKey(c, sql, 2)).containsExactly(row(2, "child"));
            write(c, "DELETE FROM tree WHERE id = ?", 1);
            assertThat(byKey(c, sql, 2)).as("child row 2 was deleted by the cascade").isEmpty();
        });
    }

    @Test
    void selfReferencingCascade_h2() throws Exception {
        selfCascade(Database.H2);
    }

    @Test
    void selfReferencingCascade_pg() throws Exception {
        selfCascade(Database.POSTGRESQL);
    }

    static final String[] TREE_SET_NULL = {
        "CREATE TABLE tree (id INT PRIMARY KEY, parent_id INT REFERENCES tree(id) ON DELETE SET NULL)",
        "INSERT INTO tree VALUES (1, NULL), (2, 1)"};

    @Test
    void selfReferencingSetNull_h2() throws Exception {
        controlThenCached(Database.H2, TREE_SET_NULL, new String[0], src -> {
            Connection c = src.get();
            String sql = "SELECT id, parent_id FROM tree WHERE id = ?";
            assertThat(byKey(c, sql, 2)).containsExactly(row(2, 1));
            write(c, "DELETE FROM tree WHERE id = ?", 1);
            assertThat(byKey(c, sql, 2)).as("parent_id set to NULL by the FK").containsExactly(row(2, null));
        });
    }

    // ---- 2. trigger on the table that changes other rows of the same table ---------------------------------------

    static final String[] DEFAULT_ADDRESS = {
        "CREATE TABLE addr (id INT PRIMARY KEY, is_default BOOLEAN NOT NULL)",
        "INSERT INTO addr VALUES (1, true), (2, false)",
        "CREATE FUNCTION addr_one_default() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.is_default THEN UPDATE addr SET is_default = false WHERE id <> NEW.id AND is_default; END IF; "
                + "RETURN NEW; END $$",
        "CREATE TRIGGER addr_default AFTER UPDATE ON addr FOR EACH ROW WHEN (pg_trigger_depth() = 0) "
                + "EXECUTE FUNCTION addr_one_default()"};

    void sameTableTrigger(String[] cacheParams) throws Exception {
        controlThenCached(Database.POSTGRESQL, DEFAULT_ADDRESS, cacheParams, src -> {
            Connection c = src.get();
            String sql = "SELECT id, is_default FROM addr WHERE id = ?";
            assertThat(byKey(c, sql, 1)).containsExactly(row(1, true));
            write(c, "UPDATE addr SET is_default = true WHERE id = ?", 2);
            assertThat(byKey(c, sql, 1)).as("the trigger cleared row 1's flag").containsExactly(row(1, false));
        });
    }

    @Test
    void sameTableTriggerDeclaredInAlsoInvalidates_pg() throws Exception {
        sameTableTrigger(new String[] {"cache.alsoInvalidates.addr", "addr"});
    }

    @Test
    void sameTableTriggerUndeclared_pg() throws Exception {
        // Worked before the feature (the table stamp covered it); now silently stale.
        sameTableTrigger(new String[0]);
    }

    // ---- 3. primary key that is a generated column: a keyed UPDATE of its source moves the row to another key ----

    void generatedKey(Database database, String ddl) throws Exception {
        controlThenCached(database, new String[] {ddl, "INSERT INTO g (x) VALUES (1), (5)"}, new String[0], src -> {
            Connection c = src.get();
            String sql = "SELECT x FROM g WHERE id = ?";
            assertThat(byKey(c, sql, 11)).isEmpty();
            write(c, "UPDATE g SET x = ? WHERE id = ?", 10, 2); // row x=1 (id 2) becomes id 11
            assertThat(byKey(c, sql, 11)).as("row now has id 11").containsExactly(row(10));
        });
    }

    @Test
    void generatedPrimaryKey_h2() throws Exception {
        generatedKey(Database.H2, "CREATE TABLE g (x INT, id INT GENERATED ALWAYS AS (x + 1) PRIMARY KEY)");
    }

    @Test
    void generatedPrimaryKey_pg() throws Exception {
        generatedKey(Database.POSTGRESQL,
                "CREATE TABLE g (x INT, id INT GENERATED ALWAYS AS (x + 1) STORED PRIMARY KEY)");
    }

    // ---- 4. NOT id = ? ------------------------------------------------------------------------------------------

    @Test
    void negatedKeyEquality_h2() throws Exception {
        controlThenCached(Database.H2, new String[] {"CREATE TABLE p (id INT PRIMARY KEY, v INT)",
            "INSERT INTO p VALUES (1, 1), (2, 2)"}, new String[0], src -> {
                Connection c = src.get();
                String sql = "SELECT v FROM p WHERE id = ?";
                assertThat(byKey(c, sql, 2)).containsExactly(row(2));
                write(c, "UPDATE p SET v = 20 WHERE NOT id = ?", 1);
                assertThat(byKey(c, sql, 2)).containsExactly(row(20));
            });
    }
}
