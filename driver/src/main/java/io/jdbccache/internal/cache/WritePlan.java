package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.config.CacheConfig;
import java.util.Arrays;

/**
 * The stamps one write statement bumps in one setting: its target tables plus every table reachable from them
 * through cascading foreign keys, rules, the relations behind a written view, and the tables the rules file says
 * its writes also change ({@code cache.alsoInvalidates.<table>}). {@code everything} means the targets are unknown
 * and the whole database is invalidated. {@code changesSession} means it may change the session's state too
 * (code it runs through triggers, defaults, constraints or policies may call {@code set_config}), and
 * {@code forgetsCatalog} that the user code it runs may have run DDL, so the catalog is read again after it.
 */
public record WritePlan(CacheConfig config, DatabaseScope database, SearchPath searchPath, long catalogEpoch,
        TableVersion[] tables, boolean everything, KeyedRow keyed, boolean changesSession, boolean forgetsCatalog) {

    static final TableVersion[] NONE = new TableVersion[0];

    /**
     * The stamps one execution bumps. {@code tables} holds each table's stamp and its any-row stamp; a write by
     * integer primary key (with an integral key) bumps its table's stamp and that row's stamp only, so reads by other
     * keys stay cached, in autocommit and inside a transaction alike: the transaction holds the row's stamp as
     * uncommitted until it ends (no reader stores that row meanwhile, and its own reads of that row bypass), and
     * bumps it again at commit or rollback. Batches and multi-statement strings carry no parameters: any row.
     */
    public TableVersion[] versions(Object[] parameters) {
        if (keyed == null) {
            return tables;
        }
        TableVersion row = keyed.row(parameters);
        TableVersion[] result = Arrays.copyOf(tables, tables.length + 2);
        result[tables.length] = keyed.table();
        result[tables.length + 1] = row == null ? keyed.table().anyRow() : row;
        return result;
    }

    public static WritePlan everything(CacheConfig config, DatabaseScope database, SearchPath searchPath,
            long catalogEpoch) {
        return new WritePlan(config, database, searchPath, catalogEpoch, NONE, true, null, true, false);
    }

    /**
     * Code the driver cannot see into runs: it may write anything and change the session, and if it is user code,
     * run DDL.
     */
    public static WritePlan unknownCode(CacheConfig config, DatabaseScope database, SearchPath searchPath,
            long catalogEpoch, boolean userCode) {
        return new WritePlan(config, database, searchPath, catalogEpoch, NONE, true, null, true, userCode);
    }

    public boolean appliesTo(CacheConfig currentConfig, DatabaseScope currentDatabase, SearchPath currentPath,
            long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && (searchPath == currentPath || (searchPath != null && searchPath.equals(currentPath)));
    }
}
