package io.jdbccache.it;

import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Configuration errors fail at connect naming the key; a rules file on the classpath applies; a connection may not
 * join its cache with other cache-scoped values.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class ConfigurationTest {
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

    private SQLException connectFailure(String... keyValues) {
        return catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(db.cachedUrl(keyValues)));
    }

    @Test
    void unknownCacheKeyFailsAtConnectNamingIt() {
        SQLException e = connectFailure("cache.xyz", "1");
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getMessage()).contains("cache.xyz");
    }

    @Test
    void badValueFailsAtConnectNamingKeyAndValue() {
        for (String[] bad : new String[][] {{"cache.ttl", "abc"}, {"cache.maxResultRows", "-x"},
                {"cache.enabled", "maybe"}, {"cache.maxBytes", "lots"}}) {
            SQLException e = connectFailure(bad);
            assertThat((Throwable) e).as(bad[0]).isNotNull();
            assertThat(e.getMessage()).as(bad[0]).contains(bad[0]).contains(bad[1]);
        }
    }

    @Test
    void missingRulesFileFailsAtConnect() {
        SQLException e = connectFailure("cache.config", "classpath:no-such-rules.properties");
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getMessage()).contains("no-such-rules.properties");
    }

    @Test
    void rulesFileOnTheClasspathApplies() throws SQLException {
        db.setup("CREATE TABLE cart_items (id INT PRIMARY KEY, qty INT)", "INSERT INTO cart_items VALUES (1, 2)");
        Connection c = db.cached("cache.config", "classpath:it-rules.properties");
        for (int i = 0; i < 3; i++) {
            assertThat(query(c, "SELECT qty FROM cart_items WHERE id = 1")).hasSize(1);
            assertThat(query(c, "SELECT name FROM products WHERE id = 1")).hasSize(1);
        }
        assertThat(executions()).isEqualTo(3 + 1);
        assertThat(db.statistics().bypassCount()).isEqualTo(3);
        assertThat(db.statistics().hitCount()).isEqualTo(2);
        // Writes to a never-cached table still invalidate readers of other tables that join it.
        String join = "SELECT p.name, c.qty FROM products p JOIN cart_items c ON c.id = p.id";
        query(c, join);
        TestDb.update(c, "UPDATE cart_items SET qty = 5 WHERE id = 1");
        assertThat(query(c, join)).containsExactly(TestDb.row("apple", 5));
    }

    /** Cache-scoped keys must agree within one cache.name; connection-scoped ones may differ. */
    @Test
    void joiningAnOpenCacheWithAnotherMemoryBoundIsRefusedNamingBothValues() throws SQLException {
        Connection first = db.cached();
        query(first, "SELECT name FROM products WHERE id = 1");
        SQLException e = connectFailure("cache.maxBytes", "3MB");
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getMessage()).contains(db.cacheName).contains("cache.maxBytes=64MB (the default)")
                .contains("cache.maxBytes=3MB");
        assertThat(e.getSQLState()).isEqualTo("HY024");
        Connection sameBoundOtherTtl = db.cached("cache.maxBytes", "67108864", "cache.ttl", "5s");
        assertThat(query(sameBoundOtherTtl, "SELECT name FROM products WHERE id = 1")).hasSize(1);
        assertThat(db.statistics().hitCount()).isEqualTo(1);
    }

    @Test
    void cacheDisabledSendsEverythingToTheDatabase() throws SQLException {
        Connection c = db.cached("cache.enabled", "false");
        query(c, "SELECT name FROM products WHERE id = 1");
        query(c, "SELECT name FROM products WHERE id = 1");
        assertThat(executions()).isEqualTo(2);
    }
}
