package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.config.CacheConfig;

/**
 * The driver's decision for one cacheable SQL string in one setting (configuration, database, schema, catalog
 * epoch): the version stamps it depends on, or why it is not cached. Memoized on the analysis, so a repeated
 * statement decides nothing again.
 *
 * @param dependencies the database-wide stamp first, then one per table read
 * @param bypassReason null when the result may be cached
 * @param ttlNanos     the TTL before jitter: the smallest per-table TTL of the tables read, else the default
 */
record ReadPlan(CacheConfig config, DatabaseScope database, String schema, long catalogEpoch,
        TableVersion[] dependencies, String bypassReason, long ttlNanos) {

    boolean appliesTo(CacheConfig currentConfig, DatabaseScope currentDatabase, String currentSchema,
            long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && java.util.Objects.equals(schema, currentSchema);
    }
}
