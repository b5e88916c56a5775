package io.jdbccache.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's one-statement relation read ({@link PostgresDialect#relation}) against what pgjdbc's
 * {@link java.sql.DatabaseMetaData} says of the same relations ({@link MetaDataRelations}, the way the catalog read
 * them before), over every kind of relation and key a schema can hold; then the facts only PostgreSQL's catalog
 * has (rules, inheritance, triggers, policies, stored expressions, view dependencies). Needs PostgreSQL on
 * 127.0.0.1:5432 and fails without it.
 */
class PostgresRelationTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String SCHEMA = "relation_" + ProcessHandle.current().pid();
    private static Connection connection;

    @BeforeAll
    static void createSchema() throws SQLException {
        connection = DriverManager.getConnection(URL);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("SET search_path = " + SCHEMA);
            for (String ddl : List.of(
                    "CREATE TABLE by_int (id int PRIMARY KEY, v text)",
                    "CREATE TABLE by_bigint_identity (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)",
                    "CREATE TABLE by_smallint (id smallint PRIMARY KEY)",
                    "CREATE TABLE by_text (id text PRIMARY KEY)",
                    "CREATE TABLE by_numeric (id numeric PRIMARY KEY)",
                    "CREATE TABLE by_two (a int, b int, PRIMARY KEY (a, b))",
                    "CREATE TABLE by_int_including (id int, v int, PRIMARY KEY (id) INCLUDE (v))",
                    "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
                    "CREATE TABLE by_domain (id positive PRIMARY KEY)",
                    "CREATE TABLE \"Mixed Case\" (\"Id\" int PRIMARY KEY)",
                    "CREATE TABLE under_score_ (id int PRIMARY KEY)",
                    "CREATE TABLE no_key (v int)",
                    "CREATE TABLE unique_only (id int UNIQUE NOT NULL)",
                    "CREATE TABLE cascading (id int PRIMARY KEY, parent int REFERENCES by_int ON DELETE CASCADE)",
                    "CREATE TABLE nulling (id int PRIMARY KEY, parent int REFERENCES by_int ON DELETE SET NULL)",
                    "CREATE TABLE updating (id int PRIMARY KEY, parent int REFERENCES by_int ON UPDATE CASCADE)",
                    "CREATE TABLE restricting (id int PRIMARY KEY, parent int REFERENCES by_int ON DELETE RESTRICT)",
                    "CREATE TABLE defaulting (id int PRIMARY KEY, parent int DEFAULT 0"
                            + " REFERENCES by_int ON DELETE SET DEFAULT)",
                    "CREATE TABLE parted (id int, k int, PRIMARY KEY (id, k)) PARTITION BY LIST (k)",
                    "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES IN (1)",
                    "CREATE TABLE parted_2 PARTITION OF parted FOR VALUES IN (2) PARTITION BY LIST (id)",
                    "CREATE TABLE parted_2a PARTITION OF parted_2 FOR VALUES IN (1)",
                    "CREATE TABLE ancestor (id int PRIMARY KEY)",
                    "CREATE TABLE descendant (extra int) INHERITS (ancestor)",
                    "CREATE TABLE triggered (id int PRIMARY KEY)",
                    "CREATE FUNCTION nothing() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
                    "CREATE TRIGGER t BEFORE INSERT ON triggered FOR EACH ROW EXECUTE FUNCTION nothing()",
                    "CREATE TABLE audit (id int)",
                    "CREATE TABLE ruled (id int PRIMARY KEY)",
                    "CREATE RULE r AS ON INSERT TO ruled DO ALSO INSERT INTO audit VALUES (NEW.id)",
                    "CREATE TABLE secured (id int PRIMARY KEY, tenant text)",
                    "ALTER TABLE secured ENABLE ROW LEVEL SECURITY",
                    "CREATE POLICY p ON secured FOR SELECT USING (tenant = current_setting('app.tenant'))",
                    "CREATE FUNCTION next_code() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                    "CREATE TABLE defaulted (id int PRIMARY KEY, code int DEFAULT next_code())",
                    "CREATE TABLE generated_key (a int, id int GENERATED ALWAYS AS (a * 2) STORED PRIMARY KEY)",
                    "CREATE VIEW plain_view AS SELECT id, v FROM by_int",
                    "CREATE VIEW view_of_view AS SELECT id FROM plain_view",
                    "CREATE MATERIALIZED VIEW materialized AS SELECT id FROM by_int",
                    "CREATE SEQUENCE counter",
                    "CREATE TYPE pair AS (a int, b int)",
                    "CREATE TEMPORARY TABLE scratch (id int PRIMARY KEY)",
                    "CREATE TEMPORARY VIEW scratch_view AS SELECT 1 AS one")) {
                statement.execute(ddl);
            }
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        } finally {
            connection.close();
        }
    }

    @Test
    void everyRelationReadsAsDatabaseMetaDataDescribesIt() throws SQLException {
        List<String[]> relations = List.of(
                new String[] {SCHEMA, "by_int"}, new String[] {SCHEMA, "by_bigint_identity"},
                new String[] {SCHEMA, "by_smallint"}, new String[] {SCHEMA, "by_text"},
                new String[] {SCHEMA, "by_numeric"}, new String[] {SCHEMA, "by_two"},
                new String[] {SCHEMA, "by_int_including"}, new String[] {SCHEMA, "by_domain"},
                new String[] {SCHEMA, "Mixed Case"}, new String[] {SCHEMA, "under_score_"},
                new String[] {SCHEMA, "under%score_"}, new String[] {SCHEMA, "no_key"},
                new String[] {SCHEMA, "unique_only"}, new String[] {SCHEMA, "cascading"},
                new String[] {SCHEMA, "restricting"}, new String[] {SCHEMA, "parted"},
                new String[] {SCHEMA, "parted_1"}, new String[] {SCHEMA, "ancestor"},
                new String[] {SCHEMA, "secured"}, new String[] {SCHEMA, "defaulted"},
                new String[] {SCHEMA, "generated_key"}, new String[] {SCHEMA, "plain_view"},
                new String[] {SCHEMA, "materialized"}, new String[] {SCHEMA, "counter"},
                new String[] {SCHEMA, "pair"}, new String[] {SCHEMA, "absent"},
                new String[] {"no_such_schema", "by_int"}, new String[] {"pg_catalog", "pg_class"},
                new String[] {"pg_catalog", "pg_tables"}, new String[] {"information_schema", "tables"},
                new String[] {temporarySchema(), "scratch"}, new String[] {temporarySchema(), "scratch_view"});
        for (String[] relation : relations) {
            Relation read = PostgresDialect.INSTANCE.relation(connection, relation[0], relation[1]);
            Relation expected = MetaDataRelations.read(connection, relation[0], relation[1]);
            String name = relation[0] + "." + relation[1];
            if (expected == null) {
                assertThat(read).as(name).isNull();
                continue;
            }
            assertThat(read).as(name).isNotNull();
            assertThat(read.type()).as(name).isEqualTo(expected.type());
            if (!read.type().equals("VIEW")) {
                // Foreign keys are all pgjdbc knows of what a write changes; rules come on top.
                assertThat(read.changedByWrites()).as(name).containsExactlyInAnyOrderElementsOf(
                        expected.changedByWrites());
            }
            // Keys matter only where results are cached by table (a system table's oid key, which pgjdbc calls
            // BIGINT, is never used).
            if (!read.runsServerCode() && (read.type().equals("TABLE") || read.type().equals("PARTITIONED TABLE"))) {
                assertThat(read.integerKey()).as(name).isEqualTo(expected.integerKey());
            }
        }
    }

    @Test
    void keysForeignKeysAndKindsAreReadExactly() throws SQLException {
        assertThat(relation("by_int").integerKey()).isEqualTo("id");
        assertThat(relation("by_bigint_identity").integerKey()).isEqualTo("id");
        assertThat(relation("by_smallint").integerKey()).isEqualTo("id");
        assertThat(relation("Mixed Case").integerKey()).isEqualTo("Id");
        assertThat(relation("by_int_including").integerKey()).isEqualTo("id");
        for (String table : List.of("by_text", "by_numeric", "by_two", "by_domain", "no_key", "unique_only",
                "generated_key")) {
            assertThat(relation(table).integerKey()).as(table).isNull();
        }
        assertThat(relation("by_int").changedByWrites()).containsExactlyInAnyOrder(SCHEMA + ".cascading",
                SCHEMA + ".nulling", SCHEMA + ".updating", SCHEMA + ".defaulting");
        assertThat(relation("by_int").runsServerCode()).isFalse();
        assertThat(relation("by_int").rowSecurity()).isEqualTo(RowSecurity.NONE);
        assertThat(relation("by_int").writeCalls()).isEqualTo(Calls.NONE);
        assertThat(relation("parted").type()).isEqualTo("PARTITIONED TABLE");
        assertThat(relation("materialized").type()).isEqualTo("MATERIALIZED VIEW");
        assertThat(relation("counter").type()).isEqualTo("SEQUENCE");
        assertThat(relation("under%score_")).isNull();
        assertThat(PostgresDialect.INSTANCE.relation(connection, temporarySchema(), "scratch").type())
                .isEqualTo("TEMPORARY TABLE");
    }

    @Test
    void familiesRulesTriggersPoliciesAndStoredExpressionsAreRead() throws SQLException {
        assertThat(new HashSet<>(relation("parted").family())).containsExactlyInAnyOrder(SCHEMA + ".parted_1",
                SCHEMA + ".parted_2", SCHEMA + ".parted_2a");
        assertThat(new HashSet<>(relation("parted_2a").family())).containsExactlyInAnyOrder(SCHEMA + ".parted",
                SCHEMA + ".parted_2");
        assertThat(relation("ancestor").family()).containsExactly(SCHEMA + ".descendant");
        assertThat(relation("descendant").family()).containsExactly(SCHEMA + ".ancestor");
        assertThat(relation("by_int").family()).isEmpty();

        assertThat(relation("triggered").runsServerCode()).isTrue();
        assertThat(relation("ruled").runsServerCode()).isTrue();
        assertThat(relation("ruled").changedByWrites()).contains(SCHEMA + ".audit");

        RowSecurity secured = relation("secured").rowSecurity();
        assertThat(secured.enabled()).isTrue();
        assertThat(secured.settingsRead()).containsExactly("app.tenant");
        assertThat(secured.notAnalyzable()).isNull();

        assertThat(relation("defaulted").writeCalls().functions()).containsExactly(SCHEMA + ".next_code");
        // The domain's CHECK calls only a built-in that changes nothing.
        assertThat(relation("by_domain").writeCalls()).isEqualTo(Calls.NONE);

        Relation view = relation("view_of_view");
        assertThat(view.type()).isEqualTo("VIEW");
        assertThat(view.definition()).containsIgnoringCase("plain_view");
        assertThat(view.viewDependencies()).containsExactly(SCHEMA + ".plain_view");
        assertThat(view.runsServerCode()).isFalse();
        assertThat(relation("materialized").definition()).containsIgnoringCase("by_int");
        assertThat(relation("materialized").viewDependencies()).isEmpty();
        assertThat(relation("by_int").definition()).isNull();
    }

    private static Relation relation(String name) throws SQLException {
        return PostgresDialect.INSTANCE.relation(connection, SCHEMA, name);
    }

    private static String temporarySchema() {
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
