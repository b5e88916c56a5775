package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attack on temporary relations and server-side code: temporary relations made where the SQL text does not say
 * CREATE TEMP (functions, DO, CALL), dropped and made again with other definitions, written through by MERGE,
 * ON CONFLICT, UPDATE ... FROM, DELETE ... USING and writable CTEs, and reached by names the statement does not list
 * as a relation (inheritance, row types). Every body runs raw first (the control), then through the cache, which
 * must answer the same.
 *
 * <p>What it found (fixed: while a session has any temporary relation, its reads bypass): a temporary table
 * inheriting a permanent one changes what a read of the parent returns in its own session only, yet the read names no
 * temporary relation and was cached for every session ({@code aTemporaryChild...}, {@code anotherSessionsRead...},
 * {@code twoPoolsOnOneCache...}); and a cast to a type name that a temporary table's row type shadows
 * ({@code '(1,2)'::items}) was cached for every session ({@code aCastTo...}). The other tests are attacks the driver
 * resisted before the fix too.
 */
class TemporaryRelationAttackTest {
    private static final String ROLE = "temp_rel_attack_" + ProcessHandle.current().pid();

    private static final String[] FIXTURE = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 10), (2, 20)",
        "CREATE TABLE other (id INT PRIMARY KEY, v INT)", "INSERT INTO other VALUES (1, 100)",
        "CREATE TABLE counter (n INT)", "INSERT INTO counter VALUES (0)",
        "CREATE FUNCTION bump() RETURNS INT LANGUAGE sql VOLATILE AS 'UPDATE counter SET n = n + 1 RETURNING n'",
    };

    private static final String[] TENANT_FIXTURE = {
        "CREATE TABLE docs (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
        "INSERT INTO docs VALUES (1, 'a', 'doc of a'), (2, 'b', 'doc of b'), (3, 'a', 'second of a')",
        "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY by_tenant ON docs USING (tenant = current_setting('app.tenant', true))",
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 10), (2, 20)",
        "DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO " + ROLE + "', current_schema()); END $$",
        "GRANT SELECT ON docs TO " + ROLE, "GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + ROLE,
    };

    private static final String DOCS = "SELECT id, body FROM docs ORDER BY id";

    @BeforeAll
    static void createRole() throws Exception {
        Database.POSTGRESQL.requireAvailable();
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP ROLE IF EXISTS " + ROLE);
            statement.execute("CREATE ROLE " + ROLE + " NOLOGIN");
            statement.execute("GRANT TEMPORARY ON DATABASE test TO " + ROLE);
        }
    }

    @AfterAll
    static void dropRole() throws Exception {
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP OWNED BY " + ROLE + " CASCADE");
            statement.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    private static String[] tenantFixture() {
        return TENANT_FIXTURE.clone();
    }

    // ---- names the statement does not list as a relation -----------------------------------------------------

    /**
     * A temporary table inheriting a permanent one adds its rows to every read of the parent in its own session
     * only: {@code SELECT count(*) FROM items} names no temporary relation, but its answer differs by session.
     */
    @Test
    void aTemporaryChildOfAPermanentTableIsServedToAnotherSession() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (3, 30)");
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
            assertThat(query(b, "SELECT count(*) FROM items"))
                    .as("B's count of items (A's temporary child's row is A's alone)")
                    .isEqualTo(List.of(row(2L)));
        });
    }

    /**
     * The other way round: the temporary child exists first, B's read of the parent is cached, and A (whose child
     * adds a row) is served it.
     */
    @Test
    void anotherSessionsReadOfTheParentIsServedToTheSessionWithATemporaryChild() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (3, 30)");
            assertThat(query(b, "SELECT id, v FROM items ORDER BY id")).isEqualTo(List.of(row(1, 10), row(2, 20)));
            assertThat(query(b, "SELECT id, v FROM items ORDER BY id")).isEqualTo(List.of(row(1, 10), row(2, 20)));
            assertThat(query(a, "SELECT id, v FROM items ORDER BY id"))
                    .as("A's read of items, whose temporary child mine holds (3, 30)")
                    .isEqualTo(List.of(row(1, 10), row(2, 20), row(3, 30)));
        });
    }

    /** Held: the child made after B's read is cached (CREATE TEMP TABLE ... INHERITS invalidates B's entry). */
    @Test
    void aTemporaryChildMadeAfterTheParentWasCachedIsSeenByItsSession() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT id, v FROM items ORDER BY id")).isEqualTo(List.of(row(1, 10), row(2, 20)));
            assertThat(query(b, "SELECT id, v FROM items ORDER BY id")).isEqualTo(List.of(row(1, 10), row(2, 20)));
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (3, 30)");
            assertThat(query(a, "SELECT id, v FROM items ORDER BY id"))
                    .isEqualTo(List.of(row(1, 10), row(2, 20), row(3, 30)));
        });
    }

    /** A session's own write into its temporary child must invalidate its own read of the parent. */
    @Test
    void aWriteIntoATemporaryChildLeavesTheParentsReadStale() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)");
            assertThat(query(a, "SELECT sum(v) FROM items")).isEqualTo(List.of(row(30L)));
            assertThat(query(a, "SELECT sum(v) FROM items")).isEqualTo(List.of(row(30L)));
            exec(a, "INSERT INTO mine VALUES (3, 30)");
            assertThat(query(a, "SELECT sum(v) FROM items"))
                    .as("A's sum over items after its INSERT INTO its temporary child mine")
                    .isEqualTo(List.of(row(60L)));
        });
    }

    /**
     * Types are looked up in pg_temp first too: a temporary table's row type shadows a permanent table's (or
     * type's) of the same name, so a cast to it names no relation, yet its answer is the session's own.
     */
    @Test
    void aCastToATableRowTypeShadowedByATemporaryTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            String sql = "SELECT row_to_json('(1,2)'::items)::text";
            assertThat(query(b, sql)).isEqualTo(List.of(row("{\"id\":1,\"v\":2}")));
            assertThat(query(b, sql)).isEqualTo(List.of(row("{\"id\":1,\"v\":2}")));
            exec(a, "CREATE TEMP TABLE items (label TEXT, n INT)");
            assertThat(query(a, sql)).as("A's cast to items, whose row type is its temporary table's")
                    .isEqualTo(List.of(row("{\"label\":\"1\",\"n\":2}")));
        });
    }

    @Test
    void aCastToACompositeTypeShadowedByATemporaryTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {"CREATE TYPE pair AS (a INT, b INT)"}, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            String sql = "SELECT to_jsonb(CAST('(1,2)' AS pair))::text";
            assertThat(query(b, sql)).isEqualTo(List.of(row("{\"a\": 1, \"b\": 2}")));
            assertThat(query(b, sql)).isEqualTo(List.of(row("{\"a\": 1, \"b\": 2}")));
            exec(a, "CREATE TEMP TABLE pair (x INT, y INT)");
            assertThat(query(a, sql)).as("A's cast to pair, which is its temporary table's row type")
                    .isEqualTo(List.of(row("{\"x\": 1, \"y\": 2}")));
        });
    }

    // ---- temporary relations made by server code ---------------------------------------------------------------

    /** A PL/pgSQL function called by a SELECT makes a temporary view shadowing items: later reads are the view's. */
    @Test
    void aTemporaryViewMadeByAFunctionShadowsTheCachedTable() throws Exception {
        String[] fixture = append(FIXTURE, "CREATE FUNCTION mk() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN"
                + " EXECUTE 'CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM ' || quote_ident(current_schema())"
                + " || '.other'; RETURN 1; END $$");
        controlThenCached(Database.POSTGRESQL, fixture, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT mk()")).isEqualTo(List.of(row(1)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after its function made a temporary view items")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    @Test
    void aTemporaryViewMadeByADoBlockShadowsTheCachedTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "DO $$ BEGIN EXECUTE 'CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM '"
                    + " || quote_ident(current_schema()) || '.other'; END $$");
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after its DO block made a temporary view items")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    @Test
    void aTemporaryViewMadeByAProcedureShadowsTheCachedTable() throws Exception {
        String[] fixture = append(FIXTURE, "CREATE PROCEDURE mkp() LANGUAGE plpgsql AS $$ BEGIN"
                + " EXECUTE 'CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM ' || quote_ident(current_schema())"
                + " || '.other'; END $$");
        controlThenCached(Database.POSTGRESQL, fixture, (db, src) -> {
            Connection a = src.get();
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "CALL mkp()");
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after CALL of a procedure that made a temporary view items")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    /** With cache.unknownFunctionsMayWrite=false the function is still user code: the session is read back. */
    @Test
    void aTemporaryViewMadeByAFunctionWithUnknownFunctionsTrusted() throws Exception {
        String[] fixture = append(FIXTURE, "CREATE FUNCTION mk() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN"
                + " EXECUTE 'CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM ' || quote_ident(current_schema())"
                + " || '.other'; RETURN 1; END $$");
        controlThenCached(Database.POSTGRESQL, fixture, new String[] {"cache.unknownFunctionsMayWrite", "false"},
                (db, src) -> {
                    Connection a = src.get();
                    assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
                    assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
                    assertThat(query(a, "SELECT mk()")).isEqualTo(List.of(row(1)));
                    assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                            .as("A's read of items after mk() made a temporary view (unknownFunctionsMayWrite=false)")
                            .isEqualTo(List.of(row(10000)));
                });
    }

    /** A SQL function (mis)declared PARALLEL SAFE that makes the temporary view: not trusted with the session. */
    @Test
    void aTemporaryViewMadeByAParallelSafeSqlFunction() throws Exception {
        String[] fixture = append(FIXTURE, "CREATE FUNCTION mk() RETURNS INT LANGUAGE sql PARALLEL SAFE AS $$"
                + " CREATE TEMP VIEW items AS SELECT 1 AS id, 10000 AS v; SELECT 1 $$");
        controlThenCached(Database.POSTGRESQL, fixture, (db, src) -> {
            Connection a = src.get();
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT mk()")).isEqualTo(List.of(row(1)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after a PARALLEL SAFE function made a temporary view items")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    /** The same from a batch: the driver sees the DO only as one of a batch's statements. */
    @Test
    void aTemporaryViewMadeInABatchShadowsTheCachedTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            try (Statement statement = a.createStatement()) {
                statement.addBatch("UPDATE counter SET n = n");
                statement.addBatch("CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
                statement.executeBatch();
            }
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after a batch made a temporary view items")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    /** A trigger on a permanent table makes the temporary view in the writer's session. */
    @Test
    void aTemporaryViewMadeByATriggerShadowsTheCachedTable() throws Exception {
        String[] fixture = append(FIXTURE,
                "CREATE TABLE log (v INT)",
                "CREATE FUNCTION mk_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " EXECUTE 'CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM '"
                        + " || quote_ident(TG_TABLE_SCHEMA) || '.other'; RETURN NEW; END $$",
                "CREATE TRIGGER mk AFTER INSERT ON log FOR EACH ROW EXECUTE FUNCTION mk_on_insert()");
        controlThenCached(Database.POSTGRESQL, fixture, (db, src) -> {
            Connection a = src.get();
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "INSERT INTO log VALUES (1)");
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after a trigger made a temporary view items")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    // ---- dropped, discarded, rolled back, made again ------------------------------------------------------------

    /** A rolled-back DROP of a temporary view brings it back: the session must be read back at the rollback. */
    @Test
    void aRolledBackDropOfATemporaryViewBringsItBack() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            a.setAutoCommit(false);
            exec(a, "DROP VIEW items");
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            a.rollback();
            a.setAutoCommit(true);
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after the DROP of its temporary view items was rolled back")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    @Test
    void aSavepointUndoingTheDropOfATemporaryViewBringsItBack() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "BEGIN", "SAVEPOINT s", "DROP VIEW items");
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "ROLLBACK TO SAVEPOINT s");
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after ROLLBACK TO SAVEPOINT undid the DROP of its temporary view")
                    .isEqualTo(List.of(row(10000)));
            exec(a, "COMMIT");
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10000)));
        });
    }

    /** DISCARD TEMP inside a transaction, rolled back: the temporary view is back. */
    @Test
    void aRolledBackDiscardTempBringsTheTemporaryViewBack() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "BEGIN", "DISCARD TEMP");
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "ROLLBACK");
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items after a rolled-back DISCARD TEMP")
                    .isEqualTo(List.of(row(10000)));
        });
    }

    /** ON COMMIT DROP: the temporary table shadowing items is gone at the commit. */
    @Test
    void anOnCommitDropTemporaryTableIsGoneAfterTheCommit() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            a.setAutoCommit(false);
            exec(a, "CREATE TEMP TABLE items (id INT, v INT) ON COMMIT DROP", "INSERT INTO items VALUES (9, 99)");
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(99)));
            a.commit();
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "CREATE TEMP TABLE items (id INT, v INT) ON COMMIT DROP", "INSERT INTO items VALUES (8, 88)");
            assertThat(query(a, "SELECT v FROM items ORDER BY id"))
                    .as("A's read of items inside the transaction that made a temporary table items again")
                    .isEqualTo(List.of(row(88)));
            a.rollback();
            a.setAutoCommit(true);
            assertThat(query(a, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
        });
    }

    /**
     * The same name made again with another definition: a plain temporary table, then (after DISCARD TEMP) a
     * temporary view calling a writing function. Reading it must invalidate what the function wrote.
     */
    @Test
    void aTemporaryTableMadeAgainAsAWritingView() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE scratch (v INT)", "INSERT INTO scratch VALUES (1)");
            assertThat(query(a, "SELECT v FROM scratch")).isEqualTo(List.of(row(1)));
            assertThat(query(a, "SELECT v FROM scratch")).isEqualTo(List.of(row(1)));
            exec(a, "DISCARD TEMP", "CREATE TEMP VIEW scratch AS SELECT bump() AS v");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(a, "SELECT v FROM scratch")).isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT n FROM counter")).as("B after A read its re-made temporary view scratch")
                    .isEqualTo(List.of(row(1)));
            exec(a, "DROP VIEW scratch", "CREATE TEMP VIEW scratch AS SELECT bump() + 0 AS v");
            assertThat(query(a, "SELECT v FROM pg_temp.scratch")).isEqualTo(List.of(row(2)));
            assertThat(query(b, "SELECT n FROM counter")).as("B after A read pg_temp.scratch once more")
                    .isEqualTo(List.of(row(2)));
        });
    }

    // ---- writes whose target or source is temporary -------------------------------------------------------------

    @Test
    void insertOnConflictThroughATemporaryView() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW tv AS SELECT id, v FROM items");
            assertThat(query(b, "SELECT v FROM items WHERE id = 1")).isEqualTo(List.of(row(10)));
            assertThat(query(b, "SELECT v FROM items WHERE id = 1")).isEqualTo(List.of(row(10)));
            exec(a, "INSERT INTO tv VALUES (1, 99) ON CONFLICT (id) DO UPDATE SET v = excluded.v");
            assertThat(query(b, "SELECT v FROM items WHERE id = 1"))
                    .as("B's keyed read of items after A's INSERT ... ON CONFLICT DO UPDATE through temp view tv")
                    .isEqualTo(List.of(row(99)));
        });
    }

    @Test
    void aWritableCteUpdatingATemporaryView() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW tv AS SELECT id, v FROM items");
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(a, "WITH x AS (UPDATE tv SET v = 11 WHERE id = 1 RETURNING id) SELECT count(*) FROM x"))
                    .isEqualTo(List.of(row(1L)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id"))
                    .as("B's read of items after A's writable CTE updating temp view tv")
                    .isEqualTo(List.of(row(11), row(20)));
        });
    }

    @Test
    void aWritableCteDeletingFromAShadowingTemporaryView() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW items AS SELECT id, v FROM other");
            assertThat(query(b, "SELECT count(*) FROM other")).isEqualTo(List.of(row(1L)));
            assertThat(query(b, "SELECT count(*) FROM other")).isEqualTo(List.of(row(1L)));
            assertThat(query(a, "WITH d AS (DELETE FROM items RETURNING id) SELECT count(*) FROM d"))
                    .isEqualTo(List.of(row(1L)));
            assertThat(query(b, "SELECT count(*) FROM other"))
                    .as("B's count of other after A's writable CTE deleting from its temp view items (over other)")
                    .isEqualTo(List.of(row(0L)));
        });
    }

    @Test
    void mergeFromATemporaryViewCallingAWritingFunction() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW src AS SELECT 1 AS id, bump() AS v");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "MERGE INTO items t USING src s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B's read of counter after A's MERGE reading temp view src (calls bump())")
                    .isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT v FROM items WHERE id = 1")).isEqualTo(List.of(row(1)));
        });
    }

    @Test
    void mergeIntoATableShadowedByATemporaryTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            String schema = (String) query(a, "SELECT current_schema()::text").get(0).get(0);
            exec(a, "CREATE TEMP TABLE other (id INT, v INT)", "INSERT INTO other VALUES (1, 7)");
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "MERGE INTO " + schema + ".items t USING other s ON t.id = s.id"
                    + " WHEN MATCHED THEN UPDATE SET v = s.v");
            assertThat(query(b, "SELECT v FROM items ORDER BY id"))
                    .as("B's read of items after A's MERGE from its temporary table other")
                    .isEqualTo(List.of(row(7), row(20)));
        });
    }

    @Test
    void updateFromATemporaryViewCallingAWritingFunction() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW src AS SELECT 1 AS id, bump() AS v");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "UPDATE items SET v = s.v FROM src s WHERE items.id = s.id");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B's read of counter after A's UPDATE ... FROM temp view src (calls bump())")
                    .isEqualTo(List.of(row(1)));
        });
    }

    @Test
    void deleteUsingATemporaryViewCallingAWritingFunction() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW src AS SELECT 2 AS id, bump() AS n");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "DELETE FROM items USING src WHERE items.id = src.id");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B's read of counter after A's DELETE ... USING temp view src (calls bump())")
                    .isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(1L)));
        });
    }

    @Test
    void deleteUsingATemporaryViewCallingSetConfigSwitchesTheTenant() throws Exception {
        controlThenCached(Database.POSTGRESQL, tenantFixture(), (db, src) -> {
            Connection a = src.get();
            exec(a, "SET ROLE " + ROLE, "SET app.tenant = 'a'");
            exec(a, "CREATE TEMP VIEW switch AS SELECT 99 AS id, set_config('app.tenant', 'b', false) AS t");
            assertThat(query(a, DOCS)).isEqualTo(List.of(row(1, "doc of a"), row(3, "second of a")));
            assertThat(query(a, DOCS)).isEqualTo(List.of(row(1, "doc of a"), row(3, "second of a")));
            exec(a, "DELETE FROM items USING switch WHERE items.id = switch.id");
            assertThat(query(a, DOCS)).as("tenant b's session (switched by DELETE ... USING switch) served a's rows")
                    .isEqualTo(List.of(row(2, "doc of b")));
        });
    }

    @Test
    void mergeUsingATemporaryViewCallingSetConfigSwitchesTheTenant() throws Exception {
        controlThenCached(Database.POSTGRESQL, tenantFixture(), (db, src) -> {
            Connection a = src.get();
            exec(a, "SET ROLE " + ROLE, "SET app.tenant = 'a'");
            exec(a, "CREATE TEMP VIEW switch AS SELECT 99 AS id, set_config('app.tenant', 'b', false) AS t");
            assertThat(query(a, DOCS)).isEqualTo(List.of(row(1, "doc of a"), row(3, "second of a")));
            assertThat(query(a, DOCS)).isEqualTo(List.of(row(1, "doc of a"), row(3, "second of a")));
            exec(a, "MERGE INTO items t USING switch s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, 0)");
            assertThat(query(a, DOCS)).as("tenant b's session (switched by MERGE USING switch) served a's rows")
                    .isEqualTo(List.of(row(2, "doc of b")));
        });
    }

    @Test
    void aWritableCteReadingATemporaryViewCallingSetConfig() throws Exception {
        controlThenCached(Database.POSTGRESQL, tenantFixture(), (db, src) -> {
            Connection a = src.get();
            exec(a, "SET ROLE " + ROLE, "SET app.tenant = 'a'");
            exec(a, "CREATE TEMP VIEW switch AS SELECT 99 AS id, set_config('app.tenant', 'b', false) AS t");
            assertThat(query(a, DOCS)).isEqualTo(List.of(row(1, "doc of a"), row(3, "second of a")));
            assertThat(query(a, DOCS)).isEqualTo(List.of(row(1, "doc of a"), row(3, "second of a")));
            assertThat(query(a, "WITH u AS (UPDATE items SET v = v WHERE id IN (SELECT id FROM switch) RETURNING id)"
                    + " SELECT count(*) FROM u")).isEqualTo(List.of(row(0L)));
            assertThat(query(a, DOCS)).as("tenant b's session (switched by a writable CTE reading switch) served a's rows")
                    .isEqualTo(List.of(row(2, "doc of b")));
        });
    }

    // ---- code on temporary tables --------------------------------------------------------------------------------

    @Test
    void aRuleOnATemporaryTableWritesAPermanentOne() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE scratch (v INT)",
                    "CREATE RULE bumps AS ON INSERT TO scratch DO ALSO UPDATE counter SET n = n + 1");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "INSERT INTO scratch VALUES (1)");
            assertThat(query(b, "SELECT n FROM counter")).as("B after A's insert into a temporary table with a rule")
                    .isEqualTo(List.of(row(1)));
        });
    }

    @Test
    void aDefaultOnATemporaryTableCallsAWritingFunction() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE scratch (id INT, v INT DEFAULT bump())");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "INSERT INTO scratch (id) VALUES (1)");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B after A's insert into a temporary table whose default calls bump()")
                    .isEqualTo(List.of(row(1)));
            exec(a, "MERGE INTO scratch t USING (SELECT 2 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B after A's MERGE into that temporary table (the default calls bump())")
                    .isEqualTo(List.of(row(2)));
        });
    }

    @Test
    void mergeIntoATemporaryTableWithATriggerWritingAPermanentOne() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE scratch (id INT, v INT)",
                    "CREATE FUNCTION pg_temp.bump_on_write() RETURNS trigger LANGUAGE plpgsql"
                            + " AS 'BEGIN UPDATE counter SET n = n + 1; RETURN NEW; END'",
                    "CREATE TRIGGER bumps BEFORE INSERT OR UPDATE ON scratch FOR EACH ROW"
                            + " EXECUTE FUNCTION pg_temp.bump_on_write()");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "MERGE INTO scratch t USING items s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B after A's MERGE into a triggered temporary table (two rows inserted)")
                    .isEqualTo(List.of(row(2)));
            exec(a, "INSERT INTO scratch VALUES (1, 0) ON CONFLICT DO NOTHING");
            assertThat(query(b, "SELECT n FROM counter"))
                    .as("B after A's INSERT ... ON CONFLICT into the triggered temporary table")
                    .isEqualTo(List.of(row(3)));
        });
    }

    // ---- how the name is spelled, and when it was prepared ------------------------------------------------------

    @Test
    void aStatementPreparedBeforeTheTemporaryViewExisted() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            try (PreparedStatement read = a.prepareStatement("SELECT v FROM items WHERE id >= ? ORDER BY id")) {
                read.setInt(1, 1);
                assertThat(rows(read)).isEqualTo(List.of(row(10), row(20)));
                assertThat(rows(read)).isEqualTo(List.of(row(10), row(20)));
                exec(a, "CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
                assertThat(rows(read)).as("a statement prepared before the temporary view items, run after")
                        .isEqualTo(List.of(row(10000)));
            }
        });
    }

    @Test
    void otherSpellingsOfAShadowedName() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            String[] reads = {
                "TABLE items", "SELECT * FROM ONLY items", "SELECT * FROM items *", "SELECT * FROM \"items\"",
                "SELECT * FROM U&\"\\0069tems\"", "SELECT * FROM ITEMS", "SELECT * FROM pg_temp.items",
                "SELECT * FROM (SELECT * FROM items) s", "SELECT * FROM other o, LATERAL (SELECT * FROM items) i",
            };
            exec(a, "CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
            for (String sql : reads) {
                if (!sql.contains("pg_temp")) {
                    List<List<Object>> expected = query(b, sql);
                    assertThat(query(b, sql)).as(sql).isEqualTo(expected);
                }
            }
            for (String sql : reads) {
                List<List<Object>> rows = query(a, sql);
                assertThat(rows.stream().anyMatch(r -> r.contains(10000)))
                        .as("A's " + sql + " must read its temporary view items (v = 10000): " + rows).isTrue();
            }
        });
    }

    /**
     * Another session's temporary schema, named: PostgreSQL refuses (0A000); the cache must give PostgreSQL's error,
     * and a temporary index whose name shadows the table: PostgreSQL's 42809.
     */
    @Test
    void errorsAboutTemporaryRelationsArePostgresqlsOwn() throws Exception {
        List<String> raw = new ArrayList<>();
        List<String> cached = new ArrayList<>();
        boolean[] first = {true};
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            List<String> out = first[0] ? raw : cached;
            first[0] = false;
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE secret (id INT)", "INSERT INTO secret VALUES (1)",
                    "CREATE TEMP TABLE holder (x INT)", "CREATE INDEX items ON holder (x)");
            String schema = (String) query(a, "SELECT nspname::text FROM pg_namespace WHERE oid = pg_my_temp_schema()")
                    .get(0).get(0);
            out.add(error(b, "SELECT id FROM " + schema + ".secret"));
            out.add(error(b, "SELECT id FROM " + schema + ".secret"));
            out.add(error(a, "SELECT v FROM items"));
            out.add(error(a, "SELECT v FROM items"));
        });
        assertThat(cached).as("SQLState and message through the cache vs raw").isEqualTo(raw);
    }

    // ---- HikariCP -------------------------------------------------------------------------------------------------

    private interface PoolBody {
        void run(TestDb db, String url) throws Exception;
    }

    /** The body with pools over the raw URL (the control), then over the cached URL. */
    private static void rawThenPooled(String[] fixture, PoolBody body) throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup(fixture);
            body.run(db, db.rawUrl);
        }
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup(fixture);
            body.run(db, db.plainCachedUrl());
        }
    }

    private static HikariDataSource pool(TestDb db, String url, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("tra-" + name + "-" + db.name);
        return new HikariDataSource(config);
    }

    /**
     * A borrower leaves a temporary view items in its pooled connection; the next borrower of that connection
     * (another "tenant") is in the same session, so it reads the view, as PostgreSQL answers; another connection of
     * the pool has cached the permanent table meanwhile. Held.
     */
    @Test
    void aPooledConnectionKeepsItsTemporaryViewForTheNextBorrower() throws Exception {
        rawThenPooled(FIXTURE, (db, url) -> {
            try (HikariDataSource pool = pool(db, url, "one", 1)) {
                try (Connection c = pool.getConnection()) {
                    assertThat(query(c, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
                    assertThat(query(c, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
                    exec(c, "SET app.tenant = 'a'", "CREATE TEMP VIEW items AS SELECT id, v * 100 AS v FROM other");
                }
                try (Connection c = pool.getConnection()) {
                    exec(c, "SET app.tenant = 'b'");
                    assertThat(query(c, "SELECT v FROM items ORDER BY id"))
                            .as("the next borrower of the connection holding the temporary view items")
                            .isEqualTo(List.of(row(10000)));
                    exec(c, "DISCARD ALL");
                    assertThat(query(c, "SELECT v FROM items ORDER BY id")).as("after DISCARD ALL")
                            .isEqualTo(List.of(row(10), row(20)));
                }
            }
        });
    }

    /**
     * Two pools on one cache: a connection of the first holds a temporary child of items with a row of its own; a
     * read of items through the second pool is served the first pool's session's rows.
     */
    @Test
    void twoPoolsOnOneCacheShareASessionsTemporaryChildRows() throws Exception {
        rawThenPooled(FIXTURE, (db, url) -> {
            try (HikariDataSource first = pool(db, url, "first", 1);
                    HikariDataSource second = pool(db, url, "second", 1)) {
                try (Connection c = first.getConnection()) {
                    exec(c, "CREATE TEMP TABLE staged () INHERITS (items)", "INSERT INTO staged VALUES (3, 30)");
                    assertThat(query(c, "SELECT id, v FROM items ORDER BY id"))
                            .isEqualTo(List.of(row(1, 10), row(2, 20), row(3, 30)));
                }
                try (Connection c = second.getConnection()) {
                    assertThat(query(c, "SELECT id, v FROM items ORDER BY id"))
                            .as("the second pool's read of items (the staged row is the first pool's session's)")
                            .isEqualTo(List.of(row(1, 10), row(2, 20)));
                }
            }
        });
    }

    private static String error(Connection connection, String sql) {
        try {
            query(connection, sql);
            return "no error";
        } catch (SQLException e) {
            return e.getClass().getName() + " " + e.getSQLState() + " " + e.getMessage();
        }
    }

    private static List<List<Object>> rows(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            return TestDb.rows(rs);
        }
    }

    private static String[] append(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
