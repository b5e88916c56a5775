package io.jdbccache.internal.redis;

import java.util.Collections;
import java.util.Map;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * The pooled connections to one Redis server, as Jedis's own pooled provider keeps them, except that a broken
 * connection is not replaced on the spot.
 *
 * <p>Why: commons-pool (2.13) answers {@code invalidateObject}, which Jedis calls for every connection a failed
 * command broke, by opening a replacement at once on the caller's thread. Against a paused or hung server that new
 * connection's handshake (HELLO, AUTH) waits a whole timeout more, so the query that met the failure paid two
 * timeouts instead of one. Here the pool opens connections only when one is borrowed, which the circuit breaker
 * allows again only for its probe.
 */
final class StandaloneConnections implements ConnectionProvider {
    private final ConnectionPool pool;
    private final HostAndPort server;

    StandaloneConnections(HostAndPort server, JedisClientConfig config, ConnectionPoolConfig poolConfig) {
        this.server = server;
        this.pool = new ConnectionPool(server, config, poolConfig) {
            @Override
            public void addObject() {
                // Not ahead of need: see the class comment (minIdle is 0, so nothing else asks for one).
            }
        };
    }

    @Override
    public Connection getConnection() {
        return pool.getResource();
    }

    @Override
    public Connection getConnection(CommandArguments arguments) {
        return pool.getResource();
    }

    @Override
    public Map<?, ?> getConnectionMap() {
        return Collections.singletonMap(server, pool);
    }

    @Override
    public Map<?, ?> getPrimaryNodesConnectionMap() {
        return getConnectionMap();
    }

    /**
     * Closes the idle connections: called when a command failed. What broke one (a restart, {@code CLIENT KILL}, a
     * network cut) most likely broke all, and each dead idle connection would otherwise fail one later call and
     * open the circuit again, its pause doubling each time (seconds to minutes without the tier after a restart).
     */
    void closeIdle() {
        pool.clear();
    }

    @Override
    public void close() {
        pool.close();
    }
}
