package io.jdbccache.it;

import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The shared tier on a Redis Cluster: three masters (private {@code redis-server} processes, no replicas) and
 * {@code cache.redis.mode=cluster} with all three in the URL. Caches of different names stand for instances. The
 * key layout is read back from the nodes themselves (a cluster node's SCAN sees only its own keys), so the tests
 * know, rather than hope, that a query's entry and the versions of what it read lie in different slots on different
 * nodes.
 */
class RedisClusterTest {
    private static final String ALL = "SELECT id, name, price FROM products ORDER BY id";
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";

    TestDb db;
    RedisInstances instances;
    RedisServers.Cluster cluster;
    String prefix;
    /** The instance name {@link #readAcrossNodes} read with. */
    String first;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDb.open(Database.POSTGRESQL);
        db.createProducts();
        instances = new RedisInstances(db);
        cluster = new RedisServers.Cluster();
        prefix = "jdbc-cache-cluster:" + db.cacheName;
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            db.close();
        } finally {
            cluster.close();
        }
    }

    private Connection instance(String instance, String... keyValues) throws Exception {
        String url = instances.url(instance, cluster.url(), prefix, keyValues);
        return instances.connect(instance, Database.POSTGRESQL.withParameter(url, "cache.redis.mode", "cluster"));
    }

    /** A key of the driver's as found on a node, with the slot Jedis computes for its name. */
    record Placed(String kind, String name, int port, int slot) {
    }

    /** Every key under the prefix, found by scanning each running node (each holds only its own slots' keys). */
    private List<Placed> layout() {
        List<Placed> keys = new ArrayList<>();
        for (RedisServers.Private node : cluster.nodes) {
            if (!RedisServers.answers(node.port)) {
                continue;
            }
            try (Jedis jedis = new Jedis(RedisServers.SHARED_HOST, node.port)) {
                ScanParams match = new ScanParams().match(prefix + ":*").count(1000);
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, match);
                    for (String key : page.getResult()) {
                        String kind = key.substring(prefix.length() + 1, prefix.length() + 2);
                        keys.add(new Placed(kind, key, node.port, JedisClusterCRC16.getSlot(key)));
                    }
                    cursor = page.getCursor();
                } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
                for (Placed key : keys) {
                    if (key.port == node.port) {
                        assertThat(jedis.clusterKeySlot(key.name)).as("Jedis's slot is the node's").isEqualTo(
                                key.slot);
                        assertThat(jedis.clusterCountKeysInSlot(key.slot)).as(key.name + " in its slot here")
                                .isPositive();
                    }
                }
            }
        }
        return keys;
    }

    private static Set<Integer> ports(List<Placed> keys, String kind) {
        Set<Integer> ports = new HashSet<>();
        for (Placed key : keys) {
            if (kind == null || key.kind.equals(kind)) {
                ports.add(key.port);
            }
        }
        return ports;
    }

    private List<List<Object>> database(String sql, Object... parameters) throws Exception {
        try (Connection raw = DriverManager.getConnection(db.rawUrl)) {
            return query(raw, sql, parameters);
        }
    }

    /**
     * Reads {@link #ALL} through a first instance under a prefix whose key names put the entry on one node and at
     * least one of the versions it was read at on another (the names are hashes of the prefix too, so another
     * prefix is another layout); returns that instance's connection.
     */
    private Connection readAcrossNodes(String instance) throws Exception {
        String base = prefix;
        for (int attempt = 0; attempt < 30; attempt++) {
            prefix = base + ":" + attempt;
            first = instance + attempt;
            Connection connection = instance(first);
            assertThat(query(connection, ALL)).hasSize(3);
            List<Placed> keys = layout();
            Set<Integer> entryNodes = ports(keys, "e");
            Set<Integer> versionNodes = ports(keys, "v");
            assertThat(entryNodes).hasSize(1);
            assertThat(versionNodes).as("the versions of the database and of products").isNotEmpty();
            if (!entryNodes.containsAll(versionNodes)) {
                Set<Integer> slots = new HashSet<>();
                keys.forEach(key -> slots.add(key.slot));
                assertThat(slots).as("slots of " + keys).hasSizeGreaterThan(1);
                return connection;
            }
            connection.close();
        }
        throw new AssertionError("no prefix in 30 put an entry and its versions on different nodes");
    }

    @Test
    void aResultOneInstanceReadIsServedToAnotherFromTheCluster() throws Exception {
        try (Connection a = instance("a"); Connection b = instance("b")) {
            assertThat(query(a, ALL)).hasSize(3);
            assertThat(query(a, BY_ID, 2)).containsExactly(row(2, "pear", 20));
            assertThat(layout().stream().filter(key -> key.kind.equals("e"))).hasSize(2);
            long afterA = executions();
            assertThat(query(b, ALL)).containsExactly(row(1, "apple", 10), row(2, "pear", 20), row(3, "plum", 30));
            assertThat(query(b, BY_ID, 2)).containsExactly(row(2, "pear", 20));
            assertThat(executions()).as("B answered by the cluster").isEqualTo(afterA);
            assertThat(instances.cache("b").tierHits()).isEqualTo(2);
            assertThat(instances.tier("b").errors()).isZero();
            assertThat(instances.tier("a").errors()).isZero();
        }
    }

    @Test
    void versionsAndInvalidationHoldWhenAnEntryAndItsVersionsLieOnDifferentNodes() throws Exception {
        try (Connection a = readAcrossNodes("a");
                Connection strict = instance("strict", "cache.redis.strict", "true");
                Connection c = instance("c")) {
            long afterA = executions();
            assertThat(query(strict, ALL)).containsExactly(row(1, "apple", 10), row(2, "pear", 20),
                    row(3, "plum", 30));
            assertThat(query(c, ALL)).hasSize(3);
            assertThat(executions()).as("both answered by the cluster").isEqualTo(afterA);
            assertThat(query(c, ALL)).hasSize(3);
            assertThat(executions()).as("then C by its own cache").isEqualTo(afterA);
            for (int price = 21; price < 26; price++) {
                update(a, "UPDATE products SET price = " + price + " WHERE id = 2");
                List<List<Object>> expected = List.of(row(1, "apple", 10), row(2, "pear", price),
                        row(3, "plum", 30));
                assertThat(query(strict, ALL)).as("the very next strict read, across nodes").isEqualTo(expected);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!query(c, ALL).equals(expected)) {
                    assertThat(System.nanoTime()).as("C hears A's write").isLessThan(deadline);
                    Thread.sleep(1);
                }
                assertThat(query(a, ALL)).isEqualTo(expected);
            }
            for (String instance : new String[] {"strict", "c"}) {
                assertThat(instances.tier(instance).errors()).as(instance + " errors").isZero();
            }
            assertThat(instances.tier("c").busDelayP50Millis()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void withOneNodeKilledEveryQueryGetsTheDatabasesAnswerWithoutExceptionAndBoundedTime() throws Exception {
        try (Connection a = readAcrossNodes("a"); Connection strict = instance("strict", "cache.redis.strict", "true");
                Connection c = instance("c")) {
            for (Connection connection : List.of(strict, c)) {
                assertThat(query(connection, ALL)).hasSize(3);
                assertThat(query(connection, BY_ID, 1)).hasSize(1);
            }
            // Kill a node that holds versions, other than the first seed (whose channel every instance listens on:
            // losing the channel is RedisTierTest's case), so that the channel goes on while some keys are gone.
            Map<Integer, RedisServers.Private> byPort = new LinkedHashMap<>();
            cluster.nodes.forEach(node -> byPort.put(node.port, node));
            Set<Integer> versionNodes = ports(layout(), "v");
            versionNodes.remove(cluster.nodes.get(0).port);
            RedisServers.Private victim = versionNodes.isEmpty() ? cluster.nodes.get(2)
                    : byPort.get(versionNodes.iterator().next());
            victim.kill();
            long slowest = 0;
            for (int i = 0; i < 30; i++) {
                int id = 1 + i % 3;
                List<List<Object>> before = database(BY_ID, id);
                long started = System.nanoTime();
                update(a, "UPDATE products SET price = price + 1 WHERE id = " + id);
                slowest = Math.max(slowest, System.nanoTime() - started);
                List<List<Object>> expected = database(BY_ID, id);
                assertThat(expected).isNotEqualTo(before);
                for (Connection reader : List.of(a, strict)) {
                    started = System.nanoTime();
                    List<List<Object>> one = query(reader, BY_ID, id);
                    List<List<Object>> all = query(reader, ALL);
                    slowest = Math.max(slowest, (System.nanoTime() - started) / 2);
                    assertThat(one).as("after write " + i).isEqualTo(expected);
                    assertThat(all).isEqualTo(database(ALL));
                }
                // C keeps entries of its own and hears writes through the channel, which still works.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!query(c, BY_ID, id).equals(expected)) {
                    assertThat(System.nanoTime()).as("C hears write " + i).isLessThan(deadline);
                    Thread.sleep(1);
                }
            }
            assertThat(instances.tier(first).errors() + instances.tier("strict").errors())
                    .as("the dead node was noticed").isPositive();
            // The timeout is 100 ms; Jedis's cluster client retries within 3 timeouts, and the circuit then opens.
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("slowest write or query, ms").isLessThan(1_000);
        }
    }
}
