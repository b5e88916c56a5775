package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.scalar;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.testing.CountingDriver;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forced interleavings (latches in the counting delegate, never sleeps and hope) for the races and rules of the
 * consistency model: the cache-aside race, single flight, uncommitted writes, declared extra dependencies,
 * functions that may write, warm-up and snapshot transactions (whose old snapshots, cached on request, stay theirs).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class ConsistencyTest {
    private static final String PRICE = "SELECT price FROM products WHERE id = 1";

    @Parameter
    Database database;
    TestDb db;
    ExecutorService threads;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDb.open(database);
        db.createProducts();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        CountingDriver.hook(null);
        threads.shutdownNow();
        db.close();
    }

    @Test
    void aReaderThatReadBeforeACommitCannotLeaveItsResultCached() throws Exception {
        Connection reader = db.cached();
        Connection writer = db.cached();
        CountDownLatch readerHasRead = new CountDownLatch(1);
        CountDownLatch writerCommitted = new CountDownLatch(1);
        AtomicInteger pauses = new AtomicInteger();
        CountingDriver.hook(new CountingDriver.ExecutionHook() {
            @Override
            public void beforeExecute(String sql) {
            }

            @Override
            public void afterExecute(String sql) throws Exception {
                // The reader has its (old) rows from the database but has not stored them yet.
                if (PRICE.equals(sql) && pauses.getAndIncrement() == 0) {
                    readerHasRead.countDown();
                    assertThat(writerCommitted.await(10, TimeUnit.SECONDS)).isTrue();
                }
            }
        });
        Future<List<List<Object>>> staleRead = threads.submit(() -> query(reader, PRICE));
        assertThat(readerHasRead.await(10, TimeUnit.SECONDS)).isTrue();
        update(writer, "UPDATE products SET price = 99 WHERE id = 1");
        writerCommitted.countDown();
        // The read began before the write completed: the old price is a correct answer for it...
        assertThat(staleRead.get(10, TimeUnit.SECONDS)).containsExactly(row(10));
        // ...but it must not be served to anyone who starts after the write.
        long before = executions();
        assertThat(query(reader, PRICE)).containsExactly(row(99));
        assertThat(query(writer, PRICE)).containsExactly(row(99));
        assertThat(executions()).isEqualTo(before + 1);
    }

    @Test
    void concurrentMissesOfOneKeyReachTheDatabaseOnce() throws Exception {
        int callers = 5;
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            connections.add(db.cached());
        }
        CountDownLatch leaderInDatabase = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger databaseReads = new AtomicInteger();
        CountingDriver.hook(sql -> {
            if (PRICE.equals(sql) && databaseReads.getAndIncrement() == 0) {
                leaderInDatabase.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            }
        });
        List<Future<List<List<Object>>>> reads = new ArrayList<>();
        reads.add(threads.submit(() -> query(connections.get(0), PRICE)));
        assertThat(leaderInDatabase.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < callers; i++) {
            Connection connection = connections.get(i);
            reads.add(threads.submit(() -> query(connection, PRICE)));
        }
        // Every follower is waiting for the leader's read before it is released (one not waiting would show as a
        // second read below).
        ResultCache cache = CacheRegistry.find(db.cacheName);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.flightWaiters() < callers - 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(cache.flightWaiters()).isEqualTo(callers - 1);
        release.countDown();
        for (Future<List<List<Object>>> read : reads) {
            assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly(row(10));
        }
        assertThat(databaseReads.get()).isEqualTo(1);
        assertThat(db.statistics().missCount()).isEqualTo(1);
        assertThat(db.statistics().hitCount()).isEqualTo(callers - 1);
    }

    @Test
    void followersStopWaitingAfterTheBoundAndGoToTheDatabase() throws Exception {
        Connection leader = db.cached("cache.singleFlightWait", "100ms");
        Connection follower = db.cached("cache.singleFlightWait", "100ms");
        CountDownLatch leaderInDatabase = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger databaseReads = new AtomicInteger();
        CountingDriver.hook(sql -> {
            if (PRICE.equals(sql) && databaseReads.getAndIncrement() == 0) {
                leaderInDatabase.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            }
        });
        Future<List<List<Object>>> slow = threads.submit(() -> query(leader, PRICE));
        assertThat(leaderInDatabase.await(10, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        assertThat(query(follower, PRICE)).containsExactly(row(10));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).containsExactly(row(10));
        assertThat(databaseReads.get()).isEqualTo(2);
    }

    @Test
    void resultsAreNotStoredWhileATransactionHoldsUncommittedWrites() throws Exception {
        Connection writer = db.cached();
        Connection reader = db.cached();
        writer.setAutoCommit(false);
        update(writer, "UPDATE products SET price = 55 WHERE id = 1");
        long stores = db.statistics().storeCount();
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        assertThat(query(reader, PRICE)).containsExactly(row(10));
        assertThat(db.statistics().storeCount()).isEqualTo(stores);
        // Other tables are unaffected.
        query(reader, "SELECT title FROM categories WHERE id = 1");
        assertThat(db.statistics().storeCount()).isEqualTo(stores + 1);
        writer.commit();
        assertThat(query(reader, PRICE)).containsExactly(row(55));
        assertThat(query(reader, PRICE)).containsExactly(row(55));
        assertThat(db.statistics().storeCount()).isEqualTo(stores + 2);
    }

    @Test
    void declaredExtraDependenciesInvalidateWhatTriggersChange() throws Exception {
        db.setup("CREATE TABLE orders (id INT PRIMARY KEY, product_id INT)",
                "CREATE TABLE order_totals (product_id INT PRIMARY KEY, orders INT)",
                "INSERT INTO order_totals VALUES (1, 0)");
        Connection c = db.cached("cache.alsoInvalidates.orders", "order_totals");
        String totals = "SELECT orders FROM order_totals WHERE product_id = 1";
        assertThat(query(c, totals)).containsExactly(row(0));
        // What a trigger on orders would do, behind the driver's back:
        update(db.raw(), "UPDATE order_totals SET orders = 1 WHERE product_id = 1");
        update(c, "INSERT INTO orders VALUES (1, 1)");
        assertThat(query(c, totals)).containsExactly(row(1));
    }

    @Test
    void aReadCallingAFunctionThatWritesInvalidates() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "needs a PL/pgSQL function");
        db.setup("CREATE FUNCTION reprice() RETURNS int LANGUAGE plpgsql AS "
                + "$$ BEGIN UPDATE products SET price = 77 WHERE id = 1; RETURN 1; END $$");
        Connection c = db.cached();
        assertThat(query(c, PRICE)).containsExactly(row(10));
        assertThat(query(c, "SELECT reprice()")).containsExactly(row(1));
        assertThat(query(c, PRICE)).containsExactly(row(77));
        assertThat(db.statistics().bypassCount()).isEqualTo(1);
    }

    @Test
    void warmUpQueriesFillTheCacheAtFirstConnect() throws Exception {
        Connection c = db.cached("cache.warmup.a", PRICE, "cache.warmup.b", "SELECT no_such_column FROM products");
        long before = executions();
        assertThat(query(c, PRICE)).containsExactly(row(10));
        assertThat(executions()).isEqualTo(before);
        assertThat(db.statistics().hitCount()).isEqualTo(1);
    }

    @Test
    void snapshotTransactionsReadThroughUnlessConfigured() throws Exception {
        for (boolean cacheThem : new boolean[] {false, true}) {
            Connection c = db.cached("cache.cacheInSnapshotTransactions", String.valueOf(cacheThem));
            query(c, PRICE);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long before = executions();
            query(c, PRICE);
            assertThat(executions()).as("cacheInSnapshotTransactions=" + cacheThem)
                    .isEqualTo(cacheThem ? before : before + 1);
            c.commit();
            c.setAutoCommit(true);
        }
    }

    @Test
    void aSnapshotCachedOnRequestIsNeverServedToOtherConnections() throws Exception {
        controlThenCached(database, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"}, (run, src) -> {
                Connection other = src.get();
                boolean cached = other.getClass().getName().startsWith("io.jdbccache");
                Connection snapshot = cached ? run.cached("cache.cacheInSnapshotTransactions", "true") : run.raw();
                Connection writer = src.get();
                String sql = "SELECT v FROM items WHERE id = 1";
                snapshot.setAutoCommit(false);
                snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(scalar(snapshot, "SELECT count(*) FROM items")).isEqualTo(1); // snapshot taken
                update(writer, "UPDATE items SET v = 2 WHERE id = 1");
                assertThat(scalar(snapshot, sql)).isEqualTo(1); // its old snapshot: never to be served to others
                assertThat(scalar(other, sql)).as("a default-configured connection after a committed UPDATE")
                        .isEqualTo(2);
                snapshot.rollback();
            });
    }
}
