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
        long catalogEpoch, TableVersion[] tables, boolean everything) {

    static final TableVersion[] NONE = new TableVersion[0];

    boolean appliesTo(io.jdbccache.internal.config.CacheConfig currentConfig, DatabaseScope currentDatabase,
            String currentSchema, long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && java.util.Objects.equals(schema, currentSchema);
    }
}
