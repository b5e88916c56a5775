package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.TableVersion;

/**
 * The stamps one write statement bumps in one setting: its target tables plus every table reachable from them
 * through cascading foreign keys, the relations behind a written view, and the tables the rules say its writes also
 * change ({@code cache.alsoInvalidates.<table>}). {@code everything} means the targets are unknown and the whole database is
 * invalidated.
 */
record WritePlan(io.jdbccache.internal.config.CacheConfig config, DatabaseScope database, String schema,
        long catalogEpoch, TableVersion[] tables, boolean everything, KeyedRow keyed) {

    /**
     * The stamps one execution bumps. {@code tables} holds each table's stamp and its any-row stamp; a write by
     * integer primary key (outside a transaction, with an integral key) bumps its table's stamp and that row's
     * stamp only, so reads by other keys stay cached.
     */
    TableVersion[] versions(Object[] parameters, boolean inTransaction) {
        if (keyed == null) {
            return tables;
        }
        Long key = inTransaction ? null : keyed.value(parameters);
        TableVersion[] result = java.util.Arrays.copyOf(tables, tables.length + 2);
        result[tables.length] = keyed.table();
        result[tables.length + 1] = key == null ? keyed.table().anyRow() : keyed.table().row(key);
        return result;
    }

    static final TableVersion[] NONE = new TableVersion[0];

    static WritePlan everything(io.jdbccache.internal.config.CacheConfig config, DatabaseScope database,
            String schema, long catalogEpoch) {
        return new WritePlan(config, database, schema, catalogEpoch, NONE, true, null);
    }

    boolean appliesTo(io.jdbccache.internal.config.CacheConfig currentConfig, DatabaseScope currentDatabase,
            String currentSchema, long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && java.util.Objects.equals(schema, currentSchema);
    }
}
