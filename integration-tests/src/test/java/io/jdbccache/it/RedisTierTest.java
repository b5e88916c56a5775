package io.jdbccache.it;

import static io.jdbccache.it.RedisServers.SHARED_URL;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheMXBean;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.TierStatistics;
import io.jdbccache.internal.jmx.JmxExporter;
import io.jdbccache.testing.CountingDriver;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMX;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared tier on a real Redis: caches of different names over one PostgreSQL schema stand for application
 * instances (as many JVMs would be), each with its own Redis client and channel subscription. Each test has a key
 * prefix of its own on the shared server (127.0.0.1:6379), or a private {@code redis-server} it kills or pauses.
 */
class RedisTierTest {
    private static final String ALL = "SELECT id, name, price FROM products ORDER BY id";
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";

    TestDb db;
    RedisInstances instances;
    String prefix;

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
            db.close();
        } finally {
            deleteKeys(RedisServers.SHARED_PORT);
        }
    }

    /** A connection of instance {@code instance} (its own cache name) to the test's schema through {@code redisUrl}. */
    private Connection instance(String instance, String redisUrl, String... keyValues) throws Exception {
        boolean timeoutGiven = false;
        for (int i = 0; i < keyValues.length; i += 2) {
            timeoutGiven |= keyValues[i].equals("cache.redis.timeout");
        }
        String url = instances.url(instance, redisUrl, prefix, keyValues);
        if (!timeoutGiven) {
            // On a loaded machine a command may take longer than the default 100 ms; a timeout opens the circuit
            // and the tier is skipped for a while, which is right but not what these tests look at.
            url = Database.POSTGRESQL.withParameter(url, "cache.redis.timeout", "2s");
        }
        return instances.connect(instance, url);
    }

    private List<byte[]> keys(int port, String kind) {
        List<byte[]> found = new ArrayList<>();
        try (Jedis jedis = new Jedis(RedisServers.SHARED_HOST, port)) {
            ScanParams match = new ScanParams().match(prefix + ":" + kind + ":*").count(1000);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            do {
                ScanResult<byte[]> page = jedis.scan(cursor, match);
                found.addAll(page.getResult());
                cursor = page.getCursorAsBytes();
            } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        }
        return found;
    }

    private void deleteKeys(int port) {
        if (!RedisServers.answers(port)) {
            return;
        }
        try (Jedis jedis = new Jedis(RedisServers.SHARED_HOST, port)) {
            for (String kind : new String[] {"e", "v"}) {
                for (byte[] key : keys(port, kind)) {
                    jedis.del(key);
                }
            }
        }
    }

    @Test
    void aResultOneInstanceReadIsServedToAnotherFromRedisWithoutTheDatabase() throws Exception {
        try (Connection a = instance("a", SHARED_URL); Connection b = instance("b", SHARED_URL)) {
            assertThat(query(a, ALL)).hasSize(3);
            assertThat(keys(RedisServers.SHARED_PORT, "e")).hasSize(1);
            long afterA = executions();
            assertThat(query(b, ALL)).containsExactly(row(1, "apple", 10), row(2, "pear", 20), row(3, "plum", 30));
            assertThat(executions()).as("B answered by Redis").isEqualTo(afterA);
            assertThat(instances.cache("b").tierHits()).isEqualTo(1);
            assertThat(query(b, ALL)).hasSize(3);
            assertThat(executions()).as("then by its own cache").isEqualTo(afterA);
            JmxExporter.INSTANCE.awaitRegistrations();
            CacheMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                    JmxExporter.objectName(instances.name("b")), CacheMXBean.class);
            assertThat(bean.isL2Enabled()).isTrue();
            assertThat(bean.getL2HitCount()).isEqualTo(1);
            assertThat(bean.isL2BusConnected()).isTrue();
            assertThat(bean.getL2CircuitState()).isEqualTo("closed");
            assertThat(bean.getL2ErrorCount()).isZero();
            assertThat(bean.getL2RejectedCount()).isZero();
            for (byte[] key : keys(RedisServers.SHARED_PORT, "e")) {
                String name = new String(key, StandardCharsets.US_ASCII);
                assertThat(name).as("no SQL or parameter in key names").doesNotContain("products").doesNotContain(" ");
            }
        }
    }

    @Test
    void aWriteOnOneInstanceReachesTheOthersOwnCacheThroughTheChannel() throws Exception {
        try (Connection a = instance("a", SHARED_URL); Connection b = instance("b", SHARED_URL)) {
            assertThat(query(b, BY_ID, 2)).containsExactly(row(2, "pear", 20));
            assertThat(query(b, BY_ID, 3)).containsExactly(row(3, "plum", 30));
            long cached = executions();
            assertThat(query(b, BY_ID, 2)).containsExactly(row(2, "pear", 20));
            assertThat(executions()).as("B's own hit").isEqualTo(cached);
            update(a, "UPDATE products SET price = 21 WHERE id = 2");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!query(b, BY_ID, 2).equals(List.of(row(2, "pear", 21)))) {
                assertThat(System.nanoTime()).as("B hears A's write").isLessThan(deadline);
                Thread.sleep(1);
            }
            long afterWrite = executions();
            assertThat(query(b, BY_ID, 3)).as("another row's entry stays").containsExactly(row(3, "plum", 30));
            assertThat(executions()).isEqualTo(afterWrite);
            assertThat(instances.tier("b").busDelayP50Millis()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void inStrictModeTheVeryNextReadSeesAWriteOnAnotherInstance() throws Exception {
        try (Connection a = instance("a", SHARED_URL, "cache.redis.strict", "true");
                Connection b = instance("b", SHARED_URL, "cache.redis.strict", "true")) {
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            for (int price = 11; price < 31; price++) {
                long before = executions();
                assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", price - 1));
                assertThat(executions()).as("answered by Redis").isEqualTo(before);
                update(a, "UPDATE products SET price = " + price + " WHERE id = 1");
                assertThat(query(b, BY_ID, 1)).as("the very next read").containsExactly(row(1, "apple", price));
            }
            assertThat(instances.cache("b").statistics().entryCount()).as("nothing kept in process").isZero();
        }
    }

    /**
     * The write protocol (docs/redis.md): an autocommit UPDATE by key sends nothing to Redis before it runs, and after
     * it one pipeline, a SET for each of its two stamps (the row's and the table's) and one PUBLISH.
     */
    @Test
    void anAutocommitWriteSendsNothingBeforeItRunsAndItsSetsAndPublishAfter() throws Exception {
        String write = "UPDATE products SET price = 11 WHERE id = 1";
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis.url()); Connection b = instance("b", redis.url())) {
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            Map<String, Long> atStart = redis.commandCalls();
            AtomicReference<Map<String, Long>> whenItRuns = new AtomicReference<>();
            CountingDriver.hook(sql -> {
                if (write.equals(sql)) {
                    whenItRuns.set(redis.commandCalls());
                }
            });
            try {
                update(a, write);
            } finally {
                CountingDriver.hook(null);
            }
            Map<String, Long> atEnd = redis.commandCalls();
            assertThat(sent(atStart, whenItRuns.get())).as("sent before the write ran").isEmpty();
            assertThat(sent(whenItRuns.get(), atEnd)).as("sent after it").isEqualTo(Map.of("publish", 1L, "set", 2L));
        }
    }

    /** Commands called between two {@code commandCalls} readings, but the channel's, the readings' and handshakes. */
    private static Map<String, Long> sent(Map<String, Long> before, Map<String, Long> after) {
        Set<String> background = Set.of("subscribe", "ping", "info", "client", "hello", "auth");
        Map<String, Long> sent = new TreeMap<>();
        after.forEach((command, calls) -> {
            long delta = calls - before.getOrDefault(command, 0L);
            if (delta > 0 && !background.contains(command.split("\\|")[0])) {
                sent.put(command, delta);
            }
        });
        return sent;
    }

    @Test
    void corruptTruncatedForeignAndWronglySignedEntriesAreRejectedCountedAndAnsweredByTheDatabase()
            throws Exception {
        String secret = "test-secret";
        try (Connection a = instance("a", SHARED_URL, "cache.redis.secret", secret);
                Jedis jedis = new Jedis(RedisServers.SHARED_HOST, RedisServers.SHARED_PORT)) {
            query(a, BY_ID, 1);
            byte[] one = keys(RedisServers.SHARED_PORT, "e").get(0);
            query(a, BY_ID, 2);
            byte[] two = keys(RedisServers.SHARED_PORT, "e").stream().filter(k -> !Arrays.equals(k, one))
                    .findFirst().orElseThrow();
            byte[] good = jedis.get(one);
            byte[] wrongSignature = good.clone();
            wrongSignature[wrongSignature.length - 1] ^= 1;
            byte[] flippedBody = good.clone();
            flippedBody[good.length / 2] ^= 0x55;
            List<byte[]> forgeries = List.of("garbage".getBytes(StandardCharsets.US_ASCII),
                    Arrays.copyOf(good, good.length / 2), wrongSignature, flippedBody, jedis.get(two), new byte[0]);
            int instanceNumber = 0;
            for (byte[] forged : forgeries) {
                jedis.set(one, forged);
                String reader = "reader" + instanceNumber++;
                try (Connection fresh = instance(reader, SHARED_URL, "cache.redis.secret", secret)) {
                    long before = executions();
                    assertThat(query(fresh, BY_ID, 1)).containsExactly(row(1, "apple", 10));
                    assertThat(executions()).as("answered by the database").isEqualTo(before + 1);
                    assertThat(instances.tier(reader).rejected()).as("rejected and counted").isEqualTo(1);
                    assertThat(instances.cache(reader).tierHits()).isZero();
                }
            }
            // Unsigned bytes while a secret is set are rejected too, and an instance without the secret rejects
            // signed ones.
            jedis.set(one, good);
            try (Connection unsigned = instance("unsigned", SHARED_URL)) {
                assertThat(query(unsigned, BY_ID, 1)).containsExactly(row(1, "apple", 10));
                assertThat(instances.tier("unsigned").rejected()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRedisNobodyAnswersNeverFailsAQueryAndIsSkippedAfterTheFirstTimeout() throws Exception {
        String nobody = "redis://" + RedisServers.SHARED_HOST + ":" + RedisServers.freePort();
        String url = db.cachedUrl("cache.redis.url", nobody, "cache.redis.prefix", prefix);
        try (Connection a = DriverManager.getConnection(url)) {
            // Each round beside the same round on a plain connection, so that the machine's load cancels out.
            long mostExtra = 0;
            List<Long> extras = new ArrayList<>();
            try (Connection raw = db.raw()) {
                for (int i = 0; i < 20; i++) {
                    long started = System.nanoTime();
                    assertThat(query(raw, BY_ID, 1 + i % 3)).hasSize(1);
                    update(raw, "UPDATE products SET price = price + 0 WHERE id = 3");
                    long rawNanos = System.nanoTime() - started;
                    started = System.nanoTime();
                    assertThat(query(a, BY_ID, 1 + i % 3)).hasSize(1);
                    update(a, "UPDATE products SET price = price + 1 WHERE id = 3");
                    long extra = System.nanoTime() - started - rawNanos;
                    extras.add(TimeUnit.NANOSECONDS.toMillis(extra));
                    // The first round also loads Jedis's classes and plans the statements: not what is measured.
                    mostExtra = i == 0 ? 0 : Math.max(mostExtra, extra);
                }
            }
            TierStatistics stats = CacheRegistry.find(db.cacheName).tier().statistics();
            assertThat(stats.errors()).isPositive();
            assertThat(stats.busConnected()).isFalse();
            assertThat(query(a, ALL)).containsExactly(row(1, "apple", 10), row(2, "pear", 20), row(3, "plum", 50));
            // Refused at once on loopback, then skipped by the open circuit: far below one timeout per call.
            assertThat(TimeUnit.NANOSECONDS.toMillis(mostExtra)).as("most a round paid for Redis, ms " + extras)
                    .isLessThan(500);
        }
    }

    @Test
    void whileTheChannelIsDownNoInstanceServesItsOwnEntriesAndAfterwardsNothingStaleIsServed() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis.url()); Connection b = instance("b", redis.url())) {
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            redis.kill();
            instances.awaitContact("b", false);
            update(a, "UPDATE products SET price = 12 WHERE id = 1");
            assertThat(query(b, BY_ID, 1)).as("B serves nothing of its own while deaf")
                    .containsExactly(row(1, "apple", 12));
            redis.start();
            instances.awaitContact("b", true);
            instances.awaitContact("a", true);
            update(a, "UPDATE products SET price = 13 WHERE id = 1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!query(b, BY_ID, 1).equals(List.of(row(1, "apple", 13)))) {
                assertThat(System.nanoTime()).as("B hears A again").isLessThan(deadline);
                Thread.sleep(1);
            }
            assertThat(instances.tier("b").resyncs()).isPositive();
        }
    }

    @Test
    void aPausedRedisCostsEachQueryAtMostItsTimeoutAndIsHeardAgainWhenItResumes() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis.url(), "cache.redis.timeout", "250ms");
                Connection b = instance("b", redis.url(), "cache.redis.timeout", "250ms")) {
            query(a, BY_ID, 1);
            redis.pause();
            // Each query beside the same query on a plain connection, so that what the machine's load adds to
            // both cancels out: what is left is what waiting for the paused Redis cost.
            long mostExtra = 0;
            List<Long> extras = new ArrayList<>();
            try (Connection raw = db.raw()) {
                for (int i = 0; i < 30; i++) {
                    long started = System.nanoTime();
                    assertThat(query(raw, BY_ID, 1 + i % 3)).hasSize(1);
                    long rawNanos = System.nanoTime() - started;
                    started = System.nanoTime();
                    assertThat(query(b, BY_ID, 1 + i % 3)).hasSize(1);
                    long extra = System.nanoTime() - started - rawNanos;
                    extras.add(TimeUnit.NANOSECONDS.toMillis(extra));
                    mostExtra = Math.max(mostExtra, extra);
                }
            }
            instances.awaitContact("b", false);
            update(a, "UPDATE products SET price = 14 WHERE id = 1");
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 14));
            redis.resume();
            instances.awaitContact("b", true);
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 14));
            // With a 250 ms timeout, a query pays it once before the circuit opens, and never waits for Redis to
            // come back. It used to pay twice (500 ms): the pool replaced the broken connection on the query's
            // thread, and the new connection's handshake waited too (StandaloneConnections). The bound leaves room
            // for a loaded 2-core machine, not for a second timeout.
            assertThat(TimeUnit.NANOSECONDS.toMillis(mostExtra)).as("most a query paused for Redis, ms " + extras)
                    .isLessThan(400);
            assertThat(extras.subList(1, extras.size())).as("after the first, the open circuit skips Redis")
                    .allMatch(extra -> extra < 500);
        }
    }
}
