package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.Calls;
import io.jdbccache.internal.catalog.Routines;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.TableInfo;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Decides, once per SQL and setting, which stamps a write moves (see {@link WritePlan}). */
public final class WritePlans {
    private WritePlans() {
    }

    /**
     * What a write invalidates, resolved through the catalog: the tables it names on {@code path}, and those it
     * reaches through cascades, rules, declared dependencies ({@code cache.alsoInvalidates}), views and partitions;
     * the whole database if triggers or rules may write anything, or if the catalog cannot say; by row when it
     * writes one row of a table by integer key and reaches no other row of it.
     *
     * @param connection     the connection connection, for catalog lookups
     * @param remember       false where catalog facts seen now must not be kept for others (DDL in the transaction)
     * @param codeBehind     the code reading the relations it names runs (views, policies)
     * @param builtInsShadowed the session's search path puts a schema before the built-ins
     */
    public static WritePlan decide(SqlAnalysis analysis, CacheConfig config, DatabaseScope database, SearchPath path,
            long epoch, Connection connection, boolean remember, Calls codeBehind, boolean builtInsShadowed) {
        Set<String> declared = config.deterministicFunctions();
        Routines routines = database.routines(connection, remember);
        Calls code = Calls.of(analysis).plus(codeBehind);
        if (builtInsShadowed) {
            return WritePlan.unknownCode(config, database, path, epoch, true);
        }
        Set<String> names = new LinkedHashSet<>();
        List<String> pending = new ArrayList<>();
        for (TableRef table : analysis.tables()) {
            pending.add(database.resolve(table, path, connection, remember));
        }
        // Tables reached through cascades, rules, declared dependencies, views or partitions rather than named.
        Set<String> reached = new LinkedHashSet<>();
        boolean opaque = false;
        boolean triggers = false;
        while (!pending.isEmpty()) {
            String name = pending.remove(pending.size() - 1);
            if (!names.add(name)) {
                continue;
            }
            List<TableRef> declaredAlso = rulesAlsoInvalidate(config, name);
            for (TableRef alsoChanged : declaredAlso) {
                String target = database.resolve(alsoChanged, path, connection, remember);
                pending.add(target);
                reached.add(target);
            }
            TableInfo info = database.tableInfo(name, connection, remember);
            if (!info.known()) {
                // Cascades, views and partitions behind the table are unknown (the catalog could not be read,
                // e.g. in an aborted transaction): invalidate everything, and decide again next time.
                return WritePlan.everything(config, database, path, -1);
            }
            if (info.runsServerCode()) {
                // Triggers and rules may write anything, change the session, run DDL: unless the rules file says
                // what they change (cache.alsoInvalidates.<table>), the whole database.
                triggers = true;
                opaque |= declaredAlso.isEmpty();
            }
            // Defaults, constraints, domains, policies and indexes evaluated on the write; a view's own code when
            // written through.
            code = code.plus(info.writeCalls()).plus(info.readCalls());
            pending.addAll(info.cascadeChildren());
            pending.addAll(info.readsFrom());
            reached.addAll(info.cascadeChildren());
            reached.addAll(info.readsFrom());
        }
        boolean userCode = CallJudge.runsUserCode(code, declared, routines);
        if (opaque || (config.unknownFunctionsMayWrite() && CallJudge.mayWrite(code, declared, routines))) {
            return WritePlan.unknownCode(config, database, path, epoch, opaque || userCode);
        }
        boolean changesSession = triggers || CallJudge.mayChangeSession(code, declared, routines);
        KeyedRow keyed = ReadPlans.keyedRow(analysis, database, path, connection, remember);
        if (keyed != null && reached.contains(keyed.table().name())) {
            // The write reaches its own table again (a self-referencing cascade, a rule, a declared same-table
            // trigger): other rows may change too.
            keyed = null;
        }
        List<TableVersion> tables = new ArrayList<>();
        for (String name : names) {
            TableVersion table = database.version(name);
            if (keyed == null || table != keyed.table()) {
                // Reads by key depend on the any-row stamp, not the table's: a write not by key bumps both.
                tables.add(table);
                tables.add(table.anyRow());
            }
        }
        return new WritePlan(config, database, path, epoch, tables.toArray(new TableVersion[0]), false, keyed,
                changesSession, userCode);
    }

    /** Tables the rules say a write to {@code resolvedName} also changes (matched as name or schema.name). */
    private static List<TableRef> rulesAlsoInvalidate(CacheConfig config, String resolvedName) {
        if (config.alsoInvalidates().isEmpty()) {
            return List.of();
        }
        String[] parts = TableRef.split(resolvedName);
        String bareName = parts[1].toLowerCase(Locale.ROOT);
        String lower = parts[0] == null ? bareName : parts[0].toLowerCase(Locale.ROOT) + "." + bareName;
        List<String> targets = config.alsoInvalidates().get(lower);
        if (targets == null) {
            targets = config.alsoInvalidates().getOrDefault(bareName, List.of());
        }
        List<TableRef> result = new ArrayList<>();
        for (String target : targets) {
            result.add(TableRef.parse(target));
        }
        return result;
    }
}
