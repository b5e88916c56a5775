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
 * @param keyed        for a read by integer primary key, the table and key; else null
 * @param keyedBase    with {@code keyed}: the dependencies with the table's stamp replaced by its any-row stamp
 */
record ReadPlan(CacheConfig config, DatabaseScope database, String schema, long catalogEpoch,
        TableVersion[] dependencies, String bypassReason, long ttlNanos, KeyedRow keyed, TableVersion[] keyedBase) {

    /**
     * The stamps one execution depends on: for a read by integer primary key with an integral key value, the row's
     * stamp and the table's any-row stamp instead of the whole table's, so writes to other rows leave it cached.
     */
    TableVersion[] dependencies(Object[] parameters) {
        if (keyed == null) {
            return dependencies;
        }
        Long key = keyed.value(parameters);
        if (key == null) {
            return dependencies;
        }
        TableVersion[] result = java.util.Arrays.copyOf(keyedBase, keyedBase.length + 1);
        result[keyedBase.length] = keyed.table().row(key);
        return result;
    }

    boolean appliesTo(CacheConfig currentConfig, DatabaseScope currentDatabase, String currentSchema,
            long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && java.util.Objects.equals(schema, currentSchema);
    }
}
