package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.config.CacheConfig;
import java.util.Arrays;

/**
 * The stamps one write statement bumps in one setting: its target tables plus every table reachable from them
 * through cascading foreign keys, rules, the relations behind a written view, and the tables the rules file says
 * its writes also change ({@code cache.alsoInvalidates.<table>}). {@code everything} means the targets are unknown
 * and the whole database is invalidated. {@code runsServerCode} means a table it writes has triggers, rules or
 * functions in defaults or constraints, which may change the session's state too.
 */
record WritePlan(CacheConfig config, DatabaseScope database, SearchPath searchPath, long catalogEpoch,
        TableVersion[] tables, boolean everything, KeyedRow keyed, boolean runsServerCode) {

    static final TableVersion[] NONE = new TableVersion[0];

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
        TableVersion[] result = Arrays.copyOf(tables, tables.length + 2);
        result[tables.length] = keyed.table();
        result[tables.length + 1] = key == null ? keyed.table().anyRow() : keyed.table().row(key);
        return result;
    }

    static WritePlan everything(CacheConfig config, DatabaseScope database, SearchPath searchPath,
            long catalogEpoch) {
        return new WritePlan(config, database, searchPath, catalogEpoch, NONE, true, null, true);
    }

    boolean appliesTo(CacheConfig currentConfig, DatabaseScope currentDatabase, SearchPath currentPath,
            long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && (searchPath == currentPath || (searchPath != null && searchPath.equals(currentPath)));
    }
}
