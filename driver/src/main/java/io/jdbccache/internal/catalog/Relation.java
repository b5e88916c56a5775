package io.jdbccache.internal.catalog;

import java.util.List;

/**
 * What a dialect read about one existing relation, before the catalog judges it ({@link TableInfo}): PostgreSQL
 * reads it in one round trip, other databases through {@link java.sql.DatabaseMetaData} and INFORMATION_SCHEMA.
 *
 * @param type             the table type as {@link java.sql.DatabaseMetaData#getTables} names it (TABLE, VIEW,
 *                         PARTITIONED TABLE, MATERIALIZED VIEW, TEMPORARY TABLE, SYSTEM VIEW, ...)
 * @param changedByWrites  relations a write to it may change: the tables of foreign keys referencing it ON
 *                         DELETE/UPDATE CASCADE, SET NULL or SET DEFAULT, and the relations its rules read or write
 * @param family           its ancestors and descendants through partitioning or inheritance
 * @param integerKey       its primary key's column if the key is one column of an integer type, not generated;
 *                         else null (the catalog may not ask where it would not use it)
 * @param runsServerCode   a write to it runs triggers or rules (other than a view's own), or the catalog cannot tell
 * @param writeCalls       see {@link Dialect#relation}: what writing it calls through defaults, constraints, domains,
 *                         policies and indexes
 * @param rowSecurity      its read policies; {@link RowSecurity#NONE} when row-level security is off
 * @param definition       for a view or materialized view, its query as SQL (null if it cannot be read); null for
 *                         other relations
 * @param viewDependencies for a view, the relations the catalog's dependency graph says it reads (empty where the
 *                         database keeps no such graph)
 */
public record Relation(String type, List<String> changedByWrites, List<String> family, String integerKey,
        boolean runsServerCode, Calls writeCalls, RowSecurity rowSecurity, String definition,
        List<String> viewDependencies) {

    public Relation {
        changedByWrites = List.copyOf(changedByWrites);
        family = List.copyOf(family);
        viewDependencies = List.copyOf(viewDependencies);
    }
}
