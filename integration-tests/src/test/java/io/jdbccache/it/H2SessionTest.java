package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * H2's session state is read back too: its schema and search path, its time zone, its local temporary tables and
 * its database-wide settings. Raw and cached runs must see the same. An unnamed in-memory database belongs to its
 * one connection: two of them never share cached results.
 */
class H2SessionTest {
    private static final String[] FIXTURE = {
        "CREATE TABLE items (v INT)", "INSERT INTO items VALUES (1)",
        "CREATE SCHEMA other", "CREATE TABLE other.items (v INT)", "INSERT INTO other.items VALUES (2)",
        "CREATE TABLE other.extra (v INT)", "INSERT INTO other.extra VALUES (3)",
    };

    private static CacheStatistics run(Differential.Body body) throws Exception {
        return sameOutcomes(Database.H2, FIXTURE, Map.of(), body);
    }

    @Test
    void schemaAndSearchPathAreReadBack() throws Exception {
        CacheStatistics stats = run(s -> {
            s.q("A", "SELECT v FROM items");
            s.q("B", "SELECT v FROM items");
            s.q("A", "SET SCHEMA other");
            s.q("A", "SELECT v FROM items");
            s.q("B", "SELECT v FROM items");
            s.q("A", "UPDATE items SET v = 20");
            s.q("B", "SELECT v FROM items");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SET SCHEMA PUBLIC");
            s.q("A", "SELECT v FROM items");
            s.q("A", "SELECT v FROM extra");
            s.q("A", "SET SCHEMA_SEARCH_PATH OTHER");
            s.q("A", "SELECT v FROM extra");
            s.q("B", "UPDATE other.extra SET v = 30");
            s.q("A", "SELECT v FROM extra");
            s.session("A").setSchema("OTHER");
            s.q("A", "SELECT v FROM items");
        });
        assertThat(stats.hitCount()).isPositive();
    }

    @Test
    void timeZoneIsPartOfTheKey() throws Exception {
        run(s -> {
            String local = "SELECT CAST(CAST('2024-06-01 12:00:00+00' AS TIMESTAMP WITH TIME ZONE) AS TIMESTAMP)"
                    + " FROM items";
            s.q("A", local);
            s.q("B", "SET TIME ZONE 'Asia/Tokyo'");
            s.q("B", local);
            s.q("A", local);
            s.q("A", "SET TIME ZONE 'America/New_York'");
            s.q("A", local);
            s.q("B", local);
        });
    }

    @Test
    void localTemporaryTablesAreTheirSessionsOwn() throws Exception {
        run(s -> {
            s.q("A", "SELECT v FROM extra");
            s.q("A", "CREATE LOCAL TEMPORARY TABLE extra (v INT)");
            s.q("A", "INSERT INTO extra VALUES (99)");
            s.q("A", "SELECT v FROM extra");
            s.q("B", "SELECT v FROM extra");
            s.q("B", "SET SCHEMA other");
            s.q("B", "SELECT v FROM extra");
            s.q("A", "DROP TABLE extra");
            s.q("A", "SELECT v FROM extra");
        });
    }

    @Test
    void databaseWideSettingsReachEverySession() throws Exception {
        run(s -> {
            String nulls = "SELECT v FROM (SELECT v FROM items UNION ALL SELECT NULL) t ORDER BY v";
            s.q("A", nulls);
            s.q("B", nulls);
            s.q("A", "SET DEFAULT_NULL_ORDERING HIGH");
            s.q("B", nulls);
            s.q("A", nulls);
            s.q("A", "SET DEFAULT_NULL_ORDERING LOW");
            s.q("B", nulls);
        });
    }

    @Test
    void anUnnamedInMemoryDatabaseIsPrivateToItsConnection() throws Exception {
        CachingDriver.register();
        String cacheName = "h2-unnamed-mem";
        String url = "jdbc:cache:h2:mem:;cache.name=" + cacheName;
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url)) {
            exec(a, "CREATE TABLE t (v INT)", "INSERT INTO t VALUES (1)");
            exec(b, "CREATE TABLE t (v INT)", "INSERT INTO t VALUES (2)");
            assertThat(query(a, "SELECT v FROM t")).isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT v FROM t")).as("b's own private database holds 2")
                    .isEqualTo(List.of(row(2)));
        } finally {
            CachingDriver.invalidateAll(cacheName);
        }
    }
}
