package io.jdbccache.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jdbccache.internal.catalog.Catalog;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.catalog.Routines;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.TableInfo;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One database as seen by one cache: its dialect, the analysis of each SQL string sent to it, the version stamp of
 * each of its tables, and its catalog. Thread-safe; shared by all connections of the cache to that database.
 */
public final class DatabaseScope {
    /** Estimated bytes an analysis keeps besides its texts (token lists are not kept; plans and memos are small). */
    private static final int ANALYSIS_OVERHEAD_BYTES = 512;
    private final String identity;
    private final Dialect dialect;
    private final Catalog catalog;
    private final Map<SqlSyntax, Cache<String, AnalyzedSql>> analyses = new EnumMap<>(SqlSyntax.class);
    private final ConcurrentHashMap<String, TableVersion> versions = new ConcurrentHashMap<>();
    private final TableVersion everything;
    private final AtomicBoolean warmedUp = new AtomicBoolean();
    private volatile ConnectionSource diagnosticsSource;
    /** Bounded: past it, equal contexts are merely equal, not identical, which is slower but still correct. */
    private final ConcurrentMap<ConnectionContext, ConnectionContext> contexts =
            Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run)
                    .<ConnectionContext, ConnectionContext>build().asMap();

    /**
     * @param analysisCacheSize  at most this many analyses are kept
     * @param analysisCacheBytes and at most about this many bytes of them: a statement of 60 KB weighs 60 KB
     * @param catalogRefreshNanos how long catalog facts are trusted without DDL through the driver
     */
    DatabaseScope(String identity, Dialect dialect, int analysisCacheSize, long analysisCacheBytes,
            long catalogRefreshNanos) {
        this.identity = identity;
        this.dialect = dialect;
        this.catalog = new Catalog(dialect, catalogRefreshNanos);
        // Every analysis weighs at least bytes / size, rounded up: rounded down, the remainder let one more in.
        long floor = Math.max(1, (analysisCacheBytes + analysisCacheSize - 1) / analysisCacheSize);
        for (SqlSyntax syntax : SqlSyntax.values()) {
            analyses.put(syntax, Caffeine.newBuilder()
                    .maximumWeight(analysisCacheBytes)
                    .weigher((String sql, AnalyzedSql analyzed) -> (int) Math.min(Integer.MAX_VALUE,
                            Math.max(floor, weight(sql, analyzed.analysis()))))
                    .executor(Runnable::run)
                    .build());
        }
        this.everything = new TableVersion(identity, "*");
    }

    private static long weight(String sql, SqlAnalysis analysis) {
        long bytes = ANALYSIS_OVERHEAD_BYTES + sql.length();
        if (analysis.normalizedSql() != sql) {
            bytes += analysis.normalizedSql().length();
        }
        if (analysis.shape() != analysis.normalizedSql()) {
            bytes += analysis.shape().length();
        }
        for (SqlAnalysis part : analysis.parts()) {
            bytes += ANALYSIS_OVERHEAD_BYTES + part.normalizedSql().length() + part.shape().length();
        }
        return bytes;
    }

    /** The database's identity: its URL without parameters or credentials. */
    public String identity() {
        return identity;
    }

    /**
     * True if {@code other} stands for the same database: the same identity, dialect and identifier case, which is
     * what a cache tells its scopes apart by (so within one cache it means the same instance). Compared by value so
     * that a key's equality never rests on which instance built it.
     */
    public boolean sameDatabase(DatabaseScope other) {
        return this == other || identity.equals(other.identity) && dialect.name().equals(other.dialect.name())
                && dialect.identifierCase() == other.dialect.identifierCase();
    }

    public Dialect dialect() {
        return dialect;
    }

    public TableRef.IdentifierCase identifierCase() {
        return dialect.identifierCase();
    }

    /**
     * The analysis of {@code sql} under {@code syntax}, with what serving it taught, parsing it only the first time
     * it is seen (while it stays in the bound).
     */
    public AnalyzedSql analyze(String sql, SqlSyntax syntax) {
        Cache<String, AnalyzedSql> cache = analyses.get(syntax);
        AnalyzedSql analyzed = cache.getIfPresent(sql);
        if (analyzed == null) {
            // Parsing outside any lock: two threads may both parse a new string once, which is cheaper than
            // making every other key wait behind a slow parse.
            analyzed = AnalyzedSql.of(SqlAnalyzer.analyze(sql, syntax));
            cache.put(sql, analyzed);
        }
        return analyzed;
    }

    /** Analyses held for each syntax (for tests and statistics). */
    public long analysesHeld() {
        long held = 0;
        for (Cache<String, AnalyzedSql> cache : analyses.values()) {
            cache.cleanUp();
            held += cache.estimatedSize();
        }
        return held;
    }

    /**
     * The estimated bytes of the analyses held, summed over the syntaxes: each one's own estimate, without the
     * per-entry floor ({@code cache.analysisCacheBytes / cache.analysisCacheSize}) by which the count bound is
     * enforced, so it says what is kept rather than how close the bound is. A walk over the entries (for tests and
     * statistics, never on a statement's path).
     */
    public long analysisBytesHeld() {
        long bytes = 0;
        for (Cache<String, AnalyzedSql> cache : analyses.values()) {
            cache.cleanUp();
            for (Map.Entry<String, AnalyzedSql> entry : cache.asMap().entrySet()) {
                bytes += weight(entry.getKey(), entry.getValue().analysis());
            }
        }
        return bytes;
    }

    /**
     * The one shared instance equal to {@code context}, so that comparing the contexts of two keys on the hit path
     * is an identity check instead of comparing several strings.
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

    /** The version stamp every entry of this database depends on: moved by writes whose tables are unknown. */
    public TableVersion everything() {
        return everything;
    }

    /** The version stamp of a resolved table name ({@code schema.name}). */
    public TableVersion version(String resolvedName) {
        TableVersion version = versions.get(resolvedName);
        return version != null ? version : versions.computeIfAbsent(resolvedName, name -> new TableVersion(identity, name));
    }

    /**
     * This scope's stamp named by {@code id} (of this database), or null if it was never made here: no entry and no
     * read in flight depends on it (a read makes its stamps before it goes to the database), so an event about it
     * has nothing to invalidate. Never made for an event: a message from the shared tier names whatever its sender
     * wrote, and whoever can write to Redis could name any number of tables and rows.
     */
    public TableVersion existingStamp(StampId id) {
        if (id.kind() == TableVersion.Kind.DATABASE) {
            return everything;
        }
        TableVersion table = versions.get(id.table());
        if (table == null) {
            return null;
        }
        return switch (id.kind()) {
            case TABLE -> table;
            case ANY_ROW -> table.existingAnyRow();
            case ROW -> table.existingRow(id.rowKey());
            case DATABASE -> everything;
        };
    }

    /**
     * Resolves a table as written to its stored {@code schema.name} on a session's search path.
     *
     * @param connection the physical connection, for catalog lookups
     */
    public String resolve(TableRef table, SearchPath path, Connection connection) {
        return catalog.resolve(table, path, connection);
    }

    /** As {@link #resolve(TableRef, SearchPath, Connection)}; {@code remember} false inside a transaction that ran DDL. */
    public String resolve(TableRef table, SearchPath path, Connection connection, boolean remember) {
        return catalog.resolve(table, path, connection, remember);
    }

    /** As {@link #tableInfo(String, Connection)}; {@code remember} false inside a transaction that ran DDL. */
    public TableInfo tableInfo(String resolvedName, Connection connection, boolean remember) {
        return catalog.tableInfo(resolvedName, connection, remember);
    }

    /** The database's functions, operators and types beyond its built-ins (see {@link Routines}). */
    public Routines routines(Connection connection, boolean remember) {
        return catalog.routines(connection, remember);
    }

    /**
     * What the catalog says about a resolved table, looked up once through {@code connection} and remembered. A
     * failed lookup is not remembered and reports an unknown table.
     */
    public TableInfo tableInfo(String resolvedName, Connection connection) {
        return catalog.tableInfo(resolvedName, connection);
    }

    /** Every table stamp of this database seen so far, for statistics. */
    public Collection<TableVersion> tables() {
        return versions.values();
    }

    void resetStatistics() {
        for (TableVersion table : versions.values()) {
            table.resetStatistics();
        }
    }

    /** The settings the row-level-security policies seen so far read: sessions read their values back. */
    public Set<String> policySettings() {
        return catalog.policySettings();
    }

    /**
     * Moves whenever catalog facts are forgotten, so decisions derived from them are made again and every session
     * reads its state back (DDL can change what a search path resolves to).
     */
    public long catalogEpoch() {
        return catalog.epoch();
    }

    /** Forgets all catalog facts (after DDL): views, tables, policies and foreign keys may have changed. */
    public void forgetCatalog() {
        catalog.forget();
    }

    /** Forgets catalog facts older than the refresh interval; true if it did. */
    public boolean forgetCatalogIfStale() {
        return catalog.forgetIfStale();
    }
}
