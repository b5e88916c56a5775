package io.jdbccache.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdbccache.CacheMXBean;
import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The README's demo: a product catalog and a shopping cart on an in-process H2 database, run through HikariCP
 * once with the plain URL and once with the {@code jdbc:cache:} URL, with the same seeded workload of about 90%
 * reads and 10% writes. Prints the hit rate, the database round trips saved and the speedup.
 *
 * <p>Usage: {@code CatalogDemo [operationsPerThread] [jdbc-url-without-prefix]}; the default database is
 * {@code h2:mem:catalog}.
 */
public final class CatalogDemo {
    private static final int THREADS = 2;
    private static final int PRODUCTS = 2_000;
    private static final int CATEGORIES = 20;
    private static final int USERS = 200;

    private CatalogDemo() {
    }

    public static void main(String[] args) throws Exception {
        int operations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        String database = args.length > 1 ? args[1] : "h2:mem:catalog";
        System.out.printf("jdbc-cache demo: %d threads x %,d operations (about 90%% reads) on %s%n%n", THREADS,
                operations, database);
        Result raw = run("jdbc:" + database + suffix(database, "raw"), operations);
        Result cached = run("jdbc:cache:" + database + suffix(database, "cached")
                + parameterSeparator(database) + "cache.name=demo" + parameterJoin(database)
                + "cache.neverCacheTables=cart_items" + parameterJoin(database) + "cache.ttl=5m", operations);
        CacheStatistics stats = cached.stats;
        long roundTripsSaved = stats.hitCount();
        System.out.printf("%-26s %12s %12s%n", "", "plain JDBC", "jdbc-cache");
        System.out.printf("%-26s %12.0f %12.0f%n", "operations per second", raw.throughput(), cached.throughput());
        System.out.printf("%-26s %12d %12d%n", "database round trips", raw.statements, cached.statements
                - roundTripsSaved);
        System.out.printf("%-26s %12s %11.1f%%%n", "hit rate (cacheable reads)", "-", 100 * stats.hitRate());
        System.out.printf("%-26s %12s %12d%n", "bypassed (cart reads)", "-", stats.bypassCount());
        System.out.printf("%-26s %12s %12d%n", "invalidations", "-", stats.invalidationCount());
        System.out.printf("%n%,d database round trips saved (%.1f%%); speedup %.1fx%n", roundTripsSaved,
                100.0 * roundTripsSaved / cached.statements, cached.throughput() / raw.throughput());
        if (raw.checksum != cached.checksum) {
            throw new IllegalStateException("the cached run read different data than the plain run");
        }
        System.out.println("Both runs read identical results (checksum " + raw.checksum + ").");
        System.out.println();
        System.out.println(cached.advice);
    }

    private static String suffix(String database, String name) {
        return database.startsWith("h2:mem:") ? "-" + name + ";DB_CLOSE_DELAY=-1" : "";
    }

    private static String parameterSeparator(String database) {
        return database.startsWith("h2:") ? ";" : (database.contains("?") ? "&" : "?");
    }

    private static String parameterJoin(String database) {
        return database.startsWith("h2:") ? ";" : "&";
    }

    private static Result run(String url, int operations) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(url.contains("postgresql") ? "postgres" : "sa");
        config.setMaximumPoolSize(THREADS);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            createSchema(dataSource);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            AtomicLong statements = new AtomicLong();
            List<Future<Long>> checksums = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                checksums.add(pool.submit(() -> workload(dataSource, new Random(seed), operations, statements)));
            }
            long checksum = 0;
            for (Future<Long> future : checksums) {
                checksum += future.get();
            }
            long elapsed = System.nanoTime() - start;
            pool.shutdown();
            // Read while the pool's connections keep the cache (and its JMX bean) alive.
            CacheStatistics stats = CachingDriver.statistics("demo").orElse(null);
            String advice = stats == null ? "" : adviceReport();
            return new Result(statements.get(), THREADS * (long) operations, elapsed, checksum, stats, advice);
        }
    }

    /**
     * One shopper: 55% product lookups, 25% category pages (a join), 10% cart reads (never cached: the cart changes
     * on every request), 9.8% cart inserts, 0.2% price changes (each invalidates every cached product query).
     */
    private static long workload(HikariDataSource dataSource, Random random, int operations, AtomicLong statements)
            throws SQLException {
        long checksum = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement product = connection.prepareStatement(
                        "SELECT id, name, price, category_id FROM products WHERE id = ?");
                PreparedStatement category = connection.prepareStatement(
                        "SELECT p.id, p.name, p.price FROM products p JOIN categories c ON c.id = p.category_id "
                                + "WHERE c.id = ? ORDER BY p.price, p.id LIMIT 10");
                PreparedStatement cart = connection.prepareStatement(
                        "SELECT product_id, quantity FROM cart_items WHERE user_id = ? ORDER BY product_id");
                PreparedStatement addToCart = connection.prepareStatement(
                        "INSERT INTO cart_items (user_id, product_id, quantity) VALUES (?, ?, 1)");
                PreparedStatement reprice = connection.prepareStatement(
                        "UPDATE products SET price = price + 0.01 WHERE id = ?")) {
            for (int i = 0; i < operations; i++) {
                int dice = random.nextInt(1000);
                // A skewed popularity: most views go to a few hundred products, as in a real shop.
                int productId = 1 + (int) Math.min(PRODUCTS - 1, Math.abs(random.nextGaussian()) * 150);
                if (dice < 550) {
                    product.setInt(1, productId);
                    checksum += sum(product.executeQuery());
                } else if (dice < 800) {
                    category.setInt(1, 1 + random.nextInt(CATEGORIES));
                    checksum += sum(category.executeQuery());
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
                statements.incrementAndGet();
            }
        }
        return checksum;
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
            statement.execute("DROP TABLE IF EXISTS cart_items");
            statement.execute("DROP TABLE IF EXISTS products");
            statement.execute("DROP TABLE IF EXISTS categories");
            statement.execute("CREATE TABLE categories (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)");
            statement.execute("CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                    + "price DECIMAL(10, 2) NOT NULL, category_id INT NOT NULL REFERENCES categories (id))");
            statement.execute("CREATE TABLE cart_items (user_id INT NOT NULL, product_id INT NOT NULL, "
                    + "quantity INT NOT NULL)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO categories VALUES (?, ?)")) {
                for (int c = 1; c <= CATEGORIES; c++) {
                    insert.setInt(1, c);
                    insert.setString(2, "category " + c);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO products VALUES (?, ?, ?, ?)")) {
                for (int p = 1; p <= PRODUCTS; p++) {
                    insert.setInt(1, p);
                    insert.setString(2, "product " + p);
                    insert.setBigDecimal(3, BigDecimal.valueOf(100 + p % 500, 2));
                    insert.setInt(4, 1 + p % CATEGORIES);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    /** The advisor's report, read through JMX as an operator would. */
    private static String adviceReport() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        CacheMXBean bean = JMX.newMXBeanProxy(server,
                new ObjectName("io.jdbccache:type=Cache,name=demo"), CacheMXBean.class);
        return bean.adviceReport(true);
    }

    private record Result(long statements, long operations, long elapsedNanos, long checksum, CacheStatistics stats,
            String advice) {
        double throughput() {
            return operations * 1e9 / elapsedNanos;
        }
    }
}
