package io.jdbccache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import io.jdbccache.testing.CountingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's private database: a fresh in-memory H2 database or a fresh PostgreSQL schema, and a cache name no
 * other test uses, so statistics start at zero. Cached connections go through {@code jdbc:cache:counting:}, so
 * {@link #executions()} counts exactly the statements that reached the database. Closing it closes every
 * connection it opened and drops the schema.
 */
final class TestDb implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final Database database;
    final String name;
    final String cacheName;
    final String rawUrl;
    final String cachedUrl;
    private final Deque<Connection> opened = new ArrayDeque<>();

    private TestDb(Database database, String name) {
        this.database = database;
        this.name = name;
        this.cacheName = "it-" + name;
        this.rawUrl = database.rawUrl(name);
        this.cachedUrl = database.withParameter("jdbc:cache:counting:" + rawUrl.substring("jdbc:".length()),
                "cache.name", cacheName);
    }

    static TestDb open(Database database) throws SQLException {
        database.requireAvailable();
        CountingDriver.register();
        CachingDriver.register();
        String name = "it_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet() + "_"
                + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        if (database == Database.POSTGRESQL) {
            try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                    Statement statement = admin.createStatement()) {
                statement.execute("CREATE SCHEMA " + name);
            }
        }
        TestDb db = new TestDb(database, name);
        CountingDriver.reset();
        return db;
    }

    boolean isPostgres() {
        return database == Database.POSTGRESQL;
    }

    /** A connection through the real driver: neither cached nor counted. */
    Connection raw() throws SQLException {
        return track(DriverManager.getConnection(rawUrl));
    }

    /** A connection through jdbc-cache (and the counting driver) with this test's cache. */
    Connection cached() throws SQLException {
        return track(DriverManager.getConnection(cachedUrl));
    }

    /** Like {@link #cached()} with extra {@code cache.} parameters, e.g. {@code "cache.maxResultRows", "100"}. */
    Connection cached(String... keyValues) throws SQLException {
        return track(DriverManager.getConnection(cachedUrl(keyValues)));
    }

    /** The cached URL without the counting driver in between: {@code jdbc:cache:<real>}. */
    String plainCachedUrl() {
        return database.withParameter("jdbc:cache:" + rawUrl.substring("jdbc:".length()), "cache.name", cacheName);
    }

    /** A tracked connection to any URL (a cached one of another cache name, say), closed with this database. */
    Connection connect(String url) throws SQLException {
        return track(DriverManager.getConnection(url));
    }

    String cachedUrl(String... keyValues) {
        String url = cachedUrl;
        for (int i = 0; i < keyValues.length; i += 2) {
            url = database.withParameter(url, keyValues[i], keyValues[i + 1]);
        }
        return url;
    }

    private Connection track(Connection connection) {
        opened.push(connection);
        return connection;
    }

    /** Runs statements on a raw connection (setup that must not touch the cache or the counter). */
    void setup(String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(rawUrl)) {
            exec(connection, sql);
        }
    }

    /** The standard fixture: products(id, name, price) with three rows and categories with two. */
    void createProducts() throws SQLException {
        setup("CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(50), price INT)",
                "INSERT INTO products VALUES (1, 'apple', 10), (2, 'pear', 20), (3, 'plum', 30)",
                "CREATE TABLE categories (id INT PRIMARY KEY, title VARCHAR(50))",
                "INSERT INTO categories VALUES (1, 'fruit'), (2, 'veg')");
    }

    CacheStatistics statistics() {
        return CachingDriver.statistics(cacheName).orElseThrow();
    }

    /** Statements that reached the real database through cached connections since the last reset. */
    static long executions() {
        return CountingDriver.executions();
    }

    static void resetExecutions() {
        CountingDriver.reset();
    }

    static void exec(Connection connection, String... sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    /** Runs a statement the test makes fail (a division by zero, a statement in an aborted transaction). */
    static void execFailing(Connection connection, String sql) {
        assertThatExceptionOfType(SQLException.class).as(sql).isThrownBy(() -> exec(connection, sql));
    }

    static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    /** All rows of a query on a fresh statement, each row as a list of getObject values. */
    static List<List<Object>> query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rows(rs);
        }
    }

    /** All rows of a prepared query with the given parameters bound by setObject. */
    static List<List<Object>> query(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rows(rs);
            }
        }
    }

    /** The single value of a single-row, single-column query, as a long. */
    static long scalar(Connection connection, String sql) throws SQLException {
        List<List<Object>> rows = query(connection, sql);
        assertThat(rows).hasSize(1);
        return ((Number) rows.get(0).get(0)).longValue();
    }

    static List<List<Object>> rows(ResultSet rs) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                Object value = rs.getObject(i);
                row.add(value instanceof byte[] ? HexFormat.of().formatHex((byte[]) value) : value);
            }
            rows.add(row);
        }
        return rows;
    }

    static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (SQLException e) {
                failure = failure == null ? e : failure;
            }
        }
        try (Connection connection = isPostgres()
                ? DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "")
                : DriverManager.getConnection(rawUrl); Statement statement = connection.createStatement()) {
            statement.execute(isPostgres() ? "DROP SCHEMA " + name + " CASCADE" : "SHUTDOWN");
        }
        CachingDriver.invalidateAll(cacheName);
        if (failure != null) {
            throw failure;
        }
    }
}
