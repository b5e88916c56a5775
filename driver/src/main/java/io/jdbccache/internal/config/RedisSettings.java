package io.jdbccache.internal.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shared Redis tier's settings ({@code cache.redis.*}), read once per configuration; absent without
 * {@code cache.redis.url}. The URL's password and the secret are kept out of {@link #toString} and of every message.
 *
 * @param nodes          the URL's nodes, each {@code redis://} or {@code rediss://} with its credentials and database
 * @param mode           {@code standalone}, {@code sentinel} or {@code cluster}
 * @param sentinelMaster the master's name under Sentinel
 * @param prefix         start of every key and of the channel
 * @param timeoutMillis  connect and command timeout
 * @param poolSize       connections per node
 * @param ttlNanos       upper bound of an entry's life in Redis
 * @param maxEntryBytes  the largest encoded entry stored
 * @param secret         the HMAC key, or null to leave entries unsigned
 * @param strict         every read checked against Redis: no in-process hits
 */
public record RedisSettings(List<URI> nodes, String mode, String sentinelMaster, String prefix, int timeoutMillis,
        int poolSize, long ttlNanos, long maxEntryBytes, byte[] secret, boolean strict) {

    public RedisSettings {
        nodes = List.copyOf(nodes);
    }

    /** The nodes of {@code url} (comma-separated), each checked; the message never shows a password. */
    static List<URI> parseNodes(String url) throws SQLException {
        List<URI> nodes = new ArrayList<>();
        for (String part : url.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw invalidUrl("it is not a URL");
            }
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw invalidUrl("each node must start with redis:// or rediss://");
            }
            if (uri.getHost() == null) {
                throw invalidUrl("a node has no host");
            }
            nodes.add(uri);
        }
        if (nodes.isEmpty()) {
            throw invalidUrl("it names no node");
        }
        return nodes;
    }

    private static SQLException invalidUrl(String why) {
        return new SQLException("jdbc-cache: invalid cache.redis.url (value not shown: it may hold a password): "
                + why, "HY024");
    }

    static byte[] secretBytes(String secret) {
        return secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Equal settings give equal caches; the secret is compared by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RedisSettings other && nodes.equals(other.nodes) && mode.equals(other.mode)
                && sentinelMaster.equals(other.sentinelMaster) && prefix.equals(other.prefix)
                && timeoutMillis == other.timeoutMillis && poolSize == other.poolSize && ttlNanos == other.ttlNanos
                && maxEntryBytes == other.maxEntryBytes && Arrays.equals(secret, other.secret)
                && strict == other.strict;
    }

    @Override
    public int hashCode() {
        return nodes.hashCode() * 31 + prefix.hashCode();
    }

    /** For diagnostics: hosts and ports only. */
    @Override
    public String toString() {
        List<String> hosts = new ArrayList<>();
        for (URI node : nodes) {
            hosts.add(node.getScheme() + "://" + node.getHost() + ":" + (node.getPort() < 0 ? 6379 : node.getPort()));
        }
        return "Redis " + mode + " " + hosts + " prefix " + prefix + (secret != null ? " signed" : "")
                + (strict ? " strict" : "");
    }
}
