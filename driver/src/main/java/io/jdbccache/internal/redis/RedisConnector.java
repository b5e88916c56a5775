package io.jdbccache.internal.redis;

import io.jdbccache.internal.config.RedisSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Makes Jedis's clients from the settings: {@link RedisClient} for one server, {@link RedisSentinelClient} under
 * Sentinel, {@link RedisClusterClient} for a cluster (Jedis's own; the driver adds no topology logic), each with
 * the configured timeout and pool size, and the dedicated connection the invalidation bus listens on. The pools
 * start no evictor thread and register no JMX beans, so nothing outlives the cache.
 */
final class RedisConnector {
    private final RedisSettings settings;
    /** The standalone client's connections, once made. */
    private volatile StandaloneConnections standalone;

    RedisConnector(RedisSettings settings) {
        this.settings = settings;
    }

    /** A new client; may throw (a cluster is asked for its slots at once). */
    UnifiedJedis client() {
        List<URI> nodes = settings.nodes();
        JedisClientConfig config = config(nodes.get(0), true);
        return switch (settings.mode()) {
            case "cluster" -> RedisClusterClient.builder().nodes(hosts(nodes)).clientConfig(config)
                    .poolConfig(pool()).maxAttempts(2).maxTotalRetriesDuration(Duration.ofMillis(
                            3L * settings.timeoutMillis())).build();
            case "sentinel" -> RedisSentinelClient.builder().masterName(settings.sentinelMaster())
                    .sentinels(hosts(nodes)).clientConfig(config).sentinelClientConfig(config(nodes.get(0), false))
                    .poolConfig(pool()).build();
            // The client configuration names the protocol, so that building the client borrows no connection to
            // learn it (against a hung server, a timeout on the first query before its own command).
            default -> {
                StandaloneConnections connections = new StandaloneConnections(host(nodes.get(0)), config, pool());
                standalone = connections;
                yield RedisClient.builder().clientConfig(config).connectionProvider(connections).build();
            }
        };
    }

    /**
     * After a failed command: closes the idle pooled connections of a standalone server (see
     * {@link StandaloneConnections#closeIdle}). Sentinel and Cluster clients build their pools inside Jedis, which
     * finds dead connections one failed command at a time.
     */
    void closeIdleConnections() {
        StandaloneConnections connections = standalone;
        if (connections != null) {
            connections.closeIdle();
        }
    }

    /**
     * A connection for listening, to the server (standalone), the current master (Sentinel) or one of the seed
     * nodes in turn (a cluster delivers every publication to every node).
     */
    Connection busConnection(int attempt) {
        List<URI> nodes = settings.nodes();
        URI node = nodes.get(Math.floorMod(attempt, nodes.size()));
        HostAndPort target = host(node);
        if ("sentinel".equals(settings.mode())) {
            try (Jedis sentinel = new Jedis(target, config(node, false))) {
                List<String> master = sentinel.sentinelGetMasterAddrByName(settings.sentinelMaster());
                target = new HostAndPort(master.get(0), Integer.parseInt(master.get(1)));
            }
        }
        return new Connection(target, config(node, true));
    }

    private JedisClientConfig config(URI node, boolean withDatabase) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(settings.timeoutMillis())
                .socketTimeoutMillis(settings.timeoutMillis())
                // No handshake beyond AUTH and SELECT: Jedis ignores a failed CLIENT SETNAME/SETINFO or HELLO and
                // goes on, so against a paused server each of them cost a whole timeout on a new connection.
                .protocol(RedisProtocol.RESP2)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .ssl("rediss".equals(node.getScheme()));
        String userInfo = node.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? null : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (user != null && !user.isEmpty()) {
                builder.user(user);
            }
            builder.password(password);
        }
        String path = node.getPath();
        if (withDatabase && path != null && path.length() > 1 && !"cluster".equals(settings.mode())) {
            builder.database(Integer.parseInt(path.substring(1)));
        }
        return builder.build();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private ConnectionPoolConfig pool() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        // A query waits for a busy pool a quarter of the timeout at most, then goes without the tier (not a Redis
        // failure: the circuit stays closed), so that waiting for a connection and then for a hung server never
        // costs it two timeouts.
        pool.setMaxWait(Duration.ofMillis(Math.max(1, settings.timeoutMillis() / 4)));
        pool.setTestWhileIdle(false);
        pool.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
        pool.setJmxEnabled(false);
        return pool;
    }

    private static Set<HostAndPort> hosts(List<URI> nodes) {
        Set<HostAndPort> hosts = new LinkedHashSet<>();
        for (URI node : nodes) {
            hosts.add(host(node));
        }
        return hosts;
    }

    private static HostAndPort host(URI node) {
        return new HostAndPort(node.getHost(), node.getPort() < 0 ? 6379 : node.getPort());
    }
}
