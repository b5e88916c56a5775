package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;

import io.jdbccache.CacheStatistics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subqueries and calls inside PostgreSQL's keyword-style function forms ({@code substring(x FROM ...)},
 * {@code position(a IN b)}, an aggregate's ORDER BY, a window's PARTITION BY), catalog facts seen from an old
 * REPEATABLE READ snapshot, a read-back that must not fail a role's transaction, domains inside composite columns,
 * REFRESH MATERIALIZED VIEW, server-prepared statements and standard_conforming_strings, what is and is not a
 * temporary table, and role and connection-API changes. Each scenario runs raw and through the cache on
 * PostgreSQL; every step must match.
 */
class SyntaxFormsAndCatalogSnapshotsTest {
    private static final String PREFIX = "it_forms_" + ProcessHandle.current().pid() + "_";
    private static final Map<String, String> ROLES = TenantRoles.named(PREFIX);
    private static final String DOCS = "SELECT id, body FROM docs ORDER BY id";

    private static final String[] FIXTURE = {
        "CREATE TABLE docs (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
        "INSERT INTO docs VALUES (1, 'a', 'doc of a'), (2, 'b', 'doc of b'), (3, 'a', 'second of a'),"
                + " (4, 'c', 'doc of c')",
        "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY by_tenant ON docs USING (tenant = current_setting('app.tenant', true))",
        "CREATE TABLE items (v INT)",
        "INSERT INTO items VALUES (1)",
        "CREATE TABLE counters (id INT PRIMARY KEY, n INT)",
        "INSERT INTO counters VALUES (1, 0)",
        "CREATE SEQUENCE seq",
        "CREATE FUNCTION bump() RETURNS TEXT LANGUAGE plpgsql AS $$"
                + " BEGIN UPDATE counters SET n = n + 1 WHERE id = 1; RETURN 'x'; END $$",
        "GRANT USAGE ON SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
    };

    @BeforeAll
    static void createRoles() throws SQLException {
        TenantRoles.create(ROLES);
    }

    @AfterAll
    static void dropRoles() throws SQLException {
        TenantRoles.drop(ROLES, true);
    }

    private static CacheStatistics run(Differential.Body body) throws Exception {
        return run(FIXTURE, body);
    }

    private static CacheStatistics run(String[] fixture, Differential.Body body) throws Exception {
        return sameOutcomes(Database.POSTGRESQL, fixture, ROLES, body);
    }

    static String[] concat(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    // ---- subqueries and calls inside SQL-syntax function forms ----------------------------------------------

    /** substring(x FROM n) around a subquery on docs: the subquery is seen, and each tenant gets its own rows. */
    @Test
    void subqueryInsideSubstringFromKeepsTenantsApart() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            String sql = "SELECT substring((SELECT string_agg(body, ',' ORDER BY id) FROM docs) FROM 1)";
            s.q("A", sql);
            s.q("B", sql);
        });
    }

    /** A write to the table a subquery inside position(... IN ...) reads: the next read sees it. */
    @Test
    void subqueryInsidePositionFollowsWrites() throws Exception {
        run(s -> {
            String sql = "SELECT position('5' IN (SELECT string_agg(v::text, ',') FROM items))";
            s.q("A", sql);
            s.q("A", "UPDATE items SET v = 5");
            s.q("A", sql);
        });
    }

    /** set_config inside substring(... FROM 1) changes the tenant: the session is read back. */
    @Test
    void setConfigInsideSubstringIsASessionChange() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "SELECT substring(set_config('app.tenant', 'b', false) FROM 1)");
            s.q("A", DOCS);
        });
    }

    /** A writing user function inside position(... IN ...): not cached, and it invalidates. */
    @Test
    void writingFunctionInsidePositionIsAWrite() throws Exception {
        run(s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "SELECT position('x' IN bump())");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "SELECT position('x' IN bump())");
            s.q("B", "SELECT n FROM counters WHERE id = 1");
        });
    }

    /** Volatile calls in VARIADIC arguments, an aggregate's ORDER BY, a window's PARTITION BY: not cached. */
    @Test
    void volatileCallsInOtherFormsAreNotCached() throws Exception {
        run(s -> {
            for (int i = 0; i < 2; i++) {
                s.q("A", "SELECT concat_ws(',', VARIADIC ARRAY[nextval('seq')::text])");
                s.q("A", "SELECT array_agg(v ORDER BY nextval('seq')) FROM items");
                s.q("A", "SELECT v, count(*) OVER (PARTITION BY bump()) FROM items");
                s.q("A", "SELECT n FROM counters");
            }
        });
    }

    // ---- catalog facts read in an old REPEATABLE READ snapshot are never remembered for others ---------------

    /**
     * A session in a REPEATABLE READ transaction whose snapshot predates row-level security on a table looks the
     * table up (its reads bypass, but the bypass still judges the code behind the relations): what it sees is never
     * remembered for the other sessions, which key each tenant apart.
     */
    @Test
    void repeatableReadSnapshotDoesNotTeachTheCatalog() throws Exception {
        String[] fixture = concat(FIXTURE, "ALTER TABLE docs DISABLE ROW LEVEL SECURITY");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a").as("C", "a"); // one application role, three tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("C", "SET app.tenant = 'c'");
            s.q("A", "BEGIN ISOLATION LEVEL REPEATABLE READ");
            s.q("A", "SELECT count(*) FROM items");
            s.q("SU", "ALTER TABLE docs ENABLE ROW LEVEL SECURITY");
            s.q("A", DOCS);
            s.q("A", "COMMIT");
            s.q("B", DOCS);
            s.q("C", DOCS);
            s.q("A", DOCS);
        });
    }

    /** Control for the test above: the same steps in a READ COMMITTED transaction hold. */
    @Test
    void controlReadCommittedTransactionHolds() throws Exception {
        String[] fixture = concat(FIXTURE, "ALTER TABLE docs DISABLE ROW LEVEL SECURITY");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a").as("C", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("C", "SET app.tenant = 'c'");
            s.q("A", "BEGIN ISOLATION LEVEL READ COMMITTED");
            s.q("A", "SELECT count(*) FROM items");
            s.q("SU", "ALTER TABLE docs ENABLE ROW LEVEL SECURITY");
            s.q("A", DOCS);
            s.q("A", "COMMIT");
            s.q("B", DOCS);
            s.q("C", DOCS);
            s.q("A", DOCS);
        });
    }

    // ---- the read-back never fails (and so never aborts) the application's transaction ----------------------

    /**
     * A policy reads a setting only superusers may see: once any session planned a read of its table, every
     * session's read-back asks for it, and for an ordinary role it must not fail (inside a transaction that would
     * abort it).
     */
    @Test
    void aPolicyReadingASuperuserOnlySettingLeavesOtherRolesTransactionsAlone() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE ops (id INT, note TEXT)",
                "INSERT INTO ops VALUES (1, 'x')",
                "ALTER TABLE ops ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY only_with_dir ON ops USING (current_setting('data_directory', true) IS NOT NULL)");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("SU", "SELECT id FROM ops");
            s.q("A", "BEGIN");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "COMMIT");
        });
    }

    // ---- user code reached through a composite column's domain ----------------------------------------------

    /**
     * A composite column whose field is a domain with a check calling a writing function: inserting runs it, and
     * the write it makes is seen.
     */
    @Test
    void aDomainCheckInsideACompositeColumnIsSeen() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION log_zip(z TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$"
                        + " BEGIN UPDATE counters SET n = n + 1 WHERE id = 1; RETURN true; END $$",
                "CREATE DOMAIN zip AS TEXT CHECK (log_zip(VALUE))",
                "CREATE TYPE address AS (street TEXT, code zip)",
                "CREATE TABLE people (id INT PRIMARY KEY, home address)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON people TO ${a}");
        run(fixture, s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "INSERT INTO people VALUES (1, '(main,123)')");
            s.q("A", "SELECT n FROM counters");
        });
    }

    // ---- transaction endings ----------------------------------------------------------------------------------

    /** PREPARE TRANSACTION refused (max_prepared_transactions = 0) rolls the transaction back, SET LOCAL too. */
    @Test
    void aRefusedPrepareTransactionUndoesSetLocal() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "BEGIN");
            s.q("A", "SET LOCAL app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "PREPARE TRANSACTION 'it_forms_x'");
            s.q("A", DOCS);
            s.q("A", "SELECT current_setting('app.tenant')");
        });
    }

    /** Session resets of every kind, with the tenant restored from the role's defaults. */
    @Test
    void resetAllAndDiscardAllRestoreTheRoleDefaults() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("SU", "ALTER ROLE " + ROLES.get("a") + " SET app.tenant = 'c'");
            s.as("A2", "a");
            s.q("A2", DOCS);
            s.q("A2", "SET app.tenant = 'a'");
            s.q("A2", DOCS);
            s.q("A2", "RESET ALL");
            s.q("A2", DOCS);
            s.q("A2", "SET app.tenant = 'b'");
            s.q("A2", DOCS);
            s.q("A2", "DISCARD ALL");
            s.q("A2", DOCS);
            s.q("A2", "SET SESSION app.tenant = 'a'");
            s.q("A2", DOCS);
            s.q("A2", "RESET app.tenant");
            s.q("A2", DOCS);
            s.q("SU", "ALTER ROLE " + ROLES.get("a") + " RESET app.tenant");
        });
    }

    // ---- code run by REFRESH MATERIALIZED VIEW ------------------------------------------------------------------

    /** A materialized view's query runs again at REFRESH: a writing function in it counts as the refresh's code. */
    @Test
    void refreshRunsTheMaterializedViewsCode() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE MATERIALIZED VIEW mv AS SELECT bump() AS x",
                "GRANT SELECT ON mv TO ${a}");
        run(fixture, s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "REFRESH MATERIALIZED VIEW mv");
            s.q("A", "SELECT n FROM counters");
        });
    }

    // ---- a server-prepared statement keeps the lexing of its PREPARE ------------------------------------------

    /**
     * With prepareThreshold=1 pgjdbc prepares a named statement on the server, which keeps the meaning its text had
     * under standard_conforming_strings = on, whatever the session says later: a text that reads two ways is never
     * cached, and its executions count as unknown writes.
     */
    @Test
    void aServerPreparedStatementKeepsTheLexingOfItsPrepare() throws Exception {
        run(s -> {
            s.q("A", "SELECT v FROM items"); // a session that keeps the cache open for the statistics
            try (Connection c = DriverManager.getConnection(s.url(null) + "&prepareThreshold=1");
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT 'a\\' || v FROM items --' || n FROM counters")) {
                for (int i = 0; i < 2; i++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        s.record("on, " + i, TestDb.rows(rs).toString());
                    }
                }
                try (Statement st = c.createStatement()) {
                    st.execute("SET standard_conforming_strings = off");
                }
                for (int i = 0; i < 2; i++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        s.record("off, " + i, TestDb.rows(rs).toString());
                    }
                }
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE items SET v = 7");
                }
                try (ResultSet rs = ps.executeQuery()) {
                    s.record("off, after the write", TestDb.rows(rs).toString());
                }
            }
        });
    }

    // ---- only the grammar's own TEMP makes a temporary table ---------------------------------------------------

    /** A policy named temp is DDL like any other: the tenants stop sharing the rows cached before it. */
    @Test
    void aPolicyNamedTempIsDdl() throws Exception {
        String[] fixture = concat(FIXTURE, "DROP POLICY by_tenant ON docs",
                "CREATE POLICY everyone ON docs USING (true)");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("SU", "CREATE POLICY temp ON docs AS RESTRICTIVE"
                    + " USING (tenant = current_setting('app.tenant', true))");
            s.q("A", DOCS);
            s.q("B", DOCS);
        });
    }

    /** The data-modifying CTE of a CREATE TEMP TABLE ... AS is a write. */
    @Test
    void createTempTableAsWithADeleteIsAWrite() throws Exception {
        run(s -> {
            s.q("A", "SELECT v FROM items");
            s.q("A", "CREATE TEMP TABLE gone AS WITH d AS (DELETE FROM items RETURNING v) SELECT * FROM d");
            s.q("B", "SELECT v FROM items");
        });
    }

    /** The writing function a SELECT ... INTO TEMP calls is judged like a read's. */
    @Test
    void selectIntoTempCallingAWritingFunctionIsAWrite() throws Exception {
        run(s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "SELECT bump() AS x INTO TEMP scratch");
            s.q("B", "SELECT n FROM counters");
        });
    }

    /**
     * PostgreSQL 14+ deparses calls written in SQL syntax as such: pg_get_expr prints the policy as
     * SUBSTRING(my_tenant() FROM 1); the function inside is seen, so the table is not cached.
     */
    @Test
    void aPolicyCallingAFunctionInsideSubstringFromIsNotCached() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION my_tenant() RETURNS TEXT LANGUAGE sql STABLE AS"
                        + " $$ SELECT current_setting('app.tenant', true) $$",
                "CREATE TABLE private (id INT, tenant TEXT)",
                "INSERT INTO private VALUES (1, 'a'), (2, 'b')",
                "ALTER TABLE private ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY by_function ON private USING (tenant = substring(my_tenant() FROM 1))",
                "GRANT SELECT ON private TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("A", "SELECT id FROM private ORDER BY id");
            s.q("B", "SELECT id FROM private ORDER BY id");
        });
    }

    /** A tenant-filtering view (no row-level security) reading the setting inside substring(... FROM 1). */
    @Test
    void aTenantViewReadingTheSettingInsideSubstringFromIsNotShared() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE plain (id INT, tenant TEXT, body TEXT)",
                "INSERT INTO plain VALUES (1, 'a', 'plain of a'), (2, 'b', 'plain of b')",
                "CREATE VIEW my_plain AS SELECT id, body FROM plain"
                        + " WHERE tenant = substring(current_setting('app.tenant', true) FROM 1)",
                "GRANT SELECT ON plain, my_plain TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("A", "SELECT id, body FROM my_plain ORDER BY id");
            s.q("B", "SELECT id, body FROM my_plain ORDER BY id");
        });
    }

    // ---- angles that held -----------------------------------------------------------------------------------

    @Test
    void rolesAndAuthorizationHold() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE owned (id INT PRIMARY KEY, owner NAME, body TEXT)",
                "INSERT INTO owned VALUES (1, '${a}', 'owned by a'), (2, '${b}', 'owned by b')",
                "ALTER TABLE owned ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY by_user ON owned USING (owner = current_user OR pg_has_role(current_user, 'pg_monitor', 'member'))",
                "CREATE POLICY by_grp ON owned FOR SELECT TO ${b} USING (true)",
                "GRANT SELECT ON owned TO ${a}, ${b}, ${admin}",
                "CREATE FUNCTION whoami() RETURNS TEXT LANGUAGE sql SECURITY DEFINER AS $$ SELECT current_user::text $$",
                "CREATE VIEW sb WITH (security_barrier) AS SELECT id, body FROM docs WHERE id > 0",
                "GRANT SELECT ON sb TO ${a}, ${b}, ${admin}");
        run(fixture, s -> {
            s.as("ADMIN", "admin").as("A", "a").as("B", "b");
            String owned = "SELECT id, body FROM owned ORDER BY id";
            s.q("A", owned);
            s.q("B", owned);
            s.q("ADMIN", owned);
            s.q("ADMIN", "BEGIN");
            s.q("ADMIN", "SET LOCAL ROLE " + ROLES.get("b"));
            s.q("ADMIN", owned);
            s.q("ADMIN", "COMMIT");
            s.q("ADMIN", owned);
            s.q("ADMIN", "BEGIN");
            s.q("ADMIN", "SET ROLE " + ROLES.get("a"));
            s.q("ADMIN", owned);
            s.q("ADMIN", "ROLLBACK");
            s.q("ADMIN", owned);
            s.q("SU", "BEGIN");
            s.q("SU", "SET SESSION AUTHORIZATION " + ROLES.get("a"));
            s.q("SU", owned);
            s.q("SU", "ROLLBACK");
            s.q("SU", owned);
            s.q("SU", "GRANT pg_monitor TO " + ROLES.get("a"));
            s.q("A", owned);
            s.q("SU", "REVOKE pg_monitor FROM " + ROLES.get("a"));
            s.q("A", owned);
            s.q("SU", "ALTER ROLE " + ROLES.get("a") + " BYPASSRLS");
            s.q("A", owned);
            s.q("SU", "ALTER ROLE " + ROLES.get("a") + " NOBYPASSRLS");
            s.q("A", owned);
            s.q("A", "SELECT whoami()");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SELECT * FROM sb ORDER BY id");
            s.q("B", "SET app.tenant = 'b'");
            s.q("B", "SELECT * FROM sb ORDER BY id");
            s.q("A", "SELECT * FROM sb ORDER BY id");
        });
    }

    @Test
    void connectionApiAndSavepointsHold() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a");
            Connection a = s.session("A");
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            a.setAutoCommit(false);
            Savepoint sp = a.setSavepoint();
            s.q("A", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            a.rollback(sp);
            s.q("A", DOCS);
            s.q("A", "SELECT set_config('app.tenant', 'c', true)");
            s.q("A", DOCS);
            a.commit();
            s.q("A", DOCS);
            s.q("A", "SET app.tenant = 'b'");
            a.rollback();
            s.q("A", DOCS);
            a.setAutoCommit(true);
            a.setReadOnly(true);
            s.q("A", DOCS);
            a.setReadOnly(false);
            a.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            s.q("A", DOCS);
            a.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            a.setClientInfo("ApplicationName", "it-forms");
            s.q("A", DOCS);
            s.q("A", "SELECT id, body FROM docs /* c */ ORDER BY id -- x");
            s.q("B", "SELECT id, body FROM U&\"d\\006fcs\" ORDER BY id");
            s.q("B", "SELECT id, body FROM docs WHERE body <> $q$x$q$ ORDER BY id");
            s.q("A", "SELECT id, body FROM docs WHERE body <> $q$x$q$ ORDER BY id");
            s.q("A", "SET app.tenant = 'b'; SELECT id, body FROM docs ORDER BY id");
            s.q("A", DOCS);
            s.q("A", "RESET app.tenant; SET app.tenant TO DEFAULT");
            s.q("A", DOCS);
        });
    }
}
