package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ConnectionContext;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.DeterministicFunctions;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.TableRef;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A connection whose statements may answer reads from the cache. It owns the connection's state that decides
 * whether the cache may be used: the context that is part of every key (database, user, catalog, schema, session
 * settings), the transaction and the tables it wrote, and session changes that make resolution uncertain.
 *
 * <p>Not thread-safe, like the connections it wraps: one thread at a time.
 */
public final class CachingConnection extends DelegatingConnection {
    private final ResultCache cache;
    private final CacheConfig config;
    private final DatabaseScope database;
    private ConnectionContext context;
    private boolean autoCommit;
    private boolean explicitTransaction;
    private boolean snapshotTransaction;
    private int isolation;
    private boolean scopeChanged;
    private final Set<TableVersion> transactionWrites = new LinkedHashSet<>();
    private boolean transactionWroteEverything;
    private boolean closed;
    /** Settings changed through SQL, by name, as their canonical SET statements; part of every key. */
    private final java.util.TreeMap<String, String> sessionSettings = new java.util.TreeMap<>();
    /** The settings before the current transaction changed any: a rollback brings them back. */
    private java.util.TreeMap<String, String> settingsBeforeTransaction;
    /** A SET LOCAL (or similar) is in force until the transaction ends: no caching until then. */
    private boolean transactionScopeChanged;
    /** A statement failed in this transaction: on PostgreSQL its commit is really a rollback. */
    private boolean transactionHadFailure;

    private CachingConnection(Connection delegate, ResultCache cache, CacheConfig config, DatabaseScope database,
            ConnectionContext context, boolean autoCommit, int isolation) {
        super(delegate);
        this.cache = cache;
        this.config = config;
        this.database = database;
        this.context = context;
        this.autoCommit = autoCommit;
        this.isolation = isolation;
    }

    /**
     * Wraps a freshly opened connection, reading once what the cache key needs from it.
     *
     * @throws SQLException from the real driver; the real connection is closed if wrapping fails
     */
    public static CachingConnection open(Connection delegate, CacheConfig config, String databaseIdentity,
            String urlOptions, DatabaseScope.ConnectionSource diagnosticsSource) throws SQLException {
        ResultCache cache = CacheRegistry.acquire(config);
        try {
            java.sql.DatabaseMetaData metaData = delegate.getMetaData();
            TableRef.IdentifierCase identifierCase = metaData.storesLowerCaseIdentifiers()
                    ? TableRef.IdentifierCase.LOWER
                    : metaData.storesUpperCaseIdentifiers() ? TableRef.IdentifierCase.UPPER
                    : TableRef.IdentifierCase.AS_IS;
            DatabaseScope database = cache.database(databaseIdentity, identifierCase);
            database.diagnosticsSource(diagnosticsSource);
            ConnectionContext context = database.intern(new ConnectionContext(database, metaData.getUserName(),
                    delegate.getCatalog(), delegate.getSchema(), "", urlOptions));
            return new CachingConnection(delegate, cache, config, database, context, delegate.getAutoCommit(),
                    delegate.getTransactionIsolation());
        } catch (SQLException | RuntimeException | Error e) {
            // Error too: an old driver without getSchema() throws AbstractMethodError; the connection must close.
            CacheRegistry.release(cache);
            try {
                delegate.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Runs the rules file's warm-up queries through this connection if it is the first of its cache to this
     * database. A query that fails is skipped: warming up must never fail a connection.
     *
     * @return how many queries ran successfully
     */
    public int warmUpIfFirst() {
        if (config.warmupQueries().isEmpty() || !database.claimWarmUp()) {
            return 0;
        }
        int succeeded = 0;
        for (String query : config.warmupQueries()) {
            try (Statement statement = createStatement(); java.sql.ResultSet rows = statement.executeQuery(query)) {
                while (rows.next()) {
                    // reading the rows is what fills the cache
                }
                succeeded++;
            } catch (SQLException | RuntimeException e) {
                // Skipped, see above; an aborted transaction (PostgreSQL) would fail every later query.
                try {
                    if (!autoCommit) {
                        rollback();
                    }
                } catch (SQLException ignored) {
                    // the next query will tell
                }
            }
        }
        try {
            if (!autoCommit) {
                rollback();
            }
        } catch (SQLException e) {
            // the pool's own reset will deal with the connection
        }
        return succeeded;
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

    ConnectionContext context() {
        return context;
    }

    Connection delegate() {
        return delegate;
    }

    SqlAnalysis analyze(String sql) {
        return database.analyze(sql);
    }

    private boolean inTransaction() {
        return !autoCommit || explicitTransaction;
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    /**
     * Decides whether a cacheable read may use the cache on this connection now.
     *
     * @return the plan (whose bypass reason may still say no), or null when this connection's state forbids the
     *         cache for this read
     */
    ReadPlan readPlan(SqlAnalysis analysis) {
        if (scopeChanged || transactionScopeChanged
                || (inSnapshotTransaction() && !config.cacheInSnapshotTransactions())) {
            return null;
        }
        long epoch = database.catalogEpoch();
        Object memo = analysis.planMemo();
        ReadPlan plan;
        if (memo instanceof ReadPlan && ((ReadPlan) memo).appliesTo(config, database, context.schema(), epoch)) {
            plan = (ReadPlan) memo;
        } else {
            plan = ReadPlans.decide(analysis, config, database, context.schema(), epoch, delegate);
            if (plan.catalogEpoch() == epoch && plan.bypassReason() != ReadPlans.CATALOG_UNAVAILABLE) {
                analysis.planMemo(plan);
            }
        }
        if (inTransaction() && (transactionWroteEverything || (!transactionWrites.isEmpty()
                && readsWrittenTable(plan.dependencies())))) {
            return null;
        }
        return plan;
    }

    /**
     * False inside a REPEATABLE READ or SERIALIZABLE transaction (served from the cache only with
     * {@code cache.cacheInSnapshotTransactions=true}): what it reads is its snapshot, possibly older than the
     * database now, so it must never be stored for others.
     */
    boolean mayStore() {
        return !inSnapshotTransaction();
    }

    /** Inside a REPEATABLE READ or SERIALIZABLE transaction, set through the API or through SQL. */
    private boolean inSnapshotTransaction() {
        return inTransaction() && (snapshotTransaction || isolation >= Connection.TRANSACTION_REPEATABLE_READ);
    }

    private boolean readsWrittenTable(TableVersion[] dependencies) {
        for (TableVersion dependency : dependencies) {
            if (transactionWrites.contains(dependency)) {
                return true;
            }
        }
        return false;
    }

    // ---- statements' effects ----------------------------------------------------------------------------------

    /** Called before any statement runs; marks written tables so overlapping reads cannot store. */
    void beforeStatement(SqlAnalysis analysis, Object[] parameters) {
        if (analysis.kind() == SqlAnalysis.Kind.MULTIPLE) {
            for (SqlAnalysis part : analysis.parts()) {
                beforeStatement(part, null);
            }
        } else if (analysis.isWrite()) {
            invalidate(writePlan(analysis), parameters);
        } else if (mayWrite(analysis)) {
            cache.invalidateDatabase(database);
        }
    }

    /**
     * A read calling a function that might write (neither known deterministic nor a known read-only built-in) is a
     * write to unknown tables, unless {@code cache.unknownFunctionsMayWrite=false}.
     */
    private boolean mayWrite(SqlAnalysis analysis) {
        if (!config.unknownFunctionsMayWrite()) {
            return false;
        }
        for (String function : analysis.functions()) {
            if (!DeterministicFunctions.cannotWrite(function, config.deterministicFunctions())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Called after a statement ran. Transaction control and session settings take effect only if it succeeded;
     * what it may have written is invalidated again either way.
     */
    void afterStatement(SqlAnalysis analysis, Object[] parameters, boolean succeeded) {
        if (closed) {
            return;
        }
        if (!succeeded) {
            afterFailure(analysis, parameters);
            return;
        }
        switch (analysis.kind()) {
            case MULTIPLE:
                for (SqlAnalysis part : analysis.parts()) {
                    afterStatement(part, null, true);
                }
                break;
            case WRITE:
            case WRITE_UNKNOWN:
                WritePlan plan = writePlan(analysis);
                for (TableVersion table : plan.versions(parameters, true)) {
                    table.recordWrite();
                }
                if (analysis.changesSchema()) {
                    database.forgetCatalog();
                }
                completeWrite(plan, parameters);
                break;
            case BEGIN:
                explicitTransaction = true;
                snapshotTransaction = analysis.bypassReason() != null;
                break;
            case COMMIT:
                finishTransaction(false, analysis.chained());
                break;
            case ROLLBACK:
                finishTransaction(true, analysis.chained());
                break;
            case ROLLBACK_TO_SAVEPOINT:
                invalidateTransactionWrites();
                if (settingsBeforeTransaction != null) {
                    // Which settings the savepoint undid is not tracked: stop caching on this connection.
                    scopeChanged = true;
                }
                break;
            case SESSION_SETTING:
                changeSetting(analysis);
                break;
            case TRANSACTION_SCOPE_CHANGE:
                transactionScopeChanged = inTransaction();
                break;
            case QUERY:
            case UNCACHEABLE_READ:
                if (analysis.functions().contains("set_config")) {
                    // set_config('search_path', ...) and friends change the session like SET does.
                    scopeChanged = true;
                }
                completeIfMayWrite(analysis);
                break;
            case SESSION_SCOPE_CHANGE:
                scopeChanged = true;
                break;
            case AUTOCOMMIT_CHANGE:
                readAutoCommitBack();
                break;
            default:
                break;
        }
    }

    /** A read calling a function that may write is, afterwards, a write to unknown tables. */
    private void completeIfMayWrite(SqlAnalysis analysis) {
        if (mayWrite(analysis)) {
            completeWrite(WritePlan.everything(config, database, context.schema(), database.catalogEpoch()));
        }
    }

    /** A cacheable read failed in the database (on PostgreSQL that aborts the transaction). */
    void readFailed() {
        if (inTransaction()) {
            transactionHadFailure = true;
        }
    }

    /**
     * After a statement failed: it changed no transaction or session state we can count on, except that a string
     * of several statements may have run some of them before the failure, which we cannot tell apart.
     */
    private void afterFailure(SqlAnalysis analysis, Object[] parameters) {
        if (inTransaction()) {
            transactionHadFailure = true;
        }
        switch (analysis.kind()) {
            case MULTIPLE:
                cache.invalidateDatabase(database);
                boolean changesState = analysis.parts().stream().anyMatch(part -> part.kind() != SqlAnalysis.Kind.QUERY
                        && part.kind() != SqlAnalysis.Kind.UNCACHEABLE_READ && !part.isWrite());
                if (changesState) {
                    // Some SET or BEGIN may or may not have run: stop caching here, and treat the connection as
                    // holding uncommitted writes to everything until it commits, rolls back or closes.
                    scopeChanged = true;
                    explicitTransaction |= analysis.parts().stream()
                            .anyMatch(part -> part.kind() == SqlAnalysis.Kind.BEGIN);
                    completeWrite(WritePlan.everything(config, database, context.schema(), database.catalogEpoch()));
                } else {
                    for (SqlAnalysis part : analysis.parts()) {
                        afterFailure(part, null);
                    }
                }
                break;
            case WRITE:
            case WRITE_UNKNOWN:
                completeWrite(writePlan(analysis), parameters);
                break;
            case QUERY:
            case UNCACHEABLE_READ:
                completeIfMayWrite(analysis);
                break;
            case AUTOCOMMIT_CHANGE:
                readAutoCommitBack();
                break;
            default:
                break;
        }
    }

    /** Called around a batch: the union of its statements' writes. */
    void beforeBatch(List<SqlAnalysis> analyses) {
        // A batch's parameters are not kept: its writes count as writes to any row.
        for (SqlAnalysis analysis : analyses) {
            beforeStatement(analysis, null);
        }
    }

    void afterBatch(List<SqlAnalysis> analyses, boolean succeeded) {
        for (SqlAnalysis analysis : analyses) {
            afterStatement(analysis, null, succeeded);
        }
    }

    private WritePlan writePlan(SqlAnalysis analysis) {
        long epoch = database.catalogEpoch();
        Object memo = analysis.planMemo();
        if (memo instanceof WritePlan && ((WritePlan) memo).appliesTo(config, database, context.schema(), epoch)) {
            return (WritePlan) memo;
        }
        WritePlan plan = resolveWrite(analysis, epoch);
        if (plan.catalogEpoch() == epoch) {
            analysis.planMemo(plan);
        }
        return plan;
    }

    private WritePlan resolveWrite(SqlAnalysis analysis, long epoch) {
        if (analysis.kind() == SqlAnalysis.Kind.WRITE_UNKNOWN || analysis.tables() == null || mayWrite(analysis)) {
            // Unknown targets, or a function called by the write that may change other tables.
            return WritePlan.everything(config, database, context.schema(), epoch);
        }
        Set<String> names = new LinkedHashSet<>();
        List<String> pending = new ArrayList<>();
        for (TableRef table : analysis.tables()) {
            pending.add(database.resolve(table, context.schema()));
        }
        // Tables reached through cascades, declared dependencies, views or partitions rather than named.
        Set<String> reached = new LinkedHashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.remove(pending.size() - 1);
            if (!names.add(name)) {
                continue;
            }
            for (TableRef alsoChanged : rulesAlsoInvalidate(name)) {
                String target = database.resolve(alsoChanged, context.schema());
                pending.add(target);
                reached.add(target);
            }
            if (!analysis.changesSchema()) {
                DatabaseScope.TableInfo info = database.tableInfo(name, delegate);
                if (!info.known()) {
                    // Cascades, views and partitions behind the table are unknown (the catalog could not be read,
                    // e.g. in an aborted transaction): invalidate everything, and decide again next time.
                    return WritePlan.everything(config, database, context.schema(), -1);
                }
                pending.addAll(info.cascadeChildren());
                pending.addAll(info.readsFrom());
                reached.addAll(info.cascadeChildren());
                reached.addAll(info.readsFrom());
            }
        }
        KeyedRow keyed = analysis.changesSchema() ? null
                : ReadPlans.keyedRow(analysis, database, context.schema(), delegate);
        if (keyed != null && reached.contains(keyed.table().name())) {
            // The write reaches its own table again (a self-referencing cascade, a declared same-table trigger):
            // other rows may change too.
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
        return new WritePlan(config, database, context.schema(), epoch, tables.toArray(new TableVersion[0]), false,
                keyed);
    }

    /** Tables the rules say a write to {@code resolvedName} also changes (matched as name or schema.name). */
    private List<TableRef> rulesAlsoInvalidate(String resolvedName) {
        if (config.alsoInvalidates().isEmpty()) {
            return List.of();
        }
        String lower = resolvedName.toLowerCase(java.util.Locale.ROOT);
        String bareName = lower.substring(lower.lastIndexOf('.') + 1);
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

    /** After a write: invalidates again, and inside a transaction remembers the tables until it ends. */
    private void completeWrite(WritePlan plan, Object[] parameters) {
        invalidate(plan, parameters);
        if (inTransaction()) {
            remember(plan, parameters);
        }
    }

    private void completeWrite(WritePlan plan) {
        completeWrite(plan, null);
    }

    private void invalidate(WritePlan plan, Object[] parameters) {
        if (plan.everything()) {
            cache.invalidateDatabase(database);
        } else {
            cache.invalidate(plan.versions(parameters, inTransaction()));
        }
    }

    private void remember(WritePlan plan, Object[] parameters) {
        if (plan.everything()) {
            if (!transactionWroteEverything) {
                transactionWroteEverything = true;
                database.everything().transactionWriteStarted();
            }
        } else {
            for (TableVersion table : plan.versions(parameters, true)) {
                if (transactionWrites.add(table)) {
                    table.transactionWriteStarted();
                }
            }
        }
    }

    /**
     * Ends the transaction's bookkeeping. Written tables are invalidated again after the database committed or
     * rolled back, so no reader that ran during the transaction can leave its state cached.
     */
    /**
     * The database committed or rolled back: settings changed in a rolled-back transaction are undone; after a
     * commit of a transaction in which a statement failed (PostgreSQL rolls such a commit back) whether they
     * survived is unknown, so caching stops on this connection. A chained end starts the next transaction at once,
     * with the same isolation.
     */
    private void finishTransaction(boolean rolledBack, boolean chained) {
        boolean snapshot = snapshotTransaction;
        if (rolledBack) {
            restoreSettingsBeforeTransaction();
        } else if (transactionHadFailure && settingsBeforeTransaction != null) {
            scopeChanged = true;
        }
        endTransaction();
        explicitTransaction = chained;
        snapshotTransaction = chained && snapshot;
    }

    private void endTransaction() {
        snapshotTransaction = false;
        transactionScopeChanged = false;
        transactionHadFailure = false;
        settingsBeforeTransaction = null;
        invalidateTransactionWrites();
        for (TableVersion table : transactionWrites) {
            table.transactionWriteEnded();
        }
        if (transactionWroteEverything) {
            database.everything().transactionWriteEnded();
        }
        transactionWrites.clear();
        transactionWroteEverything = false;
    }

    private void invalidateTransactionWrites() {
        if (transactionWroteEverything) {
            cache.invalidateDatabase(database);
        } else if (!transactionWrites.isEmpty()) {
            cache.invalidate(transactionWrites.toArray(new TableVersion[0]));
        }
    }

    /** A SET through SQL: part of every key from now on; inside a transaction, undone by a rollback. */
    private void changeSetting(SqlAnalysis analysis) {
        if (inTransaction() && settingsBeforeTransaction == null) {
            settingsBeforeTransaction = new java.util.TreeMap<>(sessionSettings);
        }
        String name = analysis.settingName() == null ? analysis.normalizedSql() : analysis.settingName();
        if (analysis.normalizedSql().regionMatches(true, 0, "reset", 0, 5)) {
            sessionSettings.remove(name);
        } else {
            sessionSettings.put(name, analysis.normalizedSql());
        }
        context = database.intern(context.withSessionSettings(String.join("; ", sessionSettings.values())));
    }

    private void restoreSettingsBeforeTransaction() {
        if (settingsBeforeTransaction != null) {
            sessionSettings.clear();
            sessionSettings.putAll(settingsBeforeTransaction);
            context = database.intern(context.withSessionSettings(String.join("; ", sessionSettings.values())));
        }
    }

    private void readAutoCommitBack() {
        boolean wasAutoCommit = autoCommit;
        try {
            autoCommit = delegate.getAutoCommit();
        } catch (SQLException e) {
            // Unknown state: behave as inside a transaction, which only makes the cache more careful.
            autoCommit = false;
        }
        if (autoCommit && !wasAutoCommit) {
            finishTransaction(false, false);
        }
    }

    // ---- Connection methods that change the cache's view ----------------------------------------------------

    @Override
    protected Statement wrapStatement(Statement statement) {
        return statement == null ? null : new CachingStatement(this, statement);
    }

    @Override
    protected PreparedStatement wrapPreparedStatement(PreparedStatement statement, String sql) {
        return statement == null ? null : new CachingPreparedStatement(this, statement, sql);
    }

    @Override
    protected CallableStatement wrapCallableStatement(CallableStatement statement, String sql) {
        return statement == null ? null : new CachingCallableStatement(this, statement, sql);
    }

    @Override
    public void setAutoCommit(boolean newAutoCommit) throws SQLException {
        boolean wasAutoCommit = autoCommit;
        delegate.setAutoCommit(newAutoCommit);
        autoCommit = newAutoCommit;
        if (newAutoCommit && !wasAutoCommit) {
            // Switching autocommit on commits the open transaction (JDBC 4.3, 10.1.1); if it is already on, the
            // call changes nothing, not even a transaction begun with SQL.
            finishTransaction(false, false);
        }
    }

    @Override
    public void commit() throws SQLException {
        try {
            delegate.commit();
        } catch (SQLException | RuntimeException e) {
            // The transaction may still be open (a commit refused in autocommit mode): keep its bookkeeping, but
            // invalidate what it wrote in case it did end.
            invalidateTransactionWrites();
            throw e;
        }
        finishTransaction(false, false);
    }

    @Override
    public void rollback() throws SQLException {
        try {
            delegate.rollback();
        } catch (SQLException | RuntimeException e) {
            invalidateTransactionWrites();
            throw e;
        }
        finishTransaction(true, false);
    }

    @Override
    public void abort(java.util.concurrent.Executor executor) throws SQLException {
        try {
            delegate.abort(executor);
        } finally {
            release();
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        try {
            delegate.rollback(savepoint);
        } finally {
            invalidateTransactionWrites();
            if (settingsBeforeTransaction != null) {
                scopeChanged = true;
            }
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        delegate.setTransactionIsolation(level);
        isolation = level;
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        delegate.setSchema(schema);
        context = database.intern(context.withSchema(delegate.getSchema()));
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        delegate.setCatalog(catalog);
        context = database.intern(context.withCatalog(delegate.getCatalog()));
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } finally {
            release();
        }
    }

    /**
     * Once: ends the transaction's bookkeeping (closing or aborting rolls it back on most databases and commits it
     * on some: either way its tables are invalidated) and lets the cache go if this was its last connection.
     */
    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        endTransaction();
        CacheRegistry.release(cache);
    }
}
