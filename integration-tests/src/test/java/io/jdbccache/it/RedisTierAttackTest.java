package io.jdbccache.it;

import static io.jdbccache.it.RedisServers.SHARED_URL;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.testing.CountingDriver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared tier under attack and under faults the happy-path tests do not make: writes while the writer's circuit
 * is open, instances whose clocks disagree, hostile bytes on the channel, transactions seen from another instance,
 * reads forced between a write's commit and its round trip to Redis, a Redis that refuses part of a write's
 * pipeline.
 * As in {@link RedisTierTest}, caches of different names stand for application instances; a test that breaks
 * Redis's connections does it on a private {@code redis-server}, never on the shared one.
 */
class RedisTierAttackTest {
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";

    TestDb db;
    RedisInstances instances;
    String prefix;
    /** Runs what a test holds at the database while it goes on. */
    final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        RedisServers.requireShared();
        db = TestDb.open(Database.POSTGRESQL);
        db.createProducts();
        instances = new RedisInstances(db);
        prefix = "jdbc-cache-attack:" + db.cacheName;
    }

    @AfterEach
    void tearDown() throws Exception {
        CountingDriver.hook(null);
        background.shutdownNow();
        try {
            db.close();
        } finally {
            RedisServers.deleteKeys(prefix);
        }
    }

    private Connection instance(String instance, String redisUrl, String... keyValues) throws Exception {
        return instances.connect(instance, instances.url(instance, redisUrl, prefix, keyValues));
    }

    /** Breaks every command connection of every client of {@code port} (the subscriptions stay): a network blip. */
    private static void breakCommandConnections(int port) {
        try (Jedis jedis = new Jedis(RedisServers.SHARED_HOST, port)) {
            jedis.sendCommand(() -> "CLIENT".getBytes(StandardCharsets.US_ASCII), "KILL", "TYPE", "normal");
        }
    }

    private List<byte[]> entryKeys(Jedis jedis) {
        List<byte[]> found = new ArrayList<>();
        ScanParams match = new ScanParams().match(prefix + ":e:*").count(1000);
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        do {
            ScanResult<byte[]> page = jedis.scan(cursor, match);
            found.addAll(page.getResult());
            cursor = page.getCursorAsBytes();
        } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        return found;
    }

    /** Waits until the instance's circuit is closed again; fails after {@code seconds}. */
    private void awaitCircuitClosed(String instance, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!"closed".equals(instances.tier(instance).circuit())) {
            assertThat(System.nanoTime()).as(instance + " circuit closed").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Waits until B reads {@code expected} for row 1, at most {@code seconds}; returns whether it did. */
    private boolean eventuallyReads(Connection b, int expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (query(b, BY_ID, 1).equals(List.of(row(1, "apple", expected)))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * A write whose tokens could not be moved (the writer's circuit opened on a broken connection) must not leave the
     * entry it made stale servable to the writer itself: its next read is the circuit's probe, and the probe must
     * publish the pending write before it validates anything against tokens that write should have moved.
     */
    @Test
    void aWriteMadeWhileTheCircuitIsOpenIsNotUndoneByTheProbeThatClosesIt() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private(); Connection a = instance("a", redis.url())) {
            assertThat(query(a, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            breakCommandConnections(redis.port);
            update(a, "UPDATE products SET price = 11 WHERE id = 1");
            assertThat(instances.tier("a").publishFailures()).as("the write could not be told").isPositive();
            Thread.sleep(700); // past the first pause: the next call is the probe
            assertThat(query(a, BY_ID, 1)).as("the writer reads its own write").containsExactly(row(1, "apple", 11));
            assertThat(query(a, BY_ID, 1)).as("and keeps reading it").containsExactly(row(1, "apple", 11));
        }
    }

    /**
     * A writer that makes no call after its unpublished write still tells the others once Redis answers: waiting for
     * its next query would leave their own caches stale until their TTL.
     */
    @Test
    void anIdleWritersUnpublishedWriteReachesTheOthersOnceRedisAnswersAgain() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis.url()); Connection b = instance("b", redis.url())) {
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            assertThat(query(a, BY_ID, 2)).hasSize(1); // A's client holds a connection the blip breaks
            breakCommandConnections(redis.port);
            update(a, "UPDATE products SET price = 12 WHERE id = 1");
            assertThat(instances.tier("a").publishFailures()).isPositive();
            assertThat(eventuallyReads(b, 12, 15)).as("B hears the write A could not publish at once").isTrue();
        }
    }

    /**
     * Row-level security switched on through A while A cannot reach Redis: when A's pending writes are published,
     * B must forget its catalog too (the missed write was DDL), or it would go on keying its sessions without
     * app.tenant and serve tenant a's rows to tenant b until its catalog refresh.
     */
    @Test
    void aPolicyCreatedWhileTheWritersCircuitIsOpenStillIsolatesTenantsOnTheOthers() throws Exception {
        Map<String, String> roles = TenantRoles.named("it_attack_" + ProcessHandle.current().pid() + "_");
        TenantRoles.create(roles);
        String role = roles.get("a");
        String docs = "SELECT id, body FROM docs ORDER BY id";
        try (RedisServers.Private redis = new RedisServers.Private()) {
            db.setup("CREATE TABLE docs (id INT PRIMARY KEY, tenant TEXT, body TEXT)",
                    "INSERT INTO docs VALUES (1, 'a', 'doc of a'), (2, 'b', 'doc of b')",
                    "GRANT USAGE ON SCHEMA " + db.name + " TO " + role,
                    "GRANT SELECT ON docs TO " + role);
            try (Connection a = instance("a", redis.url());
                    Connection b1 = instance("b", redis.url(), "user", role);
                    Connection b2 = instance("b", redis.url(), "user", role)) {
                assertThat(query(b1, docs)).as("no policy yet").hasSize(2);
                assertThat(query(a, BY_ID, 2)).hasSize(1); // A's client holds a connection the blip breaks
                breakCommandConnections(redis.port);
                exec(a, "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
                        "CREATE POLICY by_tenant ON docs USING (tenant = current_setting('app.tenant', true))");
                assertThat(instances.tier("a").publishFailures()).isPositive();
                awaitCircuitClosed("a", 30); // A's pending writes are published by its pinging thread's probe
                Thread.sleep(200); // the bus delay
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
     * The reader's own TTL bounds what it serves from the tier, whatever the writer's clock says: an entry stored by
     * an instance whose clock runs an hour ahead is not served past the reader's TTL.
     */
    @Test
    void aStoringInstancesClockAheadDoesNotStretchTheReadersTtl() throws Exception {
        try (Connection a = instance("a", SHARED_URL, "cache.ttl", "60s");
                Connection b = instance("b", SHARED_URL, "cache.ttl", "1s");
                Jedis jedis = new Jedis(RedisServers.SHARED_HOST, RedisServers.SHARED_PORT);
                Connection raw = db.raw()) {
            assertThat(query(a, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            byte[] key = entryKeys(jedis).get(0);
            long pttl = jedis.pttl(key);
            jedis.set(key, withStoredAt(jedis.get(key), System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)),
                    SetParams.setParams().px(pttl));
            long before = executions();
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            assertThat(executions()).as("B served by Redis").isEqualTo(before);
            update(raw, "UPDATE products SET price = 13 WHERE id = 1"); // outside the driver: only TTLs bound it
            Thread.sleep(1_500);
            assertThat(query(b, BY_ID, 1)).as("past B's 1 s TTL").containsExactly(row(1, "apple", 13));
        }
    }

    /** An unsigned entry with its stored-at field replaced (the layout of WireCodec, format 1). */
    private static byte[] withStoredAt(byte[] entry, long storedAt) {
        ByteBuffer in = ByteBuffer.wrap(entry);
        in.position(5); // magic and version, flags
        skipBytes(in); // the key
        int stamps = in.getInt();
        for (int i = 0; i < stamps; i++) {
            skipBytes(in); // database
            in.get(); // kind
            skipBytes(in); // table
            in.getLong(); // row key
            in.getLong(); // version
        }
        byte[] copy = entry.clone();
        ByteBuffer.wrap(copy).putLong(in.position(), storedAt);
        return copy;
    }

    private static void skipBytes(ByteBuffer in) {
        int length = in.getInt();
        in.position(in.position() + length);
    }

    /**
     * Hostile bytes on the channel (garbage, an absurd count, an unknown phase, a truncated message, a forged message
     * naming another instance) neither stop an instance hearing the real writes nor fail its queries.
     */
    @Test
    void hostileMessagesOnTheChannelLeaveTheSubscriberHearing() throws Exception {
        try (Connection a = instance("a", SHARED_URL); Connection b = instance("b", SHARED_URL);
                Jedis jedis = new Jedis(RedisServers.SHARED_HOST, RedisServers.SHARED_PORT)) {
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            byte[] channel = (prefix + ":bus").getBytes(StandardCharsets.UTF_8);
            ByteBuffer huge = ByteBuffer.allocate(33).put(new byte[] {'J', 'C', 'B', 1, 0}).put(new byte[16])
                    .putLong(System.currentTimeMillis()).putInt(Integer.MAX_VALUE);
            ByteBuffer badPhase = ByteBuffer.allocate(64).put(new byte[] {'J', 'C', 'B', 1, 0}).put(new byte[16])
                    .putLong(0).putInt(1).putInt(1).put((byte) 'x').put((byte) 0).putInt(0).putLong(0)
                    .put((byte) 99);
            ByteBuffer badKind = ByteBuffer.allocate(64).put(new byte[] {'J', 'C', 'B', 1, 0}).put(new byte[16])
                    .putLong(0).putInt(1).putInt(1).put((byte) 'x').put((byte) 77).putInt(0).putLong(0)
                    .put((byte) 0);
            ByteBuffer negativeText = ByteBuffer.allocate(64).put(new byte[] {'J', 'C', 'B', 1, 0})
                    .put(new byte[16]).putLong(0).putInt(1).putInt(-5);
            for (byte[] message : List.of("garbage".getBytes(StandardCharsets.US_ASCII), huge.array(),
                    Arrays.copyOf(badPhase.array(), badPhase.position()), badPhase.array(),
                    Arrays.copyOf(badKind.array(), badKind.position()), negativeText.array(), new byte[0])) {
                jedis.publish(channel, message);
            }
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            update(a, "UPDATE products SET price = 14 WHERE id = 1");
            assertThat(eventuallyReads(b, 14, 5)).as("B still hears A").isTrue();
            assertThat(instances.tier("b").busConnected()).isTrue();
            assertThat(instances.tier("b").rejected()).isGreaterThanOrEqualTo(6);
        }
    }

    /**
     * A transaction on A seen from B in strict mode: before A commits, B reads the committed state; the moment A's
     * commit returns, B's next read is the new state, from neither tier's pre-commit entry. A rollback leaves B at
     * the old state.
     */
    @Test
    void inStrictModeATransactionOnOneInstanceIsSeenByAnotherExactlyWhenItCommits() throws Exception {
        try (Connection a = instance("a", SHARED_URL, "cache.redis.strict", "true");
                Connection b = instance("b", SHARED_URL, "cache.redis.strict", "true")) {
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            a.setAutoCommit(false);
            update(a, "UPDATE products SET price = 15 WHERE id = 1");
            assertThat(query(a, BY_ID, 1)).as("A sees its own write").containsExactly(row(1, "apple", 15));
            assertThat(query(b, BY_ID, 1)).as("uncommitted").containsExactly(row(1, "apple", 10));
            assertThat(query(b, BY_ID, 1)).as("uncommitted, again").containsExactly(row(1, "apple", 10));
            a.commit();
            assertThat(query(b, BY_ID, 1)).as("the very next read").containsExactly(row(1, "apple", 15));
            update(a, "UPDATE products SET price = 16 WHERE id = 1");
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 15));
            a.rollback();
            assertThat(query(b, BY_ID, 1)).as("after a rollback").containsExactly(row(1, "apple", 15));
            update(a, "UPDATE products SET price = 17 WHERE id = 1");
            Savepoint savepoint = a.setSavepoint();
            update(a, "UPDATE products SET price = 18 WHERE id = 1");
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 15));
            a.rollback(savepoint);
            assertThat(query(a, BY_ID, 1)).as("A after its savepoint rollback").containsExactly(row(1, "apple", 17));
            a.commit();
            assertThat(query(b, BY_ID, 1)).as("committed after a savepoint rollback")
                    .containsExactly(row(1, "apple", 17));
        }
    }

    /**
     * The same transaction without strict mode: B's own cache may hold the pre-commit state only until A's commit
     * is heard on the channel, and nothing from Redis serves it after the commit.
     */
    @Test
    void aCommittedTransactionOnOneInstanceReachesAnotherWithinTheBusDelay() throws Exception {
        try (Connection a = instance("a", SHARED_URL); Connection b = instance("b", SHARED_URL);
                Connection c = instance("c", SHARED_URL)) {
            a.setAutoCommit(false);
            update(a, "UPDATE products SET price = 19 WHERE id = 1");
            assertThat(query(b, BY_ID, 1)).as("uncommitted").containsExactly(row(1, "apple", 10));
            a.commit();
            long before = executions();
            assertThat(query(c, BY_ID, 1)).as("a third instance never served the pre-commit entry")
                    .containsExactly(row(1, "apple", 19));
            assertThat(executions()).isEqualTo(before + 1);
            assertThat(eventuallyReads(b, 19, 5)).isTrue();
        }
    }

    /**
     * A read on B that got the old row from the database before A's autocommit UPDATE committed, and stores it in
     * Redis after the commit but before A's round trip to Redis (both forced by holding the executions). A's tokens
     * have not moved yet, so B's store is accepted, and the entry is served while A's write is still running (a
     * correct answer for a read overlapping it); from A's round trip on, only the lookups' version check keeps it out:
     * no instance, strict or not, is served it once A's executeUpdate returned.
     */
    @Test
    void aReadStoredBetweenAWritesCommitAndItsRoundTripToRedisIsNeverServedOnceTheWriteReturned() throws Exception {
        String write = "UPDATE products SET price = 11 WHERE id = 1";
        try (Connection a = instance("a", SHARED_URL);
                Connection b = instance("b", SHARED_URL, "cache.redis.strict", "true");
                Connection c = instance("c", SHARED_URL, "cache.redis.strict", "true")) {
            HeldExecutions holds = new HeldExecutions();
            HeldExecutions.Hold read = holds.arm(BY_ID);
            Future<List<List<Object>>> overlapping = background.submit(() -> query(b, BY_ID, 1));
            read.awaitHeld();
            HeldExecutions.Hold committed = holds.arm(write);
            Future<Integer> writing = background.submit(() -> update(a, write));
            committed.awaitHeld();
            assertThat(database(BY_ID, 1)).as("A's write committed").containsExactly(row(1, "apple", 11));
            read.release();
            assertThat(overlapping.get(30, TimeUnit.SECONDS)).as("B's read began before the write: the old row")
                    .containsExactly(row(1, "apple", 10));
            long before = executions();
            assertThat(query(c, BY_ID, 1)).as("while A's write runs, B's entry is in Redis and current")
                    .containsExactly(row(1, "apple", 10));
            assertThat(executions()).as("served by Redis").isEqualTo(before);
            committed.release();
            assertThat(writing.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            List<List<Object>> fresh = List.of(row(1, "apple", 11));
            before = executions();
            assertThat(query(c, BY_ID, 1)).as("C's next read (strict)").isEqualTo(fresh);
            assertThat(executions()).as("from the database: B's entry is no longer current").isEqualTo(before + 1);
            assertThat(query(b, BY_ID, 1)).as("B's next read (strict)").isEqualTo(fresh);
            try (Connection d = instance("d", SHARED_URL)) {
                assertThat(query(d, BY_ID, 1)).as("a new instance (not strict)").isEqualTo(fresh);
            }
            assertThat(query(a, BY_ID, 1)).as("A's next read").isEqualTo(fresh);
        }
    }

    /**
     * The same with a transaction: B reads the committed state while A's transaction is open, and stores it after A's
     * COMMIT reached the database but before A's round trip to Redis; the commit's tokens make it unservable once the
     * COMMIT returned. A rolled-back transaction in the same forced order leaves every instance at the old state.
     */
    @Test
    void aReadStoredBetweenACommitAndItsRoundTripToRedisIsNeverServedOnceTheCommitReturned() throws Exception {
        try (Connection a = instance("a", SHARED_URL);
                Connection b = instance("b", SHARED_URL, "cache.redis.strict", "true");
                Connection c = instance("c", SHARED_URL, "cache.redis.strict", "true")) {
            for (String end : new String[] {"COMMIT", "ROLLBACK"}) {
                int before = (int) database(BY_ID, 1).get(0).get(2);
                exec(a, "BEGIN");
                update(a, "UPDATE products SET price = price + 1 WHERE id = 1");
                HeldExecutions holds = new HeldExecutions();
                HeldExecutions.Hold read = holds.arm(BY_ID);
                Future<List<List<Object>>> overlapping = background.submit(() -> query(b, BY_ID, 1));
                read.awaitHeld();
                HeldExecutions.Hold ended = holds.arm(end);
                Future<Void> ending = background.submit(() -> {
                    exec(a, end);
                    return null;
                });
                ended.awaitHeld();
                read.release();
                assertThat(overlapping.get(30, TimeUnit.SECONDS)).as("B read the committed state, " + end)
                        .containsExactly(row(1, "apple", before));
                ended.release();
                ending.get(30, TimeUnit.SECONDS);
                int after = end.equals("COMMIT") ? before + 1 : before;
                assertThat(database(BY_ID, 1)).containsExactly(row(1, "apple", after));
                assertThat(query(c, BY_ID, 1)).as("C's next read after " + end).containsExactly(row(1, "apple", after));
                assertThat(query(b, BY_ID, 1)).as("B's next read after " + end).containsExactly(row(1, "apple", after));
                assertThat(query(a, BY_ID, 1)).as("A's next read after " + end).containsExactly(row(1, "apple", after));
            }
        }
    }

    /**
     * Redis runs the SETs of A's write and then refuses its PUBLISH (an ACL that no longer allows it): the write
     * succeeds and the failure is counted; the tokens moved, so a strict instance sees the write at once, while the
     * others' own caches hear of it only when A can publish again, as its pending database.
     */
    @Test
    void aWriteWhosePublishRedisRefusesAfterItsSetsIsHeardOnceRedisTakesItAgain() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Jedis admin = new Jedis(RedisServers.SHARED_HOST, redis.port)) {
            admin.aclSetUser("writer", "on", ">writer-secret", "~*", "&*", "+@all");
            String writerUrl = "redis://writer:writer-secret@" + RedisServers.SHARED_HOST + ":" + redis.port;
            try (Connection a = instance("a", writerUrl); Connection b = instance("b", redis.url());
                    Connection c = instance("c", redis.url(), "cache.redis.strict", "true")) {
                assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
                assertThat(query(c, BY_ID, 1)).containsExactly(row(1, "apple", 10));
                admin.aclSetUser("writer", "-publish");
                assertThat(update(a, "UPDATE products SET price = 11 WHERE id = 1")).isEqualTo(1);
                assertThat(instances.tier("a").publishFailures()).as("the refused PUBLISH counted").isPositive();
                assertThat(query(c, BY_ID, 1)).as("strict: the SETs before the refused PUBLISH ran")
                        .containsExactly(row(1, "apple", 11));
                assertThat(query(a, BY_ID, 1)).as("A reads its own write").containsExactly(row(1, "apple", 11));
                assertThat(query(b, BY_ID, 1)).as("B has not heard: its own entry, until A can publish")
                        .containsExactly(row(1, "apple", 10));
                admin.aclSetUser("writer", "+publish");
                assertThat(eventuallyReads(b, 11, 15)).as("B hears the write as A's pending database").isTrue();
            }
        }
    }

    /**
     * Redis refuses the SETs of A's write (an ACL that no longer allows SET) and runs its PUBLISH: an error reply in
     * the pipeline is a failure, not a moved token, so A keeps the database pending and every instance, strict or
     * not, reads the write once A can set tokens again (before, the error reply passed for a moved token, and the
     * pre-write entry stayed current in Redis until its TTL).
     */
    @Test
    void aWriteWhoseSetsRedisRefusesIsPublishedAsPendingOnceRedisTakesThemAgain() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Jedis admin = new Jedis(RedisServers.SHARED_HOST, redis.port)) {
            admin.aclSetUser("writer", "on", ">writer-secret", "~*", "&*", "+@all");
            String writerUrl = "redis://writer:writer-secret@" + RedisServers.SHARED_HOST + ":" + redis.port;
            try (Connection a = instance("a", writerUrl); Connection b = instance("b", redis.url());
                    Connection c = instance("c", redis.url(), "cache.redis.strict", "true")) {
                assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
                assertThat(query(c, BY_ID, 1)).containsExactly(row(1, "apple", 10));
                admin.aclSetUser("writer", "-set");
                assertThat(update(a, "UPDATE products SET price = 12 WHERE id = 1")).isEqualTo(1);
                assertThat(instances.tier("a").publishFailures()).as("the refused SETs counted").isPositive();
                assertThat(query(a, BY_ID, 1)).as("A reads its own write").containsExactly(row(1, "apple", 12));
                admin.aclSetUser("writer", "+set");
                assertThat(eventuallyReads(c, 12, 15)).as("the strict instance, once A's tokens move").isTrue();
                assertThat(eventuallyReads(b, 12, 15)).as("B").isTrue();
            }
        }
    }

    /** What the database itself answers, on a connection of its own. */
    private List<List<Object>> database(String sql, Object... parameters) throws Exception {
        try (Connection raw = db.raw()) {
            return query(raw, sql, parameters);
        }
    }

    /**
     * Holds executions that reach the database (through the counting driver), each one-shot by its SQL text, in the
     * executing thread after the database answered and before the cache sees the answer, until released.
     */
    private static final class HeldExecutions implements CountingDriver.ExecutionHook {
        private final Map<String, Hold> armed = new ConcurrentHashMap<>();

        HeldExecutions() {
            CountingDriver.hook(this);
        }

        Hold arm(String sql) {
            Hold hold = new Hold();
            armed.put(sql, hold);
            return hold;
        }

        @Override
        public void beforeExecute(String sql) {
        }

        @Override
        public void afterExecute(String sql) throws Exception {
            Hold hold = sql == null ? null : armed.remove(sql);
            if (hold != null) {
                hold.held.countDown();
                if (!hold.released.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released: " + sql);
                }
            }
        }

        static final class Hold {
            private final CountDownLatch held = new CountDownLatch(1);
            private final CountDownLatch released = new CountDownLatch(1);

            void awaitHeld() throws InterruptedException {
                assertThat(held.await(30, TimeUnit.SECONDS)).as("the execution reached the database").isTrue();
            }

            void release() {
                released.countDown();
            }
        }
    }
}
