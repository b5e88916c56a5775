package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.execFailing;
import static io.jdbccache.it.TestDb.scalar;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Code the driver cannot see in the statement's text, and catalog facts it must not get wrong: settings a policy
 * reads that look harmless, user functions and operators carrying built-in names, views, policies, index
 * expressions and domains that run code, failed commits, relations that appear earlier on a search path, catalog
 * facts seen inside a transaction that rolls back or that could not be read in an aborted one. Each scenario runs
 * raw and through the cache on PostgreSQL; every step must see the same thing.
 */
class ServerCodeAndCatalogTest {
    private static final String PREFIX = "it_code_" + ProcessHandle.current().pid() + "_";
    private static final Map<String, String> ROLES = TenantRoles.named(PREFIX);
    private static final String DOCS = "SELECT id, body FROM docs ORDER BY id";

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
        "CREATE TABLE notes (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
        "INSERT INTO notes VALUES (1, 'a', 'note of a'), (2, 'b', 'note of b')",
        "GRANT USAGE ON SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${a}, ${b}, ${admin}",
    };

    @BeforeAll
    static void createRoles() throws SQLException {
        TenantRoles.create(ROLES);
    }

    @AfterAll
    static void dropRoles() throws SQLException {
        dropStraySchemas();
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


    private static final String[] APPS = concat(FIXTURE,
            "CREATE TABLE apps (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
            "INSERT INTO apps VALUES (1, 'a', 'app row of a'), (2, 'b', 'app row of b')",
            "ALTER TABLE apps ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY by_app ON apps USING (tenant = current_setting('application_name'))",
            "GRANT SELECT ON apps TO ${a}, ${b}");

    @Test
    void aSettingAPolicyReadsIsKeyedWhateverItsName() throws Exception {
        run(APPS, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET application_name = 'a'");
            s.q("A", "SELECT id, body FROM apps ORDER BY id");
            s.q("A", "SET application_name = 'b'");
            s.q("A", "SELECT id, body FROM apps ORDER BY id");
            s.q("B", "SET application_name = 'b'");
            s.q("B", "SELECT id, body FROM apps ORDER BY id");
        });
    }

    @Test
    void clientInfoSetThroughTheApiIsReadBack() throws Exception {
        run(APPS, s -> {
            s.as("A", "a");
            s.session("A").setClientInfo("ApplicationName", "a");
            s.q("A", "SELECT id, body FROM apps ORDER BY id");
            s.session("A").setClientInfo("ApplicationName", "b");
            s.q("A", "SELECT id, body FROM apps ORDER BY id");
        });
    }

    @Test
    void aUserOverloadOfABuiltInNameIsNotCached() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION ${schema}.upper(x INT) RETURNS TEXT LANGUAGE sql STABLE AS"
                        + " $$ SELECT current_setting('app.other', true) $$");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.other = 'a'");
            s.q("B", "SET app.other = 'b'");
            s.q("A", "SELECT id, body FROM notes WHERE tenant = upper(0) ORDER BY id");
            s.q("B", "SELECT id, body FROM notes WHERE tenant = upper(0) ORDER BY id");
        });
    }

    @Test
    void aPolicyCallingAUserOverloadIsNotCached() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION ${schema}.upper(x INT) RETURNS TEXT LANGUAGE sql STABLE AS"
                        + " $$ SELECT current_setting('app.hidden', true) $$",
                "CREATE TABLE hidden (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
                "INSERT INTO hidden VALUES (1, 'a', 'hidden of a'), (2, 'b', 'hidden of b')",
                "ALTER TABLE hidden ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY by_hidden ON hidden USING (tenant = upper(0))",
                "GRANT SELECT ON hidden TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.hidden = 'a'");
            s.q("B", "SET app.hidden = 'b'");
            s.q("A", "SELECT id, body FROM hidden ORDER BY id");
            s.q("B", "SELECT id, body FROM hidden ORDER BY id");
        });
    }

    @Test
    void aUserOverloadThatChangesASettingIsReadBack() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION ${schema}.lower(x INT) RETURNS TEXT LANGUAGE plpgsql AS"
                        + " $$ BEGIN PERFORM set_config('app.tenant', 'b', false); RETURN 'x'; END $$");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "SELECT lower(1)");
            s.q("A", DOCS);
        });
    }

    @Test
    void aUserOverloadThatWritesInvalidates() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION ${schema}.md5(x INT) RETURNS TEXT LANGUAGE plpgsql AS"
                        + " $$ BEGIN UPDATE ${schema}.items SET v = v + x; RETURN 'x'; END $$");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SELECT md5(10)");
            s.q("A", "SELECT v FROM items");
        });
    }

    @Test
    void aViewThatChangesASettingIsReadBack() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE VIEW switch_to_b AS SELECT set_config('app.tenant', 'b', false) AS t",
                "GRANT SELECT ON switch_to_b TO ${a}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "SELECT t FROM switch_to_b");
            s.q("A", DOCS);
        });
    }

    @Test
    void aViewThatWritesInvalidates() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION bump() RETURNS INT LANGUAGE plpgsql AS"
                        + " $$ BEGIN UPDATE ${schema}.items SET v = v + 1; RETURN 1; END $$",
                "CREATE VIEW bumper AS SELECT bump() AS x",
                "GRANT SELECT ON bumper TO ${a}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SELECT x FROM bumper");
            s.q("A", "SELECT v FROM items");
        });
    }

    @Test
    void aFailedSqlCommitUndoesItsSettings() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE dc (id INT, CONSTRAINT dc_u UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)",
                "GRANT SELECT, INSERT ON dc TO ${a}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "BEGIN");
            s.q("A", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO dc VALUES (1), (1)");
            s.q("A", "COMMIT");
            s.q("A", "SELECT current_setting('app.tenant')");
            s.q("A", DOCS);
            s.q("A", DOCS);
        });
    }

    @Test
    void aTableCreatedEarlierOnTheSearchPathIsRead() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_first",
                "GRANT USAGE, CREATE ON SCHEMA ${schema}_first TO ${a}, ${b}");
        try {
            run(fixture, s -> {
                s.as("A", "a").as("B", "b");
                String first = s.schema() + "_first";
                s.q("A", "SET search_path TO " + first + ", " + s.schema());
                s.q("B", "SET search_path TO " + first + ", " + s.schema());
                s.q("A", "SELECT v FROM items");
                s.q("B", "SELECT v FROM items");
                s.q("A", "CREATE TABLE " + first + ".items AS SELECT 7 AS v");
                s.q("A", "SELECT v FROM items");
                s.q("B", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void aTableRenamedEarlierOnTheSearchPathIsRead() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_first",
                "CREATE TABLE ${schema}_first.staged (v INT)",
                "INSERT INTO ${schema}_first.staged VALUES (8)",
                "GRANT USAGE ON SCHEMA ${schema}_first TO ${a}",
                "GRANT SELECT ON ${schema}_first.staged TO ${a}");
        try {
            run(fixture, s -> {
                s.as("A", "a");
                String first = s.schema() + "_first";
                s.q("A", "SET search_path TO " + first + ", " + s.schema());
                s.q("A", "SELECT v FROM items");
                s.q("SU", "ALTER TABLE " + first + ".staged RENAME TO items");
                s.q("A", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void anIndexExpressionThatChangesASettingIsReadBack() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION idx_tenant(t TEXT) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS"
                        + " $$ BEGIN PERFORM set_config('app.tenant', t, false); RETURN t; END $$",
                "CREATE TABLE logins (tenant TEXT)",
                "CREATE INDEX logins_idx ON logins (idx_tenant(tenant))",
                "GRANT SELECT, INSERT ON logins TO ${a}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO logins VALUES ('b')");
            s.q("A", DOCS);
        });
    }

    @Test
    void aDomainCheckThatChangesASettingIsReadBack() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION chk(t TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS"
                        + " $$ BEGIN PERFORM set_config('app.tenant', t, false); RETURN true; END $$",
                "CREATE DOMAIN tenant_name AS TEXT CHECK (chk(VALUE))");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "SELECT CAST('b' AS tenant_name)");
            s.q("A", DOCS);
        });
    }

    @Test
    void aRegclassCastFollowsDdl() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SELECT 'items'::regclass::text");
            s.q("SU", "DROP TABLE items");
            s.q("A", "SELECT 'items'::regclass::text");
        });
    }

    @Test
    void aRegclassCastFollowsTemporaryTables() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a");
            String sql = "SELECT 'items'::regclass::oid = '" + s.schema() + ".items'::regclass::oid";
            s.q("B", sql);
            s.q("A", "CREATE TEMP TABLE items (v INT)");
            s.q("A", sql);
        });
    }

    // ---- round 2 -------------------------------------------------------------------------------------------

    @Test
    void aPolicyThatChangesASettingIsReadBack() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION side_effect() RETURNS BOOLEAN LANGUAGE plpgsql AS"
                        + " $$ BEGIN PERFORM set_config('app.tenant', 'b', false); RETURN true; END $$",
                "CREATE TABLE audited (id INT PRIMARY KEY)",
                "INSERT INTO audited VALUES (1)",
                "ALTER TABLE audited ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY p_side ON audited USING (side_effect())",
                "GRANT SELECT ON audited TO ${a}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.q("A", "SELECT id FROM audited");
            s.q("A", DOCS);
        });
    }

    @Test
    void aFailedSqlCommitWithAutoCommitOffUndoesItsSettings() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE dc (id INT, CONSTRAINT dc_u UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)",
                "GRANT SELECT, INSERT ON dc TO ${a}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.session("A").setAutoCommit(false);
            s.q("A", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO dc VALUES (1), (1)");
            s.q("A", "COMMIT");
            s.q("A", DOCS);
        });
    }

    @Test
    void aFailedJdbcCommitUndoesItsSettings() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE dc (id INT, CONSTRAINT dc_u UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)",
                "GRANT SELECT, INSERT ON dc TO ${a}");
        run(fixture, s -> {
            s.as("A", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            Connection c = s.session("A");
            c.setAutoCommit(false);
            s.q("A", "SET app.tenant = 'b'");
            s.q("A", DOCS);
            s.q("A", "INSERT INTO dc VALUES (1), (1)");
            s.record("commit()", Differential.Script.outcome(() -> {
                c.commit();
                return "ok";
            }));
            s.q("A", DOCS);
        });
    }

    @Test
    void aViewCreatedEarlierOnTheSearchPathIsRead() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_first",
                "CREATE TABLE staged_items (v INT)",
                "INSERT INTO staged_items VALUES (9)",
                "GRANT USAGE ON SCHEMA ${schema}_first TO ${a}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema}_first GRANT SELECT ON TABLES TO ${a}",
                "GRANT SELECT ON staged_items TO ${a}");
        try {
            run(fixture, s -> {
                s.as("A", "a");
                String first = s.schema() + "_first";
                s.q("A", "SET search_path TO " + first + ", " + s.schema());
                s.q("A", "SELECT v FROM items");
                s.q("SU", "CREATE VIEW " + first + ".items AS SELECT 5 AS v");
                s.q("A", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void droppingSeveralTablesInvalidatesThemAll() throws Exception {
        run(s -> {
            s.as("A", "a");
            s.q("A", "SELECT v FROM items");
            s.q("SU", "DROP TABLE notes, items");
            s.q("A", "SELECT v FROM items");
        });
    }

    @Test
    void settingNamesIgnoreCaseAndQuoting() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET \"APP.TENANT\" = 'a'");
            s.q("A", DOCS);
            s.q("B", "SET app.tenant = 'b'");
            s.q("B", DOCS);
            s.q("A", "SET \"App.Tenant\" TO 'b'");
            s.q("A", DOCS);
            s.q("A", "SELECT set_config('APP.tenant', 'c', false)");
            s.q("A", DOCS);
            s.q("B", "SET app.TENANT = 'a'");
            s.q("B", DOCS);
        });
    }

    @Test
    void restrictiveRoleAndPartitionPoliciesAreFollowed() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE TABLE named (id INT PRIMARY KEY, tenant TEXT)",
                "INSERT INTO named VALUES (1, 'a'), (2, 'b')",
                "ALTER TABLE named ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY p_named ON named USING (tenant = current_setting('APP.N'::text, true))",
                "CREATE TABLE restr (id INT PRIMARY KEY, tenant TEXT, region TEXT)",
                "INSERT INTO restr VALUES (1, 'a', 'eu'), (2, 'a', 'us'), (3, 'b', 'eu')",
                "ALTER TABLE restr ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY p_perm ON restr USING (tenant = current_setting('app.tenant', true))",
                "CREATE POLICY p_restr ON restr AS RESTRICTIVE USING (region = current_setting('app.region', true))",
                "CREATE POLICY p_to_b ON restr TO ${b} USING (true)",
                "CREATE TABLE parted (id INT, tenant TEXT) PARTITION BY LIST (tenant)",
                "CREATE TABLE parted_a PARTITION OF parted FOR VALUES IN ('a')",
                "CREATE TABLE parted_b PARTITION OF parted FOR VALUES IN ('b')",
                "INSERT INTO parted VALUES (1, 'a'), (2, 'b')",
                "ALTER TABLE parted_a ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY p_part ON parted_a USING (current_setting('app.part', true) = 'yes')",
                "ALTER TABLE parted ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY p_parent ON parted USING (tenant = current_setting('app.tenant', true))",
                "CREATE VIEW definer_docs AS SELECT id, body FROM docs",
                "CREATE MATERIALIZED VIEW mv_docs AS SELECT id, body FROM docs",
                "GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${a}, ${b}");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a").as("RB", "b");
            for (String session : List.of("A", "B", "RB")) {
                s.q(session, "SET app.tenant = '" + (session.equals("A") ? "a" : "b") + "'");
            }
            s.q("A", "SET app.n = 'a'");
            s.q("B", "SET app.n = 'b'");
            s.q("A", "SET app.region = 'eu'");
            s.q("B", "SET app.region = 'us'");
            s.q("A", "SET app.part = 'yes'");
            for (int i = 0; i < 2; i++) {
                for (String session : List.of("A", "B", "RB")) {
                    s.q(session, "SELECT id FROM named ORDER BY id");
                    s.q(session, "SELECT id FROM restr ORDER BY id");
                    s.q(session, "SELECT id FROM parted ORDER BY id");
                    s.q(session, "SELECT id FROM parted_a ORDER BY id");
                    s.q(session, "SELECT id, body FROM definer_docs ORDER BY id");
                    s.q(session, "SELECT id, body FROM mv_docs ORDER BY id");
                }
                s.q("B", "SET app.part = 'yes'");
                s.q("A", "SET app.region = 'us'");
            }
            s.q("SU", "ALTER TABLE docs FORCE ROW LEVEL SECURITY");
            s.q("SU", "SELECT id, body FROM definer_docs ORDER BY id");
            s.q("SU", "ALTER TABLE docs NO FORCE ROW LEVEL SECURITY");
            s.q("SU", "SELECT id, body FROM definer_docs ORDER BY id");
        });
    }

    @Test
    void rolesChangedInTransactionsAreReadBack() throws Exception {
        run(s -> {
            s.as("ADMIN", "admin").as("A", "a");
            String owned = "SELECT id, body FROM owned ORDER BY id";
            s.q("ADMIN", owned);
            Connection c = s.session("ADMIN");
            c.setAutoCommit(false);
            s.q("ADMIN", "SET ROLE " + ROLES.get("a"));
            s.q("ADMIN", owned);
            c.rollback();
            s.q("ADMIN", owned);
            s.q("ADMIN", "SET LOCAL ROLE " + ROLES.get("b"));
            s.q("ADMIN", owned);
            c.commit();
            s.q("ADMIN", owned);
            c.setAutoCommit(true);
            s.q("ADMIN", "SELECT set_config('role', '" + ROLES.get("b") + "', true)");
            s.q("ADMIN", owned);
            s.q("ADMIN", "BEGIN; SET LOCAL ROLE " + ROLES.get("a") + "; COMMIT");
            s.q("ADMIN", owned);
            s.q("SU", "SET SESSION AUTHORIZATION " + ROLES.get("a"));
            s.q("SU", owned);
            s.q("SU", "RESET ALL");
            s.q("SU", owned);
            s.q("SU", "SET ROLE " + ROLES.get("b"));
            s.q("SU", owned);
            s.q("SU", "DISCARD ALL");
            s.q("SU", owned);
            s.q("A", owned);
        });
    }

    @Test
    void settingsInBatchesAndMultipleResultsAreReadBack() throws Exception {
        run(s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.tenant = 'a'");
            s.q("A", DOCS);
            s.record("batch", Differential.Script.outcome(() -> {
                try (Statement st = s.session("A").createStatement()) {
                    st.addBatch("SET app.tenant = 'b'");
                    st.addBatch("UPDATE items SET v = v");
                    return Arrays.toString(st.executeBatch());
                }
            }));
            s.q("A", DOCS);
            s.q("A", "SET app.tenant = 'c'; " + DOCS);
            s.q("A", DOCS);
            s.q("A", "SELECT 1; SET LOCAL app.tenant = 'b'; " + DOCS);
            s.q("A", DOCS);
            s.p("A", "SELECT set_config('app.tenant', ?, false)", "b");
            s.p("A", DOCS);
            s.p("B", DOCS);
        });
    }

    @Test
    void temporaryTablesRenamedOrMadeByFunctionsAreSeen() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE FUNCTION make_temp() RETURNS INT LANGUAGE plpgsql AS"
                        + " $$ BEGIN CREATE TEMP TABLE items AS SELECT 42 AS v; RETURN 1; END $$");
        run(fixture, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SELECT v FROM items");
            s.q("B", "SELECT v FROM items");
            s.q("A", "CREATE TEMP TABLE tmp_x AS SELECT 99 AS v");
            s.q("A", "ALTER TABLE tmp_x RENAME TO items");
            s.q("A", "SELECT v FROM items");
            s.q("B", "SELECT v FROM items");
            s.q("A", "DROP TABLE pg_temp.items");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SELECT make_temp()");
            s.q("A", "SELECT v FROM items");
            s.q("A", "DROP TABLE pg_temp.items");
            s.q("A", "CREATE TEMP VIEW items AS SELECT 77 AS v");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SELECT v FROM \"items\"");
            s.q("A", "SET search_path TO " + s.schema() + ", pg_temp");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SET search_path TO pg_temp, " + s.schema());
            s.q("A", "SELECT v FROM items");
            s.q("A", "BEGIN; CREATE TEMP TABLE items2 ON COMMIT DROP AS SELECT 5 AS v; COMMIT");
            s.q("A", "DISCARD TEMP");
            s.q("A", "SELECT v FROM items");
            s.q("B", "SELECT v FROM items");
        });
    }

    @Test
    void urlOptionsAndServerPreparedStatementsAreKeyed() throws Exception {
        run(s -> {
            s.as("A", "a");
            String url = s.url("a") + "&options=-c%20app.tenant%3Db&prepareThreshold=1";
            try (Connection c = DriverManager.getConnection(url)) {
                for (int i = 0; i < 3; i++) {
                    s.record("opt docs", Differential.Script.outcome(() -> {
                        try (PreparedStatement ps = c.prepareStatement(DOCS);
                                ResultSet rs = ps.executeQuery()) {
                            return TestDb.rows(rs).toString();
                        }
                    }));
                }
                s.q("A", "SET app.tenant = 'a'");
                s.q("A", DOCS);
                s.record("opt docs again", Differential.Script.rowsOf(c, DOCS));
                try (Statement st = c.createStatement()) {
                    st.execute("SET app.tenant = 'a'");
                }
                s.record("opt docs after set", Differential.Script.rowsOf(c, DOCS));
            }
        });
    }


    private static final String[] PRIVATE = concat(FIXTURE,
            "CREATE FUNCTION my_tenant() RETURNS TEXT LANGUAGE sql STABLE AS"
                    + " $$ SELECT current_setting('app.t2', true) $$",
            "CREATE TABLE private (id INT PRIMARY KEY, tenant TEXT)",
            "INSERT INTO private VALUES (1, 'a'), (2, 'b')",
            "ALTER TABLE private ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY by_function ON private USING (tenant = my_tenant())",
            "GRANT SELECT ON private TO ${a}, ${b}");

    @Test
    void catalogFactsSeenInARolledBackTransactionAreForgotten() throws Exception {
        run(PRIVATE, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.t2 = 'a'");
            s.q("B", "SET app.t2 = 'b'");
            s.q("A", "SELECT id FROM private ORDER BY id");
            s.q("SU", "BEGIN");
            s.q("SU", "ALTER TABLE private DISABLE ROW LEVEL SECURITY");
            s.q("SU", "SELECT id FROM private ORDER BY id");
            s.q("SU", "ROLLBACK");
            s.q("A", "SELECT id FROM private ORDER BY id");
            s.q("B", "SELECT id FROM private ORDER BY id");
        });
    }

    /** The write's plan (which tables its cascade reaches) must not be learned, and kept, from a failed look-up. */
    @Test
    void aWriteFirstSeenInAnAbortedTransactionStillCascades() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE p (id INT PRIMARY KEY)",
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p(id) ON DELETE CASCADE)",
            "INSERT INTO p VALUES (1), (2)", "INSERT INTO c VALUES (10, 1), (20, 2)"}, (db, src) -> {
                Connection reader = src.get();
                Connection writer = src.get();
                String delete = "DELETE FROM p WHERE id = 1";
                assertThat(scalar(reader, "SELECT count(*) FROM c")).isEqualTo(2);
                writer.setAutoCommit(false);
                execFailing(writer, "SELECT 1/0"); // the transaction is now aborted
                execFailing(writer, delete);      // fails too: "current transaction is aborted"
                writer.rollback();
                writer.setAutoCommit(true);
                assertThat(update(writer, delete)).isEqualTo(1); // cascades to c
                assertThat(scalar(reader, "SELECT count(*) FROM c")).as("c after DELETE FROM p ON DELETE CASCADE")
                        .isEqualTo(1);
            });
    }

    @Test
    void resolutionSeenInARolledBackTransactionIsForgotten() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_first",
                "GRANT USAGE ON SCHEMA ${schema}_first TO ${a}");
        try {
            run(fixture, s -> {
                s.as("A", "a").as("W", "a");
                String path = "SET search_path TO " + s.schema() + "_first, " + s.schema();
                s.q("A", path);
                s.q("W", path);
                s.q("SU", path);
                s.q("SU", "BEGIN");
                s.q("SU", "CREATE TABLE " + s.schema() + "_first.items (v INT)");
                s.q("SU", "SELECT v FROM items");
                s.q("SU", "ROLLBACK");
                s.q("A", "SELECT v FROM items");
                s.q("W", "UPDATE " + s.schema() + ".items SET v = 50");
                s.q("A", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void aClockInputBuiltFromPiecesIsNotCached() throws Exception {
        run(s -> {
            s.as("A", "a");
            String sql = "SELECT ('n' || 'ow')::timestamptz::text";
            String first = Differential.Script.rowsOf(s.session("A"), sql);
            Thread.sleep(20);
            String second = Differential.Script.rowsOf(s.session("A"), sql);
            s.record("two reads of a computed 'now' 20 ms apart", first.equals(second) ? "same" : "different");
        });
    }

    @Test
    void resolutionWithoutDdlStaysCached() throws Exception {
        String[] fixture = concat(FIXTURE,
                "CREATE SCHEMA ${schema}_first",
                "GRANT USAGE ON SCHEMA ${schema}_first TO ${a}");
        try {
            run(fixture, s -> {
                s.as("A", "a").as("W", "a");
                String path = "SET search_path TO " + s.schema() + "_first, " + s.schema();
                s.q("A", path);
                s.q("A", "SELECT v FROM items");
                s.q("W", "UPDATE " + s.schema() + ".items SET v = 50");
                s.q("A", "SELECT v FROM items");
            });
        } finally {
            dropStraySchemas();
        }
    }

    @Test
    void policiesWithoutDdlStayUncached() throws Exception {
        run(PRIVATE, s -> {
            s.as("A", "a").as("B", "a");
            s.q("A", "SET app.t2 = 'a'");
            s.q("B", "SET app.t2 = 'b'");
            s.q("A", "SELECT id FROM private ORDER BY id");
            s.q("B", "SELECT id FROM private ORDER BY id");
        });
    }
}
