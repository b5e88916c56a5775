package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.DeterministicFunctions;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one database's catalog says about its relations, looked up once per relation and remembered: base table or
 * view, what a view reads, cascading foreign keys, inheritance, server code run by writes, row-level security, the
 * integer primary key; and where an unqualified name resolves on a given search path.
 *
 * <p>Facts are forgotten after DDL through the driver ({@link #forget}) and at the latest after the refresh
 * interval, so DDL made elsewhere (a policy created from psql, say) is seen within that bound. Every forgetting
 * moves the {@link #epoch()}, which invalidates every decision derived from the facts. Thread-safe.
 */
public final class Catalog {
    private final Dialect dialect;
    private final long refreshNanos;
    private final Map<String, TableInfo> facts = new ConcurrentHashMap<>();
    private final Map<SearchPath, Map<String, String>> resolutions = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile long loadedAt = System.nanoTime();

    /**
     * @param refreshNanos how long facts are trusted without DDL through the driver; 0 or less for ever
     */
    public Catalog(Dialect dialect, long refreshNanos) {
        this.dialect = dialect;
        this.refreshNanos = refreshNanos;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Moves whenever facts are forgotten, so decisions derived from them are made again. */
    public long epoch() {
        return epoch.get();
    }

    /** Forgets all facts (after DDL): views, tables, policies and foreign keys may have changed. */
    public void forget() {
        epoch.incrementAndGet();
        facts.clear();
        resolutions.clear();
        loadedAt = System.nanoTime();
    }

    /** Forgets all facts if they are older than the refresh interval; true if it did. */
    public boolean forgetIfStale() {
        if (refreshNanos > 0 && System.nanoTime() - loadedAt > refreshNanos) {
            forget();
            return true;
        }
        return false;
    }

    /**
     * The stored {@code schema.name} of a table as written, on a session's search path: a qualified name folds as
     * the database folds it; an unqualified one is the first schema of the path that holds a relation of that name
     * (the database's own rule), or the path's first schema when none does.
     *
     * @param connection the physical connection for catalog lookups
     */
    public String resolve(TableRef table, SearchPath path, Connection connection) {
        TableRef.IdentifierCase identifierCase = dialect.identifierCase();
        if (table.schema() != null || path.schemas().size() <= 1) {
            return table.resolve(identifierCase, path.first());
        }
        String name = identifierCase.apply(table.name());
        Map<String, String> resolved = resolutions.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
        String known = resolved.get(name);
        if (known != null) {
            return known;
        }
        String result = path.first() + "." + name;
        boolean certain = true;
        for (String schema : path.schemas()) {
            TableInfo info = tableInfo(schema + "." + name, connection);
            if (!info.known()) {
                certain = false; // cannot tell: fall back, and decide again next time
                break;
            }
            if (info.exists()) {
                result = schema + "." + name;
                break;
            }
        }
        if (certain) {
            resolved.put(name, result);
        }
        return result;
    }

    /**
     * What the catalog says about a resolved relation, looked up once through {@code connection} and remembered.
     * A failed lookup is not remembered and reports an unknown relation.
     */
    public TableInfo tableInfo(String resolvedName, Connection connection) {
        return tableInfo(resolvedName, connection, 0);
    }

    private TableInfo tableInfo(String resolvedName, Connection connection, int depth) {
        TableInfo info = facts.get(resolvedName);
        if (info == null) {
            info = lookUp(resolvedName, connection, depth);
            if (info.known()) {
                facts.put(resolvedName, info);
            }
        }
        return info;
    }

    private TableInfo lookUp(String resolvedName, Connection connection, int depth) {
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
                return TableInfo.ABSENT;
            }
            String upper = type.toUpperCase(Locale.ROOT);
            if (upper.equals("VIEW")) {
                return view(resolvedName, schema, name, connection, depth);
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
            // Rules may write other relations (or this one again) whenever this one is written.
            children.addAll(dialect.ruleTargets(connection, schema, name));
            // A materialized view holds its own rows, changed only by REFRESH: it is cached like a table.
            boolean cacheable = upper.equals("TABLE") || upper.equals("BASE TABLE")
                    || upper.equals("PARTITIONED TABLE") || upper.equals("MATERIALIZED VIEW");
            // Partitions and inheritance: a row written through the parent lands in a child and is read through
            // both, so each depends on the whole family.
            List<String> family = dialect.inheritanceFamily(connection, schema, name);
            children.addAll(family);
            boolean serverCode = dialect.runsServerCode(connection, schema, name);
            return new TableInfo(true, true, upper, cacheable, children, family,
                    family.isEmpty() && !serverCode ? integerPrimaryKey(metaData, schema, name) : null, serverCode,
                    dialect.rowSecurity(connection, schema, name));
        } catch (SQLException | RuntimeException e) {
            return TableInfo.UNKNOWN;
        }
    }

    /**
     * A view is cacheable when its definition reads only cacheable relations through deterministic functions; its
     * results then depend on every relation it reads, transitively, and on their row-level-security policies.
     */
    private TableInfo view(String resolvedName, String schema, String name, Connection connection, int depth)
            throws SQLException {
        String definition = dialect.viewDefinition(connection, schema, name);
        boolean serverCode = dialect.runsServerCode(connection, schema, name);
        if (definition == null || depth > 8) {
            return new TableInfo(true, true, "VIEW", false, List.of(), List.of(), null, serverCode,
                    RowSecurity.NONE);
        }
        SqlAnalysis analysis = SqlAnalyzer.analyze(definition, dialect.syntax(null));
        boolean cacheable = analysis.kind() == SqlAnalysis.Kind.QUERY && analysis.functions().stream()
                .allMatch(f -> DeterministicFunctions.isDeterministic(f, Set.of()));
        Set<String> readsFrom = new LinkedHashSet<>();
        RowSecurity rowSecurity = RowSecurity.NONE;
        if (analysis.tables() != null) {
            for (TableRef table : analysis.tables()) {
                String base = table.resolve(dialect.identifierCase(), schema);
                if (base.equals(resolvedName)) {
                    continue;
                }
                TableInfo info = tableInfo(base, connection, depth + 1);
                cacheable &= info.known() && info.exists() && info.cacheable();
                readsFrom.add(base);
                readsFrom.addAll(info.readsFrom());
                rowSecurity = merge(rowSecurity, info.rowSecurity());
            }
        }
        // The catalog's dependency graph is exact where the text may be ambiguous (search_path at creation).
        for (String base : dialect.viewDependencies(connection, schema, name)) {
            if (readsFrom.add(base)) {
                TableInfo info = tableInfo(base, connection, depth + 1);
                cacheable &= info.known() && info.cacheable();
                readsFrom.addAll(info.readsFrom());
                rowSecurity = merge(rowSecurity, info.rowSecurity());
            }
        }
        return new TableInfo(true, true, "VIEW", cacheable, List.of(), List.copyOf(readsFrom), null, serverCode,
                rowSecurity);
    }

    private static RowSecurity merge(RowSecurity a, RowSecurity b) {
        if (!b.enabled()) {
            return a;
        }
        if (!a.enabled()) {
            return b;
        }
        Set<String> functions = new LinkedHashSet<>(a.functions());
        functions.addAll(b.functions());
        Set<String> settings = new LinkedHashSet<>(a.settingsRead());
        settings.addAll(b.settingsRead());
        List<String> reads = new ArrayList<>(a.reads());
        reads.addAll(b.reads());
        return new RowSecurity(functions, settings, reads,
                a.notAnalyzable() != null ? a.notAnalyzable() : b.notAnalyzable());
    }

    /** Runs a catalog query taking (schema, name) and returning (schema, name) rows, as {@code schema.name}. */
    static List<String> qualifiedNames(Connection connection, String sql, String schema, String name)
            throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(rows.getString(1) + "." + rows.getString(2));
                }
            }
        }
        return result;
    }

    /** The table's primary key column if it is a single integer column (as stored), else null. */
    private static String integerPrimaryKey(DatabaseMetaData metaData, String schema, String name)
            throws SQLException {
        String column = null;
        int columns = 0;
        try (ResultSet keys = metaData.getPrimaryKeys(null, schema, name)) {
            while (keys.next()) {
                column = keys.getString("COLUMN_NAME");
                columns++;
            }
        }
        if (columns != 1) {
            return null;
        }
        String escape = metaData.getSearchStringEscape();
        try (ResultSet rows = metaData.getColumns(null, pattern(schema, escape), pattern(name, escape),
                pattern(column, escape))) {
            while (rows.next()) {
                if (column.equals(rows.getString("COLUMN_NAME")) && name.equals(rows.getString("TABLE_NAME"))) {
                    int type = rows.getInt("DATA_TYPE");
                    boolean integral = type == Types.INTEGER || type == Types.BIGINT || type == Types.SMALLINT
                            || type == Types.TINYINT;
                    // A generated key changes when the columns it derives from do, without being named.
                    String generated = rows.getString("IS_GENERATEDCOLUMN");
                    return integral && !"YES".equalsIgnoreCase(generated) ? column : null;
                }
            }
        }
        return null;
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
}
