package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What Flyway does to the pooled connections of a Spring Boot application before the application gets them
 * (without Flyway itself): reads the role and search path, points the search path at its schema with
 * {@code set_config}, takes an advisory lock, migrates, and restores the original role ({@code SET ROLE}) and
 * search path. Afterwards the same pool serves normal traffic: it must hit, and see exactly what the database sees.
 */
class FlywayPatternTest {

    private static void migrate(Connection c, String schema) throws Exception {
        String originalPath;
        try (ResultSet rs = c.createStatement().executeQuery("SHOW search_path")) {
            rs.next();
            originalPath = rs.getString(1);
        }
        TestDb.query(c, "SELECT current_user");
        TestDb.query(c, "SELECT set_config('search_path', ?, false)", "\"" + schema + "\"");
        TestDb.query(c, "SELECT pg_try_advisory_lock(424242)");
        TestDb.exec(c, "CREATE TABLE IF NOT EXISTS flyway_schema_history (installed_rank INT PRIMARY KEY,"
                + " version TEXT, success BOOLEAN)");
        TestDb.query(c, "SELECT installed_rank, version FROM flyway_schema_history ORDER BY installed_rank");
        TestDb.exec(c, "CREATE TABLE IF NOT EXISTS products (id INT PRIMARY KEY, name TEXT, price INT)",
                "INSERT INTO products VALUES (1, 'apple', 10), (2, 'pear', 20), (3, 'plum', 30)"
                        + " ON CONFLICT DO NOTHING",
                "INSERT INTO flyway_schema_history VALUES (1, '1', true) ON CONFLICT DO NOTHING");
        TestDb.query(c, "SELECT pg_advisory_unlock(424242)");
        TestDb.exec(c, "SET ROLE '" + Database.PG_USER + "'");
        TestDb.query(c, "SELECT set_config('search_path', ?, false)", originalPath);
    }

    @Test
    void aPoolThatFlywayMigratedStillHitsAndLeaksNothing() throws Exception {
        long[] trafficHits = new long[1];
        CacheStatistics stats = sameOutcomes(Database.POSTGRESQL, new String[0], Map.of(), s -> {
            s.session("KEEPS_THE_CACHE_OPEN");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(s.url(null));
            config.setMaximumPoolSize(2);
            config.setMinimumIdle(2);
            config.setPoolName("flyway-" + s.schema() + (s.cached ? "-cached" : "-raw"));
            try (HikariDataSource pool = new HikariDataSource(config)) {
                // Flyway migrates through both pooled connections (Boot runs it on the application's pool).
                try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
                    migrate(first, s.schema());
                    migrate(second, s.schema());
                }
                long before = s.cached ? CachingDriver.statistics(s.db.cacheName).orElseThrow().hitCount() : 0;
                int reads = 0;
                for (int i = 0; i < 50; i++) {
                    try (Connection c = pool.getConnection();
                            PreparedStatement ps = c.prepareStatement("SELECT name, price FROM products WHERE id = ?")) {
                        ps.setInt(1, 1 + i % 3);
                        try (ResultSet rs = ps.executeQuery()) {
                            s.record("read " + (1 + i % 3), TestDb.rows(rs).toString());
                        }
                        reads++;
                        if (i == 25) {
                            TestDb.exec(c, "UPDATE products SET price = price + 1 WHERE id = 2");
                        }
                        s.record("all", Differential.Script.rowsOf(c, "SELECT id, price FROM products ORDER BY id"));
                        reads++;
                    }
                }
                if (s.cached) {
                    trafficHits[0] = CachingDriver.statistics(s.db.cacheName).orElseThrow().hitCount() - before;
                    assertThat(trafficHits[0]).as("hits among %d reads after the migration", reads)
                            .isGreaterThanOrEqualTo(90);
                }
            }
        });
        assertThat(stats.bypassesByReason()).doesNotContainKey("SESSION_STATE_UNKNOWN");
        assertThat(trafficHits[0]).isGreaterThanOrEqualTo(90);
        assertThat(List.of(stats.sessionReadBacks())).allMatch(n -> n < 20);
    }
}
