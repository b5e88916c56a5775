package io.jdbccache.bench;

import io.jdbccache.internal.cache.ConnectionContext;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.SessionState;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The benchmark data: tables prefixed {@code bench_} in PostgreSQL's database {@code test} (127.0.0.1:5432, user
 * postgres, no password; override with {@code -Dbench.pg=host:port/db}) and in an in-process H2 database. Created
 * once per JVM if missing; the benchmarks never change row counts, only the {@code stock} column.
 */
final class BenchDatabase {
    static final String PG = System.getProperty("bench.pg", "127.0.0.1:5432/test");
    static final String PG_RAW = "jdbc:postgresql://" + PG;
    static final String H2_RAW = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
    static final String USER = "postgres";
    /** Rows of {@code bench_items}: 8 columns of the common types (int, text, numeric, double, boolean). */
    static final int ITEMS = 100_000;
    /** Rows of {@code bench_big}, for the streaming check. */
    static final int BIG = 1_000_000;
    static final String COLUMNS = "id, name, price, category, stock, sku, weight, active";
    static final String ONE_ROW = "SELECT " + COLUMNS + " FROM bench_items WHERE id = ?";
    static final String TEN_ROWS = "SELECT " + COLUMNS + " FROM bench_items WHERE id BETWEEN ? AND ? ORDER BY id";
    /** A fresh cache key on every execution (the second parameter only grows) with the plan of {@link #ONE_ROW}. */
    static final String UNIQUE_ROW = "SELECT " + COLUMNS + " FROM bench_items WHERE id = ? AND ? > 0";
    /** Not cacheable ({@code now()} is not deterministic): the driver bypasses the cache. */
    static final String BYPASS = "SELECT " + COLUMNS + ", now() FROM bench_items WHERE id = ?";
    static final String UPDATE = "UPDATE bench_items SET stock = stock + 1 WHERE id = ?";

    private BenchDatabase() {
    }

    /** {@code jdbc:cache:} over PostgreSQL with cache {@code name}; TTL long enough that no entry expires mid-run. */
    static String pgCached(String name, String... options) {
        StringBuilder url = new StringBuilder("jdbc:cache:postgresql://").append(PG).append("?cache.name=")
                .append(name).append("&cache.ttl=1h&cache.ttlJitter=0");
        for (String option : options) {
            url.append('&').append(option);
        }
        return url.toString();
    }

    static String h2Cached(String name) {
        return "jdbc:cache:h2:mem:bench;DB_CLOSE_DELAY=-1;cache.name=" + name + ";cache.ttl=1h;cache.ttlJitter=0";
    }

    static Connection open(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, url.contains(":h2:") ? "" : null);
    }

    /** Creates {@code bench_items} (and, if {@code big}, {@code bench_big}) in PostgreSQL unless already there. */
    static synchronized void ensurePostgres(boolean big) throws SQLException {
        try (Connection connection = open(PG_RAW); Statement statement = connection.createStatement()) {
            if (count(statement, "bench_items") != ITEMS) {
                statement.execute("DROP TABLE IF EXISTS bench_items");
                statement.execute(createItems());
                statement.execute("INSERT INTO bench_items SELECT g, 'item ' || g, (g % 1000) / 100.0 + 1, g % 50,"
                        + " g % 7, 'SKU-' || lpad(g::text, 8, '0'), g * 0.25, g % 2 = 0"
                        + " FROM generate_series(1, " + ITEMS + ") g");
                statement.execute("ANALYZE bench_items");
            }
            if (big && count(statement, "bench_big") != BIG) {
                statement.execute("DROP TABLE IF EXISTS bench_big");
                statement.execute("CREATE TABLE bench_big (id INT PRIMARY KEY, payload VARCHAR(64) NOT NULL)");
                statement.execute("INSERT INTO bench_big SELECT g, md5(g::text) FROM generate_series(1, " + BIG
                        + ") g");
                statement.execute("ANALYZE bench_big");
            }
        }
    }

    /** Creates {@code bench_items} in the in-process H2 database of this JVM. */
    static synchronized void ensureH2() throws SQLException {
        try (Connection connection = open(H2_RAW); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_items");
            statement.execute(createItems());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bench_items VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= 10_000; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "item " + id);
                    insert.setBigDecimal(3, BigDecimal.valueOf(id % 1000 + 100, 2));
                    insert.setInt(4, id % 50);
                    insert.setInt(5, id % 7);
                    insert.setString(6, String.format("SKU-%08d", id));
                    insert.setDouble(7, id * 0.25);
                    insert.setBoolean(8, id % 2 == 0);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    private static String createItems() {
        return "CREATE TABLE bench_items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price NUMERIC(10, 2) NOT NULL,"
                + " category INT NOT NULL, stock INT NOT NULL, sku VARCHAR(16) NOT NULL, weight DOUBLE PRECISION NOT NULL,"
                + " active BOOLEAN NOT NULL)";
    }

    private static long count(Statement statement, String table) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            return -1; // no such table yet
        }
    }

    /** Reads every column of every row, as an application would; returns a value to sink. */
    static long readAll(ResultSet rows) throws SQLException {
        long sink = 0;
        try (rows) {
            while (rows.next()) {
                sink += rows.getInt(1);
                sink += rows.getString(2).length();
                sink += rows.getBigDecimal(3).scale();
                sink += rows.getInt(4);
                sink += rows.getInt(5);
                sink += rows.getString(6).length();
                sink += (long) rows.getDouble(7);
                sink += rows.getBoolean(8) ? 1 : 0;
            }
        }
        return sink;
    }

    /** The dialect the driver picks for {@code url}'s database (read from a real connection's metadata). */
    static Dialect dialect(String url) throws SQLException {
        try (Connection connection = open(url)) {
            return Dialect.of(connection.getMetaData());
        }
    }

    /** A key context of a session as the driver would read it back: {@code user} on schema {@code public}. */
    static ConnectionContext context(DatabaseScope scope, String user, String catalog) {
        SessionState state = new SessionState(user, user, SearchPath.of("public"), "", Set.of(), Set.of(), true,
                false, false);
        return new ConnectionContext(scope, state, catalog, "");
    }
}
