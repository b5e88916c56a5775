package io.jdbccache.it;

import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two caches of different names over one database stand for two application instances sharing one second tier
 * (the in-memory fake of Redis): what one reads the other is served, what one writes the other stops serving, and a
 * failing tier never fails a query.
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
            MemoryTier.Store matrix = TierMatrix.store();
            CacheRegistry.useTiers(matrix == null ? config -> null : matrix::tierFor);
        }
    }

    /** A connection of the second instance: the same database, a cache of its own. */
    private Connection otherInstance() throws Exception {
        return DriverManager.getConnection(db.cachedUrl().replace(db.cacheName, db.cacheName + "_b"));
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

    @Test
    void aFailingTierNeverFailsAQuery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CacheRegistry.useTiers(config -> new FailingTier(calls));
        try (Connection a = db.cached()) {
            assertThat(query(a, ALL)).hasSize(3);
            assertThat(update(a, "UPDATE products SET price = 13 WHERE id = 1")).isEqualTo(1);
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 13));
            assertThat(query(a, ALL)).first().isEqualTo(row(1, "apple", 13));
            assertThat(db.stats().hitCount()).as("the first tier still serves").isEqualTo(1);
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
        public TierEntry lookup(CacheKey key) {
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
