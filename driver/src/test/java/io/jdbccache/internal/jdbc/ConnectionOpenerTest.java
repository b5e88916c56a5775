package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.config.ConfigLoader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one way a caching connection opens, over a connection source that is not the driver (an H2 DataSource, as a
 * DataSource wrapper would pass): it caches, warms up, shares configurations, and on every failure closes what it
 * opened and releases the cache.
 */
class ConnectionOpenerTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private String name;
    private JdbcDataSource dataSource;
    private final List<Connection> opened = new ArrayList<>();

    @BeforeEach
    void createDatabase() throws SQLException {
        name = "opener_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(20))");
            statement.execute("INSERT INTO products VALUES (1, 'apple'), (2, 'pear')");
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        for (Connection connection : opened) {
            connection.close();
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        }
    }

    private CacheConfig config(String... keyValues) throws SQLException {
        Map<String, String> values = new HashMap<>(Map.of("cache.name", "it-" + name));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ConfigLoader.load(values);
    }

    private CachingConnection open(DatabaseScope.ConnectionSource source, CacheConfig config) throws SQLException {
        CachingConnection connection = ConnectionOpener.open(source, config, "jdbc:h2:mem:" + name, "");
        opened.add(connection);
        return connection;
    }

    private static String firstName(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM products WHERE id = 1")) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    @Test
    void opensACachingConnectionOverADataSource() throws SQLException {
        CachingConnection connection = open(dataSource::getConnection, config());
        assertThat(firstName(connection)).isEqualTo("apple");
        assertThat(firstName(connection)).isEqualTo("apple");
        assertThat(connection.session().cache().statistics().hitCount()).isEqualTo(1);
        assertThat(connection.session().database().diagnosticsSource()).as("EXPLAIN connections come from the source too")
                .isNotNull();
        try (Connection diagnostics = connection.session().database().diagnosticsSource().open()) {
            assertThat(diagnostics).isNotSameAs(connection.delegate());
        }
        // A second connection of the cache to the same database shares its entries.
        CachingConnection second = open(dataSource::getConnection, config());
        assertThat(firstName(second)).isEqualTo("apple");
        assertThat(second.session().cache()).isSameAs(connection.session().cache());
        assertThat(second.session().cache().statistics().hitCount()).isEqualTo(2);
        assertThat(second.session().config()).as("equal configurations are one instance").isSameAs(connection.session().config());
    }

    @Test
    void theFirstConnectionWarmsTheCacheUp() throws SQLException {
        CacheConfig config = config("cache.warmup.1", "SELECT name FROM products WHERE id = 1",
                "cache.warmup.2", "SELECT nothing FROM nowhere");
        CachingConnection connection = open(dataSource::getConnection, config);
        assertThat(connection.session().cache().statistics().storeCount()).isEqualTo(1);
        assertThat(firstName(connection)).isEqualTo("apple");
        assertThat(connection.session().cache().statistics().hitCount()).isEqualTo(1);
        open(dataSource::getConnection, config);
        assertThat(connection.session().cache().statistics().storeCount()).as("warm-up runs once").isEqualTo(1);
    }

    @Test
    void theSourcesOwnExceptionPassesThroughAndTheCacheIsReleased() {
        SQLException refused = new SQLException("password authentication failed", "28P01");
        SQLException e = catchThrowableOfType(SQLException.class, () -> ConnectionOpener.open(() -> {
            throw refused;
        }, config(), "jdbc:h2:mem:" + name, ""));
        assertThat((Throwable) e).isSameAs(refused);
        assertThat(CacheRegistry.find("it-" + name)).isNull();
        SQLException none = catchThrowableOfType(SQLException.class,
                () -> ConnectionOpener.open(() -> null, config(), "jdbc:h2:mem:" + name, ""));
        assertThat(none.getSQLState()).isEqualTo("08001");
        assertThat(CacheRegistry.find("it-" + name)).isNull();
    }

    @Test
    void aFailureWhileWrappingClosesThePhysicalConnectionAndReleasesTheCache() throws SQLException {
        Connection real = dataSource.getConnection();
        Connection failing = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getMetaData")) {
                        throw new SQLException("metadata unavailable", "HY000");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> ConnectionOpener.open(() -> failing, config(), "jdbc:h2:mem:" + name, ""));
        assertThat((Throwable) e).hasMessage("metadata unavailable");
        assertThat(real.isClosed()).isTrue();
        assertThat(CacheRegistry.find("it-" + name)).isNull();
    }

    @Test
    void aConflictingCacheValueIsRefusedBeforeAnyPhysicalConnectionOpens() throws SQLException {
        CachingConnection first = open(dataSource::getConnection, config());
        AtomicInteger sourced = new AtomicInteger();
        SQLException e = catchThrowableOfType(SQLException.class, () -> open(() -> {
            sourced.incrementAndGet();
            return dataSource.getConnection();
        }, config("cache.maxBytes", "3MB")));
        assertThat(e.getSQLState()).isEqualTo("HY024");
        assertThat(e.getMessage()).contains("cache.maxBytes=64MB (the default)").contains("cache.maxBytes=3MB");
        assertThat(sourced).hasValue(0);
        first.close();
        opened.remove(first);
        assertThat(CacheRegistry.find("it-" + name)).as("the refused connection held no reference").isNull();
    }
}
