package io.jdbccache.it;

import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheMXBean;
import io.jdbccache.CachingDriver;
import io.jdbccache.QueryShapeStatistics;
import io.jdbccache.TableStatistics;
import io.jdbccache.internal.jmx.JmxExporter;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.timer.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cache's MBean, read through the platform MBeanServer as JConsole or a Prometheus exporter would: its counters,
 * operations and reports, which never show a literal value, and its life, which never touches a bean it did not
 * register.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class JmxTest {
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDb.open(database);
        db.createProducts();
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    /** Whether the bean is registered once the exporter did what it was asked (it registers on a thread of its own). */
    private static boolean registered(ObjectName name) throws Exception {
        JmxExporter.INSTANCE.awaitRegistrations();
        return SERVER.isRegistered(name);
    }

    private ObjectName name() throws Exception {
        return new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName);
    }

    private CacheMXBean bean() throws Exception {
        JmxExporter.INSTANCE.awaitRegistrations();
        return JMX.newMXBeanProxy(SERVER, name(), CacheMXBean.class);
    }

    private static void byId(Connection c, int id) throws Exception {
        try (PreparedStatement statement = c.prepareStatement(BY_ID)) {
            statement.setInt(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    rows.getString(2);
                }
            }
        }
    }

    @Test
    void countersMoveExactlyAsTheWorkloadDictates() throws Exception {
        Connection c = db.cached();
        for (int round = 0; round < 4; round++) {
            byId(c, 1);
            byId(c, 2);
        }
        // 2 misses, 6 hits; then one write to products invalidates before and after it runs.
        update(c, "UPDATE products SET price = price + 1 WHERE id = 1");
        byId(c, 1);
        query(c, "SELECT now()");
        CacheMXBean bean = bean();
        assertThat(bean.getHitCount()).isEqualTo(6);
        assertThat(bean.getMissCount()).isEqualTo(3);
        assertThat(bean.getBypassCount()).isEqualTo(1);
        assertThat(bean.getStoreCount()).isEqualTo(3);
        assertThat(bean.getInvalidationCount()).isEqualTo(2);
        assertThat(bean.getHitRate()).isEqualTo(6.0 / 9);
        // The write by primary key dropped the entry of id 1 only (read again since); id 2's stays.
        assertThat(bean.getEntryCount()).isEqualTo(2);
        assertThat(bean.getWeightedSizeBytes()).isPositive();
        assertThat(bean.getMaxSizeBytes()).isEqualTo(64L << 20);
        assertThat(bean.getHitLatencyP50Micros()).isPositive();
        assertThat(bean.getHitLatencyP99Micros()).isGreaterThanOrEqualTo(bean.getHitLatencyP50Micros());
        assertThat(bean.getMissLatencyP95Micros()).isPositive();
        assertThat(SERVER.getAttribute(name(), "HitCount")).isEqualTo(6L);

        TableStatistics products = Arrays.stream(bean.getTableStatistics())
                .filter(t -> t.getTable().toLowerCase().endsWith(".products")).findFirst().orElseThrow();
        assertThat(products.getReadsServed()).isEqualTo(6);
        assertThat(products.getWritesSeen()).isEqualTo(1);
        assertThat(products.getInvalidations()).isEqualTo(2);
        assertThat(products.getDependentEntries()).isEqualTo(2);

        QueryShapeStatistics shape = Arrays.stream(bean.getQueryShapes())
                .filter(s -> s.getShape().toLowerCase().contains("where id = ?")).findFirst().orElseThrow();
        assertThat(shape.getExecutions()).isEqualTo(9);
        assertThat(shape.getHits()).isEqualTo(6);
        assertThat(shape.getMisses()).isEqualTo(3);
        assertThat(shape.getInvalidations()).isEqualTo(1);
        assertThat(shape.getMeanRows()).isEqualTo(1.0);
        assertThat(shape.getMeanDatabaseMicros()).isPositive();

        bean.resetStatistics();
        assertThat(bean.getHitCount()).isZero();
        assertThat(bean.getEntryCount()).isEqualTo(2);
    }

    @Test
    void bypassesAreCountedByReasonPerCacheAndPerShape() throws Exception {
        Connection c = db.cached();
        String clock = "SELECT name, CURRENT_TIMESTAMP FROM products WHERE id = 1";
        query(c, clock);
        query(c, clock);
        query(c, "SELECT * FROM products FOR UPDATE");
        c.setAutoCommit(false);
        update(c, "UPDATE products SET price = 11 WHERE id = 1");
        byId(c, 1);
        c.rollback();
        c.setAutoCommit(true);
        TabularData byReason =
                (TabularData) SERVER.getAttribute(name(), "BypassesByReason");
        Map<String, Long> reasons = new TreeMap<>();
        for (Object row : byReason.values()) {
            CompositeData entry = (CompositeData) row;
            reasons.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        assertThat(reasons).containsEntry("NON_DETERMINISTIC", 2L).containsEntry("LOCKING_READ", 1L)
                .containsEntry("WRITTEN_IN_TRANSACTION", 1L);
        assertThat(bean().getBypassCount()).isEqualTo(4);
        QueryShapeStatistics shape = Arrays.stream(bean().topQueryShapes(10))
                .filter(s -> s.getShape().toLowerCase().contains("current_timestamp")).findFirst().orElseThrow();
        assertThat(shape.getBypassReasons()).isEqualTo("NON_DETERMINISTIC=2");
        assertThat(shape.getBypassDetail()).containsIgnoringCase("current_timestamp");
        assertThat(bean().adviceReport(false)).contains("NOT_CACHEABLE").contains("NON_DETERMINISTIC=2")
                .containsIgnoringCase("non-deterministic current_timestamp");
    }

    @Test
    void literalValuesMakeOneShapeAndNeverAppear() throws Exception {
        Connection c = db.cached();
        query(c, "SELECT name FROM products WHERE name = 'secret-apple'");
        query(c, "SELECT name FROM products WHERE name = 'secret-pear'");
        byId(c, 3);
        QueryShapeStatistics[] shapes = bean().topQueryShapes(10);
        assertThat(shapes).hasSize(2);
        assertThat(Arrays.stream(shapes).map(QueryShapeStatistics::getShape)).noneMatch(s -> s.contains("secret"));
        String report = bean().adviceReport(false);
        assertThat(report).doesNotContain("secret").containsIgnoringCase("where name = ?");
    }

    @Test
    void explainAndAdviceNeverShowTheLiteralsOfTheLastQuery() throws Exception {
        db.setup("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80))",
                "INSERT INTO users VALUES (1, 'alice@example.com')");
        Connection c = db.cached();
        query(c, "SELECT id FROM users WHERE email = 'alice@example.com'");
        CacheMXBean bean = bean();
        String id = bean.getQueryShapes()[0].getId();
        assertThat(bean.getQueryShapes()[0].getShape()).doesNotContain("alice");
        assertThat(bean.explain(id)).as("explain(id) through JMX").doesNotContain("alice@example.com");
        assertThat(bean.adviceReport(true)).as("adviceReport(true) through JMX")
                .doesNotContain("alice@example.com");
    }

    @Test
    void operationsInvalidate() throws Exception {
        Connection c = db.cached();
        byId(c, 1);
        query(c, "SELECT id FROM categories");
        assertThat(bean().invalidateTable("products")).isEqualTo(1);
        assertThat(bean().getEntryCount()).isEqualTo(1);
        bean().invalidateAll();
        assertThat(bean().getEntryCount()).isZero();
        long misses = bean().getMissCount();
        byId(c, 1);
        assertThat(bean().getMissCount()).isEqualTo(misses + 1);
    }

    @Test
    void explainReportsWhatTheDatabaseOffers() throws Exception {
        Connection c = db.cached();
        for (int i = 0; i < 3; i++) {
            byId(c, 2);
        }
        String id = Arrays.stream(bean().getQueryShapes()).filter(s -> s.getShape().toLowerCase().contains("where id = ?"))
                .findFirst().orElseThrow().getId();
        String explanation = bean().explain(id);
        if (database == Database.POSTGRESQL) {
            // Real buffer numbers from EXPLAIN (ANALYZE, BUFFERS): a primary-key lookup touches a few blocks.
            assertThat(explanation).contains("execution").contains("shared buffers:").doesNotContain("n/a");
            assertThat(explanation).containsPattern("shared buffers: \\d+ hit, \\d+ read");
            assertThat(explanation).containsPattern("rows 1,");
        } else {
            assertThat(explanation).contains("buffer statistics are unavailable").containsIgnoringCase("products");
        }
        assertThat(bean().adviceReport(true)).contains(id);
        // EXPLAIN ANALYZE ran in a rolled-back transaction on its own connection: the data is untouched.
        assertThat(query(db.raw(), "SELECT price FROM products WHERE id = 2")).containsExactly(TestDb.row(20));
    }

    @Test
    void eachCacheHasItsOwnBeanAndDeregisteringTheDriverRemovesThem() throws Exception {
        Connection first = db.cached();
        Connection other = DriverManager.getConnection(db.cachedUrl("cache.name", db.cacheName + "-other"));
        ObjectName otherName = new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName + "-other");
        byId(first, 1);
        assertThat(registered(name())).isTrue();
        assertThat(registered(otherName)).isTrue();
        assertThat(JMX.newMXBeanProxy(SERVER, otherName, CacheMXBean.class).getMissCount()).isZero();
        assertThat(bean().getMissCount()).isEqualTo(1);
        int threadsBefore = Thread.activeCount();
        CachingDriver.deregister();
        try {
            assertThat(registered(name())).isFalse();
            assertThat(registered(otherName)).isFalse();
            // The exporter's thread ends a second after its last task; the clock's stops with deregistration.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Thread.activeCount() > threadsBefore && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
        } finally {
            CachingDriver.register();
            other.close();
        }
    }

    @Test
    void theBeanLivesAsLongAsTheCacheHasConnections() throws Exception {
        Connection first = db.cached();
        Connection second = db.cached();
        assertThat(registered(name())).isTrue();
        first.close();
        assertThat(registered(name())).isTrue();
        second.close();
        assertThat(registered(name())).isFalse();
        Connection again = db.cached();
        assertThat(registered(name())).isTrue();
        again.close();
        assertThat(registered(name())).isFalse();
    }

    @Test
    void closingTheLastConnectionLeavesABeanItDidNotRegister() throws Exception {
        // Stands for the bean of another web application's copy of the driver using the same cache name.
        SERVER.registerMBean(new Timer(), name());
        try {
            Connection c = DriverManager.getConnection(db.cachedUrl); // logs "JMX name ... is taken"
            c.close();
            assertThat(registered(name())).as("the other application's bean").isTrue();
        } finally {
            if (SERVER.isRegistered(name())) {
                SERVER.unregisterMBean(name());
            }
        }
    }
}
