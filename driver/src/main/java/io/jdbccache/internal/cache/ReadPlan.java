package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.BypassReason;
import java.util.Arrays;
import java.util.Set;

/**
 * The driver's decision for one cacheable SQL string in one setting (configuration, database, search path, catalog
 * epoch): the version stamps it depends on, or why it is not cached. Memoized on the analysis, so a repeated
 * statement decides nothing again.
 *
 * @param dependencies the database-wide stamp first, then one per relation read (behind views, partitions and
 *                     row-level-security policies too)
 * @param bypassReason null when the result may be cached
 * @param bypassDetail the reason's particulars, for the advisor
 * @param ttlNanos     the TTL before jitter: the smallest per-table TTL of the tables read, else the default
 * @param keyed        for a read by integer primary key, the table and key; else null
 * @param keyedBase    with {@code keyed}: the dependencies with the table's stamp replaced by its any-row stamp
 * @param keySettings  the settings the row-level-security policies behind it read: the session's state must hold
 *                     their values for its key to stand for the result
 * @param storable     false when this connection may be served from the cache but must not store what it reads
 *                     (a snapshot transaction with {@code cache.cacheInSnapshotTransactions=true}: its snapshot may
 *                     be older than the database now); memoized plans are storable
 */
public record ReadPlan(CacheConfig config, DatabaseScope database, SearchPath searchPath, long catalogEpoch,
        TableVersion[] dependencies, BypassReason bypassReason, String bypassDetail, long ttlNanos, KeyedRow keyed,
        TableVersion[] keyedBase, Set<String> keySettings, boolean storable) {

    private static final TableVersion[] NONE = new TableVersion[0];

    /** This plan for a connection that may be served but must not store (made per read: a rare setting). */
    public ReadPlan servingOnly() {
        return storable ? new ReadPlan(config, database, searchPath, catalogEpoch, dependencies, bypassReason,
                bypassDetail, ttlNanos, keyed, keyedBase, keySettings, false) : this;
    }

    /** A decision made by the connection's state rather than the SQL: never memoized. */
    public static ReadPlan bypass(BypassReason reason) {
        return new ReadPlan(null, null, null, -1, NONE, reason, reason.description(), 0, null, null, Set.of(), false);
    }

    /**
     * The stamps one execution depends on: for a read by integer primary key with an integral key value, the row's
     * stamp and the table's any-row stamp instead of the whole table's, so writes to other rows leave it cached.
     */
    public TableVersion[] dependencies(Object[] parameters) {
        if (keyed == null) {
            return dependencies;
        }
        TableVersion row = keyed.row(parameters);
        if (row == null) {
            return dependencies;
        }
        TableVersion[] result = Arrays.copyOf(keyedBase, keyedBase.length + 1);
        result[keyedBase.length] = row;
        return result;
    }

    public boolean appliesTo(CacheConfig currentConfig, DatabaseScope currentDatabase, SearchPath currentPath,
            long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && (searchPath == currentPath || searchPath.equals(currentPath));
    }
}
