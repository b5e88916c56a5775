package io.jdbccache.internal.redis;

import io.jdbccache.internal.cache.StampId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The names of the driver's Redis keys: {@code <prefix>:e:<hash>} for an entry and {@code <prefix>:v:<hash>} for a
 * stamp's version, the hash a SHA-256 of the key's canonical bytes or of the stamp, so that no parameter value (nor
 * a row key, nor a table name) is readable in a key name. The entry itself holds the whole key, compared on every
 * hit. No hash tags: a query's entry and its tables' versions spread over a cluster's slots like any other keys.
 */
final class RedisKeys {
    private RedisKeys() {
    }

    static byte[] entry(String prefix, byte[] keyBytes) {
        return name(prefix, ":e:", keyBytes);
    }

    static byte[] version(String prefix, StampId stamp) {
        String canonical = stamp.database() + '\0' + stamp.kind().name() + '\0' + stamp.table() + '\0'
                + stamp.rowKey();
        return name(prefix, ":v:", canonical.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] name(String prefix, String kind, byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return (prefix + kind + Base64.getUrlEncoder().withoutPadding().encodeToString(hash))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
