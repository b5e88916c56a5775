package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.AnalyzedSql;
import io.jdbccache.internal.cache.CallJudge;
import io.jdbccache.internal.cache.CodeVerdict;
import io.jdbccache.internal.cache.ConnectionContext;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.ReadPlan;
import io.jdbccache.internal.cache.ReadPlans;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.cache.WritePlan;
import io.jdbccache.internal.cache.WritePlans;
import io.jdbccache.internal.catalog.Calls;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.catalog.Routines;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.SessionState;
import io.jdbccache.internal.catalog.TableInfo;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.BypassReason;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cache's side of one connection: the key context of its session's state (read back from the database when it
 * may have changed), what its reads may use ({@link #readPlan}), what its statements invalidate before and after
 * they run, and its transaction ({@link TransactionState}). {@link CachingConnection} feeds it the JDBC calls that
 * matter; the statements ask it before and tell it after each execution.
 *
 * <p>Not thread-safe, like its connection: one thread at a time.
 */
final class CacheSession {
    private static final ReadPlan SESSION_UNKNOWN = ReadPlan.bypass(BypassReason.SESSION_STATE_UNKNOWN);
    private static final ReadPlan SNAPSHOT = ReadPlan.bypass(BypassReason.SNAPSHOT_TRANSACTION);
    private static final ReadPlan WRITTEN = ReadPlan.bypass(BypassReason.WRITTEN_IN_TRANSACTION);
    private static final ReadPlan TEMPORARY = ReadPlan.bypass(BypassReason.TEMPORARY_TABLE);
    private static final ReadPlan FAILED = ReadPlan.bypass(BypassReason.TRANSACTION_FAILED);
    private static final ReadPlan SHADOWED = new ReadPlan(null, null, null, -1, new TableVersion[0],
            BypassReason.NON_DETERMINISTIC, "the search path lists a schema before pg_catalog: built-in functions and"
                    + " operators may be shadowed", 0, null, null, Set.of(), false);
    private static final AnalyzedSql NULL_STATEMENT = AnalyzedSql.of(SqlAnalyzer.analyze("", SqlSyntax.GENERIC));

    private final ResultCache cache;
    private final CacheConfig config;
    private final DatabaseScope database;
    private final Dialect dialect;
    /** The connection as the user's statements see it (the real driver's, or a wrapping driver's). */
    private final Connection delegate;
    /** The real driver's own connection (reached through its metadata), for catalog queries and read-backs. */
    private final Connection physical;
    private final String urlOptions;
    private final SessionTracker session;
    private final TransactionState transaction;
    private SessionState contextState;
    private ConnectionContext context;
    private String catalogName;
    /** Set when the connection closed or aborted: nothing it runs afterwards changes the bookkeeping. */
    private boolean released;

    CacheSession(Connection delegate, Connection physical, ResultCache cache, CacheConfig config,
            DatabaseScope database, String catalogName, String urlOptions, boolean autoCommit, int isolation) {
        this.delegate = delegate;
        this.physical = physical;
        this.cache = cache;
        this.config = config;
        this.database = database;
        this.dialect = database.dialect();
        this.catalogName = catalogName;
        this.urlOptions = urlOptions;
        this.transaction = new TransactionState(autoCommit, isolation);
        this.session = new SessionTracker(new SessionTracker.Reader() {
            @Override
            public SessionState read() throws SQLException {
                cache.recordSessionReadBack();
                return dialect.readSession(dialect.readsSessionBack() ? CacheSession.this.physical
                        : CacheSession.this.delegate, keySettings());
            }

            @Override
            public boolean readsBack() {
                return dialect.readsSessionBack();
            }
        });
    }

    ResultCache cache() {
        return cache;
    }

    CacheConfig config() {
        return config;
    }

    DatabaseScope database() {
        return database;
    }

    /** The key context of the session's state at the last read that used the cache. */
    ConnectionContext context() {
        return context;
    }

    boolean autoCommit() {
        return transaction.autoCommit();
    }

    /** The settings read back beyond the dialect's own: the user's, and those policies seen so far read. */
    private Set<String> keySettings() {
        Set<String> policies = database.policySettings();
        if (policies.isEmpty()) {
            return config.keySettings();
        }
        Set<String> names = new TreeSet<>(config.keySettings());
        names.addAll(policies);
        return names;
    }

    /**
     * The analysis of a statement under the session's lexical rules. On PostgreSQL a backslash means different
     * things with {@code standard_conforming_strings} on and off, so a text holding one, sent after the session may
     * have changed, waits for the state to be read back; if it cannot be, the statement is treated as unknown.
     */
    AnalyzedSql analyze(String sql) {
        if (sql == null) {
            // The real driver answers a null statement with its own error; it changes nothing here.
            return NULL_STATEMENT;
        }
        SessionState known = session.lastKnown();
        if (dialect.backslashDependsOnSession() && sql.indexOf('\\') >= 0
                && session.isStale(database.catalogEpoch())) {
            known = currentState();
            if (known == null) {
                return AnalyzedSql.of(SqlAnalyzer.unknown(sql));
            }
        }
        return database.analyze(sql, dialect.syntax(known));
    }

    /**
     * The analysis of a prepared statement's SQL. A text whose structure depends on the session's lexical rules
     * (on PostgreSQL, a backslash in a string that {@code standard_conforming_strings} reads two ways) cannot be
     * analyzed once for all its executions: the database parses it at a first execution, or once for good when it
     * prepares it on the server, under whatever rules hold then. Such a text is unknown for the statement's life;
     * one that reads the same way under both rules is analyzed as usual (the setting is part of every key).
     */
    AnalyzedSql analyzePrepared(String sql) {
        if (sql == null || !dialect.backslashDependsOnSession() || sql.indexOf('\\') < 0) {
            return analyze(sql);
        }
        SqlAnalysis conforming = database.analyze(sql, SqlSyntax.POSTGRESQL).analysis();
        SqlAnalysis escaping = database.analyze(sql, SqlSyntax.POSTGRESQL_BACKSLASH_STRINGS).analysis();
        return conforming.normalizedSql().equals(escaping.normalizedSql()) ? analyze(sql)
                : AnalyzedSql.of(SqlAnalyzer.unknown(sql));
    }

    /**
     * The session's state now (read back first if it may have changed), with the key context kept in step; null
     * if it is unknown.
     */
    private SessionState currentState() {
        SessionState state = session.current(database.catalogEpoch());
        if (state != null && state != contextState) {
            context = database.intern(new ConnectionContext(database, state, catalogName, urlOptions));
            contextState = state;
        }
        return state;
    }

    private boolean inTransaction() {
        return transaction.inTransaction();
    }

    /**
     * False where what this connection sees of the catalog may not be what other sessions see: inside a
     * transaction that ran DDL, and inside a REPEATABLE READ or SERIALIZABLE transaction, whose snapshot may be
     * older than the catalog (a policy created since it began). Catalog facts looked up then are used once and
     * never remembered for others.
     */
    private boolean catalogShareable() {
        return !transaction.changedSchema() && !inSnapshotTransaction();
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    /**
     * Answers, in one call, whether a cacheable read may use the cache on this connection now and whether it may
     * store what it reads, reading the session's state back first if it may have changed.
     *
     * @return the plan; its bypass reason, if any, says why not; {@link ReadPlan#storable} whether to store
     */
    ReadPlan readPlan(AnalyzedSql analyzed) {
        SqlAnalysis analysis = analyzed.analysis();
        if (transaction.failed()) {
            return FAILED;
        }
        long epoch = database.catalogEpoch();
        SessionState state = currentState();
        if (state == null) {
            return SESSION_UNKNOWN;
        }
        if (state.builtInsShadowed()) {
            return SHADOWED;
        }
        if (inSnapshotTransaction() && !config.cacheInSnapshotTransactions()) {
            return SNAPSHOT;
        }
        if (transaction.wroteEverything()) {
            // Decided before any catalog lookup: after DDL in this transaction the catalog it sees is its own.
            return WRITTEN;
        }
        ReadPlan plan = analyzed.readPlan();
        if (plan == null || !plan.appliesTo(config, database, context.searchPath(), epoch)) {
            boolean shareable = catalogShareable();
            plan = ReadPlans.decide(analysis, config, database, context.searchPath(), epoch, physical, shareable);
            if (shareable && plan.catalogEpoch() == epoch && plan.bypassReason() != BypassReason.CATALOG_UNAVAILABLE) {
                analyzed.readPlan(plan);
            }
        }
        if (!plan.keySettings().isEmpty() && !state.settingNames().containsAll(plan.keySettings())) {
            // A policy this session's state was read without (one seen since): read it again with its settings.
            session.apiChanged();
            state = currentState();
            if (state == null || !state.settingNames().containsAll(plan.keySettings())) {
                return SESSION_UNKNOWN;
            }
        }
        if (!state.temporaryRelations().isEmpty()) {
            // A session's temporary relations change reads that never name them: a temporary child adds its rows
            // to every read of its permanent parent, a temporary table's row type shadows a type of the same name
            // in casts, 'name'::regclass resolves to it. Such a session neither stores nor is served.
            return TEMPORARY;
        }
        if (transaction.wroteAnyOf(plan.dependencies())) {
            return WRITTEN;
        }
        // Served in a snapshot transaction only on request (checked above); what it reads is its snapshot,
        // possibly older than the database now, so it is never stored for others.
        return inSnapshotTransaction() ? plan.servingOnly() : plan;
    }

    /**
     * Inside a REPEATABLE READ or SERIALIZABLE transaction, set through the API, SQL, or the session's default. Once
     * seen, it holds until the transaction ends: the transaction keeps the isolation it began with whatever the
     * default becomes (a {@code SET default_transaction_isolation} inside it).
     */
    private boolean inSnapshotTransaction() {
        return transaction.inSnapshot(contextState != null && contextState.snapshotByDefault());
    }

    // ---- statements' effects ----------------------------------------------------------------------------------

    /** Called before any statement runs; marks written tables so overlapping reads cannot store. */
    void beforeStatement(AnalyzedSql analyzed, Object[] parameters) {
        SqlAnalysis analysis = analyzed.analysis();
        if (analysis.kind() == SqlAnalysis.Kind.MULTIPLE) {
            for (AnalyzedSql part : analyzed.parts()) {
                beforeStatement(part, null);
            }
        } else if (analysis.isWrite()) {
            invalidate(stampsWritten(writePlan(analyzed), parameters), InvalidationEvent.Phase.BEFORE_WRITE);
        } else if (mayWrite(analyzed)) {
            cache.invalidateDatabase(database, InvalidationEvent.Phase.BEFORE_WRITE);
        }
    }

    /**
     * A read calling a function that might write (neither known deterministic nor a known read-only built-in) is a
     * write to unknown tables, unless {@code cache.unknownFunctionsMayWrite=false}.
     */
    private boolean mayWrite(AnalyzedSql analyzed) {
        if (!config.unknownFunctionsMayWrite()) {
            return false;
        }
        return builtInsShadowed() || codeVerdict(analyzed).mayWrite();
    }

    /**
     * True if a read runs user code (its own calls or those of the views and policies behind it), which may have
     * run DDL: a function that alters a policy changes what every session's key must hold.
     */
    private boolean runsUserCode(AnalyzedSql analyzed) {
        return builtInsShadowed() || codeVerdict(analyzed).runsUserCode();
    }

    /**
     * What the code a statement runs can do: decided once per catalog epoch and search path and memoized on the
     * statement (as its read plan is), unless the session sees a catalog of its own (DDL in its transaction, a
     * snapshot) or its state is unknown.
     */
    private CodeVerdict codeVerdict(AnalyzedSql analyzed) {
        SqlAnalysis analysis = analyzed.analysis();
        long epoch = database.catalogEpoch();
        SessionState state = null;
        SearchPath path = null;
        boolean namesRelations = namesRelations(analysis);
        if (namesRelations) {
            state = currentState();
            path = state == null ? null : state.searchPath();
        }
        boolean known = !namesRelations || path != null;
        // The session's own temporary relations are judged afresh each time, and never for others.
        boolean temporary = known && state != null && namesTemporary(analysis, state);
        CodeVerdict memo = analyzed.codeVerdict();
        if (known && !temporary && memo != null && memo.appliesTo(config, database, path, epoch)) {
            return memo;
        }
        boolean shareable = catalogShareable();
        Routines routines = database.routines(physical, shareable);
        CodeBehind behind = codeBehindRelations(analysis, state);
        Calls calls = Calls.of(analysis).plus(behind.calls());
        Set<String> declared = config.deterministicFunctions();
        CodeVerdict verdict = new CodeVerdict(config, database, path, epoch,
                CallJudge.mayWrite(calls, declared, routines), CallJudge.runsUserCode(calls, declared, routines),
                CallJudge.mayChangeSession(calls, declared, routines));
        if (known && shareable && behind.shareable() && database.catalogEpoch() == epoch) {
            analyzed.codeVerdict(verdict);
        }
        return verdict;
    }

    /**
     * Statements whose relations run code: reads, writes, and the session changes that read
     * ({@code CREATE TEMP TABLE ... AS SELECT}, {@code SELECT ... INTO TEMP}).
     */
    private static boolean namesRelations(SqlAnalysis analysis) {
        boolean named = analysis.kind() == SqlAnalysis.Kind.QUERY || analysis.kind() == SqlAnalysis.Kind.UNCACHEABLE_READ
                || analysis.kind() == SqlAnalysis.Kind.WRITE || analysis.kind() == SqlAnalysis.Kind.SESSION_CHANGE;
        return named && !analysis.relationsMentioned().isEmpty();
    }

    /**
     * The code behind the relations a statement names, and whether the judgment holds for every session on the
     * same search path (false when it rests on this session's temporary relations or on a lookup that failed).
     */
    private record CodeBehind(Calls calls, boolean shareable) {
        static final CodeBehind NONE = new CodeBehind(Calls.NONE, true);
    }

    /**
     * What reading the relations a statement names runs: the functions, operators and casts of the views it reads
     * (or writes through) and of the row-level-security policies of the tables behind them. A bypassed read of such
     * a view runs its code, and so does a write that reads it ({@code INSERT ... SELECT FROM view}). A name of one of
     * the session's temporary relations is that relation (PostgreSQL searches the temporary schema first), looked up
     * there and not remembered; a write to one runs its triggers and its defaults' and constraints' code too. A
     * relation the catalog cannot tell about runs unknown code.
     */
    private CodeBehind codeBehindRelations(SqlAnalysis analysis, SessionState state) {
        if (!namesRelations(analysis) || state == null || state.searchPath().schemas().isEmpty()) {
            return CodeBehind.NONE;
        }
        boolean remember = catalogShareable();
        boolean shareable = true;
        Calls calls = Calls.NONE;
        for (TableRef relation : analysis.relationsMentioned()) {
            if (isTemporary(relation, state)) {
                shareable = false;
                TableInfo temporary = temporaryInfo(relation);
                calls = calls.plus(readCalls(temporary));
                if (temporary.known() && analysis.isWrite()) {
                    calls = calls.plus(temporary.runsServerCode() ? Calls.UNKNOWN : temporary.writeCalls());
                }
                if (relation.schema() != null) {
                    continue;
                }
                // Unqualified, it is the temporary one unless the path lists pg_temp after a schema holding the
                // name: the code of both is judged.
            }
            TableInfo info = database.tableInfo(database.resolve(relation, state.searchPath(), physical, remember),
                    physical, remember);
            shareable &= info.known();
            calls = calls.plus(readCalls(info));
        }
        return new CodeBehind(calls, shareable);
    }

    /** What reading the relation runs: its view's and policies' code; unknown code if the catalog could not tell. */
    private static Calls readCalls(TableInfo info) {
        return info.known() ? info.readCalls().plus(info.rowSecurity().calls()) : Calls.UNKNOWN;
    }

    /**
     * True if the write's target is one of the session's temporary relations that is a view (or that the catalog
     * cannot tell about): an updatable view's write lands in its base tables, rules or triggers.
     */
    private boolean writesThroughTemporaryView(SqlAnalysis analysis, SessionState state) {
        for (TableRef target : analysis.tables()) {
            if (isTemporary(target, state)) {
                TableInfo info = temporaryInfo(target);
                if (!info.known() || info.type().contains("VIEW") || !info.readsFrom().isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if the statement names one of the session's temporary relations. */
    private boolean namesTemporary(SqlAnalysis analysis, SessionState state) {
        if (state.temporaryRelations().isEmpty()) {
            return false;
        }
        for (TableRef relation : analysis.relationsMentioned()) {
            if (isTemporary(relation, state)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if {@code relation} names one of the session's temporary relations: unqualified (the temporary schema
     * is searched first) or qualified with the temporary schema; where the dialect cannot look into the temporary
     * schema, any qualified name of a temporary relation's name too.
     */
    private boolean isTemporary(TableRef relation, SessionState state) {
        if (state.temporaryRelations().isEmpty()) {
            return false;
        }
        TableRef.IdentifierCase identifierCase = dialect.identifierCase();
        boolean named = state.temporaryRelations().contains(identifierCase.apply(relation.name()));
        if (relation.schema() == null || dialect.temporarySchema() == null) {
            return named;
        }
        String schema = identifierCase.apply(relation.schema());
        return schema.equals(dialect.temporarySchema()) || schema.startsWith(dialect.temporarySchema() + "_");
    }

    /** The catalog's facts about a temporary relation of this session, read in its temporary schema every time. */
    private TableInfo temporaryInfo(TableRef relation) {
        String schema = dialect.temporarySchema();
        if (schema == null) {
            return TableInfo.UNKNOWN;
        }
        return database.tableInfo(TableRef.qualify(schema, dialect.identifierCase().apply(relation.name())), physical,
                false);
    }

    /**
     * True if the session's search path puts a schema before the built-ins: every function, operator and type the
     * session uses may be a user's, which may write anything. The state is read back first if it may have changed.
     */
    private boolean builtInsShadowed() {
        SessionState state = currentState();
        return state != null && state.builtInsShadowed();
    }

    /**
     * True if the statement may have changed the session's state: a session command, server code it runs (DO,
     * CALL, unknown or session-changing functions, unparseable SQL), or a write to a table with triggers, rules or
     * functions in its defaults and constraints.
     */
    private boolean mayChangeSession(AnalyzedSql analyzed) {
        SqlAnalysis analysis = analyzed.analysis();
        if (analysis.mayChangeSession() || builtInsShadowed()) {
            return true;
        }
        if (analysis.isWrite()) {
            return writePlan(analyzed).changesSession();
        }
        return codeVerdict(analyzed).mayChangeSession();
    }

    /**
     * Called after a statement ran. Transaction control takes effect only if it succeeded; what it may have written
     * is invalidated again either way, and the session's state is read again before the next cached read if the
     * statement may have changed it, whether or not it succeeded (a failed string of statements may have run some).
     */
    void afterStatement(AnalyzedSql analyzed, Object[] parameters, boolean succeeded) {
        SqlAnalysis analysis = analyzed.analysis();
        if (released) {
            return;
        }
        if (analysis.kind() != SqlAnalysis.Kind.MULTIPLE && mayChangeSession(analyzed)) {
            session.statementMayHaveChanged(inTransaction());
            if (analysis.affectsAllSessions()) {
                // H2's database-wide settings: every session reads its state again.
                cache.catalogChanged(database);
            }
        }
        if (!succeeded) {
            if (dialect.failureAbortsTransaction() && !endsTransaction(analysis)) {
                transaction.statementFailed();
            }
            afterFailure(analyzed, parameters);
            reconcileTransaction();
            return;
        }
        switch (analysis.kind()) {
            case MULTIPLE:
                inRecursion = true;
                try {
                    for (AnalyzedSql part : analyzed.parts()) {
                        afterStatement(part, null, true);
                    }
                } finally {
                    inRecursion = false;
                }
                break;
            case WRITE:
            case WRITE_UNKNOWN:
                WritePlan plan = writePlan(analyzed);
                for (TableVersion table : plan.versions(parameters)) {
                    table.recordWrite();
                }
                if (analysis.changesSchema()) {
                    cache.catalogChanged(database);
                    transaction.schemaChanged();
                } else if (plan.forgetsCatalog()) {
                    forgetCatalogAfterUserCode();
                }
                completeWrite(plan, parameters);
                break;
            case BEGIN:
                transaction.begun(analysis.snapshotIsolation());
                break;
            case COMMIT:
            case ROLLBACK:
                finishTransaction(analysis.chained(), analysis.kind() == SqlAnalysis.Kind.COMMIT
                        ? InvalidationEvent.Phase.COMMIT : InvalidationEvent.Phase.ROLLBACK);
                break;
            case ROLLBACK_TO_SAVEPOINT:
                invalidateTransactionWrites(InvalidationEvent.Phase.ROLLBACK);
                session.rolledBackToSavepoint();
                transaction.rolledBackToSavepoint();
                break;
            case SESSION_CHANGE:
                // SET TRANSACTION ISOLATION LEVEL SERIALIZABLE makes this transaction a snapshot.
                transaction.isolationStatement(analysis.snapshotIsolation());
                // CREATE TEMP TABLE x AS SELECT f(): f may write.
                completeIfMayWrite(analyzed);
                break;
            case QUERY:
            case UNCACHEABLE_READ:
                completeIfMayWrite(analyzed);
                break;
            case AUTOCOMMIT_CHANGE:
                readAutoCommitBack();
                break;
            default:
                break;
        }
        if (!inRecursion) {
            reconcileTransaction();
        }
    }

    /** Set while afterStatement walks the parts of a string: the server's state is checked once, at the end. */
    private boolean inRecursion;

    /**
     * Catches a BEGIN, an end of transaction or a failed transaction the analysis could not see, from the server's
     * own transaction state where the driver reports it (PostgreSQL): in autocommit mode, a transaction the server
     * has open is one a BEGIN started, and none open means it ended.
     */
    private void reconcileTransaction() {
        if (released) {
            return;
        }
        Dialect.ServerTransaction server = dialect.serverTransaction(physical);
        if (server == null) {
            return;
        }
        if (transaction.serverReported(server)) {
            finishTransaction(false, InvalidationEvent.Phase.COMMIT);
        }
    }

    /**
     * A cacheable read failed at the database (a division by zero, a timeout): on PostgreSQL that fails the open
     * transaction, which then refuses every statement until it ends.
     */
    void readFailed() {
        if (released) {
            return;
        }
        if (dialect.failureAbortsTransaction()) {
            transaction.statementFailed();
        }
        reconcileTransaction();
    }

    /** COMMIT and ROLLBACK end a transaction even when they fail (PostgreSQL rolls back a failed COMMIT). */
    private static boolean endsTransaction(SqlAnalysis analysis) {
        return analysis.kind() == SqlAnalysis.Kind.COMMIT || analysis.kind() == SqlAnalysis.Kind.ROLLBACK;
    }

    /** A read calling a function that may write is, afterwards, a write to unknown tables. */
    private void completeIfMayWrite(AnalyzedSql analyzed) {
        if (mayWrite(analyzed)) {
            completeWrite(WritePlan.everything(config, database, null, database.catalogEpoch()));
        }
        if (runsUserCode(analyzed)) {
            forgetCatalogAfterUserCode();
        }
    }

    /**
     * User code ran (a function, a trigger): it may have run DDL (a policy altered, a table created earlier on a
     * search path), so catalog facts are read again, and every session's state with them.
     */
    private void forgetCatalogAfterUserCode() {
        cache.catalogChanged(database);
        transaction.schemaChanged();
    }

    /**
     * After a statement failed: it changed no transaction state we can count on, except that a string of several
     * statements may have run some of them before the failure, which we cannot tell apart.
     */
    private void afterFailure(AnalyzedSql analyzed, Object[] parameters) {
        SqlAnalysis analysis = analyzed.analysis();
        switch (analysis.kind()) {
            case COMMIT:
            case ROLLBACK:
            case ROLLBACK_TO_SAVEPOINT:
                // PostgreSQL ends a transaction whose COMMIT failed (a deferred constraint): what it wrote and the
                // settings it changed may both be gone. Keep the bookkeeping (more careful), but invalidate again
                // and read the session back.
                invalidateTransactionWrites(InvalidationEvent.Phase.ROLLBACK);
                session.statementMayHaveChanged(inTransaction());
                break;
            case MULTIPLE:
                cache.invalidateDatabase(database, InvalidationEvent.Phase.AFTER_WRITE);
                if (analysis.changesSchema()) {
                    // Some of its DDL may have run (H2 commits statement by statement): read the catalog again.
                    cache.catalogChanged(database);
                    transaction.schemaChanged();
                }
                boolean controlsTransaction = analysis.parts().stream()
                        .anyMatch(part -> part.kind() == SqlAnalysis.Kind.BEGIN);
                if (controlsTransaction || analysis.parts().stream().anyMatch(SqlAnalysis::mayChangeSession)) {
                    // A BEGIN or a SET may or may not have run: read the session back, and treat the connection as
                    // holding uncommitted writes to everything until it commits, rolls back or closes.
                    session.statementMayHaveChanged(true);
                    if (controlsTransaction) {
                        transaction.mayHaveBegun();
                    }
                    completeWrite(WritePlan.everything(config, database, null, database.catalogEpoch()));
                } else {
                    for (AnalyzedSql part : analyzed.parts()) {
                        afterFailure(part, null);
                    }
                }
                break;
            case WRITE:
            case WRITE_UNKNOWN:
                WritePlan failed = writePlan(analyzed);
                if (analysis.changesSchema() || failed.forgetsCatalog()) {
                    // A failed batch or string may still have run this DDL; user code may have run some before
                    // it failed.
                    forgetCatalogAfterUserCode();
                }
                completeWrite(failed, parameters);
                break;
            case QUERY:
            case UNCACHEABLE_READ:
            case SESSION_CHANGE:
                completeIfMayWrite(analyzed);
                break;
            case AUTOCOMMIT_CHANGE:
                readAutoCommitBack();
                break;
            default:
                break;
        }
    }

    /** Called around a batch: the union of its statements' writes. */
    void beforeBatch(List<AnalyzedSql> analyses) {
        // A batch's parameters are not kept: its writes count as writes to any row.
        for (AnalyzedSql analyzed : analyses) {
            beforeStatement(analyzed, null);
        }
    }

    void afterBatch(List<AnalyzedSql> analyses, boolean succeeded) {
        for (AnalyzedSql analyzed : analyses) {
            afterStatement(analyzed, null, succeeded);
        }
    }

    /**
     * The search path a write resolves on: the session's current one (read back first if the session may have
     * changed, or a {@code SET search_path} would send the write's invalidation to the wrong table), or null when
     * it is unknown.
     */
    private SearchPath searchPath() {
        SessionState state = currentState();
        return state == null ? null : state.searchPath();
    }

    private WritePlan writePlan(AnalyzedSql analyzed) {
        SqlAnalysis analysis = analyzed.analysis();
        long epoch = database.catalogEpoch();
        if (analysis.kind() == SqlAnalysis.Kind.WRITE_UNKNOWN || analysis.tables() == null
                || analysis.changesSchema()) {
            // DDL may change what every name resolves to (a table created earlier on a search path, a rename, a
            // dropped view), so it invalidates everything cached for the database, before and after it runs.
            return WritePlan.everything(config, database, null, epoch);
        }
        if (transaction.changedSchema()) {
            // This transaction sees uncommitted DDL: resolving through it could teach the catalog a lie.
            return WritePlan.everything(config, database, null, -1);
        }
        SearchPath path = searchPath();
        if (path == null || path.schemas().isEmpty()) {
            // Where the write's tables resolve is unknown: invalidate everything, and decide again next time.
            return WritePlan.everything(config, database, null, -1);
        }
        SessionState state = currentState();
        // A write naming a temporary relation of this session is planned afresh each time, and never for others.
        boolean temporary = state != null && namesTemporary(analysis, state);
        if (temporary && writesThroughTemporaryView(analysis, state)) {
            // PostgreSQL writes the view's base tables, which the search path (without pg_temp) cannot tell: the
            // whole database, decided again next time.
            return WritePlan.everything(config, database, path, -1);
        }
        WritePlan memo = analyzed.writePlan();
        if (!temporary && memo != null && memo.appliesTo(config, database, path, epoch)) {
            return memo;
        }
        boolean remember = catalogShareable();
        CodeBehind behind = codeBehindRelations(analysis, state);
        WritePlan plan = WritePlans.decide(analysis, config, database, path, epoch, physical, remember,
                behind.calls(), builtInsShadowed());
        if (behind.shareable() && plan.catalogEpoch() == epoch && remember) {
            analyzed.writePlan(plan);
        }
        return plan;
    }

    /** After a write: invalidates again, and inside a transaction remembers the stamps until it ends. */
    private void completeWrite(WritePlan plan, Object[] parameters) {
        TableVersion[] stamps = stampsWritten(plan, parameters);
        invalidate(stamps, InvalidationEvent.Phase.AFTER_WRITE);
        if (inTransaction()) {
            transaction.wrote(stamps, stamps == null ? database.everything() : null);
        }
    }

    private void completeWrite(WritePlan plan) {
        completeWrite(plan, null);
    }

    /** The stamps one execution of {@code plan} moves, or null when it writes the whole database. */
    private static TableVersion[] stampsWritten(WritePlan plan, Object[] parameters) {
        return plan.everything() ? null : plan.versions(parameters);
    }

    /** Moves {@code stamps} (null: the whole database). */
    private void invalidate(TableVersion[] stamps, InvalidationEvent.Phase phase) {
        if (stamps == null) {
            cache.invalidateDatabase(database, phase);
        } else {
            cache.invalidate(stamps, phase);
        }
    }

    /**
     * The database committed or rolled back. Written tables are invalidated again after that, so no reader that
     * ran during the transaction can leave its state cached; session changes made inside it may be undone (a
     * rollback, a commit that PostgreSQL turns into a rollback, the end of SET LOCAL), so the session is read back
     * if there were any. A chained end starts the next transaction at once, with the same isolation.
     */
    private void finishTransaction(boolean chained, InvalidationEvent.Phase phase) {
        if (transaction.ranDdl()) {
            // Committed or rolled back, the DDL's catalog is now everyone's or no one's: read it again, before the
            // written stamps stop holding uncommitted writes, so that no reader stores under a plan of the old
            // catalog in between.
            cache.catalogChanged(database);
        }
        session.transactionEnded();
        // Invalidated while its stamps still hold uncommitted writes, so no reader can store in between.
        invalidateTransactionWrites(phase);
        transaction.end(chained);
    }

    private void invalidateTransactionWrites(InvalidationEvent.Phase phase) {
        TableVersion[] written = transaction.writtenStamps();
        if (written != null) {
            cache.invalidate(written, phase);
        }
    }

    private void readAutoCommitBack() {
        boolean now;
        try {
            now = delegate.getAutoCommit();
        } catch (SQLException e) {
            // Unknown state: behave as inside a transaction, which only makes the cache more careful.
            now = false;
        }
        if (transaction.autoCommitNow(now)) {
            finishTransaction(false, InvalidationEvent.Phase.COMMIT);
        }
    }

    // ---- what the connection's JDBC calls tell ---------------------------------------------------------------

    /** {@code setAutoCommit} succeeded: switching it on commits the open transaction (JDBC 4.3, 10.1.1). */
    void autoCommitSet(boolean autoCommit) {
        if (transaction.autoCommitNow(autoCommit)) {
            // If it is already on, the call changes nothing, not even a transaction begun with SQL.
            finishTransaction(false, InvalidationEvent.Phase.COMMIT);
        }
    }

    /** {@code commit()} succeeded. */
    void committed() {
        finishTransaction(false, InvalidationEvent.Phase.COMMIT);
    }

    /** {@code rollback()} succeeded. */
    void rolledBack() {
        finishTransaction(false, InvalidationEvent.Phase.ROLLBACK);
    }

    /**
     * {@code commit()} or {@code rollback()} failed: the transaction may still be open (a commit refused in
     * autocommit mode), so its bookkeeping stays, but what it wrote is invalidated in case it did end.
     */
    void endFailed() {
        invalidateTransactionWrites(InvalidationEvent.Phase.ROLLBACK);
        session.statementMayHaveChanged(inTransaction());
    }

    /** {@code rollback(Savepoint)} ran; {@code succeeded} false if it threw. */
    void rolledBackToSavepoint(boolean succeeded) {
        if (succeeded) {
            transaction.rolledBackToSavepoint();
        }
        invalidateTransactionWrites(InvalidationEvent.Phase.ROLLBACK);
        session.rolledBackToSavepoint();
    }

    /** {@code setTransactionIsolation(level)} succeeded. */
    void isolationSet(int level) {
        transaction.isolationSet(level);
    }

    /**
     * A JDBC call may have changed the session's state ({@code setSchema}, {@code setReadOnly}, client info, the
     * isolation, which pgjdbc sets with SQL): it is read again before the next cached read.
     */
    void apiChanged() {
        session.apiChanged();
    }

    /** {@code setCatalog} ran: the catalog is part of the key. */
    void catalogSet(String catalog) {
        catalogName = catalog;
        session.apiChanged();
        contextState = null;
    }

    /**
     * The connection closed or aborted: ends the transaction's bookkeeping (closing rolls it back on most databases
     * and commits it on some: either way its tables are invalidated). Once.
     */
    void release() {
        if (released) {
            return;
        }
        released = true;
        finishTransaction(false, InvalidationEvent.Phase.ROLLBACK);
    }
}
