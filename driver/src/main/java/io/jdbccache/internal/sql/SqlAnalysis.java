package io.jdbccache.internal.sql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What one SQL string does, as far as the cache is concerned: immutable once built, computed once per distinct SQL
 * string and lexical syntax. What the layers above learn about it (plans, result columns, statistics) they keep in
 * their own holder ({@code AnalyzedSql}), never here.
 */
public final class SqlAnalysis {
    /** The statement's effect on the cache. */
    public enum Kind {
        /** A read whose result may be cached; {@link #tables()} are the tables it reads. */
        QUERY,
        /** A read that must not be cached ({@link #bypassReason()} says why); it changes no table. */
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
        /**
         * Changes session state that can change results: SET, RESET, SET ROLE, DISCARD, USE, CREATE TEMP TABLE...
         * The connection reads its state back before its next cached read.
         */
        SESSION_CHANGE,
        /** SET AUTOCOMMIT sent as SQL: the connection reads its autocommit state back afterwards. */
        AUTOCOMMIT_CHANGE,
        /** Several statements in one string: {@link #parts()} are analyzed one by one, in order. */
        MULTIPLE
    }

    private final Kind kind;
    private final String normalizedSql;
    private List<TableRef> tables;
    private final BypassReason bypassReason;
    private final String bypassDetail;
    private Set<String> functions;
    private boolean changesSchema;
    private boolean mayChangeSession;
    private boolean affectsAllSessions;
    private boolean snapshotIsolation;
    private int parameterCount;
    private List<TableRef> cteNames = List.of();
    private List<SqlAnalysis> parts = List.of();
    private boolean chained;
    private RowKey rowKey;
    private List<String> updatedColumns = List.of();
    private Set<String> settingsRead = Set.of();
    private boolean readsUnnamedSetting;
    private Set<String> castTypes = Set.of();
    private Set<String> operators = Set.of();
    private List<TableRef> mentioned;
    private boolean hasJdbcEscapes;
    private String shape;

    SqlAnalysis(Kind kind, String normalizedSql, List<TableRef> tables, BypassReason bypassReason,
            String bypassDetail, Set<String> functions) {
        this.kind = kind;
        this.functions = functions == null ? Set.of() : Set.copyOf(functions);
        this.normalizedSql = normalizedSql;
        this.tables = tables == null ? null : List.copyOf(tables);
        this.bypassReason = bypassReason;
        this.bypassDetail = bypassDetail == null && bypassReason != null ? bypassReason.description() : bypassDetail;
        // The analyzer marks DDL by its leading word; anything unknown may be DDL too.
        this.changesSchema = kind == Kind.WRITE_UNKNOWN;
        // Anything but a read or a plain write may run server code or change the session; the analyzer narrows it.
        this.mayChangeSession = kind == Kind.WRITE_UNKNOWN || kind == Kind.SESSION_CHANGE
                || kind == Kind.AUTOCOMMIT_CHANGE;
    }

    SqlAnalysis(Kind kind, String normalizedSql) {
        this(kind, normalizedSql, null, null, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Canonical text: the same for texts the database reads as the same token sequence. */
    public String normalizedSql() {
        return normalizedSql;
    }

    /** Tables read (QUERY) or written (WRITE); {@code null} when unknown. */
    public List<TableRef> tables() {
        return tables;
    }

    /** Why a read is not cached; null for cacheable reads and for statements that are not reads. */
    public BypassReason bypassReason() {
        return bypassReason;
    }

    /** The bypass reason in words, with its particulars ({@code "function now() ..."}); null with no reason. */
    public String bypassDetail() {
        return bypassDetail;
    }

    /**
     * Names of the functions (and unknown operators, as {@code operator <symbol>}) a statement calls: unquoted
     * names in lower case, quoted ones exactly as written. The rules decide which are deterministic.
     */
    public Set<String> functions() {
        return functions;
    }

    /** Adds calls found in the text that the parse tree did not show (see {@code SqlAnalyzer}). */
    void addFunctions(Set<String> more) {
        Set<String> all = new LinkedHashSet<>(functions);
        all.addAll(more);
        functions = Set.copyOf(all);
    }

    public boolean isWrite() {
        if (kind == Kind.MULTIPLE) {
            return parts.stream().anyMatch(SqlAnalysis::isWrite);
        }
        return kind == Kind.WRITE || kind == Kind.WRITE_UNKNOWN;
    }

    /**
     * True if running the statement may change session state that can change results (settings, role, search
     * path, temporary tables): it runs server code the driver cannot see into (functions other than known
     * built-ins, DO, CALL, EXECUTE, unparseable SQL) or is a session command. Writes to tables with triggers or
     * rules are decided by the connection, which knows the catalog.
     */
    public boolean mayChangeSession() {
        if (kind == Kind.MULTIPLE) {
            return parts.stream().anyMatch(SqlAnalysis::mayChangeSession);
        }
        return mayChangeSession;
    }

    void mayChangeSession(boolean value) {
        this.mayChangeSession = value;
    }

    /** True if the change reaches every session of the database (H2's database-wide settings). */
    public boolean affectsAllSessions() {
        if (kind == Kind.MULTIPLE) {
            return parts.stream().anyMatch(SqlAnalysis::affectsAllSessions);
        }
        return affectsAllSessions;
    }

    void affectsAllSessions(boolean value) {
        this.affectsAllSessions = value;
    }

    /** For BEGIN / START TRANSACTION: it asks for REPEATABLE READ or SERIALIZABLE. */
    public boolean snapshotIsolation() {
        return snapshotIsolation;
    }

    void snapshotIsolation(boolean value) {
        this.snapshotIsolation = value;
    }

    /**
     * The number of JDBC {@code ?} placeholders, as the driver counts them (pgjdbc reads {@code ??} as an
     * operator); -1 when placeholders are numbered ({@code ?1}) and so cannot be checked for completeness.
     */
    public int parameterCount() {
        return parameterCount;
    }

    void parameterCount(int count) {
        this.parameterCount = count;
    }

    /** The normalized SQL with literal values replaced by {@code ?}: queries differing only in values share it. */
    public String shape() {
        return shape == null ? normalizedSql : shape;
    }

    void shape(String text) {
        this.shape = text;
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

    /** Names of the settings read with {@code current_setting('<literal>')} (used for row-security policies). */
    public Set<String> settingsRead() {
        return settingsRead;
    }

    void settingsRead(Set<String> names) {
        this.settingsRead = Set.copyOf(names);
    }

    /** True if {@code current_setting} is called with a name that is not a literal. */
    public boolean readsUnnamedSetting() {
        return readsUnnamedSetting;
    }

    void readsUnnamedSetting(boolean value) {
        this.readsUnnamedSetting = value;
    }

    /**
     * The type names the statement casts to ({@code ::t}, {@code CAST(x AS t)}, {@code t 'literal'}): a cast to a
     * domain or a user type may run user code, which the connection checks against the catalog. Over-approximate:
     * keywords before a literal are included too.
     */
    public Set<String> castTypes() {
        return castTypes;
    }

    void castTypes(Set<String> types) {
        this.castTypes = Set.copyOf(types);
    }

    /**
     * Every operator the statement uses (PostgreSQL; split as PostgreSQL splits runs of operator characters): a
     * user's operator of the same symbol may be chosen over the built-in, which the connection checks against the
     * catalog. Empty for other databases.
     */
    public Set<String> operators() {
        return operators;
    }

    void operators(Set<String> symbols) {
        this.operators = Set.copyOf(symbols);
    }

    /**
     * The relations a statement may read or write: a read's tables when they are known; every relation a write
     * names, its targets and what it reads (a view it reads or writes through may run code); for a statement the
     * parser could not read, the names after FROM and JOIN. Empty when none.
     */
    public List<TableRef> relationsMentioned() {
        return mentioned != null ? mentioned : tables != null ? tables : List.of();
    }

    void relationsMentioned(List<TableRef> relations) {
        this.mentioned = List.copyOf(relations);
    }

    /** True if the text holds a JDBC escape ({@code {fn ...}}), which the driver processes only if asked to. */
    public boolean hasJdbcEscapes() {
        if (kind == Kind.MULTIPLE) {
            return parts.stream().anyMatch(SqlAnalysis::hasJdbcEscapes);
        }
        return hasJdbcEscapes;
    }

    void hasJdbcEscapes(boolean value) {
        this.hasJdbcEscapes = value;
    }

    /** True for DDL, after which the catalog's facts about the tables must be read again. */
    public boolean changesSchema() {
        if (kind == Kind.MULTIPLE) {
            return parts.stream().anyMatch(SqlAnalysis::changesSchema);
        }
        return changesSchema;
    }

    void changesSchema(boolean value) {
        this.changesSchema = value;
    }

    /** Puts back the real names of quoted identifiers the parser saw as placeholders ({@code "odd.parent"}). */
    void restoreNames(Map<String, String> aliases) {
        UnaryOperator<String> part = identifier -> {
            if (identifier == null) {
                return null;
            }
            String real = aliases.get(TableRef.unquote(identifier));
            return real == null ? identifier : '"' + real.replace("\"", "\"\"") + '"';
        };
        UnaryOperator<List<TableRef>> refs = list -> list == null ? null
                : list.stream().map(t -> new TableRef(part.apply(t.schema()), part.apply(t.name()))).toList();
        tables = refs.apply(tables);
        cteNames = refs.apply(cteNames);
        mentioned = refs.apply(mentioned);
        if (rowKey != null) {
            rowKey = new RowKey(part.apply(rowKey.column()), rowKey.parameterIndex(), rowKey.literal());
        }
        updatedColumns = updatedColumns.stream().map(part).toList();
        for (SqlAnalysis p : parts) {
            p.restoreNames(aliases);
        }
    }

    @Override
    public String toString() {
        return kind + (tables == null ? "" : " " + tables) + (bypassReason == null ? "" : " (" + bypassDetail + ")")
                + ": " + normalizedSql;
    }
}
