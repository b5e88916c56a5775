package io.jdbccache.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hibernate.SessionFactory;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded random mix of reads and writes through Hibernate, jOOQ (bound and inlined) and plain JDBC over one pool
 * of cached connections, every read compared at once with the same read on a raw pgjdbc connection. One thread, so
 * the raw answer is the answer of that moment: any difference is a stale or wrong result.
 */
class MixedApiSweepTest {
    private static final String CACHE = "mixed-sweep";
    private static final String DATABASE = "jdbc_cache_fw_sweep";
    private static final long SEED = Long.getLong("jdbccache.seed", 20261203L);
    private static final int OPERATIONS = 1_500;
    private static HikariDataSource pool;
    private static SessionFactory sessions;
    private static Connection raw;

    @BeforeAll
    static void start() throws SQLException {
        pool = FrameworkDatabase.migratedPool(DATABASE, CACHE, 3);
        sessions = FrameworkDatabase.hibernate(pool);
        raw = DriverManager.getConnection(FrameworkDatabase.rawUrl(DATABASE));
    }

    @AfterAll
    static void stop() throws SQLException {
        raw.close();
        sessions.close();
        pool.close();
    }

    private static List<String> rawRows(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = raw.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getInt(1) + ":" + result.getString(2) + ":" + result.getInt(3));
                }
            }
            return rows;
        }
    }

    @Test
    void everyReadThroughEveryApiMatchesARawConnection() throws SQLException {
        Random random = new Random(SEED);
        DSLContext bound = DSL.using(pool, SQLDialect.POSTGRES);
        DSLContext inlined = DSL.using(pool, SQLDialect.POSTGRES,
                new Settings().withStatementType(StatementType.STATIC_STATEMENT));
        List<String> mismatches = new ArrayList<>();
        int reads = 0;
        int writes = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            int id = 1 + random.nextInt(5);
            int choice = random.nextInt(100);
            if (choice < 70) {
                reads++;
                String what;
                List<String> cached;
                List<String> expected;
                int read = random.nextInt(5);
                if (read == 0) {
                    what = "Hibernate find " + id;
                    cached = sessions.fromTransaction(session -> {
                        Product p = session.find(Product.class, id);
                        return List.of(p.getId() + ":" + p.getName() + ":" + p.getPrice());
                    });
                    expected = rawRows("SELECT id, name, price FROM products WHERE id = ?", id);
                } else if (read == 1) {
                    int below = 10 + random.nextInt(30);
                    what = "JPQL price < " + below;
                    cached = sessions.fromTransaction(session -> session.createSelectionQuery(
                            "FROM Product p WHERE p.price < :below ORDER BY p.id", Product.class)
                            .setParameter("below", below).getResultList().stream()
                            .map(p -> p.getId() + ":" + p.getName() + ":" + p.getPrice()).toList());
                    expected = rawRows("SELECT id, name, price FROM products WHERE price < ? ORDER BY id", below);
                } else if (read == 2 || read == 3) {
                    DSLContext db = read == 2 ? bound : inlined;
                    what = (read == 2 ? "jOOQ bound " : "jOOQ inlined ") + id;
                    cached = db.select(field("id", Integer.class), field("name", String.class),
                            field("price", Integer.class)).from(table("products")).where(field("id").eq(id))
                            .fetch(r -> r.value1() + ":" + r.value2() + ":" + r.value3());
                    expected = rawRows("SELECT id, name, price FROM products WHERE id = ?", id);
                } else {
                    what = "JDBC category sum";
                    try (Connection c = pool.getConnection();
                            PreparedStatement statement = c.prepareStatement("SELECT category_id, count(*)::text,"
                                    + " sum(price)::int FROM products GROUP BY category_id ORDER BY 1")) {
                        cached = new ArrayList<>();
                        try (ResultSet result = statement.executeQuery()) {
                            while (result.next()) {
                                cached.add(result.getInt(1) + ":" + result.getString(2) + ":" + result.getInt(3));
                            }
                        }
                    }
                    expected = rawRows("SELECT category_id, count(*)::text, sum(price)::int FROM products"
                            + " GROUP BY category_id ORDER BY 1");
                }
                if (!cached.equals(expected)) {
                    mismatches.add("op " + op + " " + what + ": cached " + cached + ", raw " + expected);
                }
            } else {
                writes++;
                int price = 1 + random.nextInt(60);
                int write = random.nextInt(5);
                if (write == 0) {
                    sessions.inTransaction(session -> session.find(Product.class, id).setPrice(price));
                } else if (write == 1) {
                    bound.update(table("products")).set(field("price"), price).where(field("id").eq(id)).execute();
                } else if (write == 2) {
                    inlined.update(table("products")).set(field("name"), "n" + price).where(field("id").eq(id))
                            .execute();
                } else if (write == 3) {
                    int category = 1 + random.nextInt(2);
                    sessions.inTransaction(session -> session.createMutationQuery(
                            "UPDATE Product p SET p.price = p.price + 1 WHERE p.category.id = :c")
                            .setParameter("c", category).executeUpdate());
                } else {
                    // A JDBC transaction by key that commits or rolls back.
                    boolean commit = random.nextBoolean();
                    try (Connection c = pool.getConnection()) {
                        c.setAutoCommit(false);
                        try (PreparedStatement statement = c.prepareStatement(
                                "UPDATE products SET price = ? WHERE id = ?")) {
                            statement.setInt(1, price);
                            statement.setInt(2, id);
                            statement.executeUpdate();
                        }
                        if (commit) {
                            c.commit();
                        } else {
                            c.rollback();
                        }
                        c.setAutoCommit(true);
                    }
                }
            }
        }
        System.out.printf("MixedApiSweepTest: seed %d, %d reads, %d writes, %d hits, %d mismatches%n", SEED, reads,
                writes, FrameworkDatabase.statistics(CACHE).hitCount(), mismatches.size());
        assertThat(FrameworkDatabase.statistics(CACHE).hitCount()).as("the sweep hit the cache").isPositive();
        assertThat(mismatches).as("reads that differ from a raw connection (seed " + SEED + ")").isEmpty();
    }
}
