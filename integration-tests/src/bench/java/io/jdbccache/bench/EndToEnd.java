package io.jdbccache.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo's catalog-and-cart workload ({@code io.jdbccache.demo.CatalogDemo}) on PostgreSQL through HikariCP, two
 * threads, about 90% reads: 55% product lookups, 25% category pages (a join), 10% cart reads (never cached), 9.8%
 * cart inserts, 0.2% price changes. Timed for a fixed duration each way after a warm-up of the same workload, with
 * the schema created afresh before each, so both ways start from the same data. One change from the demo: the
 * cart table has an index on {@code user_id}, so cart reads do not slow down as the (faster) cached run inserts
 * more rows.
 */
final class EndToEnd {
    static final int THREADS = 2;
    private static final int PRODUCTS = 2_000;
    private static final int CATEGORIES = 20;
    private static final int USERS = 200;

    record Result(String name, long operations, double seconds, long[] latencyNanos, long hits, long misses,
            long bypasses) {
        double throughput() {
            return operations / seconds;
        }

        double percentileMicros(double p) {
            int index = (int) Math.min(latencyNanos.length - 1, Math.ceil(p / 100 * latencyNanos.length) - 1);
            return latencyNanos[Math.max(0, index)] / 1000.0;
        }

        double hitRate() {
            return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        }

        /** Database round trips: every statement, less those the cache answered. */
        long roundTrips() {
            return operations - hits;
        }
    }

    private EndToEnd() {
    }

    static Result run(boolean cached, double warmupSeconds, double seconds) throws Exception {
        String url = cached ? BenchDatabase.pgCached("bench-e2e", "cache.neverCacheTables=bench_cart_items")
                : BenchDatabase.PG_RAW;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(BenchDatabase.USER);
        config.setMaximumPoolSize(THREADS);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            createSchema(dataSource);
            phase(dataSource, warmupSeconds, 100);
            CacheStatistics before = CachingDriver.statistics("bench-e2e").orElse(null);
            long start = System.nanoTime();
            List<long[]> latencies = phase(dataSource, seconds, 0);
            double elapsed = (System.nanoTime() - start) / 1e9;
            CacheStatistics after = CachingDriver.statistics("bench-e2e").orElse(null);
            int total = latencies.stream().mapToInt(l -> (int) l[0]).sum();
            long[] all = new long[total];
            int at = 0;
            for (long[] l : latencies) {
                System.arraycopy(l, 1, all, at, (int) l[0]);
                at += (int) l[0];
            }
            Arrays.sort(all);
            long hits = 0;
            long misses = 0;
            long bypasses = 0;
            if (cached) {
                hits = after.hitCount() - before.hitCount();
                misses = after.missCount() - before.missCount();
                bypasses = after.bypassCount() - before.bypassCount();
            }
            return new Result(cached ? "jdbc-cache" : "plain pgjdbc", total, elapsed, all, hits, misses, bypasses);
        }
    }

    /** Runs both threads for {@code seconds}; each returns {count, latency...}. */
    private static List<long[]> phase(HikariDataSource dataSource, double seconds, int seedOffset)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t + seedOffset;
                futures.add(pool.submit(() -> workload(dataSource, new Random(seed), deadline)));
            }
            List<long[]> results = new ArrayList<>();
            for (Future<long[]> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static long[] workload(HikariDataSource dataSource, Random random, long deadline) throws SQLException {
        long[] latencies = new long[1 << 16];
        int count = 0;
        long sink = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement product = connection.prepareStatement(
                        "SELECT id, name, price, category_id FROM bench_products WHERE id = ?");
                PreparedStatement category = connection.prepareStatement(
                        "SELECT p.id, p.name, p.price FROM bench_products p JOIN bench_categories c"
                                + " ON c.id = p.category_id WHERE c.id = ? ORDER BY p.price, p.id LIMIT 10");
                PreparedStatement cart = connection.prepareStatement(
                        "SELECT product_id, quantity FROM bench_cart_items WHERE user_id = ? ORDER BY product_id");
                PreparedStatement addToCart = connection.prepareStatement(
                        "INSERT INTO bench_cart_items (user_id, product_id, quantity) VALUES (?, ?, 1)");
                PreparedStatement reprice = connection.prepareStatement(
                        "UPDATE bench_products SET price = price + 0.01 WHERE id = ?")) {
            long now = System.nanoTime();
            while (now < deadline) {
                int dice = random.nextInt(1000);
                int productId = 1 + (int) Math.min(PRODUCTS - 1, Math.abs(random.nextGaussian()) * 150);
                if (dice < 550) {
                    product.setInt(1, productId);
                    sink += sum(product.executeQuery());
                } else if (dice < 800) {
                    category.setInt(1, 1 + random.nextInt(CATEGORIES));
                    sink += sum(category.executeQuery());
                } else if (dice < 900) {
                    cart.setInt(1, 1 + random.nextInt(USERS));
                    cart.executeQuery().close();
                } else if (dice < 998) {
                    addToCart.setInt(1, 1 + random.nextInt(USERS));
                    addToCart.setInt(2, productId);
                    addToCart.executeUpdate();
                } else {
                    reprice.setInt(1, PRODUCTS - random.nextInt(100));
                    reprice.executeUpdate();
                }
                long end = System.nanoTime();
                if (count + 1 == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[++count] = end - now;
                now = end;
            }
        }
        latencies[0] = count;
        if (sink == 42) {
            System.out.print("");
        }
        return latencies;
    }

    private static long sum(ResultSet resultSet) throws SQLException {
        long sum = 0;
        try (resultSet) {
            while (resultSet.next()) {
                sum += resultSet.getLong(1) + resultSet.getString(2).length();
            }
        }
        return sum;
    }

    private static void createSchema(HikariDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_cart_items");
            statement.execute("DROP TABLE IF EXISTS bench_products");
            statement.execute("DROP TABLE IF EXISTS bench_categories");
            statement.execute("CREATE TABLE bench_categories (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)");
            statement.execute("CREATE TABLE bench_products (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                    + "price DECIMAL(10, 2) NOT NULL, category_id INT NOT NULL REFERENCES bench_categories (id))");
            statement.execute("CREATE TABLE bench_cart_items (user_id INT NOT NULL, product_id INT NOT NULL, "
                    + "quantity INT NOT NULL)");
            statement.execute("CREATE INDEX bench_cart_items_user ON bench_cart_items (user_id)");
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bench_categories VALUES (?, ?)")) {
                for (int c = 1; c <= CATEGORIES; c++) {
                    insert.setInt(1, c);
                    insert.setString(2, "category " + c);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bench_products VALUES (?, ?, ?, ?)")) {
                for (int p = 1; p <= PRODUCTS; p++) {
                    insert.setInt(1, p);
                    insert.setString(2, "product " + p);
                    insert.setBigDecimal(3, BigDecimal.valueOf(100 + p % 500, 2));
                    insert.setInt(4, 1 + p % CATEGORIES);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            statement.execute("ANALYZE bench_products");
            statement.execute("ANALYZE bench_categories");
        }
    }
}
