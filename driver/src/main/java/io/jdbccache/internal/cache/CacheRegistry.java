package io.jdbccache.internal.cache;

import io.jdbccache.internal.config.CacheConfig;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named caches of this class loader. A cache is created by the first connection that names it, with that
 * connection's memory bound; later connections with the same name share it.
 */
public final class CacheRegistry {
    private static final ConcurrentHashMap<String, ResultCache> CACHES = new ConcurrentHashMap<>();

    private CacheRegistry() {
    }

    public static ResultCache forConfig(CacheConfig config) {
        return CACHES.computeIfAbsent(config.name(),
                name -> new ResultCache(name, config.maxBytes(), config.analysisCacheSize()));
    }

    /** The cache of that name, or null if no connection has used it. */
    public static ResultCache find(String name) {
        return CACHES.get(name);
    }

    public static Collection<ResultCache> all() {
        return CACHES.values();
    }
}
