package io.jdbccache.demo;

import io.jdbccache.CacheMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.management.JMX;
import javax.management.ObjectName;

/**
 * Two application instances (two caches, as two JVMs would have) over one PostgreSQL database and one Redis:
 * instance B is served what instance A read, with no database execution, and hears A's write on the channel.
 *
 * <pre>mvn -q -B -DskipTests package exec:java -Ddemo.mainClass=io.jdbccache.demo.TwoInstancesDemo \
 *     [-Dexec.args="127.0.0.1:5432/test redis://127.0.0.1:6379"]</pre>
 */
public final class TwoInstancesDemo {
    private static final int PRODUCTS = 200;

    private TwoInstancesDemo() {
    }

    public static void main(String[] args) throws Exception {
        String database = args.length > 0 ? args[0] : "127.0.0.1:5432/test";
        String redis = args.length > 1 ? args[1] : "redis://127.0.0.1:6379";
        String raw = "jdbc:postgresql://" + database + "?currentSchema=demo_two";
        try (Connection setup = DriverManager.getConnection(raw, "postgres", "");
                Statement statement = setup.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS demo_two");
            statement.execute("DROP TABLE IF EXISTS demo_two.products");
            statement.execute("CREATE TABLE demo_two.products (id INT PRIMARY KEY, name TEXT, price INT)");
            statement.execute("INSERT INTO demo_two.products SELECT i, 'product ' || i, i FROM generate_series(1, "
                    + PRODUCTS + ") i");
        }
        // A prefix per run: the table was just made anew outside the driver, which no instance hears of, so the
        // results an earlier run left in Redis must not be met (they would be served until their TTL).
        String shared = "jdbc:cache:postgresql://" + database + "?currentSchema=demo_two&cache.redis.url=" + redis
                + "&cache.redis.prefix=jdbc-cache-demo-" + ProcessHandle.current().pid() + "&cache.ttl=1m&cache.name=";
        System.out.printf("Two instances over %s and %s%n", database, redis);
        try (Connection a = DriverManager.getConnection(shared + "demo-a", "postgres", "");
                Connection b = DriverManager.getConnection(shared + "demo-b", "postgres", "")) {
            readAll(a);
            CacheMXBean beanA = bean("demo-a");
            CacheMXBean beanB = bean("demo-b");
            System.out.printf("A read %d products: %d from the database%n", PRODUCTS, beanA.getMissCount());
            readAll(b);
            System.out.printf("B read the same %d: %d from Redis, %d from the database%n", PRODUCTS,
                    beanB.getL2HitCount(), beanB.getMissCount());
            long hitsBefore = beanB.getHitCount();
            readAll(b);
            System.out.printf("B again: %d from its own cache%n", beanB.getHitCount() - hitsBefore);
            try (Statement write = a.createStatement()) {
                write.executeUpdate("UPDATE products SET price = price + 1000 WHERE id = 7");
            }
            long written = System.nanoTime();
            int price;
            do {
                price = price(b, 7);
            } while (price < 1000 && System.nanoTime() - written < 5_000_000_000L);
            System.out.printf("A raised product 7's price; B read %d %.1f ms later (channel delay p50 %.1f ms)%n",
                    price, (System.nanoTime() - written) / 1e6, beanB.getL2BusDelayP50Millis());
        }
    }

    private static void readAll(Connection connection) throws SQLException {
        for (int id = 1; id <= PRODUCTS; id++) {
            price(connection, id);
        }
    }

    private static int price(Connection connection, int id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, name, price FROM products WHERE id = ?")) {
            statement.setInt(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(3);
            }
        }
    }

    private static CacheMXBean bean(String cacheName) throws Exception {
        // The bean is registered a moment after the first connection, on the JMX exporter's own thread.
        ObjectName name = new ObjectName("io.jdbccache:type=Cache,name=" + cacheName);
        for (int i = 0; i < 200 && !ManagementFactory.getPlatformMBeanServer().isRegistered(name); i++) {
            Thread.sleep(10);
        }
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), name, CacheMXBean.class);
    }
}
