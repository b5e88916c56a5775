package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An attack on commit d5226b3 ("while a session has any temporary relation, its reads bypass the cache"). The bypass
 * rests on the session's temporary relations as read back ({@code pg_class} rows in {@code pg_my_temp_schema()}),
 * and on the driver reading the state back after every statement that may have made one. Two ways around it are
 * tried: temporary objects that change results but are not relations (types: domains, enums, which PostgreSQL
 * resolves in the temporary schema first, even before {@code pg_catalog}), and temporary relations made by
 * statements the driver does not judge to change the session. Every body runs raw first (the control), then cached.
 * The types got through (fixed: the session's temporary objects now include its types, functions, operators,
 * collations and text search objects); no statement was found that makes a temporary relation unseen, except a
 * function the user declared deterministic, which the driver trusts (docs/configuration.md).
 */
class TemporaryBypassAttackTest {

    private static final String[] FIXTURE = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 10), (2, 20)",
        "CREATE TABLE other (id INT PRIMARY KEY, v INT)", "INSERT INTO other VALUES (1, 100)",
        "CREATE DOMAIN amount AS numeric(10,2)",
        "CREATE TYPE mood AS ENUM ('sad', 'happy')",
        "CREATE TABLE prices (id INT PRIMARY KEY, p TEXT)", "INSERT INTO prices VALUES (1, '1.55')",
    };

    private static final String OTHER = "SELECT id, v FROM other ORDER BY id";

    // ---- temporary types: not relations, yet they change results ---------------------------------------------

    /**
     * Found by an attack session (fixed): A domain in pg_temp shadows a permanent domain of the same name in casts (the temporary schema is
     * searched first for types). It has no pg_class row, so the session's "temporary relations" stay empty and its
     * reads are cached: A's answer (rounded by its own numeric(10,0)) is stored and served to B.
     */
    @Test
    void aTemporaryDomainShadowingAPermanentOneIsServedToAnotherSession() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE DOMAIN pg_temp.amount AS numeric(10,0)");
            assertThat(query(a, "SELECT CAST(p::amount AS varchar) FROM prices WHERE id = 1"))
                    .as("A's cast resolves to its temporary amount").isEqualTo(List.of(row("2")));
            assertThat(query(b, "SELECT CAST(p::amount AS varchar) FROM prices WHERE id = 1"))
                    .as("B has no temporary amount: the permanent numeric(10,2)")
                    .isEqualTo(List.of(row("1.55")));
        });
    }

    /** Found by an attack session (fixed), the other way round: B's read is cached first and served to A, whose temporary domain rounds. */
    @Test
    void anotherSessionsCastIsServedToTheSessionWithATemporaryDomain() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE DOMAIN pg_temp.amount AS numeric(10,0)");
            assertThat(query(b, "SELECT CAST(p::amount AS varchar) FROM prices WHERE id = 1"))
                    .isEqualTo(List.of(row("1.55")));
            assertThat(query(b, "SELECT CAST(p::amount AS varchar) FROM prices WHERE id = 1"))
                    .isEqualTo(List.of(row("1.55")));
            assertThat(query(a, "SELECT CAST(p::amount AS varchar) FROM prices WHERE id = 1"))
                    .as("A's cast resolves to its temporary amount (numeric(10,0))").isEqualTo(List.of(row("2")));
        });
    }

    /**
     * Found by an attack session (fixed): The temporary schema is searched before pg_catalog for type names: a domain {@code pg_temp.jsonb AS
     * text} replaces the built-in jsonb in one session's casts ({@code jsonb} is not a grammar keyword, so it goes
     * through the search path). Its answer is cached for every session.
     */
    @Test
    void aTemporaryDomainNamedLikeABuiltInTypeIsServedToAnotherSession() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE DOMAIN pg_temp.jsonb AS text");
            String sql = "SELECT CAST(CAST('{\"b\":1,  \"a\":2}' AS jsonb) AS varchar) FROM items WHERE id = 1";
            assertThat(query(a, sql)).as("A: its temporary jsonb is text, kept as written")
                    .isEqualTo(List.of(row("{\"b\":1,  \"a\":2}")));
            assertThat(query(b, sql)).as("B: the built-in jsonb normalizes the object")
                    .isEqualTo(List.of(row("{\"a\": 2, \"b\": 1}")));
        });
    }

    /** Found by an attack session (fixed): A temporary enum shadowing a permanent one orders its labels its own way; cached for both. */
    @Test
    void aTemporaryEnumShadowingAPermanentOneIsServedToAnotherSession() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            String sql = "SELECT id, 'happy'::mood < 'sad'::mood AS less FROM items WHERE id = 1";
            exec(a, "CREATE TYPE pg_temp.mood AS ENUM ('happy', 'sad')");
            assertThat(query(b, sql)).as("B: permanent mood ('sad', 'happy')").isEqualTo(List.of(row(1, false)));
            assertThat(query(b, sql)).as("B: permanent mood ('sad', 'happy')").isEqualTo(List.of(row(1, false)));
            assertThat(query(a, sql)).as("A: its temporary mood ('happy', 'sad')").isEqualTo(List.of(row(1, true)));
        });
    }

    /**
     * Found by an attack session (fixed), through HikariCP: two pools on one cache. A pooled connection of pool 1 made a temporary domain (and
     * went back to the pool with it); pool 2's connection is served pool 1's answer.
     */
    @Test
    void twoPoolsOnOneCacheShareATemporaryDomainsAnswer() throws Exception {
        for (boolean cached : new boolean[] {false, true}) {
            try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
                db.setup(FIXTURE);
                String url = cached ? db.plainCachedUrl() : db.rawUrl;
                try (HikariDataSource one = pool(db, url, "one"); HikariDataSource two = pool(db, url, "two")) {
                    try (Connection c = one.getConnection()) {
                        exec(c, "CREATE DOMAIN pg_temp.amount AS numeric(10,0)");
                        assertThat(query(c, "SELECT CAST(p::amount AS varchar) FROM prices"))
                                .isEqualTo(List.of(row("2")));
                    }
                    try (Connection c = two.getConnection()) {
                        assertThat(query(c, "SELECT CAST(p::amount AS varchar) FROM prices"))
                                .as("pool two's session has no temporary amount (cached=" + cached + ")")
                                .isEqualTo(List.of(row("1.55")));
                    }
                }
            }
        }
    }

    private static HikariDataSource pool(TestDb db, String url, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("tba-" + name + "-" + db.name);
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    // ---- temporary relations made where the driver may not look -----------------------------------------------

    /**
     * Statements that make a temporary table named {@code other} (shadowing the permanent one) without saying
     * {@code CREATE TEMP TABLE}: each runs on a fresh session A after B cached {@code other} and A's state was read.
     * A's next read of {@code other} must be its own temporary table.
     */
    @Test
    void temporaryRelationsMadeByUnusualStatementsAreNoticed() throws Exception {
        String[][] variants = {
            {"SELECT ... INTO pg_temp.x", "SELECT 7 AS id, 700 AS v INTO pg_temp.other"},
            {"SELECT ... INTO TEMPORARY TABLE", "SELECT 7 AS id, 700 AS v INTO TEMPORARY TABLE other"},
            {"SELECT ... INTO LOCAL TEMP", "SELECT 7 AS id, 700 AS v INTO LOCAL TEMP other"},
            {"WITH ... SELECT INTO TEMP", "WITH q AS (SELECT 7 AS id, 700 AS v) SELECT * INTO TEMP other FROM q"},
            {"CREATE TABLE pg_temp.x", "CREATE TABLE pg_temp.other AS SELECT 7 AS id, 700 AS v"},
            {"CREATE GLOBAL TEMPORARY", "CREATE GLOBAL TEMPORARY TABLE other AS SELECT 7 AS id, 700 AS v"},
            {"create /* c */ temp", "create /* c */ temp table other as select 7 as id, 700 as v"},
            {"EXPLAIN ANALYZE CREATE TEMP ... AS",
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TEMP TABLE other AS SELECT 7 AS id,"
                        + " 700 AS v"},
            {"EXPLAIN ANALYZE SELECT INTO TEMP",
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT 7 AS id, 700 AS v INTO TEMP other"},
            {"CREATE TEMP TABLE AS EXECUTE", "PREPARE mk AS SELECT 7 AS id, 700 AS v;"
                    + " CREATE TEMP TABLE other AS EXECUTE mk"},
            {"CREATE TEMP VIEW", "CREATE TEMP VIEW other AS SELECT 7 AS id, 700 AS v"},
            {"CREATE VIEW over a temp table (implicitly temp)",
                "CREATE TEMP TABLE seed AS SELECT 7 AS id, 700 AS v; CREATE VIEW other AS SELECT * FROM seed"},
        };
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection b = src.get();
            List<String> failures = new ArrayList<>();
            for (String[] variant : variants) {
                assertThat(query(b, OTHER)).isEqualTo(List.of(row(1, 100)));
                assertThat(query(b, OTHER)).isEqualTo(List.of(row(1, 100)));
                try (Connection a = src.get()) {
                    assertThat(query(a, OTHER)).isEqualTo(List.of(row(1, 100)));
                    try (Statement statement = a.createStatement()) {
                        statement.execute(variant[1]);
                    }
                    List<List<Object>> seen = query(a, OTHER);
                    if (!seen.equals(List.of(row(7, 700)))) {
                        failures.add(variant[0] + ": A read " + seen);
                    }
                }
            }
            assertThat(failures).as("statements after which A's read of other is not its temporary other")
                    .isEmpty();
        });
    }

    /**
     * Checked: a declaration {@code cache.deterministicFunctions=f} and a session's own {@code pg_temp.f()}. Two
     * sessions with different pg_temp.f bodies must each get their own answer.
     */
    @Test
    void pgTempFunctionsOfTwoSessionsAreNotShared() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, new String[] {"cache.deterministicFunctions", "f"},
                (db, src) -> {
                    Connection a = src.get();
                    Connection b = src.get();
                    exec(a, "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'");
                    exec(b, "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 2'");
                    assertThat(query(a, "SELECT pg_temp.f() AS r FROM items WHERE id = 1")).isEqualTo(List.of(row(1)));
                    assertThat(query(b, "SELECT pg_temp.f() AS r FROM items WHERE id = 1"))
                            .as("B's own pg_temp.f").isEqualTo(List.of(row(2)));
                });
    }

    /** Held? A temporary child made in a batch (Statement.executeBatch) is seen by the next read of the parent. */
    @Test
    void aTemporaryChildMadeInABatchIsSeen() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            try (Statement statement = a.createStatement()) {
                statement.addBatch("CREATE TEMP TABLE mine () INHERITS (items)");
                statement.addBatch("INSERT INTO mine VALUES (3, 30)");
                statement.executeBatch();
            }
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
        });
    }

    /** A prepared statement made (and executed, and cached) before the temporary child exists. */
    @Test
    void aStatementPreparedBeforeTheTemporaryChildSeesIt() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            try (PreparedStatement ps = a.prepareStatement("SELECT count(*) FROM items WHERE v > ?")) {
                for (int i = 0; i < 6; i++) {
                    ps.setInt(1, 0);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(2L);
                    }
                }
                try (CallableStatement call = a.prepareCall("CALL mkchild()")) {
                    exec(a, "CREATE PROCEDURE mkchild() LANGUAGE plpgsql AS $$ BEGIN"
                            + " CREATE TEMP TABLE mine () INHERITS (items); INSERT INTO mine VALUES (3, 30); END $$");
                    call.execute();
                }
                ps.setInt(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("the temporary child made by a callable statement").isEqualTo(3L);
                }
            }
        });
    }

    /** A temporary child made inside a savepoint that is released and a transaction that commits. */
    @Test
    void aTemporaryChildMadeInAReleasedSavepointSurvivesTheCommit() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            a.setAutoCommit(false);
            Savepoint savepoint = a.setSavepoint();
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (3, 30)");
            a.releaseSavepoint(savepoint);
            a.commit();
            a.setAutoCommit(true);
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
            // rolled back to a savepoint: gone again, and caching must resume with the right answer
            a.setAutoCommit(false);
            exec(a, "DROP TABLE mine");
            Savepoint second = a.setSavepoint();
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (4, 40)");
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
            a.rollback(second);
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            a.commit();
            a.setAutoCommit(true);
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
        });
    }

    /** After DISCARD TEMP the session is cached again, and correctly (a hit answers the permanent table). */
    @Test
    void afterDiscardTempCachingResumesWithTheRightAnswer() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup(FIXTURE);
            Connection a = db.cached();
            Connection b = db.cached();
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (3, 30)");
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            exec(a, "DISCARD TEMP");
            long before = TestDb.executions();
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(2L)));
            assertThat(TestDb.executions()).as("A is served from the cache again after DISCARD TEMP")
                    .isEqualTo(before);
            exec(a, "CREATE TEMP TABLE mine () INHERITS (items)", "INSERT INTO mine VALUES (3, 30)");
            assertThat(query(a, "SELECT count(*) FROM items")).isEqualTo(List.of(row(3L)));
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
