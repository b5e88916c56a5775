package io.jdbccache.it;

import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** jdbc-cache behind HikariCP: configured by URL alone or by driver class, cached across pooled connections. */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class HikariTest {
    private static final String PRICE = "SELECT price FROM products WHERE id = 1";

    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDb.open(database);
        db.createProducts();
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    private HikariDataSource pool(boolean withDriverClassName) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.plainCachedUrl());
        if (withDriverClassName) {
            config.setDriverClassName("io.jdbccache.CachingDriver");
        }
        config.setMaximumPoolSize(2);
        config.setPoolName("it-" + db.name);
        return new HikariDataSource(config);
    }

    @Test
    void urlOnlyPoolCachesAcrossPooledConnections() throws SQLException {
        assertCachesAcrossConnections(false);
    }

    @Test
    void driverClassNamePoolCachesAcrossPooledConnections() throws SQLException {
        assertCachesAcrossConnections(true);
    }

    private void assertCachesAcrossConnections(boolean withDriverClassName) throws SQLException {
        try (HikariDataSource pool = pool(withDriverClassName)) {
            for (int i = 0; i < 4; i++) {
                try (Connection c = pool.getConnection()) {
                    assertThat(query(c, PRICE)).containsExactly(row(10));
                }
            }
            try (Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
                assertThat(query(a, PRICE)).containsExactly(row(10));
                TestDb.update(b, "UPDATE products SET price = 12 WHERE id = 1");
                assertThat(query(a, PRICE)).containsExactly(row(12));
            }
            assertThat(db.statistics().missCount()).isEqualTo(2);
            assertThat(db.statistics().hitCount()).isEqualTo(4);
        }
    }

    @Test
    void anOpenTransactionDoesNotLeakToTheNextBorrower() throws SQLException {
        try (HikariDataSource pool = pool(false)) {
            try (Connection c = pool.getConnection()) {
                assertThat(query(c, PRICE)).containsExactly(row(10));
                c.setAutoCommit(false);
                TestDb.update(c, "UPDATE products SET price = 77 WHERE id = 1");
                assertThat(query(c, PRICE)).containsExactly(row(77));
                // returned to the pool without commit: Hikari rolls back and restores autocommit
            }
            for (int i = 0; i < 3; i++) {
                try (Connection c = pool.getConnection()) {
                    assertThat(c.getAutoCommit()).isTrue();
                    assertThat(query(c, PRICE)).containsExactly(row(10));
                }
            }
            try (Connection raw = db.raw()) {
                assertThat(query(raw, PRICE)).containsExactly(row(10));
            }
        }
    }
}
