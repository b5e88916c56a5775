package io.jdbccache.it;

import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdbccache.internal.cache.CacheKey;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.InvalidationListener;
import io.jdbccache.internal.cache.ResultTier;
import io.jdbccache.internal.cache.StampId;
import io.jdbccache.internal.cache.TierEntry;
import io.jdbccache.testing.MemoryTier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two caches of different names over one database stand for two application instances sharing one second tier
 * (the in-memory fake of Redis): what one reads the other is served, what one writes (data or catalog) the other
 * stops serving, each serves within its own TTL, and a failing tier never fails a query.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class SharedTierTest {
    private static final String ALL = "SELECT id, name, price FROM products ORDER BY id";

    @Parameter
    Database database;
    TestDb db;
    MemoryTier.Store store;

    @BeforeEach
    void setUp() throws Exception {
        store = new MemoryTier.Store();
        CacheRegistry.useTiers(store::tierFor);
        db = TestDb.open(database);
        db.createProducts();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            db.close();
        } finally {
            CacheRegistry.useTiers(TierMatrix.factory());
        }
    }

    /** The second instance's URL: the same database, a cache of its own, extra {@code cache.} parameters. */
    private String otherInstanceUrl(String... keyValues) {
        String url = db.cachedUrl().replace(db.cacheName, db.cacheName + "_b");
        for (int i = 0; i < keyValues.length; i += 2) {
            url = database.withParameter(url, keyValues[i], keyValues[i + 1]);
        }
        return url;
    }

    /** A connection of the second instance. */
    private Connection otherInstance(String... keyValues) throws Exception {
        return DriverManager.getConnection(otherInstanceUrl(keyValues));
    }

    @Test
    void aResultOneInstanceReadIsServedToTheOther() throws Exception {
        try (Connection a = db.cached(); Connection b = otherInstance()) {
            assertThat(query(a, ALL)).hasSize(3);
            long afterFirst = executions();
            assertThat(query(b, ALL)).containsExactly(row(1, "apple", 10), row(2, "pear", 20), row(3, "plum", 30));
            assertThat(executions()).as("served by the shared tier").isEqualTo(afterFirst);
            assertThat(store.hits()).isEqualTo(1);
            if (database == Database.POSTGRESQL) {
                assertThat(store.encoded()).as("pgjdbc rows travel in their byte form").isEqualTo(store.stores());
            }
        }
    }

    @Test
    void aWriteThroughOneInstanceInvalidatesTheOther() throws Exception {
        try (Connection a = db.cached(); Connection b = otherInstance()) {
            query(a, ALL);
            query(b, ALL);
            assertThat(update(a, "UPDATE products SET price = 11 WHERE id = 1")).isEqualTo(1);
            long beforeRead = executions();
            assertThat(query(b, ALL)).first().isEqualTo(row(1, "apple", 11));
            assertThat(executions()).as("read again from the database").isEqualTo(beforeRead + 1);
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 11));
        }
    }

    @Test
    void aWriteByKeyThroughOneInstanceInvalidatesTheOthersReadOfThatRow() throws Exception {
        String byId = "SELECT id, name, price FROM products WHERE id = ?";
        try (Connection a = db.cached(); Connection b = otherInstance()) {
            assertThat(query(b, byId, 2)).containsExactly(row(2, "pear", 20));
            assertThat(query(b, byId, 3)).containsExactly(row(3, "plum", 30));
            update(a, "UPDATE products SET price = 21 WHERE id = 2");
            long beforeRead = executions();
            assertThat(query(b, byId, 2)).containsExactly(row(2, "pear", 21));
            assertThat(query(b, byId, 3)).containsExactly(row(3, "plum", 30));
            assertThat(executions()).as("only the written row is read again").isEqualTo(beforeRead + 1);
        }
    }

    @Test
    void anUncommittedWriteKeepsItsReadersOutOfBothTiers() throws Exception {
        try (Connection a = db.cached(); Connection b = otherInstance()) {
            a.setAutoCommit(false);
            update(a, "UPDATE products SET price = 12 WHERE id = 1");
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 12));
            assertThat(query(b, ALL)).first().isEqualTo(row(1, "apple", 10));
            a.commit();
            assertThat(query(b, ALL)).first().as("after the commit").isEqualTo(row(1, "apple", 12));
            a.setAutoCommit(true);
        }
    }

    /**
     * DDL through instance A (a table replaced by a view over products) must reach instance B's catalog, not only
     * its stamps: else B would still take the name for a table, store its next read depending on that name alone,
     * and miss A's later write to products.
     */
    @Test
    void ddlThroughOneInstanceMakesTheOtherForgetItsCatalog() throws Exception {
        String view = "SELECT id, name FROM t ORDER BY id";
        db.setup("CREATE TABLE t (id INT, name VARCHAR(50))", "INSERT INTO t VALUES (9, 'nine')");
        try (Connection a = db.cached(); Connection b = otherInstance()) {
            assertThat(query(b, view)).containsExactly(row(9, "nine"));
            exec(a, "DROP TABLE t", "CREATE VIEW t AS SELECT id, name FROM products");
            assertThat(query(b, view)).as("B read again after the DDL").hasSize(3).first()
                    .isEqualTo(row(1, "apple"));
            assertThat(update(a, "UPDATE products SET name = 'apricot' WHERE id = 1")).isEqualTo(1);
            assertThat(query(b, view)).as("B after A's write to the view's table").first()
                    .isEqualTo(row(1, "apricot"));
        }
    }

    /**
     * Row-level security switched on through instance A: B must learn of the policy, or it would key its sessions
     * without app.tenant and serve tenant a's rows to tenant b.
     */
    @Test
    void aPolicyCreatedThroughOneInstanceIsolatesTenantsOnTheOther() throws Exception {
        assumeTrue(database == Database.POSTGRESQL);
        Map<String, String> roles = TenantRoles.named("it_tier_" + ProcessHandle.current().pid() + "_");
        TenantRoles.create(roles);
        String role = roles.get("a");
        String docs = "SELECT id, body FROM docs ORDER BY id";
        try {
            db.setup("CREATE TABLE docs (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
                    "INSERT INTO docs VALUES (1, 'a', 'doc of a'), (2, 'b', 'doc of b')",
                    "GRANT USAGE ON SCHEMA " + db.name + " TO " + role,
                    "GRANT SELECT ON docs TO " + role);
            String asRole = otherInstanceUrl().replace("user=" + Database.PG_USER, "user=" + role);
            try (Connection a = db.cached(); Connection b1 = DriverManager.getConnection(asRole);
                    Connection b2 = DriverManager.getConnection(asRole)) {
                assertThat(query(b1, docs)).as("no policy yet").hasSize(2);
                exec(a, "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
                        "CREATE POLICY by_tenant ON docs USING (tenant = current_setting('app.tenant', true))");
                exec(b1, "SET app.tenant = 'a'");
                exec(b2, "SET app.tenant = 'b'");
                assertThat(query(b1, docs)).containsExactly(row(1, "doc of a"));
                assertThat(query(b2, docs)).as("tenant b on instance B").containsExactly(row(2, "doc of b"));
            }
        } finally {
            TenantRoles.drop(roles, true);
        }
    }

    /**
     * Instance B's cache.ttl bounds how stale a result it serves may be (writes outside the driver), however long
     * the TTL of the instance that stored it in the tier.
     */
    @Test
    void aTierEntryIsNotServedPastTheReadingInstancesTtl() throws Exception {
        try (Connection a = db.cached(); Connection b = otherInstance("cache.ttl", "300ms")) {
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 10));
            assertThat(query(b, ALL)).first().as("served by the tier").isEqualTo(row(1, "apple", 10));
            db.setup("UPDATE products SET price = 99 WHERE id = 1"); // outside the driver
            Thread.sleep(700);
            assertThat(query(b, ALL)).first().as("past B's TTL of 300 ms").isEqualTo(row(1, "apple", 99));
        }
    }

    @Test
    void aFailingTierNeverFailsAQuery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CacheRegistry.useTiers(config -> new FailingTier(calls));
        try (Connection a = db.cached()) {
            assertThat(query(a, ALL)).hasSize(3);
            assertThat(update(a, "UPDATE products SET price = 13 WHERE id = 1")).isEqualTo(1);
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 13));
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 13));
            assertThat(db.statistics().hitCount()).as("the first tier still serves").isEqualTo(1);
        }
        assertThat(calls.get()).as("the tier was asked").isGreaterThan(3);
    }

    /** A tier whose every call throws, as a client with its server gone might. */
    private static final class FailingTier implements ResultTier {
        private final AtomicInteger calls;

        FailingTier(AtomicInteger calls) {
            this.calls = calls;
        }

        private RuntimeException failure() {
            calls.incrementAndGet();
            return new IllegalStateException("the tier is down");
        }

        @Override
        public long[] versions(StampId[] stamps) {
            throw failure();
        }

        @Override
        public TierEntry lookup(CacheKey key, StampId[] expected) {
            throw failure();
        }

        @Override
        public void store(CacheKey key, TierEntry entry) {
            throw failure();
        }

        @Override
        public void remove(CacheKey key) {
            throw failure();
        }

        @Override
        public void invalidated(List<InvalidationEvent> events) {
            throw failure();
        }

        @Override
        public void subscribe(InvalidationListener subscriber) {
            // nothing to hear from a tier that is down
        }
    }
}
