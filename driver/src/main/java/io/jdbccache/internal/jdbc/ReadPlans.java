package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.DeterministicFunctions;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.util.Locale;

/** Decides, once per SQL and setting, whether and how long a read's result may be cached. */
final class ReadPlans {
    /** The catalog could not be read: decide again next time rather than remember a guess. */
    static final String CATALOG_UNAVAILABLE = "table catalog unavailable";

    private ReadPlans() {
    }

    static ReadPlan decide(SqlAnalysis analysis, CacheConfig config, DatabaseScope database, String schema,
            long epoch, Connection connection) {
        String reason = ruleReason(analysis, config, schema);
        long ttl = config.ttlNanos();
        java.util.Set<TableVersion> dependencies = new java.util.LinkedHashSet<>();
        dependencies.add(database.everything());
        for (TableRef table : analysis.tables()) {
            String catalogReason = depend(database.resolve(table, schema), true, database, connection, dependencies);
            reason = reason == null ? catalogReason : reason;
        }
        for (TableRef cte : analysis.cteNames()) {
            // A CTE may shadow a table of the same name in one scope and not in another: depend on the table too,
            // if there is one.
            String catalogReason = depend(database.resolve(cte, schema), false, database, connection, dependencies);
            reason = reason == null ? catalogReason : reason;
        }
        // Table rules hold for the tables named and for what lies behind a view or partition.
        for (TableVersion dependency : dependencies) {
            if (dependency == database.everything()) {
                continue;
            }
            String qualified = dependency.name().toLowerCase(Locale.ROOT);
            String bare = qualified.substring(qualified.lastIndexOf('.') + 1);
            if (reason == null && (config.neverCacheTables().contains(qualified)
                    || config.neverCacheTables().contains(bare))) {
                reason = "reads " + dependency.name() + ", listed in cache.neverCacheTables";
            }
            for (String name : new String[] {qualified, bare}) {
                Long tableTtl = config.tableTtlNanos().get(name);
                if (tableTtl != null) {
                    ttl = Math.min(ttl, tableTtl);
                }
            }
        }
        if (reason == null && ttl <= 0) {
            reason = "TTL is 0 for a table it reads";
        }
        TableVersion[] all = dependencies.toArray(new TableVersion[0]);
        KeyedRow keyed = keyedRow(analysis, database, schema, connection);
        TableVersion[] keyedBase = null;
        if (keyed != null) {
            keyedBase = all.clone();
            for (int i = 0; i < keyedBase.length; i++) {
                if (keyedBase[i] == keyed.table()) {
                    keyedBase[i] = keyed.table().anyRow();
                }
            }
        }
        return new ReadPlan(config, database, schema, epoch, all, reason, ttl, keyed, keyedBase);
    }

    /**
     * The row a statement names by its table's integer primary key (a read on one table without subqueries or
     * CTEs, or an UPDATE/DELETE of one table), or null.
     */
    static KeyedRow keyedRow(SqlAnalysis analysis, DatabaseScope database, String schema, Connection connection) {
        if (analysis.rowKey() == null || analysis.tables() == null || analysis.tables().size() != 1
                || !analysis.cteNames().isEmpty()) {
            return null;
        }
        String name = database.resolve(analysis.tables().get(0), schema);
        DatabaseScope.TableInfo info = database.tableInfo(name, connection);
        String column = database.identifierCase().apply(analysis.rowKey().column());
        if (info.integerKey() == null || !info.integerKey().equals(column)) {
            return null;
        }
        for (String updated : analysis.updatedColumns()) {
            if (database.identifierCase().apply(updated).equals(column)) {
                return null; // the write moves the row to another key
            }
        }
        return new KeyedRow(database.version(name), analysis.rowKey());
    }

    /**
     * Adds a relation and every relation behind it (a view's bases, a partition's family) to the dependencies.
     *
     * @param mustExist false for a name that may be only a CTE: a relation the catalog does not know is then fine
     * @return why the catalog forbids caching, or null
     */
    private static String depend(String name, boolean mustExist, DatabaseScope database, Connection connection,
            java.util.Set<TableVersion> dependencies) {
        dependencies.add(database.version(name));
        DatabaseScope.TableInfo info = database.tableInfo(name, connection);
        for (String base : info.readsFrom()) {
            dependencies.add(database.version(base));
        }
        if (!info.known()) {
            return mustExist ? CATALOG_UNAVAILABLE : null;
        }
        if (!info.cacheable()) {
            return "reads " + name + ", a " + info.type().toLowerCase(Locale.ROOT)
                    + (info.type().equals("VIEW") ? " over relations or functions not cached" : "");
        }
        return null;
    }

    private static String ruleReason(SqlAnalysis analysis, CacheConfig config, String schema) {
        if (!config.enabled()) {
            return "cache.enabled=false";
        }
        for (String function : analysis.functions()) {
            if (!DeterministicFunctions.isDeterministic(function, config.deterministicFunctions())) {
                return "function " + function + " is not known to be deterministic";
            }
        }
        String sql = analysis.normalizedSql();
        if (config.onlyCacheQueries() != null && !config.onlyCacheQueries().matcher(sql).find()) {
            return "not matched by cache.onlyCacheQueries";
        }
        if (config.neverCacheQueries() != null && config.neverCacheQueries().matcher(sql).find()) {
            return "matched by cache.neverCacheQueries";
        }
        for (TableRef table : analysis.tables()) {
            if (config.onlyCacheTables() != null && !table.matchesAnyOf(config.onlyCacheTables(), schema)) {
                return "reads " + table.name() + ", not listed in cache.onlyCacheTables";
            }
        }
        return null;
    }
}
