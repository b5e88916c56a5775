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
import java.util.Set;
import io.jdbccache.internal.sql.DeterministicFunctions;
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
    private final java.util.concurrent.atomic.AtomicBoolean warmedUp = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile ConnectionSource diagnosticsSource;
    /** Bounded: past it, equal contexts are merely equal, not identical, which is slower but still correct. */
    private final java.util.concurrent.ConcurrentMap<ConnectionContext, ConnectionContext> contexts =
            Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run)
                    .<ConnectionContext, ConnectionContext>build().asMap();
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

    /**
     * The one shared instance equal to {@code context}, so that comparing the contexts of two keys on the hit path
     * is an identity check instead of comparing five strings.
     */
    public ConnectionContext intern(ConnectionContext context) {
        ConnectionContext existing = contexts.putIfAbsent(context, context);
        return existing == null ? context : existing;
    }

    /** Opens a separate connection to this database for diagnostics (EXPLAIN), never used by queries. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    public void diagnosticsSource(ConnectionSource source) {
        this.diagnosticsSource = source;
    }

    public ConnectionSource diagnosticsSource() {
        return diagnosticsSource;
    }

    /** True exactly once: for the first connection, which then runs the warm-up queries. */
    public boolean claimWarmUp() {
        return warmedUp.compareAndSet(false, true);
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
        return tableInfo(resolvedName, connection, 0);
    }

    /** Every table stamp of this database seen so far, for statistics. */
    public java.util.Collection<TableVersion> tables() {
        return versions.values();
    }

    void resetStatistics() {
        for (TableVersion table : versions.values()) {
            table.resetStatistics();
        }
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
        return lookUp(resolvedName, connection, 0);
    }

    private TableInfo lookUp(String resolvedName, Connection connection, int depth) {
        int dot = resolvedName.lastIndexOf('.');
        String schema = dot < 0 ? null : resolvedName.substring(0, dot);
        String name = resolvedName.substring(dot + 1);
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            // Catalog queries go through the same physical connection, reached the way metadata calls reach it.
            Connection catalog = metaData.getConnection() != null ? metaData.getConnection() : connection;
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
            String upper = type.toUpperCase(Locale.ROOT);
            if (upper.equals("VIEW")) {
                return view(resolvedName, schema, name, catalog, depth);
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
            // A materialized view holds its own rows, changed only by REFRESH: it is cached like a table.
            boolean cacheable = upper.equals("TABLE") || upper.equals("BASE TABLE")
                    || upper.equals("PARTITIONED TABLE") || upper.equals("MATERIALIZED VIEW");
            // Partitions and inheritance: a row written through the parent lands in a child and is read through
            // both, so each depends on the whole family.
            List<String> family = isPostgres(catalog) ? postgresInheritanceFamily(schema, name, catalog)
                    : List.of();
            children.addAll(family);
            return new TableInfo(true, upper, cacheable, List.copyOf(children), family,
                    family.isEmpty() && !hasTriggers(catalog, schema, name)
                            ? integerPrimaryKey(metaData, schema, name) : null);
        } catch (SQLException | RuntimeException e) {
            return TableInfo.UNKNOWN;
        }
    }

    /**
     * A view is cacheable when its definition reads only cacheable relations through deterministic functions; its
     * results then depend on every relation it reads, transitively.
     */
    private TableInfo view(String resolvedName, String schema, String name, Connection connection, int depth)
            throws SQLException {
        String definition = viewDefinition(schema, name, connection);
        if (definition == null || depth > 8) {
            return new TableInfo(true, "VIEW", false, List.of(), List.of(), null);
        }
        SqlAnalysis analysis = SqlAnalyzer.analyze(definition, identifierCase);
        boolean cacheable = analysis.kind() == SqlAnalysis.Kind.QUERY && analysis.functions().stream()
                .allMatch(f -> DeterministicFunctions.isDeterministic(f, java.util.Set.of()));
        Set<String> readsFrom = new java.util.LinkedHashSet<>();
        if (analysis.tables() != null) {
            for (TableRef table : analysis.tables()) {
                String base = table.resolve(identifierCase, schema);
                if (base.equals(resolvedName)) {
                    continue;
                }
                TableInfo info = tableInfo(base, connection, depth + 1);
                cacheable &= info.known() && info.cacheable();
                readsFrom.add(base);
                readsFrom.addAll(info.readsFrom());
            }
        }
        if (isPostgres(connection)) {
            // The catalog's dependency graph is exact where the text may be ambiguous (search_path at creation).
            readsFrom.addAll(postgresViewDependencies(schema, name, connection));
        }
        return new TableInfo(true, "VIEW", cacheable, List.of(), List.copyOf(readsFrom), null);
    }

    private TableInfo tableInfo(String resolvedName, Connection connection, int depth) {
        TableInfo info = catalog.get(resolvedName);
        if (info == null) {
            info = lookUp(resolvedName, connection, depth);
            if (info.known()) {
                catalog.put(resolvedName, info);
            }
        }
        return info;
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    private static String viewDefinition(String schema, String name, Connection connection) throws SQLException {
        String sql = isPostgres(connection)
                ? "SELECT pg_get_viewdef(c.oid, true) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ?"
                : "SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static List<String> postgresInheritanceFamily(String schema, String name, Connection connection)
            throws SQLException {
        String sql = "WITH RECURSIVE t AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ?),"
                + " up(oid) AS (SELECT i.inhparent FROM pg_inherits i JOIN t ON i.inhrelid = t.oid"
                + " UNION SELECT i.inhparent FROM pg_inherits i JOIN up ON i.inhrelid = up.oid),"
                + " down(oid) AS (SELECT i.inhrelid FROM pg_inherits i JOIN t ON i.inhparent = t.oid"
                + " UNION SELECT i.inhrelid FROM pg_inherits i JOIN down ON i.inhparent = down.oid)"
                + " SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid IN (SELECT oid FROM up UNION SELECT oid FROM down)";
        return qualifiedNames(connection, sql, schema, name);
    }

    private static List<String> postgresViewDependencies(String schema, String name, Connection connection)
            throws SQLException {
        String sql = "SELECT DISTINCT rn.nspname, rc.relname FROM pg_class v"
                + " JOIN pg_namespace vn ON vn.oid = v.relnamespace"
                + " JOIN pg_rewrite r ON r.ev_class = v.oid"
                + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                + " AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                + " WHERE vn.nspname = ? AND v.relname = ? AND rc.oid <> v.oid";
        return qualifiedNames(connection, sql, schema, name);
    }

    /** Runs a catalog query taking (schema, name) and returning (schema, name) rows, as {@code schema.name}. */
    private static List<String> qualifiedNames(Connection connection, String sql, String schema, String name)
            throws SQLException {
        List<String> result = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
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

    /**
     * True if the table has triggers (or we cannot tell): a trigger may change other rows of the table, or the
     * key itself, so writes to it are never treated as writes to one row.
     */
    private static boolean hasTriggers(Connection connection, String schema, String name) {
        try {
            String sql = isPostgres(connection)
                    ? "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE n.nspname = ? AND c.relname = ? AND NOT t.tgisinternal"
                    : "SELECT count(*) FROM INFORMATION_SCHEMA.TRIGGERS"
                            + " WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?";
            try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, schema);
                statement.setString(2, name);
                try (ResultSet rows = statement.executeQuery()) {
                    return !rows.next() || rows.getLong(1) > 0;
                }
            }
        } catch (SQLException | RuntimeException e) {
            return true;
        }
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
                    boolean integral = type == java.sql.Types.INTEGER || type == java.sql.Types.BIGINT
                            || type == java.sql.Types.SMALLINT || type == java.sql.Types.TINYINT;
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

    /**
     * Catalog facts about one table.
     *
     * @param known           false when the lookup failed or found nothing
     * @param type            the catalog's table type (TABLE, VIEW, ...)
     * @param cacheable       true for tables, materialized views and views over cacheable relations: results
     *                        reading anything else (foreign tables, temporary tables, views calling volatile
     *                        functions) are not cached, since changes behind them are invisible here
     * @param cascadeChildren tables that a write to this one may change through ON DELETE/UPDATE CASCADE, SET NULL
     *                        or SET DEFAULT foreign keys
     * @param readsFrom       for a view, every relation it reads, transitively; for a partitioned or inherited
     *                        table, its ancestors and descendants: its results depend on them all
     * @param integerKey      the single integer primary-key column (as stored) of a plain table outside any
     *                        inheritance family, which reads and writes by key may use; null otherwise
     */
    public record TableInfo(boolean known, String type, boolean cacheable, List<String> cascadeChildren,
            List<String> readsFrom, String integerKey) {
        static final TableInfo UNKNOWN = new TableInfo(false, "UNKNOWN", false, List.of(), List.of(), null);
    }
}
