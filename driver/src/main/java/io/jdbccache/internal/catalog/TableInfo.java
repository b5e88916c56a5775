package io.jdbccache.internal.catalog;

import java.util.List;

/**
 * Catalog facts about one relation.
 *
 * @param known           false when the lookup failed: decisions that need the facts are made again next time
 * @param exists          false when no relation of that name exists (a CTE name, say)
 * @param type            the catalog's table type (TABLE, VIEW, ...)
 * @param cacheable       true for tables, materialized views and views over cacheable relations: results
 *                        reading anything else (foreign tables, temporary tables, views calling volatile
 *                        functions) are not cached, since changes behind them are invisible here
 * @param cascadeChildren tables that a write to this one may change: through ON DELETE/UPDATE CASCADE, SET NULL
 *                        or SET DEFAULT foreign keys, and the relations its rules write (PostgreSQL)
 * @param readsFrom       for a view, every relation it reads, transitively; for a partitioned or inherited
 *                        table, its ancestors and descendants: its results depend on them all
 * @param integerKey      the single integer primary-key column (as stored) of a plain table outside any
 *                        inheritance family and without server code, which reads and writes by key may use
 * @param runsServerCode  a write to it runs code whose effects the catalog does not describe: triggers or rules
 *                        (or the catalog cannot tell)
 * @param writeCalls      the functions a write to it calls through defaults, constraints, domains, policies and
 *                        indexes (user functions, state-changing built-ins); judged with {@link Routines}
 * @param rowSecurity     its row-level-security policies for reads (for a view: those of the relations behind it)
 * @param readCalls       the code a read of it runs: a view's functions, operators and casts (and those of the views
 *                        behind it), its and its bases' policies'; judged with {@link Routines} by the reader
 */
public record TableInfo(boolean known, boolean exists, String type, boolean cacheable, List<String> cascadeChildren,
        List<String> readsFrom, String integerKey, boolean runsServerCode, Calls writeCalls, RowSecurity rowSecurity,
        Calls readCalls) {

    /** The lookup failed. */
    public static final TableInfo UNKNOWN = new TableInfo(false, false, "UNKNOWN", false, List.of(), List.of(), null,
            true, Calls.NONE, RowSecurity.NONE, Calls.NONE);
    /** No relation of that name. */
    public static final TableInfo ABSENT = new TableInfo(true, false, "ABSENT", false, List.of(), List.of(), null,
            false, Calls.NONE, RowSecurity.NONE, Calls.NONE);

    public TableInfo {
        cascadeChildren = List.copyOf(cascadeChildren);
        readsFrom = List.copyOf(readsFrom);
    }
}
