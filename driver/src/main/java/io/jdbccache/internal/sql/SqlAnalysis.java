package io.jdbccache.internal.sql;

import java.util.List;

/**
 * What one SQL string does, as far as the cache is concerned. Immutable apart from memoized per-shape data, and
 * computed once per distinct SQL string.
 */
public final class SqlAnalysis {
    /** The statement's effect on the cache. */
    public enum Kind {
        /** A read whose result may be cached; {@link #tables()} are the tables it reads. */
        QUERY,
        /** A read that must not be cached ({@link #bypassReason()} says why); it changes nothing. */
        UNCACHEABLE_READ,
        /** A write to {@link #tables()}. */
        WRITE,
        /** A write whose tables are unknown: everything cached for the database is invalidated. */
        WRITE_UNKNOWN,
        /** BEGIN / START TRANSACTION issued as SQL. */
        BEGIN,
        /** COMMIT / END issued as SQL. */
        COMMIT,
        /** ROLLBACK / ABORT issued as SQL (not to a savepoint). */
        ROLLBACK,
        /** ROLLBACK TO SAVEPOINT: undoes part of the transaction, which goes on. */
        ROLLBACK_TO_SAVEPOINT,
        /** A session setting that may change results (time zone, date style...): becomes part of the key. */
        SESSION_SETTING,
        /** Changes how table names resolve or who runs queries (search_path, role, schema): reads bypass. */
        SESSION_SCOPE_CHANGE,
        /** SET AUTOCOMMIT sent as SQL: the connection reads its autocommit state back afterwards. */
        AUTOCOMMIT_CHANGE,
        /** A SET LOCAL (or similar) that lasts until the transaction ends: reads bypass until then. */
        TRANSACTION_SCOPE_CHANGE,
        /** Several statements in one string: {@link #parts()} are analyzed one by one, in order. */
        MULTIPLE
    }

    private final Kind kind;
    private final String normalizedSql;
    private final List<TableRef> tables;
    private final String bypassReason;
    private final java.util.Set<String> functions;
    private final boolean changesSchema;
    private List<TableRef> cteNames = List.of();
    private List<SqlAnalysis> parts = List.of();
    private boolean chained;
    private String settingName;
    private RowKey rowKey;
    private List<String> updatedColumns = List.of();
    private volatile Object columnsMemo;
    private volatile Object planMemo;
    private volatile io.jdbccache.internal.stats.ShapeStats shapeStats;
    private String shape;

    SqlAnalysis(Kind kind, String normalizedSql, List<TableRef> tables, String bypassReason,
            java.util.Set<String> functions) {
        this.kind = kind;
        this.functions = functions == null ? java.util.Set.of() : java.util.Set.copyOf(functions);
        this.normalizedSql = normalizedSql;
        this.tables = tables == null ? null : List.copyOf(tables);
        this.bypassReason = bypassReason;
        String first = normalizedSql.length() < 6 ? "" : normalizedSql.substring(0, 6).toLowerCase(java.util.Locale.ROOT);
        this.changesSchema = first.startsWith("create") || first.startsWith("alter") || first.startsWith("drop")
                || first.startsWith("rename") || kind == Kind.WRITE_UNKNOWN;
    }

    public Kind kind() {
        return kind;
    }

    /** Canonical text: the same for texts differing only in whitespace, comments and unquoted-word case. */
    public String normalizedSql() {
        return normalizedSql;
    }

    /** Tables read (QUERY) or written (WRITE); {@code null} when unknown. */
    public List<TableRef> tables() {
        return tables;
    }

    /** Why a read is not cached; null for other kinds. */
    public String bypassReason() {
        return bypassReason;
    }

    /** Lower-case names of the functions a read calls; the rules decide whether they are deterministic. */
    public java.util.Set<String> functions() {
        return functions;
    }

    public boolean isWrite() {
        if (kind == Kind.MULTIPLE) {
            return parts.stream().anyMatch(SqlAnalysis::isWrite);
        }
        return kind == Kind.WRITE || kind == Kind.WRITE_UNKNOWN;
    }

    /** Result metadata last seen for this SQL, reused so a miss does not re-read it (opaque to this class). */
    public Object columnsMemo() {
        return columnsMemo;
    }

    public void columnsMemo(Object columns) {
        this.columnsMemo = columns;
    }

    /**
     * What the driver last decided for this SQL in one setting (resolved tables, rules verdict), kept so a repeated
     * statement does not decide again; opaque to this class, validated by its user.
     */
    public Object planMemo() {
        return planMemo;
    }

    public void planMemo(Object plan) {
        this.planMemo = plan;
    }

    /** The normalized SQL with literal values replaced by {@code ?}: queries differing only in values share it. */
    public String shape() {
        return shape == null ? normalizedSql : shape;
    }

    void shape(String text) {
        this.shape = text;
    }

    /** The statistics of this SQL's shape, linked on first use so the hit path finds them with one read. */
    public io.jdbccache.internal.stats.ShapeStats shapeStats() {
        return shapeStats;
    }

    public void shapeStats(io.jdbccache.internal.stats.ShapeStats stats) {
        this.shapeStats = stats;
    }

    /**
     * Names defined by WITH items. A CTE may share its name with a table (and shadow it in one scope only), so a
     * read depends on a table of that name too, if one exists.
     */
    public List<TableRef> cteNames() {
        return cteNames;
    }

    void cteNames(List<TableRef> names) {
        this.cteNames = List.copyOf(names);
    }

    /** For {@link Kind#MULTIPLE}: each statement, in order. */
    public List<SqlAnalysis> parts() {
        return parts;
    }

    void parts(List<SqlAnalysis> statements) {
        this.parts = List.copyOf(statements);
    }

    /** For COMMIT and ROLLBACK: {@code AND CHAIN}, so a new transaction starts at once. */
    public boolean chained() {
        return chained;
    }

    void chained(boolean value) {
        this.chained = value;
    }

    /** For {@link Kind#SESSION_SETTING}: the setting's lower-case name ({@code *} for DISCARD/RESET ALL). */
    public String settingName() {
        return settingName;
    }

    void settingName(String name) {
        this.settingName = name;
    }

    /**
     * For a read or a single-table UPDATE/DELETE without subqueries: an equality that may name the one row it
     * touches (if its column turns out to be the integer primary key); null otherwise.
     */
    public RowKey rowKey() {
        return rowKey;
    }

    void rowKey(RowKey key) {
        this.rowKey = key;
    }

    /** For an UPDATE: the columns it sets, as written (a write that changes the key itself is not by key). */
    public List<String> updatedColumns() {
        return updatedColumns;
    }

    void updatedColumns(List<String> columns) {
        this.updatedColumns = List.copyOf(columns);
    }

    /** True for DDL, after which the catalog's facts about the tables must be read again. */
    public boolean changesSchema() {
        return changesSchema;
    }

    @Override
    public String toString() {
        return kind + (tables == null ? "" : " " + tables) + (bypassReason == null ? "" : " (" + bypassReason + ")")
                + ": " + normalizedSql;
    }
}
