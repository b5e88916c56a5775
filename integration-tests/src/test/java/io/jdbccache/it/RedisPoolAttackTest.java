package io.jdbccache.it;

import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * An attack on commit 6819a3b (standalone Redis through {@code StandaloneConnections}, a pool that does not replace
 * a broken connection at once): private redis-servers killed, restarted, paused and their clients killed, with one
 * and with many threads querying. What is checked: each query costs at most about one {@code cache.redis.timeout}
 * beyond its database time, the tier recovers (L2 hits come back) soon after Redis does, the pool holds no more
 * connections than {@code cache.redis.poolSize}, and nothing stale is served after a reconnect. It found the tier
 * taking 7-8 s to recover (each dead idle connection failed one call and doubled the circuit's pause; with the
 * default pool of 16 about two minutes): fixed, a failed command now closes the idle connections.
 */
class RedisPoolAttackTest {
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";
    private static final long TIMEOUT_MS = 250;
    private static final int POOL = 4;

    TestDb db;
    RedisInstances instances;
    String prefix;

    @BeforeEach
    void setUp() throws Exception {
        RedisServers.requireShared();
        db = TestDb.open(Database.POSTGRESQL);
        db.createProducts();
        instances = new RedisInstances(db);
        prefix = "jdbc-cache-pool-attack:" + db.cacheName;
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private Connection instance(String name, RedisServers.Private redis, String... more) throws Exception {
        List<String> keyValues = new ArrayList<>(List.of("cache.redis.timeout", TIMEOUT_MS + "ms",
                "cache.redis.poolSize", String.valueOf(POOL)));
        keyValues.addAll(List.of(more));
        return instances.connect(name, instances.url(name, redis.url(), prefix, keyValues.toArray(new String[0])));
    }

    private static int normalClients(RedisServers.Private redis) {
        try (Jedis jedis = new Jedis(RedisServers.SHARED_HOST, redis.port)) {
            int count = 0;
            for (String line : jedis.clientList().split("\n")) {
                if (line.contains("flags=N") && !line.contains("cmd=client")) {
                    count++;
                }
            }
            return count;
        }
    }

    private static void clientKillNormal(RedisServers.Private redis) {
        try (Jedis jedis = new Jedis(RedisServers.SHARED_HOST, redis.port)) {
            jedis.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
    }

    /** Runs {@code threads} threads, each on its own connection of {@code instance}, and fills the pool. */
    private void fillPool(List<Connection> connections, int rounds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            AtomicInteger key = new AtomicInteger(100_000);
            for (Connection connection : connections) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        query(connection, BY_ID, key.incrementAndGet());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Milliseconds from now until B is served from Redis again: A stores a fresh key in Redis, then B (which never
     * read that key) reads it, every 50 ms; -1 if not within {@code limitMs}.
     */
    private long untilL2HitsReturn(Connection a, Connection b, int firstKey, long limitMs) throws Exception {
        long started = System.nanoTime();
        int key = firstKey;
        while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < limitMs) {
            key++;
            long hits = instances.cache("b").tierHits();
            query(a, BY_ID, key);
            query(b, BY_ID, key);
            if (instances.cache("b").tierHits() > hits) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            }
            Thread.sleep(50);
        }
        return -1;
    }

    /**
     * Found by an attack session (fixed; measured 7.7 s with 4 pooled connections: 0.5 + 1 + 2 + 4 s of circuit pauses, one per dead idle
     * connection, errors 4). CLIENT KILL of every pooled connection while the pool holds several idle ones. The pool tests nothing on
     * borrow and replaces nothing at once, so each idle dead connection is found dead by one call, which opens the
     * circuit (0.5 s, doubling after each failed probe: 1, 2, 4 s...). With the pool holding {@code POOL} idle
     * connections, L2 hits must still come back within a few seconds of the kill.
     */
    @Test
    void afterClientKillOfThePoolsConnectionsTheTierRecoversWithinAFewSeconds() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis); Connection b = instance("b", redis)) {
            List<Connection> many = new ArrayList<>();
            for (int i = 0; i < POOL; i++) {
                many.add(db.connect(instances.url("b", redis.url(), prefix, "cache.redis.timeout", TIMEOUT_MS + "ms",
                        "cache.redis.poolSize", String.valueOf(POOL))));
            }
            fillPool(many, 200);
            int before = normalClients(redis);
            assertThat(before).as("pooled connections of A and B").isGreaterThan(2);
            clientKillNormal(redis);
            long recovered = untilL2HitsReturn(a, b, 500_000, 20_000);
            assertThat(recovered).as("ms until B is served from Redis again after CLIENT KILL of %d connections"
                    + " (circuit %s, errors %d)", before, instances.tier("b").circuit(), instances.tier("b").errors())
                    .isBetween(0L, 3_000L);
        }
    }

    /**
     * Found by an attack session (fixed; measured 7.4 s after the restart with 4 pooled connections, the same doubling pauses). Redis killed
     * and restarted while the pool holds several idle connections: every idle one is dead. L2 hits
     * must come back within a few seconds of the restart, and nothing stale is served.
     */
    @Test
    void afterAKillAndRestartWithAFullPoolTheTierRecoversWithinAFewSeconds() throws Exception {
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis); Connection b = instance("b", redis)) {
            List<Connection> many = new ArrayList<>();
            for (int i = 0; i < POOL; i++) {
                many.add(db.connect(instances.url("b", redis.url(), prefix, "cache.redis.timeout", TIMEOUT_MS + "ms",
                        "cache.redis.poolSize", String.valueOf(POOL))));
            }
            fillPool(many, 200);
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 10));
            redis.kill();
            instances.awaitContact("b", false);
            update(a, "UPDATE products SET price = 11 WHERE id = 1");
            assertThat(query(b, BY_ID, 1)).containsExactly(row(1, "apple", 11));
            redis.start();
            instances.awaitContact("b", true);
            instances.awaitContact("a", true);
            long recovered = untilL2HitsReturn(a, b, 600_000, 20_000);
            assertThat(query(b, BY_ID, 1)).as("no stale read after the restart").containsExactly(row(1, "apple", 11));
            assertThat(recovered).as("ms until B is served from Redis again after the restart (circuit %s)",
                    instances.tier("b").circuit()).isBetween(0L, 3_000L);
        }
    }

    /**
     * Held. A paused Redis with more querying threads than pooled connections: threads that wait to borrow wait up to the
     * timeout (maxWait), and one handed a connection then waits for its command too. No query may cost much more
     * than one timeout beyond its database time.
     */
    @Test
    void aPausedRedisWithMoreThreadsThanConnectionsCostsEachQueryAboutOneTimeout() throws Exception {
        int threads = 3 * POOL;
        try (RedisServers.Private redis = new RedisServers.Private(); Connection b = instance("b", redis)) {
            List<Connection> connections = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                connections.add(db.connect(instances.url("b", redis.url(), prefix, "cache.redis.timeout",
                        TIMEOUT_MS + "ms", "cache.redis.poolSize", String.valueOf(POOL))));
            }
            fillPool(connections, 50);
            List<Long> slowest = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean paused = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger key = new AtomicInteger(700_000);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (Connection connection : connections) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        long most = 0;
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                        while (System.nanoTime() < deadline) {
                            long t = System.nanoTime();
                            query(connection, BY_ID, key.incrementAndGet());
                            if (paused.get()) {
                                most = Math.max(most, System.nanoTime() - t);
                            }
                        }
                        slowest.add(TimeUnit.NANOSECONDS.toMillis(most));
                        return null;
                    }));
                }
                start.countDown();
                Thread.sleep(500);
                paused.set(true);
                redis.pause();
                for (Future<?> future : futures) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
                redis.resume();
            }
            List<Long> sorted = new ArrayList<>(slowest);
            Collections.sort(sorted);
            assertThat(sorted.get(sorted.size() - 1))
                    .as("slowest query (ms) of each of %d threads once Redis paused, timeout %d ms, poolSize %d: %s",
                            threads, TIMEOUT_MS, POOL, sorted)
                    .isLessThan(TIMEOUT_MS + 200);
        }
    }

    /**
     * Held. Many pause/resume blips under load: afterwards the tier recovers, the pool holds no more connections than
     * poolSize (plus the bus), and a write is seen.
     */
    @Test
    void repeatedBlipsUnderLoadLeakNoConnectionsAndTheTierRecovers() throws Exception {
        int threads = 2 * POOL;
        try (RedisServers.Private redis = new RedisServers.Private();
                Connection a = instance("a", redis); Connection b = instance("b", redis)) {
            List<Connection> connections = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                connections.add(db.connect(instances.url("b", redis.url(), prefix, "cache.redis.timeout",
                        TIMEOUT_MS + "ms", "cache.redis.poolSize", String.valueOf(POOL))));
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger key = new AtomicInteger(800_000);
            List<Future<?>> futures = new ArrayList<>();
            try {
                for (Connection connection : connections) {
                    futures.add(pool.submit(() -> {
                        while (!stop.get()) {
                            query(connection, BY_ID, key.incrementAndGet());
                        }
                        return null;
                    }));
                }
                for (int blip = 0; blip < 6; blip++) {
                    Thread.sleep(300);
                    redis.pause();
                    Thread.sleep(150 + 100 * (blip % 3));
                    redis.resume();
                    if (blip % 2 == 1) {
                        clientKillNormal(redis);
                    }
                }
                Thread.sleep(300);
            } finally {
                stop.set(true);
                for (Future<?> future : futures) {
                    future.get(60, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            instances.awaitContact("b", true);
            long recovered = untilL2HitsReturn(a, b, 900_000, 20_000);
            update(a, "UPDATE products SET price = 19 WHERE id = 2");
            assertThat(query(b, BY_ID, 2)).containsExactly(row(2, "pear", 19));
            int clients = normalClients(redis);
            assertThat(clients).as("normal clients on Redis for two instances of poolSize %d", POOL)
                    .isLessThanOrEqualTo(2 * POOL);
            assertThat(recovered).as("ms until B is served from Redis again after the blips (circuit %s, errors %d)",
                    instances.tier("b").circuit(), instances.tier("b").errors()).isBetween(0L, 3_000L);
        }
    }
}
