package io.jdbccache.bench;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's catalog-and-cart workload ({@code io.jdbccache.demo.CatalogDemo}) on PostgreSQL through HikariCP with
 * {@link #WORKERS} workers, each holding one pooled connection: 55% product lookups, 25% category pages (a join),
 * 10% cart reads (never cached), 9.8% cart inserts, 0.2% price changes. One change from the demo: the cart table
 * has an index on {@code user_id}, so cart reads do not slow down as the cart grows.
 *
 * <p>Design. Four runs, each on a fresh schema in a database of its own ({@link #DATABASE}), so the server's
 * counters of that database belong to the run:
 *
 * <ol>
 *   <li>Closed loop, plain pgjdbc: every worker runs operations back to back for the measured period. Its
 *       throughput is the figure kept from before and the calibration: plain JDBC's capacity with this pool.
 *   <li>Closed loop, jdbc-cache: the same; with the cache's counters it gives the fraction of operations that
 *       must reach the database and so the Amdahl bound of the speedup.
 *   <li>Open loop, plain pgjdbc, then 4. open loop, jdbc-cache: one seeded schedule of operation types,
 *       parameters and Poisson arrival times at {@link #UTILIZATION} of the calibrated capacity, the same for
 *       both, after a warm-up with another schedule at the same rate (so both carts hold the same rows). Workers
 *       take the next scheduled operation, wait for its arrival time and run it; latency is measured from the
 *       arrival time, so waiting for a free worker counts (no coordinated omission). Nothing is dropped: an
 *       operation that starts more than a second after its arrival is counted as late, and only if a run falls
 *       so far behind that it passes a hard cap are the operations never started counted as not run.
 * </ol>
 *
 * Database time and transactions come from {@link DatabaseMeter}, around the measured period of the open loops.
 */
final class EndToEnd {
    static final int WORKERS = 4;
    /** The open loop's offered rate, as a fraction of plain JDBC's closed-loop throughput. */
    static final double UTILIZATION = 0.7;
    static final String DATABASE = "bench_e2e";
    /** An operation that starts this long after its arrival time counts as late. */
    static final long LATE_NANOS = 1_000_000_000L;
    private static final String HOST = BenchDatabase.PG.substring(0, BenchDatabase.PG.lastIndexOf('/'));
    /** Unique per JVM, so that the backends of another run on the same server are not counted. */
    private static final String APPLICATION = "bench-e2e-" + ProcessHandle.current().pid();
    private static final int PRODUCTS = 2_000;
    private static final int CATEGORIES = 20;
    private static final int USERS = 200;

    /** The workload's operations, in the order of the report's table. */
    enum Operation {
        PRODUCT("product lookup", true),
        CATEGORY("category page (join)", true),
        CART_READ("cart read (never cached)", false),
        CART_INSERT("cart insert", false),
        PRICE_CHANGE("price change", false);

        final String label;
        final boolean cacheable;

        Operation(String label, boolean cacheable) {
            this.label = label;
            this.cacheable = cacheable;
        }
    }

    /**
     * A closed-loop run. {@code toDatabase}: operations that reached the database (every one without the cache;
     * with it, misses + bypasses + writes from the cache's counters and the writes run).
     */
    record Closed(long operations, double seconds, long toDatabase, long hits) {
        double throughput() {
            return operations / seconds;
        }

        double fractionToDatabase() {
            return (double) toDatabase / operations;
        }

        /** The speedup if every hit were free and every other operation cost what it did without the cache. */
        double amdahlBound() {
            return 1 / fractionToDatabase();
        }
    }

    /**
     * An open-loop run of {@code scheduled} operations offered at {@code offeredRate}; {@code latencies} per
     * {@link Operation} ordinal, sorted, nanoseconds from arrival time to completion; {@code seconds} from the
     * schedule's start to the last completion; {@code statements} the client's count of operations that reached
     * the database (as in {@link Closed}).
     */
    record Open(double offeredRate, int scheduled, int completed, double seconds, long late, long[][] latencies,
            long startLagMedianNanos, DatabaseMeter.Usage database, long statements, long hits, long misses,
            Client client) {
        long[] latencies(Operation operation) {
            return latencies[operation.ordinal()];
        }

        /** Every latency of the cacheable (or the uncacheable) operations, sorted. */
        long[] latencies(boolean cacheable) {
            int size = 0;
            for (Operation operation : Operation.values()) {
                size += operation.cacheable == cacheable ? latencies(operation).length : 0;
            }
            long[] all = new long[size];
            int at = 0;
            for (Operation operation : Operation.values()) {
                if (operation.cacheable == cacheable) {
                    System.arraycopy(latencies(operation), 0, all, at, latencies(operation).length);
                    at += latencies(operation).length;
                }
            }
            Arrays.sort(all);
            return all;
        }

        /** Backend CPU time per completed operation; NaN when the server's CPU time could not be read. */
        double cpuMicrosPerOperation() {
            return database.cpuNanos() < 0 ? Double.NaN : database.cpuNanos() / 1000.0 / completed;
        }

        /** Cores the backends kept busy on average; NaN when unknown. */
        double cpuCores() {
            return database.cpuNanos() < 0 ? Double.NaN : database.cpuNanos() / 1e9 / seconds;
        }

        /** This JVM's CPU time (workers, cache, pgjdbc, GC) per completed operation. */
        double clientCpuMicrosPerOperation() {
            return client.cpuNanos() / 1000.0 / completed;
        }

        double transactionsPerSecond() {
            return database.transactions() / seconds;
        }

        double statementsPerSecond() {
            return statements / seconds;
        }

        double hitRate() {
            return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        }
    }

    /** This JVM's CPU time and its garbage collections (count, milliseconds), as running totals or a difference. */
    record Client(long cpuNanos, long collections, long collectionMillis) {
        static Client now() {
            long collections = 0;
            long millis = 0;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                collections += Math.max(0, collector.getCollectionCount());
                millis += Math.max(0, collector.getCollectionTime());
            }
            OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
            return new Client(os.getProcessCpuTime(), collections, millis);
        }

        Client minus(Client before) {
            return new Client(cpuNanos - before.cpuNanos, collections - before.collections,
                    collectionMillis - before.collectionMillis);
        }
    }

    /** One way of running the workload: {@code name} is "plain pgjdbc" or "jdbc-cache". */
    record Result(String name, Closed closed, Open open) {
    }

    record Comparison(Result raw, Result cached) {
    }

    /** Nearest-rank percentile of sorted nanoseconds, in microseconds; NaN when empty. */
    static double percentileMicros(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    private EndToEnd() {
    }

    /** The four runs; measured periods: {@code seconds / 2} closed, {@code seconds} open, each way. */
    static Comparison run(double seconds) throws Exception {
        ensureDatabase();
        double warmup = Math.min(5, seconds / 4);
        System.out.printf("End to end, closed loop (%.1f s each way): plain pgjdbc, then jdbc-cache%n", seconds / 2);
        Closed closedRaw = closed(false, warmup, seconds / 2);
        Closed closedCached = closed(true, warmup, seconds / 2);
        double rate = UTILIZATION * closedRaw.throughput();
        System.out.printf("End to end, open loop at %,.0f ops/s (%.0f%% of %,.0f) for %.1f s each way%n", rate,
                100 * UTILIZATION, closedRaw.throughput(), seconds);
        Schedule warm = Schedule.poisson(2, rate, warmup);
        Schedule measured = Schedule.poisson(1, rate, seconds);
        Open openRaw = open(false, warm, measured, rate);
        Open openCached = open(true, warm, measured, rate);
        return new Comparison(new Result("plain pgjdbc", closedRaw, openRaw),
                new Result("jdbc-cache", closedCached, openCached));
    }

    private static Closed closed(boolean cached, double warmupSeconds, double seconds) throws Exception {
        String cacheName = "bench-e2e-closed";
        try (HikariDataSource dataSource = pool(cached, cacheName)) {
            createSchema(dataSource);
            closedLoop(dataSource, warmupSeconds, 100);
            CacheStatistics before = CachingDriver.statistics(cacheName).orElse(null);
            long start = System.nanoTime();
            long[] counts = closedLoop(dataSource, seconds, 0);
            double elapsed = (System.nanoTime() - start) / 1e9;
            CacheStatistics after = CachingDriver.statistics(cacheName).orElse(null);
            long operations = Arrays.stream(counts).sum();
            if (!cached) {
                return new Closed(operations, elapsed, operations, 0);
            }
            long writes = counts[Operation.CART_INSERT.ordinal()] + counts[Operation.PRICE_CHANGE.ordinal()];
            long toDatabase = after.missCount() - before.missCount() + after.bypassCount() - before.bypassCount()
                    + writes;
            return new Closed(operations, elapsed, toDatabase, after.hitCount() - before.hitCount());
        }
    }

    /** Every worker back to back for {@code seconds}; returns the operations run, per {@link Operation}. */
    private static long[] closedLoop(HikariDataSource dataSource, double seconds, int seedOffset) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Future<long[]>> futures = new ArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            for (int t = 0; t < WORKERS; t++) {
                Random random = new Random(t + seedOffset);
                futures.add(workers.submit(() -> {
                    long[] counts = new long[Operation.values().length];
                    Draw draw = new Draw();
                    try (Shopper shopper = new Shopper(dataSource)) {
                        while (System.nanoTime() < deadline) {
                            draw.next(random);
                            shopper.execute(draw.operation, draw.first, draw.second);
                            counts[draw.operation.ordinal()]++;
                        }
                    }
                    return counts;
                }));
            }
            long[] total = new long[Operation.values().length];
            for (Future<long[]> future : futures) {
                long[] counts = future.get();
                for (int i = 0; i < total.length; i++) {
                    total[i] += counts[i];
                }
            }
            return total;
        } finally {
            workers.shutdown();
        }
    }

    private static Open open(boolean cached, Schedule warmup, Schedule measured, double rate) throws Exception {
        String cacheName = "bench-e2e-open";
        try (HikariDataSource dataSource = pool(cached, cacheName);
                DatabaseMeter meter = new DatabaseMeter(BenchDatabase.open(BenchDatabase.PG_RAW), DATABASE,
                        APPLICATION)) {
            createSchema(dataSource);
            openLoop(dataSource, warmup);
            DatabaseMeter.Reading databaseBefore = meter.read(dataSource, WORKERS);
            CacheStatistics before = CachingDriver.statistics(cacheName).orElse(null);
            Client clientBefore = Client.now();
            Timing timing = openLoop(dataSource, measured);
            Client client = Client.now().minus(clientBefore);
            CacheStatistics after = CachingDriver.statistics(cacheName).orElse(null);
            DatabaseMeter.Usage database = DatabaseMeter.between(databaseBefore, meter.read(dataSource, WORKERS));

            int[] counts = new int[Operation.values().length];
            int completed = 0;
            for (int i = 0; i < measured.size(); i++) {
                if (timing.latency[i] >= 0) {
                    counts[measured.operations[i].ordinal()]++;
                    completed++;
                }
            }
            long[][] latencies = new long[counts.length][];
            long[] lags = new long[completed];
            for (int k = 0; k < counts.length; k++) {
                latencies[k] = new long[counts[k]];
            }
            Arrays.fill(counts, 0);
            long late = 0;
            int done = 0;
            for (int i = 0; i < measured.size(); i++) {
                if (timing.latency[i] >= 0) {
                    int k = measured.operations[i].ordinal();
                    latencies[k][counts[k]++] = timing.latency[i];
                    lags[done++] = timing.startLag[i];
                    late += timing.startLag[i] > LATE_NANOS ? 1 : 0;
                }
            }
            for (long[] l : latencies) {
                Arrays.sort(l);
            }
            Arrays.sort(lags);
            long statements = completed;
            long hits = 0;
            long misses = 0;
            if (cached) {
                hits = after.hitCount() - before.hitCount();
                misses = after.missCount() - before.missCount();
                statements = misses + after.bypassCount() - before.bypassCount()
                        + counts[Operation.CART_INSERT.ordinal()] + counts[Operation.PRICE_CHANGE.ordinal()];
            }
            return new Open(rate, measured.size(), completed, timing.seconds, late, latencies,
                    lags.length == 0 ? 0 : lags[lags.length / 2], database, statements, hits, misses, client);
        }
    }

    /** Per scheduled operation: nanoseconds from arrival to completion and to start ({@code -1}: not run). */
    private record Timing(long[] latency, long[] startLag, double seconds) {
    }

    private static Timing openLoop(HikariDataSource dataSource, Schedule schedule) throws Exception {
        int size = schedule.size();
        long[] latency = new long[size];
        long[] startLag = new long[size];
        Arrays.fill(latency, -1);
        long duration = size == 0 ? 0 : schedule.arrivalNanos[size - 1];
        // Room for every worker to take its connection before the first arrival.
        long start = System.nanoTime() + 50_000_000L;
        // Far behind: stop starting operations (they are reported as not run) rather than run for ever.
        long cutoff = start + Math.max(3 * duration, duration + 10_000_000_000L);
        AtomicInteger next = new AtomicInteger();
        List<Future<Long>> futures = new ArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            for (int t = 0; t < WORKERS; t++) {
                futures.add(workers.submit(() -> {
                    long lastEnd = start;
                    try (Shopper shopper = new Shopper(dataSource)) {
                        for (int i = next.getAndIncrement(); i < size; i = next.getAndIncrement()) {
                            long arrival = start + schedule.arrivalNanos[i];
                            for (long wait = arrival - System.nanoTime(); wait > 0;
                                    wait = arrival - System.nanoTime()) {
                                LockSupport.parkNanos(wait);
                            }
                            long begin = System.nanoTime();
                            if (begin > cutoff) {
                                break;
                            }
                            shopper.execute(schedule.operations[i], schedule.first[i], schedule.second[i]);
                            lastEnd = System.nanoTime();
                            latency[i] = lastEnd - arrival;
                            startLag[i] = begin - arrival;
                        }
                    }
                    return lastEnd;
                }));
            }
            long end = start;
            for (Future<Long> future : futures) {
                end = Math.max(end, future.get());
            }
            // Future.get orders every worker's writes to the arrays before the reads that follow.
            return new Timing(latency, startLag, (end - start) / 1e9);
        } finally {
            workers.shutdown();
        }
    }

    /** A seeded sequence of operations with their parameters and arrival times (from the schedule's start). */
    private record Schedule(Operation[] operations, int[] first, int[] second, long[] arrivalNanos) {
        /** Poisson arrivals at {@code rate} per second for {@code seconds}. */
        static Schedule poisson(long seed, double rate, double seconds) {
            Random random = new Random(seed);
            int size = (int) Math.round(rate * seconds);
            Schedule schedule = new Schedule(new Operation[size], new int[size], new int[size], new long[size]);
            Draw draw = new Draw();
            double at = 0;
            for (int i = 0; i < size; i++) {
                at += -Math.log(1 - random.nextDouble()) / rate;
                draw.next(random);
                schedule.operations[i] = draw.operation;
                schedule.first[i] = draw.first;
                schedule.second[i] = draw.second;
                schedule.arrivalNanos[i] = (long) (at * 1e9);
            }
            return schedule;
        }

        int size() {
            return operations.length;
        }
    }

    /** One draw of the demo's mix, with its parameters; popularity of products is skewed (a half-normal). */
    private static final class Draw {
        Operation operation;
        int first;
        int second;

        void next(Random random) {
            int dice = random.nextInt(1000);
            int productId = 1 + (int) Math.min(PRODUCTS - 1, Math.abs(random.nextGaussian()) * 150);
            second = 0;
            if (dice < 550) {
                operation = Operation.PRODUCT;
                first = productId;
            } else if (dice < 800) {
                operation = Operation.CATEGORY;
                first = 1 + random.nextInt(CATEGORIES);
            } else if (dice < 900) {
                operation = Operation.CART_READ;
                first = 1 + random.nextInt(USERS);
            } else if (dice < 998) {
                operation = Operation.CART_INSERT;
                first = 1 + random.nextInt(USERS);
                second = productId;
            } else {
                operation = Operation.PRICE_CHANGE;
                first = PRODUCTS - random.nextInt(100);
            }
        }
    }

    /** One worker's pooled connection and prepared statements. */
    private static final class Shopper implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement product;
        private final PreparedStatement category;
        private final PreparedStatement cart;
        private final PreparedStatement addToCart;
        private final PreparedStatement reprice;
        private long sink;

        Shopper(HikariDataSource dataSource) throws SQLException {
            // Closing the pooled connection closes the statements it handed out.
            connection = dataSource.getConnection();
            product = connection.prepareStatement(
                    "SELECT id, name, price, category_id FROM bench_products WHERE id = ?");
            category = connection.prepareStatement("SELECT p.id, p.name, p.price FROM bench_products p"
                    + " JOIN bench_categories c ON c.id = p.category_id WHERE c.id = ?"
                    + " ORDER BY p.price, p.id LIMIT 10");
            cart = connection.prepareStatement(
                    "SELECT product_id, quantity FROM bench_cart_items WHERE user_id = ? ORDER BY product_id");
            addToCart = connection.prepareStatement(
                    "INSERT INTO bench_cart_items (user_id, product_id, quantity) VALUES (?, ?, 1)");
            reprice = connection.prepareStatement("UPDATE bench_products SET price = price + 0.01 WHERE id = ?");
        }

        void execute(Operation operation, int first, int second) throws SQLException {
            switch (operation) {
                case PRODUCT -> {
                    product.setInt(1, first);
                    sink += sum(product.executeQuery());
                }
                case CATEGORY -> {
                    category.setInt(1, first);
                    sink += sum(category.executeQuery());
                }
                case CART_READ -> {
                    cart.setInt(1, first);
                    cart.executeQuery().close();
                }
                case CART_INSERT -> {
                    addToCart.setInt(1, first);
                    addToCart.setInt(2, second);
                    addToCart.executeUpdate();
                }
                case PRICE_CHANGE -> {
                    reprice.setInt(1, first);
                    reprice.executeUpdate();
                }
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
            if (sink == 42) {
                System.out.print("");
            }
        }
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

    /** A pool of {@link #WORKERS} connections, all opened at once and kept for the run (their backends stay). */
    private static HikariDataSource pool(boolean cached, String cacheName) {
        String url = "postgresql://" + HOST + "/" + DATABASE + "?ApplicationName=" + APPLICATION;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(cached ? "jdbc:cache:" + url + "&cache.name=" + cacheName
                + "&cache.ttl=1h&cache.ttlJitter=0&cache.neverCacheTables=bench_cart_items" : "jdbc:" + url);
        config.setUsername(BenchDatabase.USER);
        config.setMaximumPoolSize(WORKERS);
        config.setMinimumIdle(WORKERS);
        return new HikariDataSource(config);
    }

    private static void ensureDatabase() throws SQLException {
        try (Connection connection = BenchDatabase.open(BenchDatabase.PG_RAW);
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rows.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + DATABASE);
        }
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
