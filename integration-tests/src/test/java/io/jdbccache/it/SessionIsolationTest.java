package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.execFailing;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdbccache.CacheStatistics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenants and roles never see each other's rows through the cache, however the session's state changes: custom
 * settings read by row-level-security policies (several at once; SET, SET LOCAL, RESET, set_config in SQL and
 * inside functions, DO, CALL, callable statements, PREPARE/EXECUTE, EXPLAIN ANALYZE, triggers), roles changed in
 * SQL and in server code, search paths and temporary tables changed every way, policies reading other tables,
 * schemas that start to exist, pooled connections reused across tenants. Session settings belong to the key as the
 * session has them: a time zone however it was spelled, SET LOCAL once its transaction ended, a setting undone by a
 * failure, a setting given in the URL. Each scenario runs twice on the real PostgreSQL, raw and through the cache,
 * and every step must see the same thing.
 */
class SessionIsolationTest {
    private static final String PREFIX = "it_sec_" + ProcessHandle.current().pid() + "_";
    private static final Map<String, String> ROLES = Map.of("a", PREFIX + "a", "b", PREFIX + "b",
            "admin", PREFIX + "admin", "x", PREFIX + "x");
    private static final String DOCS = "SELECT id, body FROM docs ORDER BY id";
    private static final String OWNED = "SELECT id, body FROM owned ORDER BY id";
    /** An interval whose text depends on the session's IntervalStyle. */
    private static final String[] INTERVALS = {
        "CREATE TABLE iv (d INTERVAL)", "INSERT INTO iv VALUES (INTERVAL '1 day 2 hours')"};
    private static final String INTERVAL_TEXT = "SELECT CAST(d AS VARCHAR) FROM iv";

    /** Tables with row-level security by custom setting, by current_user and by a membership table. */
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
        "CREATE TABLE members (tenant TEXT, user_name NAME)",
        "INSERT INTO members VALUES ('a', '${a}'), ('b', '${b}')",
        "CREATE TABLE shared (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
        "INSERT INTO shared VALUES (1, 'a', 'shared with a'), (2, 'b', 'shared with b')",
        "ALTER TABLE shared ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY by_membership ON shared USING (tenant IN (SELECT m.tenant FROM members m"
                + " WHERE m.user_name = current_user))",
        "CREATE TABLE items (v INT)",
        "INSERT INTO items VALUES (1)",
        "CREATE TABLE requests (tenant TEXT)",
        "CREATE FUNCTION set_tenant(t TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM set_config('app.tenant', t, false); RETURN t; END $$",
        "CREATE PROCEDURE use_tenant(t TEXT) LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM set_config('app.tenant', t, false); END $$",
        "CREATE FUNCTION on_request() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM set_config('app.tenant', NEW.tenant, false); RETURN NEW; END $$",
        "CREATE TRIGGER request_sets_tenant BEFORE INSERT ON requests FOR EACH ROW EXECUTE FUNCTION on_request()",
        "GRANT USAGE ON SCHEMA ${schema} TO ${a}, ${b}, ${admin}, ${x}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${a}, ${b}, ${admin}, ${x}",
    };

    @BeforeAll
    static void createRoles() throws SQLException {
        Database.POSTGRESQL.requireAvailable();
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            for (String role : List.of("a", "b", "x")) {
                statement.execute("DROP ROLE IF EXISTS " + ROLES.get(role));
                statement.execute("CREATE ROLE " + ROLES.get(role) + " LOGIN");
            }
            statement.execute("DROP ROLE IF EXISTS " + ROLES.get("admin"));
            statement.execute("CREATE ROLE " + ROLES.get("admin") + " LOGIN");
            statement.execute("GRANT " + ROLES.get("a") + ", " + ROLES.get("b") + " TO " + ROLES.get("admin"));
        }
    }

    @AfterAll
    static void dropRoles() throws SQLException {
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            for (String role : List.of("admin", "a", "b", "x")) {
                statement.execute("DROP SCHEMA IF EXISTS " + ROLES.get(role) + " CASCADE");
                statement.execute("DROP ROLE IF EXISTS " + ROLES.get(role));
            }
        }
    }

    private static CacheStatistics run(Differential.Body body) throws Exception {
        return run(FIXTURE, body);
    }

    private static CacheStatistics run(String[] fixture, Differential.Body body) throws Exception {
        return sameOutcomes(Database.POSTGRESQL, fixture, ROLES, body);
    }

    // ---- custom settings read by a policy ------------------------------------------------------------------

    @Test
    void severalCustomSettingsOfOneNamespaceAreKeyedOneByOne() throws Exception {
        CacheStatistics stats = run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SET app.user_id = '7'");
            s.q("B", "SET app.tenant = 'b'");
            s.q("B", "SET app.user_id = '7'");
            for (int i = 0; i < 3; i++) {
                s.q("A", DOCS);
                s.q("B", DOCS);
            }
        });
        assertThat(stats.hitCount()).as("each tenant's repeated read is served from the cache").isEqualTo(4);
    }

    @Test
    void resetOfOneSettingDoesNotForgetAnother() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SET app.request = 'r1'");
            s.q("A", "RESET app.request");
            s.q("A", DOCS);
            s.q("B", "SET app.tenant = 'b'");
            s.q("B", DOCS);
            s.q("A", "RESET app.tenant");
            s.q("A", DOCS);
            s.q("B", DOCS);
        });
    }

    @Test
    void setLocalLastsUntilTheTransactionEnds() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            for (String tenant : List.of("a", "b", "a")) {
                Connection c = s.session("A");
                c.setAutoCommit(false);
                s.q("A", "SET LOCAL app.tenant = '" + tenant + "'");
                s.q("A", DOCS);
                c.commit();
                s.q("A", DOCS);
                c.setAutoCommit(true);
                s.q("B", "SELECT set_config('app.tenant', '" + tenant + "', true)");
                s.q("B", DOCS);
            }
        });
    }

    @Test
    void rolledBackSettingsAreUndone() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "BEGIN");
            s.q("A", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "ROLLBACK");
            s.q("A", DOCS);
            s.q("A", "BEGIN");
            s.q("A", "SAVEPOINT sp");
            s.q("A", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "ROLLBACK TO SAVEPOINT sp");
            s.q("A", DOCS);
            s.q("A", "SET app.tenant = 'c'");
            s.q("A", "SELECT 1/0");
            s.q("A", "COMMIT");
            s.q("A", DOCS);
            s.q("B", "SET app.tenant = 'b'");
            s.q("B", DOCS);
        });
    }

    @Test
    void settingsChangedByServerCodeAreReadBack() throws Exception {
        List<String> changes = List.of(
                "SELECT set_config('app.tenant', '%s', false)",
                "SELECT \"set_config\"('app.tenant', '%s', false)",
                "SELECT set_tenant('%s')",
                "SELECT * FROM set_tenant('%s')",
                "DO $$ BEGIN PERFORM set_config('app.tenant', '%s', false); END $$",
                "CALL use_tenant('%s')",
                "{call set_config('app.tenant', '%s', false)}",
                "EXPLAIN ANALYZE SELECT set_config('app.tenant', '%s', false)",
                "INSERT INTO requests VALUES ('%s')",
                "SELECT 1; SELECT set_config('app.tenant', '%s', false)",
                "SELECT set_config('app.tenant', '%s', false)::text COLLATE \"C\"");
        for (String change : changes) {
            run(s -> {
                s.as("A", "a").as("B", "a"); // one application role, two tenants
                s.q("A", String.format(change, "a"));
                s.q("A", DOCS);
                s.q("A", DOCS);
                s.q("B", String.format(change, "b"));
                s.q("B", DOCS);
                s.q("A", String.format(change, "b"));
                s.q("A", DOCS);
                s.q("B", String.format(change, "c"));
                s.q("B", DOCS);
            });
        }
    }

    @Test
    void preparedAndCallableServerCodeIsReadBack() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.call("A", "{call use_tenant(?)}", "a");
            s.q("A", DOCS);
            s.call("B", "{? = call set_tenant(?)}", "b");
            s.q("B", DOCS);
            s.q("A", "PREPARE pick AS SELECT set_config('app.tenant', 'b', false)");
            s.q("A", "EXECUTE pick");
            s.q("A", DOCS);
            s.p("B", "SELECT set_tenant(?)", "a");
            s.p("B", DOCS);
            s.p("A", "SELECT set_config('app.tenant', ?, false)", "a");
            s.p("A", DOCS);
        });
    }

    // ---- roles -------------------------------------------------------------------------------------------

    @Test
    void rolesChangedInSqlAndInServerCodeAreReadBack() throws Exception {
        run(s -> {
            s.as("ADMIN", "admin").as("A", "a").as("B", "b");
            s.q("A", OWNED);
            s.q("B", OWNED);
            s.q("ADMIN", OWNED);
            s.q("ADMIN", "SET ROLE " + ROLES.get("a"));
            s.q("ADMIN", OWNED);
            s.q("ADMIN", "SELECT current_user = '" + ROLES.get("a") + "'");
            s.q("ADMIN", "RESET ROLE");
            s.q("ADMIN", OWNED);
            s.q("ADMIN", "DO $$ BEGIN EXECUTE 'SET ROLE " + ROLES.get("b") + "'; END $$");
            s.q("ADMIN", OWNED);
            s.q("ADMIN", "SELECT current_user");
            s.q("A", "SELECT current_user");
            s.q("ADMIN", "SELECT set_config('role', '" + ROLES.get("a") + "', false)");
            s.q("ADMIN", OWNED);
            s.q("ADMIN", "RESET ROLE");
            s.q("ADMIN", OWNED);
            s.q("B", OWNED);
        });
    }

    @Test
    void sessionAuthorizationIsReadBack() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("SU", "SET SESSION AUTHORIZATION " + ROLES.get("b"));
            s.q("SU", OWNED);
            s.q("SU", "SELECT session_user, current_user");
            s.q("A", OWNED);
            s.q("SU", "RESET SESSION AUTHORIZATION");
            s.q("SU", OWNED);
        });
    }

    @Test
    void aPolicyReadingAnotherTableDependsOnIt() throws Exception {
        CacheStatistics stats = run(s -> {
            s.as("A", "a").as("B", "b");
            s.q("A", "SELECT id, body FROM shared ORDER BY id");
            s.q("A", "SELECT id, body FROM shared ORDER BY id");
            s.q("B", "SELECT id, body FROM shared ORDER BY id");
            s.q("SU", "DELETE FROM members WHERE user_name = '" + ROLES.get("a") + "'");
            s.q("A", "SELECT id, body FROM shared ORDER BY id");
            s.q("SU", "INSERT INTO members VALUES ('b', '" + ROLES.get("a") + "')");
            s.q("A", "SELECT id, body FROM shared ORDER BY id");
            s.q("B", "SELECT id, body FROM shared ORDER BY id");
        });
        assertThat(stats.hitCount()).isGreaterThan(0);
    }

    @Test
    void policyChangesThroughTheDriverAreSeen() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
            s.q("SU", "ALTER POLICY by_tenant ON docs USING (tenant = current_setting('app.other', true))");
            s.q("A", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
            s.q("A", "SET app.other = 'b'");
            s.q("A", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
            s.q("B", "SET app.other = 'a'");
            s.q("B", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
            s.q("SU", "ALTER TABLE docs DISABLE ROW LEVEL SECURITY");
            s.q("B", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
            s.q("SU", "ALTER TABLE docs ENABLE ROW LEVEL SECURITY");
            s.q("B", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
            s.q("SU", "REVOKE SELECT ON docs FROM " + ROLES.get("b"));
            s.q("B", "SELECT id, body FROM items JOIN docs ON true ORDER BY id");
        });
    }

    @Test
    void policiesCallingFunctionsNobodyVouchedForAreNotCached() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION my_tenant() RETURNS TEXT LANGUAGE sql STABLE AS"
                        + " $$ SELECT current_setting('app.tenant', true) $$",
                "CREATE TABLE private (id INT, tenant TEXT)",
                "INSERT INTO private VALUES (1, 'a'), (2, 'b')",
                "ALTER TABLE private ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY by_function ON private USING (tenant = my_tenant())",
                "GRANT SELECT ON private TO ${a}, ${b}");
        CacheStatistics stats = run(fixture, s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            for (int i = 0; i < 2; i++) {
                s.q("A", "SELECT id FROM private ORDER BY id");
                s.q("B", "SELECT id FROM private ORDER BY id");
            }
        });
        assertThat(stats.hitCount()).isZero();
        assertThat(stats.bypassesByReason()).containsEntry("ROW_SECURITY", 4L);
    }

    @Test
    void securityInvokerViewsFollowThePoliciesOfTheirTables() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE VIEW my_docs WITH (security_invoker = true) AS SELECT id, body FROM docs",
                "GRANT SELECT ON my_docs TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a"); // one application role, two tenants
            s.q("A", "SET app.tenant = 'a'");
            s.q("B", "SET app.tenant = 'b'");
            for (int i = 0; i < 2; i++) {
                s.q("A", "SELECT * FROM my_docs ORDER BY id");
                s.q("B", "SELECT * FROM my_docs ORDER BY id");
            }
            s.q("SU", "UPDATE docs SET tenant = 'b' WHERE id = 3");
            s.q("A", "SELECT * FROM my_docs ORDER BY id");
            s.q("B", "SELECT * FROM my_docs ORDER BY id");
        });
    }

    // ---- search path and temporary tables ------------------------------------------------------------------

    private static String[] twoSchemas() {
        return concat(FIXTURE,
                "CREATE SCHEMA ${schema}_other",
                "CREATE TABLE ${schema}_other.items (v INT)",
                "INSERT INTO ${schema}_other.items VALUES (2)",
                "GRANT USAGE ON SCHEMA ${schema}_other TO ${a}, ${b}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ${schema}_other.items TO ${a}, ${b}");
    }

    @Test
    void searchPathsChangedEveryWayAreReadBack() throws Exception {
        List<String> changes = List.of(
                "SET search_path TO %s",
                "SELECT set_config('search_path', '%s', false)",
                "DO $$ BEGIN PERFORM set_config('search_path', '%s', false); END $$",
                "DO $$ BEGIN EXECUTE 'SET search_path TO %s'; END $$");
        try {
            for (String change : changes) {
                run(twoSchemas(), s -> {
                    s.as("A", "a").as("B", "b");
                    String other = s.schema() + "_other";
                    s.q("A", "SELECT v FROM items");
                    s.q("B", "SELECT v FROM items");
                    s.q("A", String.format(change, other));
                    s.q("A", "SELECT v FROM items");
                    s.q("A", "SELECT v FROM items");
                    s.q("B", "SELECT v FROM items");
                    s.q("B", "UPDATE items SET v = v + 10");
                    s.q("A", "UPDATE items SET v = v + 100");
                    s.q("A", "SELECT v FROM items");
                    s.q("B", "SELECT v FROM items");
                    s.q("A", String.format(change, s.schema() + ", " + other));
                    s.q("A", "SELECT v FROM items");
                    s.session("A").setSchema(other);
                    s.q("A", "SELECT v FROM items");
                    s.q("A", "DROP SCHEMA IF EXISTS dummy");
                });
            }
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void aSearchPathThatShadowsTheBuiltInsIsNeverVouchedFor() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_other",
                "CREATE FUNCTION ${schema}_other.lower(t TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$"
                        + " BEGIN UPDATE ${schema}.items SET v = v + 1; RETURN 'shadowed'; END $$",
                "CREATE FUNCTION ${schema}_other.never(a INT, b INT) RETURNS BOOLEAN LANGUAGE sql AS 'SELECT false'",
                "CREATE OPERATOR ${schema}_other.= (LEFTARG = INT, RIGHTARG = INT, FUNCTION = ${schema}_other.never)");
        try {
            run(fixture, s -> {
                s.q("A", "SELECT lower(body) FROM docs ORDER BY id");
                s.q("A", "SELECT v FROM items WHERE v = 1");
                s.q("A", "SELECT v FROM items");
                s.q("A", "SET search_path TO " + s.schema() + "_other, pg_catalog, " + s.schema());
                s.q("A", "SELECT lower(body) FROM docs ORDER BY id");
                s.q("A", "SELECT v FROM items");
                s.q("A", "SELECT v FROM items WHERE v = 1");
                s.q("A", "SELECT v FROM items WHERE v = 2");
                s.q("A", "SET search_path TO " + s.schema());
                s.q("A", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void temporaryTablesCreatedEveryWayShadowOnlyTheirSession() throws Exception {
        List<String> creations = List.of(
                "CREATE TEMP TABLE items AS SELECT 99 AS v",
                "SELECT 99 AS v INTO TEMP items",
                "DO $$ BEGIN CREATE TEMP TABLE items AS SELECT 99 AS v; END $$",
                "CREATE TABLE pg_temp.items AS SELECT 99 AS v");
        for (String creation : creations) {
            run(s -> {
                s.as("A", "a").as("B", "b");
                s.q("A", "SELECT v FROM items");
                s.q("B", "SELECT v FROM items");
                s.q("A", creation);
                s.q("A", "SELECT v FROM items");
                s.q("B", "SELECT v FROM items");
                s.q("A", "SELECT v FROM " + s.schema() + ".items");
                s.q("B", "UPDATE items SET v = 5");
                s.q("B", "SELECT v FROM items");
                s.q("A", "SELECT v FROM items");
                s.q("A", "DROP TABLE pg_temp.items");
                s.q("A", "SELECT v FROM items");
                s.q("A", "DISCARD TEMP");
                s.q("A", "SELECT v FROM items");
            });
        }
    }

    @Test
    void aSchemaThatStartsToExistOnTheSearchPathIsSeen() throws Exception {
        String x = ROLES.get("x");
        try {
            run(s -> {
                s.as("X", "x");
                Connection xs = DriverManager.getConnection(s.url("x").replace("&currentSchema=" + s.schema(), ""));
                try {
                    // "$user", public: the user's own schema does not exist yet.
                    s.record("x: SET search_path", Differential.Script.outcome(() -> {
                        try (Statement st = xs.createStatement()) {
                            st.execute("SET search_path TO \"$user\", " + s.schema());
                            return "ok";
                        }
                    }));
                    s.record("x: items", Differential.Script.rowsOf(xs, "SELECT v FROM items"));
                    s.record("x: items", Differential.Script.rowsOf(xs, "SELECT v FROM items"));
                    s.q("SU", "CREATE SCHEMA " + x + " AUTHORIZATION " + x);
                    s.q("SU", "CREATE TABLE " + x + ".items (v INT)");
                    s.q("SU", "INSERT INTO " + x + ".items VALUES (7)");
                    s.q("SU", "GRANT SELECT, UPDATE ON " + x + ".items TO " + x);
                    s.record("x: items after CREATE SCHEMA", Differential.Script.rowsOf(xs, "SELECT v FROM items"));
                    s.q("SU", "UPDATE " + x + ".items SET v = 8");
                    s.record("x: items after UPDATE", Differential.Script.rowsOf(xs, "SELECT v FROM items"));
                    s.q("SU", "DROP SCHEMA " + x + " CASCADE");
                    s.record("x: items after DROP SCHEMA", Differential.Script.rowsOf(xs, "SELECT v FROM items"));
                } finally {
                    xs.close();
                }
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void grantingUsageOnASchemaOfTheSearchPathIsSeen() throws Exception {
        try {
            run(concat(FIXTURE, "CREATE SCHEMA ${schema}_hidden", "CREATE TABLE ${schema}_hidden.items (v INT)",
                    "INSERT INTO ${schema}_hidden.items VALUES (42)",
                    "GRANT SELECT ON ${schema}_hidden.items TO ${a}"), s -> {
                        s.as("A", "a");
                        String hidden = s.schema() + "_hidden";
                        s.q("A", "SET search_path TO " + hidden + ", " + s.schema());
                        s.q("A", "SELECT v FROM items");
                        s.q("A", "SELECT v FROM items");
                        s.q("SU", "GRANT USAGE ON SCHEMA " + hidden + " TO " + ROLES.get("a"));
                        s.q("A", "SELECT v FROM items");
                        s.q("SU", "UPDATE " + hidden + ".items SET v = 43");
                        s.q("A", "SELECT v FROM items");
                    });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void aSearchPathSetBySetConfigIsPartOfTheKey() throws Exception {
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
                assertThat(query(a, sql)).isEqualTo(List.of(row(99))); // the other schema's items: the key must say so
                assertThat(query(b, sql)).as("connection B still resolves items in its own schema")
                        .isEqualTo(List.of(row(1)));
            } finally {
                db.setup("DROP SCHEMA " + other + " CASCADE");
            }
        }
    }

    @Test
    void aTemporaryTableMadeBySelectIntoShadowsTheTableInItsSessionOnly() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (v INT)", "INSERT INTO items VALUES (1)"}, (db, src) -> {
                Connection a = src.get();
                Connection b = src.get();
                String sql = "SELECT v FROM items";
                exec(a, "SELECT 99 AS v INTO TEMP items");
                // The temp table: its rows are never to be keyed as <schema>.items.
                assertThat(query(a, sql)).isEqualTo(List.of(row(99)));
                assertThat(query(b, sql)).as("connection B has no temp table").isEqualTo(List.of(row(1)));
            });
    }

    // ---- session settings in the key -----------------------------------------------------------------------

    @Test
    void aSetLocalSettingLeavesTheKeyWhenItsTransactionCommits() throws Exception {
        controlThenCached(Database.POSTGRESQL, INTERVALS, (db, src) -> {
            String setLocal = "SET LOCAL IntervalStyle = 'sql_standard'";
            Connection a = src.get();
            a.setAutoCommit(false);
            exec(a, setLocal);
            a.commit(); // IntervalStyle is back to 'postgres'; the key must say so
            a.setAutoCommit(true);
            assertThat(query(a, INTERVAL_TEXT)).isEqualTo(List.of(row("1 day 02:00:00")));
            Connection b = src.get();
            b.setAutoCommit(false);
            exec(b, setLocal);
            assertThat(query(b, INTERVAL_TEXT)).as("inside a transaction with SET LOCAL IntervalStyle = 'sql_standard'")
                    .isEqualTo(List.of(row("1 2:00:00")));
            b.rollback();
        });
    }

    @Test
    void aSettingRolledBackByTheCommitOfAnAbortedTransactionLeavesTheKey() throws Exception {
        controlThenCached(Database.POSTGRESQL, INTERVALS, (db, src) -> {
            String set = "SET IntervalStyle = sql_standard";
            Connection a = src.get();
            a.setAutoCommit(false);
            exec(a, set);
            execFailing(a, "SELECT 1/0"); // aborts the transaction
            a.commit();                    // PostgreSQL rolls an aborted transaction back: the SET is undone
            a.setAutoCommit(true);
            assertThat(query(a, INTERVAL_TEXT)).isEqualTo(List.of(row("1 day 02:00:00")));
            Connection b = src.get();
            exec(b, set);
            assertThat(query(b, INTERVAL_TEXT)).as("after SET IntervalStyle = sql_standard")
                    .isEqualTo(List.of(row("1 2:00:00")));
        });
    }

    @Test
    void aSettingRolledBackWithAFailedMultiStatementStringLeavesTheKey() throws Exception {
        controlThenCached(Database.POSTGRESQL, INTERVALS, (db, src) -> {
            Connection a = src.get();
            // One implicit transaction: the error rolls the SET back.
            execFailing(a, "SET IntervalStyle = sql_standard; SELECT 1/0");
            assertThat(query(a, INTERVAL_TEXT)).isEqualTo(List.of(row("1 day 02:00:00")));
            Connection b = src.get();
            exec(b, "SET IntervalStyle = sql_standard; SELECT 1");
            assertThat(query(b, INTERVAL_TEXT)).as("after SET IntervalStyle = sql_standard")
                    .isEqualTo(List.of(row("1 2:00:00")));
        });
    }

    @Test
    void settingsGivenInTheUrlOptionsArePartOfTheKey() throws Exception {
        controlThenCached(Database.POSTGRESQL, INTERVALS, (db, src) -> {
            Connection plain = src.get();
            String option = "-c%20IntervalStyle=sql_standard";
            boolean raw = !plain.getClass().getName().startsWith("io.jdbccache");
            Connection sqlStandard = DriverManager.getConnection(raw
                    ? db.database.withParameter(db.rawUrl, "options", option)
                    : db.cachedUrl("options", option));
            try {
                assertThat(query(plain, INTERVAL_TEXT)).isEqualTo(List.of(row("1 day 02:00:00")));
                assertThat(query(sqlStandard, INTERVAL_TEXT))
                        .as("connection opened with options=-c IntervalStyle=sql_standard")
                        .isEqualTo(List.of(row("1 2:00:00")));
            } finally {
                sqlStandard.close();
            }
        });
    }

    @Test
    void theTimeZoneInForceIsKeyedWhicheverWayItWasSet() throws Exception {
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

    // ---- pools -------------------------------------------------------------------------------------------

    @Test
    void pooledConnectionsReusedAcrossTenantsServeEachItsOwnRows() throws Exception {
        CacheStatistics stats = run(s -> {
            s.session("KEEPS_THE_CACHE_OPEN");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(s.url("a"));
            config.setMaximumPoolSize(2);
            config.setPoolName("sec-" + s.schema() + (s.cached ? "-cached" : "-raw"));
            try (HikariDataSource pool = new HikariDataSource(config)) {
                String[] tenants = {"a", "b", "c", "a", "b", "a", "c", "b"};
                for (int round = 0; round < 3; round++) {
                    for (String tenant : tenants) {
                        try (Connection c = pool.getConnection()) {
                            try (PreparedStatement set = c.prepareStatement(
                                    "SELECT set_config('app.tenant', ?, false)")) {
                                set.setString(1, tenant);
                                set.execute();
                            }
                            s.record("pool as " + tenant, Differential.Script.rowsOf(c, DOCS));
                            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM docs WHERE id = ?")) {
                                ps.setInt(1, 1);
                                try (ResultSet rs = ps.executeQuery()) {
                                    s.record("pool as " + tenant + " by id", TestDb.rows(rs).toString());
                                }
                            }
                        }
                    }
                }
            }
        });
        assertThat(stats.hitCount()).as("pooled connections keep hitting after the tenant changes").isGreaterThan(20);
    }

    private static String[] concat(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** Schemas made by scenarios beside the test schema (TestDb drops only its own). */
    private static void dropStraySchemas() throws SQLException {
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            List<String> stray = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname"
                    + " LIKE 'it\\_" + ProcessHandle.current().pid() + "\\_%\\_%' AND (nspname LIKE '%\\_other'"
                    + " OR nspname LIKE '%\\_hidden')")) {
                while (rs.next()) {
                    stray.add(rs.getString(1));
                }
            }
            for (String schema : stray) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            statement.execute("DROP SCHEMA IF EXISTS " + ROLES.get("x") + " CASCADE");
        }
    }
}
