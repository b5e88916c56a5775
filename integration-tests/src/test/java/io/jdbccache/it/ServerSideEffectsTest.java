package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;

import io.jdbccache.CacheStatistics;
import io.jdbccache.internal.sql.BypassReason;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What code on the server does behind the SQL text, and what the session's transaction does behind the driver's
 * back: DDL run by functions and triggers, {@code set_config} in defaults, checks, policies and domains, views with
 * code that writes read or written through, two-phase commit, failed transactions. Each scenario runs raw and
 * through the cache on PostgreSQL; every step must match.
 */
class ServerSideEffectsTest {
    private static final String PREFIX = "sse_" + ProcessHandle.current().pid() + "_";
    private static final Map<String, String> ROLES = TenantRoles.named(PREFIX);
    private static final String DOCS = "SELECT id, body FROM docs ORDER BY id";
    private static final String OWNED = "SELECT id, body FROM owned ORDER BY id";

    private static final String[] FIXTURE = {
        "CREATE TABLE docs (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
        "INSERT INTO docs VALUES (1, 'a', 'doc of a'), (2, 'b', 'doc of b'), (3, 'a', 'second of a'),"
                + " (4, 'c', 'doc of c')",
        "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY by_tenant ON docs USING (tenant = current_setting('app.tenant', true))",
        "CREATE TABLE owned (id INT PRIMARY KEY, owner NAME, body TEXT)",
        "INSERT INTO owned VALUES (1, '${a}', 'owned by a'), (2, '${b}', 'owned by b')",
        "ALTER TABLE owned ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY by_user ON owned USING (owner = current_user)",
        "CREATE TABLE items (v INT)",
        "INSERT INTO items VALUES (1)",
        "CREATE TABLE counters (id INT PRIMARY KEY, n INT)",
        "INSERT INTO counters VALUES (1, 0)",
        "GRANT USAGE ON SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
    };

    @BeforeAll
    static void createRoles() throws SQLException {
        TenantRoles.create(ROLES);
    }

    @AfterAll
    static void dropRoles() throws SQLException {
        TenantRoles.drop(ROLES, false);
    }

    private static CacheStatistics run(Differential.Body body) throws Exception {
        return run(FIXTURE, body);
    }

    private static CacheStatistics run(String[] fixture, Differential.Body body) throws Exception {
        return sameOutcomes(Database.POSTGRESQL, fixture, ROLES, body);
    }

    private static String[] concat(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    // ---- DDL run by server code reached through a SELECT --------------------------------------------------

    @Test
    void policyChangedByAFunctionCalledInASelect() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION switch_policy() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN"
                        + " ALTER POLICY by_tenant ON docs USING (tenant = current_setting('app.other', true));"
                        + " RETURN 'switched'; END $$");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a"); // one application role, two sessions
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SET app.other = 'a'");
            s.q("B", "SET app.tenant = 'a'");
            s.q("B", "SET app.other = 'b'");
            s.q("A", DOCS);
            s.q("B", DOCS);
            s.q("SU", "SELECT switch_policy()");
            s.q("A", DOCS);
            s.q("B", DOCS);
            s.q("A", DOCS);
        });
    }

    @Test
    void policyChangedByATriggerOfAWrite() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE switches (v INT)",
                "CREATE FUNCTION on_switch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " ALTER POLICY by_tenant ON docs USING (tenant = current_setting('app.other', true));"
                        + " RETURN NEW; END $$",
                "CREATE TRIGGER switch_trigger BEFORE INSERT ON switches FOR EACH ROW EXECUTE FUNCTION on_switch()");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SET app.other = 'a'");
            s.q("B", "SET app.tenant = 'a'");
            s.q("B", "SET app.other = 'b'");
            s.q("A", DOCS);
            s.q("B", DOCS);
            s.q("SU", "INSERT INTO switches VALUES (1)");
            s.q("A", DOCS);
            s.q("B", DOCS);
        });
    }

    // ---- clock SQL value functions in a policy, beside CURRENT_USER ------------------------------------------

    @Test
    void policyWithCurrentTimestampBeforeCurrentUser() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE embargo (id INT PRIMARY KEY, owner NAME, visible_from TIMESTAMPTZ, body TEXT)",
                "INSERT INTO embargo VALUES (1, '${a}', now() - interval '1 hour', 'old'),"
                        + " (2, '${a}', clock_timestamp() + interval '3 seconds', 'embargoed')",
                "ALTER TABLE embargo ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY timed ON embargo USING (visible_from <= CURRENT_TIMESTAMP AND owner = CURRENT_USER)",
                "GRANT SELECT ON embargo TO ${a}, ${b}");
        CacheStatistics stats = run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SELECT id, body FROM embargo ORDER BY id");
            s.q("A", "SELECT id, body FROM embargo ORDER BY id");
            try {
                Thread.sleep(4000);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            s.q("A", "SELECT id, body FROM embargo ORDER BY id");
        });
        Assertions.assertThat(stats.bypassesByReason())
                .containsKey(BypassReason.ROW_SECURITY.name());
    }

    // ---- built-in set_config run by a write's defaults, checks, policies, and by a domain's check -----------

    @Test
    void setConfigInAColumnDefault() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE requests (tenant TEXT, note TEXT DEFAULT set_config('app.tenant', 'b', false))",
                "GRANT SELECT, INSERT ON requests TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO requests (tenant) VALUES ('x')");
            s.q("A", "SELECT current_setting('app.tenant')");
            s.q("A", DOCS);
        });
    }

    @Test
    void aDefaultThatWritesAnotherTableInvalidatesItsReaders() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION counted_code() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN"
                        + " UPDATE counters SET n = n + 1; RETURN 'code'; END $$",
                "CREATE TABLE coded (id INT, code TEXT DEFAULT counted_code())",
                "GRANT SELECT, INSERT ON coded TO ${a}, ${b}");
        run(fixture, s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "INSERT INTO coded (id) VALUES (1)");
            s.q("A", "SELECT n FROM counters");
        });
    }

    @Test
    void aParallelSafeDefaultKeepsOtherTablesCached() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION fresh_code() RETURNS TEXT LANGUAGE sql VOLATILE PARALLEL SAFE"
                        + " AS $$ SELECT md5(random()::text) $$",
                "CREATE TABLE coded (id INT, code TEXT DEFAULT fresh_code())",
                "GRANT SELECT, INSERT ON coded TO ${a}, ${b}");
        CacheStatistics stats = run(fixture, s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "INSERT INTO coded (id) VALUES (1)");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "SELECT count(*) FROM coded");
        });
        // PARALLEL SAFE promises no writes: the insert invalidates coded only, so the second read of counters hits.
        Assertions.assertThat(stats.hitCount()).isEqualTo(1);
    }

    @Test
    void setConfigInACheckConstraint() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE requests (tenant TEXT CHECK (set_config('app.tenant', tenant, false) IS NOT NULL))",
                "GRANT SELECT, INSERT ON requests TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO requests VALUES ('b')");
            s.q("A", DOCS);
        });
    }

    @Test
    void setConfigInAnInsertPolicy() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE requests (tenant TEXT)",
                "ALTER TABLE requests ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY reads ON requests FOR SELECT USING (true)",
                "CREATE POLICY ins ON requests FOR INSERT WITH CHECK (set_config('app.tenant', tenant, false) IS NOT NULL)",
                "GRANT SELECT, INSERT ON requests TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO requests VALUES ('b')");
            s.q("A", DOCS);
        });
    }

    // ---- writes that read, or write through, views running code --------------------------------------------

    @Test
    void insertSelectFromAViewThatSetsTheTenant() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE VIEW sets_b AS SELECT set_config('app.tenant', 'b', false) AS t",
                "GRANT SELECT ON sets_b TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO items SELECT length(t) FROM sets_b");
            s.q("A", DOCS);
        });
    }

    @Test
    void insertSelectFromAViewThatWritesAnotherTable() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION bump() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN"
                        + " UPDATE counters SET n = n + 1 WHERE id = 1; RETURN 1; END $$",
                "CREATE VIEW bumping AS SELECT bump() AS v",
                "GRANT SELECT ON bumping TO ${a}, ${b}");
        run(fixture, s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "INSERT INTO items SELECT v FROM bumping");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "UPDATE items SET v = (SELECT v FROM bumping)");
            s.q("A", "SELECT n FROM counters");
            s.q("A", "DELETE FROM items WHERE v IN (SELECT v + 100 FROM bumping)");
            s.q("A", "SELECT n FROM counters");
        });
    }

    @Test
    void domainCheckCallingBuiltInSetConfig() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE DOMAIN tenant_name AS TEXT CHECK (set_config('app.tenant', VALUE, false) IS NOT NULL)");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "SELECT 'b'::tenant_name");
            s.q("A", DOCS);
        });
    }

    // ---- a table created earlier on the search path by a function --------------------------------------

    @Test
    void tableCreatedEarlierOnThePathByAFunction() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_first",
                "CREATE FUNCTION make_items() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN"
                        + " CREATE TABLE ${schema}_first.items (v INT); INSERT INTO ${schema}_first.items VALUES (50);"
                        + " RETURN 'made'; END $$");
        try {
            run(fixture, s -> {
                s.q("A", "SET search_path TO " + s.schema() + "_first, " + s.schema());
                s.q("A", "SELECT v FROM items");
                s.q("A", "SELECT v FROM items");
                s.q("SU", "SELECT make_items()");
                s.q("A", "SELECT v FROM items");
                s.q("A", "UPDATE " + s.schema() + "_first.items SET v = 51");
                s.q("A", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    // ---- PREPARE TRANSACTION ends the transaction (here refused: max_prepared_transactions is 0) -------------

    @Test
    void prepareTransactionEndsTheTransaction() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "BEGIN");
            s.q("A", "SET app.tenant = 'c'");
            s.q("A", DOCS);
            s.q("A", "PREPARE TRANSACTION 'sse_x'");
            s.q("A", "SELECT current_setting('app.tenant')");
            s.q("A", DOCS);
        });
    }

    @Test
    void prepareTransactionEndsSetLocal() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "BEGIN");
            s.q("A", "SET LOCAL app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "PREPARE TRANSACTION 'sse_y'");
            s.q("A", DOCS);
        });
    }

    // ---- a keyed read whose subquery is written TABLE t; session changes the cache must follow ---------------

    @Test
    void keyedReadWithTableSubquery() throws Exception {
        String[] fixture = concat(FIXTURE, "INSERT INTO counters VALUES (2, 5)");
        run(fixture, s -> {
            String read = "SELECT id FROM counters WHERE id = 1 AND (2, 9) IN (TABLE counters)";
            s.q("A", read);
            s.q("A", read);
            s.q("A", "UPDATE counters SET n = 9 WHERE id = 2");
            s.q("A", read);
            s.p("A", "SELECT id FROM counters WHERE id = ? AND 9 IN (SELECT n FROM counters)", 1);
        });
    }

    @Test
    void policyWithCurrentUserBeforeLocaltimestamp() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE embargo (id INT PRIMARY KEY, owner NAME, visible_from TIMESTAMP, body TEXT)",
                "INSERT INTO embargo VALUES (1, '${a}', localtimestamp - interval '1 hour', 'old'),"
                        + " (2, '${a}', localtimestamp + interval '3 seconds', 'embargoed')",
                "ALTER TABLE embargo ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY timed ON embargo USING (owner = CURRENT_USER AND visible_from <= LOCALTIMESTAMP)",
                "CREATE POLICY timed2 ON embargo USING (visible_from <= LOCALTIMESTAMP AND owner = SESSION_USER)",
                "GRANT SELECT ON embargo TO ${a}, ${b}");
        CacheStatistics stats = run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SELECT id, body FROM embargo ORDER BY id");
            s.q("A", "SELECT id, body FROM embargo ORDER BY id");
            try {
                Thread.sleep(4000);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            s.q("A", "SELECT id, body FROM embargo ORDER BY id");
        });
        // The policies read the clock: never cached, whatever order the clock and the role are named in.
        Assertions.assertThat(stats.bypassesByReason())
                .containsKey(BypassReason.ROW_SECURITY.name());
    }

    @Test
    void updateOfPgSettingsChangesTheTenant() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "UPDATE pg_settings SET setting = 'b' WHERE name = 'app.tenant'");
            s.q("A", DOCS);
        });
    }

    @Test
    void policyChangedByAFunctionThroughPrepareCall() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION switch_policy() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN"
                        + " ALTER POLICY by_tenant ON docs USING (tenant = current_setting('app.other', true));"
                        + " RETURN 'switched'; END $$");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SET app.other = 'a'");
            s.q("B", "SET app.tenant = 'a'");
            s.q("B", "SET app.other = 'b'");
            s.q("A", DOCS);
            s.q("B", DOCS);
            s.call("SU", "{? = call switch_policy()}");
            s.q("A", DOCS);
            s.q("B", DOCS);
        });
    }

    @Test
    void escapeProcessingOffIsNotPartOfTheKey() throws Exception {
        run(s -> {
            String sql = "SELECT {fn ucase('x')} AS u, v FROM items";
            s.q("A", sql);
            s.q("A", sql);
            s.record("A: escapes off", Differential.Script.outcome(() -> {
                try (Statement st = s.session("A").createStatement()) {
                    st.setEscapeProcessing(false);
                    try (ResultSet rs = st.executeQuery(sql)) {
                        return TestDb.rows(rs).toString();
                    }
                }
            }));
        });
    }

    @Test
    void preparedBeforeStandardConformingStringsChanged() throws Exception {
        run(s -> {
            Connection a = s.session("A");
            String one = "SELECT 'a\\' AS c --', 'one'";
            String two = "SELECT 'a\\' AS c --', 'two'";
            PreparedStatement p1 = a.prepareStatement(one);
            PreparedStatement p2 = a.prepareStatement(two);
            s.q("A", "SET standard_conforming_strings = off");
            for (PreparedStatement p : List.of(p1, p2, p1, p2)) {
                s.record("A: prepared", Differential.Script.outcome(() -> {
                    try (ResultSet rs = p.executeQuery()) {
                        return TestDb.rows(rs).toString();
                    }
                }));
            }
            p1.close();
            p2.close();
        });
    }

    @Test
    void writeThroughAnUpdatableViewWhoseWhereRunsCode() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION bump() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN"
                        + " UPDATE counters SET n = n + 1 WHERE id = 1; RETURN 1; END $$",
                "CREATE VIEW counted_items AS SELECT v FROM items WHERE bump() > 0",
                "CREATE VIEW tenant_items AS SELECT v FROM items WHERE set_config('app.tenant', 'b', false) IS NOT NULL",
                "GRANT SELECT, UPDATE ON counted_items, tenant_items TO ${a}, ${b}");
        run(fixture, s -> {
            s.q("A", "SELECT n FROM counters");
            s.q("A", "UPDATE counted_items SET v = v + 1");
            s.q("A", "SELECT n FROM counters");
            s.as("T", "a");
            s.q("T", "SET app.tenant = 'a'");
            s.q("T", DOCS);
            s.q("T", "UPDATE tenant_items SET v = v + 1");
            s.q("T", DOCS);
        });
    }

    @Test
    void heldVariations() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE timed (id INT PRIMARY KEY, tenant TEXT)",
                "INSERT INTO timed VALUES (1, 'a'), (2, 'b')",
                "ALTER TABLE timed ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY t1 ON timed USING (tenant = CASE WHEN current_setting('app.mode', true) = 'x'"
                        + " THEN 'b' ELSE coalesce(current_setting('app.tenant', true), 'a') END)",
                "CREATE POLICY t2 ON timed AS RESTRICTIVE USING (id < (current_setting('app.max', true))::int"
                        + " OR current_setting('app.max', true) IS NULL)",
                "GRANT SELECT ON timed TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a").as("ADMIN", "admin");
            String timed = "SELECT id FROM timed ORDER BY id";
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'a'");
            s.q("A", timed);
            s.q("B", "SET app.mode = 'x'");
            s.q("B", timed);
            s.q("A", "SET app.max = '1'");
            s.q("A", timed);
            s.q("A", "SET app.tenant = 'a '");
            s.q("A", timed);
            s.q("ADMIN", "SET ROLE " + ROLES.get("a"));
            s.q("ADMIN", OWNED);
            s.q("ADMIN", "SET ROLE NONE");
            s.q("ADMIN", OWNED);
            s.q("A", "BEGIN");
            s.q("A", "SET LOCAL app.tenant = 'b'");
            s.q("A", "SAVEPOINT s1");
            s.q("A", "SET LOCAL app.tenant = 'c'");
            s.q("A", DOCS);
            s.q("A", "ROLLBACK TO SAVEPOINT s1");
            s.q("A", DOCS);
            s.q("A", "COMMIT AND CHAIN");
            s.q("A", DOCS);
            s.q("A", "SET LOCAL app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "ROLLBACK AND CHAIN");
            s.q("A", DOCS);
            s.q("A", "COMMIT");
            s.q("A", DOCS);
            s.session("B").setSchema("no_such_schema_sse");
            s.q("B", "SELECT v FROM items");
            s.session("B").setSchema(s.schema());
            s.q("B", "SELECT v FROM items");
        });
    }

    /** Schemas made by scenarios beside the test schema (TestDb drops only its own). */
    private static void dropStraySchemas() throws SQLException {
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            List<String> stray = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname"
                    + " LIKE 'it\\_" + ProcessHandle.current().pid() + "\\_%\\_first'")) {
                while (rs.next()) {
                    stray.add(rs.getString(1));
                }
            }
            for (String schema : stray) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    // ---- no hit inside a failed transaction: the database refuses every statement until it ends --------------

    @Test
    void hitInsideAnAbortedTransaction() throws Exception {
        run(s -> {
            s.q("A", "SELECT v FROM items");
            s.q("A", "BEGIN");
            s.q("A", "SELECT 1/0");
            s.q("A", "SELECT v FROM items");
            s.q("A", "ROLLBACK");
        });
    }
}
