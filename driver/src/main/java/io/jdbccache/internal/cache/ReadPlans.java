package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.Calls;
import io.jdbccache.internal.catalog.Routines;
import io.jdbccache.internal.catalog.RowSecurity;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.TableInfo;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.BypassReason;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Decides, once per SQL and setting, whether and how long a read's result may be cached. */
public final class ReadPlans {
    /** Functions a row-level-security policy may call beyond deterministic ones: the key holds what they read. */
    private static final Set<String> POLICY_SESSION_FUNCTIONS = Set.of("current_setting", "current_user",
            "session_user", "current_role", "user");

    private ReadPlans() {
    }

    /** The reason and detail found so far; the first reason found wins. */
    private static final class Verdict {
        BypassReason reason;
        String detail;
        /** Settings the policies behind the read read: the key must hold their values. */
        final Set<String> keySettings = new TreeSet<>();

        void refuse(BypassReason why, String particulars) {
            if (reason == null) {
                reason = why;
                detail = particulars;
            }
        }
    }

    /**
     * @param connection the physical connection, for catalog lookups
     * @param remember   false where what the connection sees of the catalog may not be what others see (inside a
     *                   transaction that ran DDL, or a snapshot older than the catalog): nothing is remembered
     */
    public static ReadPlan decide(SqlAnalysis analysis, CacheConfig config, DatabaseScope database, SearchPath path,
            long epoch, Connection connection, boolean remember) {
        Verdict verdict = new Verdict();
        Routines routines = database.routines(connection, remember);
        ruleReason(analysis, config, path, routines, verdict);
        long ttl = config.ttlNanos();
        Set<TableVersion> dependencies = new LinkedHashSet<>();
        dependencies.add(database.everything());
        Set<String> visited = new HashSet<>();
        for (TableRef table : analysis.tables()) {
            depend(database.resolve(table, path, connection, remember), true, config, database, connection,
                    routines, dependencies, visited, verdict, remember);
        }
        for (TableRef cte : analysis.cteNames()) {
            // A CTE may shadow a table of the same name in one scope and not in another: depend on the table too,
            // if there is one.
            depend(database.resolve(cte, path, connection, remember), false, config, database, connection,
                    routines, dependencies, visited, verdict, remember);
        }
        // Table rules hold for the tables named and for what lies behind a view, partition or policy.
        for (TableVersion dependency : dependencies) {
            if (dependency == database.everything()) {
                continue;
            }
            String[] parts = TableRef.split(dependency.name());
            String bare = parts[1].toLowerCase(Locale.ROOT);
            String qualified = parts[0] == null ? bare : parts[0].toLowerCase(Locale.ROOT) + "." + bare;
            if (config.neverCacheTables().contains(qualified) || config.neverCacheTables().contains(bare)) {
                verdict.refuse(BypassReason.NEVER_CACHE_RULE,
                        "reads " + dependency.name() + ", listed in cache.neverCacheTables");
            }
            for (String name : new String[] {qualified, bare}) {
                Long tableTtl = config.tableTtlNanos().get(name);
                if (tableTtl != null) {
                    ttl = Math.min(ttl, tableTtl);
                }
            }
        }
        if (ttl <= 0) {
            verdict.refuse(BypassReason.NEVER_CACHE_RULE, "TTL is 0 for a table it reads");
        }
        TableVersion[] all = dependencies.toArray(new TableVersion[0]);
        KeyedRow keyed = keyedRow(analysis, database, path, connection, remember);
        TableVersion[] keyedBase = null;
        if (keyed != null) {
            keyedBase = all.clone();
            for (int i = 0; i < keyedBase.length; i++) {
                if (keyedBase[i] == keyed.table()) {
                    keyedBase[i] = keyed.table().anyRow();
                }
            }
        }
        return new ReadPlan(config, database, path, epoch, all, verdict.reason, verdict.detail, ttl, keyed,
                keyedBase, Set.copyOf(verdict.keySettings), true);
    }

    /**
     * The row a statement names by its table's integer primary key (a read on one table without subqueries or
     * CTEs, or an UPDATE/DELETE of one table), or null.
     */
    public static KeyedRow keyedRow(SqlAnalysis analysis, DatabaseScope database, SearchPath path, Connection connection,
            boolean remember) {
        if (analysis.rowKey() == null || analysis.tables() == null || analysis.tables().size() != 1
                || !analysis.cteNames().isEmpty()) {
            return null;
        }
        String name = database.resolve(analysis.tables().get(0), path, connection, remember);
        TableInfo info = database.tableInfo(name, connection, remember);
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
     * Adds a relation and every relation behind it (a view's bases, a partition's family, the tables its
     * row-level-security policies read) to the dependencies, and refuses caching for what the catalog forbids.
     *
     * @param mustExist false for a name that may be only a CTE: a relation the catalog does not know is then fine
     */
    private static void depend(String name, boolean mustExist, CacheConfig config, DatabaseScope database,
            Connection connection, Routines routines, Set<TableVersion> dependencies, Set<String> visited,
            Verdict verdict, boolean remember) {
        if (!visited.add(name)) {
            return;
        }
        dependencies.add(database.version(name));
        TableInfo info = database.tableInfo(name, connection, remember);
        for (String base : info.readsFrom()) {
            dependencies.add(database.version(base));
        }
        if (!info.known()) {
            if (mustExist) {
                // Decide again next time rather than remember a guess.
                verdict.refuse(BypassReason.CATALOG_UNAVAILABLE, "the catalog could not be read for " + name);
            }
            return;
        }
        if (!info.exists()) {
            if (mustExist) {
                verdict.refuse(BypassReason.CATALOG_UNAVAILABLE, "no relation " + name + " in the catalog");
            }
            return;
        }
        if (!info.cacheable()) {
            verdict.refuse(BypassReason.UNCACHEABLE_RELATION, "reads " + name + ", a "
                    + info.type().toLowerCase(Locale.ROOT)
                    + (info.type().equals("VIEW") ? " over relations not cached" : ""));
        }
        String viewCall = CallJudge.nonDeterministic(info.readCalls(), config.deterministicFunctions(), routines,
                Set.of());
        if (viewCall != null) {
            verdict.refuse(BypassReason.UNCACHEABLE_RELATION, "reads " + name + ", a view whose " + viewCall);
        }
        RowSecurity rowSecurity = info.rowSecurity();
        if (rowSecurity.enabled()) {
            if (rowSecurity.notAnalyzable() != null) {
                verdict.refuse(BypassReason.ROW_SECURITY, "reads " + name + ": " + rowSecurity.notAnalyzable());
            }
            String policyCall = CallJudge.nonDeterministic(rowSecurity.calls(), config.deterministicFunctions(),
                    routines, POLICY_SESSION_FUNCTIONS);
            if (policyCall != null) {
                verdict.refuse(BypassReason.ROW_SECURITY, "reads " + name + ": in a row-level-security policy, "
                        + policyCall);
            }
            verdict.keySettings.addAll(rowSecurity.settingsRead());
            for (String read : rowSecurity.reads()) {
                // A policy's subquery: a write to what it reads changes what the policy lets through.
                depend(read, true, config, database, connection, routines, dependencies, visited, verdict, remember);
            }
        }
    }

    private static void ruleReason(SqlAnalysis analysis, CacheConfig config, SearchPath path, Routines routines,
            Verdict verdict) {
        if (!config.enabled()) {
            verdict.refuse(BypassReason.CACHE_DISABLED, "cache.enabled=false");
            return;
        }
        String call = CallJudge.nonDeterministic(Calls.of(analysis), config.deterministicFunctions(), routines,
                Set.of());
        if (call != null) {
            verdict.refuse(BypassReason.NON_DETERMINISTIC, call);
            return;
        }
        String sql = analysis.normalizedSql();
        if (config.onlyCacheQueries() != null && !config.onlyCacheQueries().matcher(sql).find()) {
            verdict.refuse(BypassReason.NEVER_CACHE_RULE, "not matched by cache.onlyCacheQueries");
            return;
        }
        if (config.neverCacheQueries() != null && config.neverCacheQueries().matcher(sql).find()) {
            verdict.refuse(BypassReason.NEVER_CACHE_RULE, "matched by cache.neverCacheQueries");
            return;
        }
        for (TableRef table : analysis.tables()) {
            if (config.onlyCacheTables() != null && !table.matchesAnyOf(config.onlyCacheTables(), path.first())) {
                verdict.refuse(BypassReason.NEVER_CACHE_RULE,
                        "reads " + table.name() + ", not listed in cache.onlyCacheTables");
                return;
            }
        }
    }
}
