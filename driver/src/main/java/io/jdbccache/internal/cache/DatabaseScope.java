package io.jdbccache.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One database as seen by one cache: how it folds identifiers, the analysis of each SQL string sent to it, the
 * version stamp of each of its tables, and what its catalog says about them (base table or view, cascading foreign
 * keys). Thread-safe; shared by all connections of the cache to that database.
 */
public final class DatabaseScope {
    private final String identity;
    private final TableRef.IdentifierCase identifierCase;
    private final Cache<String, SqlAnalysis> analyses;
    private final ConcurrentHashMap<String, TableVersion> versions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TableInfo> catalog = new ConcurrentHashMap<>();
    private final TableVersion everything;
    private final java.util.concurrent.atomic.AtomicLong catalogEpoch = new java.util.concurrent.atomic.AtomicLong();

    DatabaseScope(String identity, TableRef.IdentifierCase identifierCase, int analysisCacheSize) {
        this.identity = identity;
        this.identifierCase = identifierCase;
        this.analyses = Caffeine.newBuilder().maximumSize(analysisCacheSize).build();
        this.everything = new TableVersion("*");
    }

    /** The database's identity: its URL without parameters or credentials. */
    public String identity() {
        return identity;
    }

    public TableRef.IdentifierCase identifierCase() {
        return identifierCase;
    }

    /** The analysis of {@code sql}, parsing it only the first time it is seen (while it stays in the bound). */
    public SqlAnalysis analyze(String sql) {
        SqlAnalysis analysis = analyses.getIfPresent(sql);
        if (analysis == null) {
            // Parsing outside any lock: two threads may both parse a new string once, which is cheaper than
            // making every other key wait behind a slow parse.
            analysis = SqlAnalyzer.analyze(sql, identifierCase);
            analyses.put(sql, analysis);
        }
        return analysis;
    }

    /** The version stamp of every table, including the database-wide one at index 0. */
    public TableVersion everything() {
        return everything;
    }

    /** The version stamp of a resolved table name ({@code schema.name}). */
    public TableVersion version(String resolvedName) {
        TableVersion version = versions.get(resolvedName);
        return version != null ? version : versions.computeIfAbsent(resolvedName, TableVersion::new);
    }

    /** Resolves a table as written to its stored {@code schema.name}, given the connection's schema. */
    public String resolve(TableRef table, String defaultSchema) {
        return table.resolve(identifierCase, defaultSchema);
    }

    /**
     * What the catalog says about a resolved table, looked up once through {@code connection} and remembered. A
     * failed lookup is not remembered and reports an unknown table.
     */
    public TableInfo tableInfo(String resolvedName, Connection connection) {
        TableInfo info = catalog.get(resolvedName);
        if (info == null) {
            info = lookUp(resolvedName, connection);
            if (info.known()) {
                catalog.put(resolvedName, info);
            }
        }
        return info;
    }

    /** Moves whenever catalog facts are forgotten, so decisions derived from them are made again. */
    public long catalogEpoch() {
        return catalogEpoch.get();
    }

    /** Forgets all catalog facts (after DDL): views, tables and foreign keys may have changed. */
    public void forgetCatalog() {
        catalogEpoch.incrementAndGet();
        catalog.clear();
    }

    private TableInfo lookUp(String resolvedName, Connection connection) {
        int dot = resolvedName.lastIndexOf('.');
        String schema = dot < 0 ? null : resolvedName.substring(0, dot);
        String name = resolvedName.substring(dot + 1);
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            String escape = metaData.getSearchStringEscape();
            String type = null;
            try (ResultSet tables = metaData.getTables(null, pattern(schema, escape), pattern(name, escape), null)) {
                while (tables.next()) {
                    if (name.equals(tables.getString("TABLE_NAME"))
                            && (schema == null || schema.equals(tables.getString("TABLE_SCHEM")))) {
                        type = tables.getString("TABLE_TYPE");
                        break;
                    }
                }
            }
            if (type == null) {
                return TableInfo.UNKNOWN;
            }
            List<String> children = new ArrayList<>();
            try (ResultSet keys = metaData.getExportedKeys(null, schema, name)) {
                while (keys.next()) {
                    int onDelete = keys.getInt("DELETE_RULE");
                    int onUpdate = keys.getInt("UPDATE_RULE");
                    if (changesChild(onDelete) || changesChild(onUpdate)) {
                        String childSchema = keys.getString("FKTABLE_SCHEM");
                        String child = keys.getString("FKTABLE_NAME");
                        children.add(childSchema == null ? child : childSchema + "." + child);
                    }
                }
            }
            String upper = type.toUpperCase(Locale.ROOT);
            boolean baseTable = upper.equals("TABLE") || upper.equals("BASE TABLE")
                    || upper.equals("PARTITIONED TABLE");
            return new TableInfo(true, upper, baseTable, List.copyOf(children));
        } catch (SQLException | RuntimeException e) {
            return TableInfo.UNKNOWN;
        }
    }

    private static boolean changesChild(int rule) {
        return rule == DatabaseMetaData.importedKeyCascade || rule == DatabaseMetaData.importedKeySetNull
                || rule == DatabaseMetaData.importedKeySetDefault;
    }

    private static String pattern(String identifier, String escape) {
        if (identifier == null || escape == null || escape.isEmpty()) {
            return identifier;
        }
        return identifier.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /**
     * Catalog facts about one table.
     *
     * @param known           false when the lookup failed or found nothing
     * @param type            the catalog's table type (TABLE, VIEW, ...)
     * @param baseTable       true for plain tables: results reading anything else (views, foreign tables, temporary
     *                        tables) are not cached, since writes to what lies behind them are invisible here
     * @param cascadeChildren tables that a write to this one may change through ON DELETE/UPDATE CASCADE, SET NULL
     *                        or SET DEFAULT foreign keys
     */
    public record TableInfo(boolean known, String type, boolean baseTable, List<String> cascadeChildren) {
        static final TableInfo UNKNOWN = new TableInfo(false, "UNKNOWN", false, List.of());
    }
}
