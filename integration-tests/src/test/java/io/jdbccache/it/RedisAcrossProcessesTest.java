package io.jdbccache.it;

import static io.jdbccache.it.RedisServers.SHARED_URL;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.cache.TierStatistics;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two application instances in two JVMs: instance A is this test's JVM, instance B a child JVM
 * ({@link InstanceProcess}), both on the test's PostgreSQL schema and one Redis prefix on the shared server. Each
 * counts its own database executions. Every test sets {@code cache.redis.url} itself, so it runs the same in every
 * execution of the suite's tier matrix.
 */
class RedisAcrossProcessesTest {
    private static final String ALL = "SELECT id, name, price FROM products ORDER BY id";
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";
    private static final String SET_PRICE = "UPDATE products SET price = ? WHERE id = ?";
    private static final String[] NAMES = {null, "apple", "pear", "plum"};
    private static final int DELAY_WRITES = Integer.getInteger("jdbccache.redis.delayWrites", 200);

    TestDb db;
    RedisInstances instances;
    String prefix;
    InstanceProcess b;

    @BeforeEach
    void setUp() throws Exception {
        RedisServers.requireShared();
        db = TestDb.open(Database.POSTGRESQL);
        db.createProducts();
        instances = new RedisInstances(db);
        prefix = "jdbc-cache-test:" + db.cacheName;
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (b != null) {
                b.close();
            }
            db.close();
        } finally {
            RedisServers.deleteKeys(prefix);
        }
    }

    /** The cached URL of instance {@code instance}: its own cache name, the test's Redis prefix. */
    private String url(String instance, String... keyValues) {
        // A generous timeout: on a loaded machine a call that takes longer than the default 100 ms opens the circuit.
        String url = instances.url(instance, SHARED_URL, prefix, keyValues);
        return Database.POSTGRESQL.withParameter(url, "cache.redis.timeout", "2s");
    }

    /** A connection of instance {@code instance} in this JVM, once it hears the channel. */
    private Connection here(String instance, String... keyValues) throws Exception {
        return instances.connect(instance, url(instance, keyValues));
    }

    @Test
    void anInstanceInAnotherJvmIsServedTheResultFromRedisWithoutADatabaseExecution() throws Exception {
        try (Connection a = here("a")) {
            assertThat(query(a, ALL)).hasSize(3);
            b = InstanceProcess.start(url("b"));
            long before = b.executions();
            assertThat(b.query(ALL)).containsExactly(row(1, "apple", 10), row(2, "pear", 20), row(3, "plum", 30));
            String[] stats = b.call("stats");
            assertThat(Long.parseLong(stats[0])).as("B's database executions for A's result").isEqualTo(before)
                    .isZero();
            assertThat(Long.parseLong(stats[1])).as("B's hits in Redis").isEqualTo(1);
            assertThat(b.query(ALL)).hasSize(3);
            assertThat(b.executions()).as("then B's own cache").isZero();
        }
    }

    @Test
    void aWriteInAnotherJvmReachesThisInstanceWithinTheBusDelay() throws Exception {
        try (Connection a = here("a")) {
            b = InstanceProcess.start(url("b"));
            // Both JVMs read one monotonic clock (CLOCK_MONOTONIC on Linux): checked, since the delays rely on it.
            long sent = System.nanoTime();
            long childNow = Long.parseLong(b.call("stats")[3]);
            long received = System.nanoTime();
            assertThat(childNow).as("the child's nanoTime is this JVM's clock").isBetween(sent, received);
            long[] delays = new long[DELAY_WRITES];
            long started = System.nanoTime();
            for (int i = 0; i < DELAY_WRITES; i++) {
                int price = 1000 + i;
                assertThat(query(a, BY_ID, 1)).containsExactly(row(1, "apple", price - 1 == 999 ? 10 : price - 1));
                long executed = executions();
                assertThat(query(a, BY_ID, 1)).hasSize(1);
                assertThat(executions()).as("A serves its own entry until it hears of a write").isEqualTo(executed);
                String[] written = b.call(InstanceProcess.command("update", SET_PRICE, price, 1));
                long writeReturned = Long.parseLong(written[1]);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                long readStarted = System.nanoTime();
                while (!query(a, BY_ID, 1).equals(List.of(row(1, "apple", price)))) {
                    assertThat(System.nanoTime()).as("A hears B's write " + i).isLessThan(deadline);
                    LockSupport.parkNanos(50_000);
                    readStarted = System.nanoTime();
                }
                // From B's write returning to the start of A's first read that saw it (that read itself then went
                // to the database, which is not the bus's delay).
                delays[i] = Math.max(0, readStarted - writeReturned);
            }
            long elapsed = System.nanoTime() - started;
            Arrays.sort(delays);
            double p50 = delays[delays.length / 2] / 1e6;
            double p99 = delays[(int) Math.ceil(delays.length * 0.99) - 1] / 1e6;
            TierStatistics heard = instances.tier("a");
            System.out.printf("RedisAcrossProcessesTest: %d writes in B, seen by A after p50 %.2f ms, p99 %.2f ms,"
                    + " max %.2f ms (from B's executeUpdate returning to the start of A's first read that saw it, polled every 50 us);"
                    + " A's tier bus delay (publish to receipt, ms clock) p50 %.2f ms, p99 %.2f ms; %d ms in all%n",
                    DELAY_WRITES, p50, p99, delays[delays.length - 1] / 1e6, heard.busDelayP50Millis(),
                    heard.busDelayP99Millis(), TimeUnit.NANOSECONDS.toMillis(elapsed));
            assertThat(p99).as("p99 of the delay, ms").isLessThan(1_000);
        }
    }

    @Test
    void inStrictModeTheVeryNextReadInThisJvmSeesAWriteInAnotherJvm() throws Exception {
        try (Connection a = here("a", "cache.redis.strict", "true")) {
            b = InstanceProcess.start(url("b", "cache.redis.strict", "true"));
            assertThat(b.query(BY_ID, 1)).containsExactly(row(1, "apple", 10));
            assertThat(query(a, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            for (int price = 11; price <= 40; price++) {
                long before = executions();
                assertThat(query(a, BY_ID, 1)).as("before B's write").containsExactly(row(1, "apple", price - 1));
                assertThat(executions()).as("answered by Redis").isEqualTo(before);
                assertThat(b.update(SET_PRICE, price, 1)).isEqualTo(1);
                assertThat(query(a, BY_ID, 1)).as("A's very next read").containsExactly(row(1, "apple", price));
                // And the other way round: B's very next read after A's write.
                update(a, "UPDATE products SET price = " + (price + 100) + " WHERE id = 2");
                assertThat(b.query(BY_ID, 2)).as("B's very next read").containsExactly(row(2, "pear", price + 100));
            }
            assertThat(instances.cache("a").statistics().entryCount()).as("nothing kept in process").isZero();
        }
    }

    /**
     * B's read gets the old row from the database, then stops (before its result is stored, locally and in Redis)
     * until A's write has completed; then it goes on and returns the old row, which is a correct answer for a read
     * that began before the write. Nothing may serve that row afterwards: not B's own cache, not Redis (to A or to a
     * third instance). Both orders are forced: B hears of A's write before it goes on (its local stamp moved, so it
     * stores nothing), or after it stored (B's channel thread is held up behind an earlier message, so only the
     * Redis versions can keep B's result from being served).
     */
    @Test
    void aReadInAnotherJvmOverlappingAWriteHereNeverLeavesAServableStaleEntry() throws Exception {
        try (Connection a = here("a")) {
            b = InstanceProcess.start(url("b"));
            for (int round = 0; round < 2; round++) {
                boolean heardFirst = round == 0;
                int id = 1 + round;
                int newPrice = 500 + id;
                b.call("hold", BY_ID);
                b.send(InstanceProcess.command("query", BY_ID, id));
                assertThat(b.next(30)).as("B's read has the old row and has not stored it").isEqualTo("held");
                if (!heardFirst) {
                    // Another write's message reaches B and holds its channel thread: A's next message waits.
                    b.call("block-bus");
                    long heard = heard();
                    update(a, "UPDATE categories SET title = 'fruits' WHERE id = 1");
                    awaitHeard(heard);
                }
                long heardBefore = heard();
                update(a, "UPDATE products SET price = " + newPrice + " WHERE id = " + id);
                if (heardFirst) {
                    awaitHeard(heardBefore);
                }
                b.call("release");
                assertThat(InstanceProcess.decode(b.expectOk(b.next(30))[0])).as("B's overlapping read")
                        .containsExactly(row(id, NAMES[id], 10 * id));
                if (!heardFirst) {
                    assertThat(heard()).as("B has not heard of A's write yet").isEqualTo(heardBefore);
                    b.call("unblock-bus");
                    awaitHeard(heardBefore);
                }
                List<List<Object>> fresh = List.of(row(id, NAMES[id], newPrice));
                assertThat(b.query(BY_ID, id)).as("B's next read, round " + round).isEqualTo(fresh);
                try (Connection c = here("c" + round)) {
                    assertThat(query(c, BY_ID, id)).as("a third instance, round " + round).isEqualTo(fresh);
                }
                assertThat(query(a, BY_ID, id)).as("A's next read, round " + round).isEqualTo(fresh);
            }
        }
    }

    /** Messages B heard from other instances (each counted once the cache applied it). */
    private long heard() throws Exception {
        return Long.parseLong(b.call("stats")[2]);
    }

    /** Waits until B heard more than {@code before} messages; fails after 10 s. */
    private void awaitHeard(long before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (heard() <= before) {
            assertThat(System.nanoTime()).as("B hears A's write").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
