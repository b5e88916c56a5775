package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.ReadPlan;
import io.jdbccache.internal.cache.CacheEntry;
import io.jdbccache.internal.cache.CacheKey;
import io.jdbccache.internal.cache.ConnectionContext;
import io.jdbccache.internal.cache.Flight;
import io.jdbccache.internal.cache.ReadStamp;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.result.CachedResultSet;
import io.jdbccache.internal.result.ColumnInfo;
import io.jdbccache.internal.result.DriverColumns;
import io.jdbccache.internal.result.DriverRows;
import io.jdbccache.internal.result.Materialization;
import io.jdbccache.internal.result.ReplayingResultSet;
import io.jdbccache.internal.result.ResultMaterializer;
import io.jdbccache.internal.result.ResultSetCloseListener;
import io.jdbccache.internal.result.ResultSnapshot;
import io.jdbccache.internal.sql.BypassReason;
import io.jdbccache.internal.cache.AnalyzedSql;
import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.cache.ShapeStatistics;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What every caching statement shares: answering a read from the cache or the database, bracketing other statements
 * with the connection's invalidation, and remembering which result set is current. One per statement; not
 * thread-safe, like the statement.
 */
final class StatementCore {
    static final Object[] NO_PARAMETERS = new Object[0];

    private final CachingConnection connection;
    /** The cache's side of the connection: what reads may use, what statements invalidate. */
    private final CacheSession session;
    private final Statement owner;
    private final Statement delegate;
    private final ResultCache cache;
    private final CacheConfig config;
    private ResultSet current;
    private boolean currentIsOurs;
    private ResultSet lastDelegateResult;
    private ResultSet lastWrapper;
    private int resultSetType = -1;
    private int holdability;
    private boolean updatable;
    private long maxRows;
    private int fetchSize;
    private int maxFieldSize;
    /** False after {@code setEscapeProcessing(false)}: a text with JDBC escapes then reaches the database as is. */
    private boolean escapeProcessing = true;
    private int queryTimeoutSeconds;
    private boolean closed;
    /** True while this statement closes its own current result set (to run again, or because it closes). */
    private boolean closingCurrent;
    /** The distinct statements of the pending batch: a prepared batch of n rows invalidates once, not n times. */
    private final Set<AnalyzedSql> batch = new LinkedHashSet<>();
    /** A prepared statement's binds that wait for the real statement (see ParameterList); null for none. */
    private ParameterList deferredBinds;
    private static final int HIT_SAMPLE_MASK = 7;
    private int executions;

    StatementCore(CachingConnection connection, Statement owner, Statement delegate) {
        this.connection = connection;
        this.session = connection.session();
        this.owner = owner;
        this.delegate = delegate;
        this.cache = session.cache();
        this.config = session.config();
    }

    /** Starts an execution: closes the result set we handed out last, and analyzes the SQL. */
    AnalyzedSql start(String sql) throws SQLException {
        closeCurrent();
        return session.analyze(sql);
    }

    /** Closes the current result set if it is one of ours (the delegate closes its own). */
    void closeCurrent() throws SQLException {
        if (currentIsOurs && current != null) {
            closeWithoutCompleting(current);
        }
        current = null;
        currentIsOurs = false;
    }

    /** Closes a result set of ours as the statement does itself (to run again, or for the next result). */
    private void closeWithoutCompleting(ResultSet resultSet) throws SQLException {
        closingCurrent = true;
        try {
            resultSet.close();
        } finally {
            closingCurrent = false;
        }
    }

    /**
     * Answers a cacheable read: from the cache if a current entry exists, otherwise from the database, storing the
     * result when it fits. {@code sql} null means the owner is a prepared statement.
     *
     * @param parameters the bound parameters' key parts, or null when the statement has none
     * @param parameterState why the parameters forbid the cache (unbound, a stream...), or null
     */
    ResultSet query(AnalyzedSql analyzed, String sql, Object[] parameters, BypassReason parameterState)
            throws SQLException {
        // Hit latency is sampled (the first hit of a statement, then one in eight): reading the clock twice per
        // hit would cost more than the rest of the bookkeeping.
        long start = (executions++ & HIT_SAMPLE_MASK) == 0 ? System.nanoTime() : 0;
        ShapeStatistics shape = shape(analyzed);
        if (isClosed()) {
            // Never answer for a closed statement or connection: the real driver throws its own error.
            return bypass(analyzed, sql, parameters, shape, BypassReason.CLOSED);
        }
        if (parameterState != null) {
            return bypass(analyzed, sql, parameters, shape, parameterState);
        }
        if (!usable() || (!escapeProcessing && analyzed.analysis().hasJdbcEscapes())) {
            // Unprocessed escapes: the same text means something else than with them processed.
            return bypass(analyzed, sql, parameters, shape, BypassReason.STATEMENT_SETTINGS);
        }
        ReadPlan plan = session.readPlan(analyzed);
        if (plan.bypassReason() != null) {
            return bypass(analyzed, sql, parameters, shape, plan.bypassReason());
        }
        // The parameter array is immutable once handed out (ParameterList copies on change), so the key shares it.
        CacheKey key = new CacheKey(session.context(), analyzed.analysis().normalizedSql(), parameters, maxRows);
        CacheEntry entry = cache.lookup(key);
        if (entry != null) {
            ResultSet hit = served(entry.snapshot(), true);
            if (hit != null) {
                return countedHit(hit, start, shape);
            }
        }
        if (session.database().forgetCatalogIfStale()) {
            // Catalog facts outlived their refresh interval: decide again with fresh ones before storing anything.
            plan = session.readPlan(analyzed);
            if (plan.bypassReason() != null) {
                return bypass(analyzed, sql, parameters, shape, plan.bypassReason());
            }
            key = new CacheKey(session.context(), analyzed.analysis().normalizedSql(), parameters, maxRows);
        }
        ReadStamp stamp = ReadStamp.take(plan.dependencies(parameters));
        boolean mayStore = plan.storable();
        Flight flight = null;
        // Not when every read must be checked against the tier: a leader's read may predate another instance's write.
        if (mayStore && config.singleFlightWaitNanos() > 0 && cache.allowsLocalHits()) {
            Flight mine = new Flight(stamp);
            Flight leader = cache.joinFlight(key, mine);
            if (leader == null) {
                flight = mine;
            } else {
                ResultSnapshot shared = leader.await(followerWaitNanos());
                ResultSet hit = shared == null ? null : served(shared, true);
                if (hit != null) {
                    return countedHit(hit, start, shape);
                }
            }
        }
        long[] tierVersions = null;
        if (cache.tier() != null) {
            // A plan decided before DDL may name tables the statement no longer reads: never stored under.
            boolean planCurrent = plan.catalogEpoch() == session.database().catalogEpoch();
            ResultSnapshot shared = cache.lookupTier(key, stamp, mayStore && planCurrent, plan.ttlNanos(), shape);
            ResultSet hit = shared == null ? null : served(shared, true);
            if (hit != null) {
                if (flight != null) {
                    cache.endFlight(key, flight, shared);
                }
                return countedHit(hit, start, shape);
            }
            // Taken after the tier missed and before the database read, so that a write meanwhile moves one (a hit
            // needs none: it is checked against the tier's current versions).
            tierVersions = mayStore ? cache.tierVersions(stamp) : null;
        }
        ResultSnapshot produced = null;
        long missStart = start != 0 ? start : System.nanoTime();
        boolean overflowed = false;
        BypassReason notStoredBecause = BypassReason.TOO_LARGE;
        try {
            long databaseStart = System.nanoTime();
            ResultSet live;
            try {
                live = executeOnDelegate(sql);
            } catch (SQLException | RuntimeException e) {
                session.readFailed();
                throw e;
            }
            Materialization materialized;
            try {
                // This statement's last capture, in the same session state: its driver's column descriptions are
                // shared if the driver still describes the columns alike (entries are keyed by that state).
                CapturedColumns last = lastCaptured;
                boolean lastApplies = last != null && last.context() == session.context();
                materialized = ResultMaterializer.materialize(live, lastApplies ? last.columns() : analyzed.columns(),
                        lastApplies ? last.driverColumns() : null, config.maxResultRows(), config.maxResultBytes(),
                        connection.resultSetFactory(resultSetType, holdability));
            } catch (SQLException | RuntimeException e) {
                closeQuietly(live, e);
                session.readFailed();
                throw e;
            }
            if (materialized instanceof Materialization.Complete) {
                shape.recordDatabaseRead(true, System.nanoTime() - databaseStart, analyzed.analysis().normalizedSql(),
                        parameters, session.database());
                Materialization.Complete complete = (Materialization.Complete) materialized;
                produced = complete.snapshot();
                if (!complete.liveUnread()) {
                    live.close();
                }
                ColumnInfo[] columns = produced.columns();
                analyzed.columns(columns);
                remember(columns, produced.driverColumns());
                // A plan decided before DDL may name tables the statement no longer reads: never store under it.
                boolean planCurrent = plan.catalogEpoch() == session.database().catalogEpoch();
                // Warnings (a function's NOTICE) come with each execution: a hit could not repeat them.
                boolean warned = delegate.getWarnings() != null;
                if (mayStore && planCurrent && !warned
                        && cache.store(key, produced, stamp, tierVersions, plan.ttlNanos(), config.ttlJitter(),
                                shape)) {
                    shape.recordStore(produced.rowCount(), produced.estimatedBytes());
                    shape.dependencies(plan.dependencies());
                }
                // The real driver's own result set when the rows were taken without reading it (pgjdbc): nothing
                // to build. Its completion under closeOnCompletion is the real statement's, as for a bypass.
                return ours(complete.liveUnread() ? new DriverRowsResultSet(owner, live, produced, null)
                        : served(produced, false));
            }
            overflowed = true;
            notStoredBecause = materialized instanceof Materialization.Overflow ? BypassReason.TOO_LARGE
                    : BypassReason.UNCACHEABLE_COLUMN_TYPE;
            shape.recordDatabaseRead(false, System.nanoTime() - databaseStart, analyzed.analysis().normalizedSql(), parameters,
                    session.database());
            shape.recordBypass(notStoredBecause, materialized instanceof Materialization.Unsupported
                    ? ((Materialization.Unsupported) materialized).reason() : notStoredBecause.description());
            if (materialized instanceof Materialization.Overflow) {
                Materialization.Overflow overflow = (Materialization.Overflow) materialized;
                if (resultSetType != ResultSet.TYPE_FORWARD_ONLY) {
                    // A scrollable result holds its rows itself: rewound, it is the real driver's, every move intact.
                    live.beforeFirst();
                    return ours(liveResult(live));
                }
                return ours(new ReplayingResultSet(owner, served(overflow.prefix(), false), overflow.live()));
            }
            return ours(liveResult(live));
        } finally {
            if (overflowed) {
                cache.recordBypass(notStoredBecause);
            } else {
                cache.recordMiss(missStart);
            }
            if (flight != null) {
                cache.endFlight(key, flight, produced);
            }
        }
    }

    /**
     * The result set of a snapshot: the real driver's own over rows kept in its form, else the cache's array-backed
     * one. A hit, like every execution of the real driver, first clears the statement's warnings.
     *
     * @return the result set, or null (only for a hit) when the rows are of another driver than this connection's;
     *     the caller then reads from the database. A miss's rows were captured for this connection's factory.
     */
    private ResultSet served(ResultSnapshot snapshot, boolean hit) throws SQLException {
        if (hit) {
            delegate.clearWarnings();
        }
        DriverRows rows = snapshot.driverRows();
        if (rows == null) {
            return new CachedResultSet(snapshot, owner, resultSetType, holdability, closeListener);
        }
        ResultSet driverResultSet = rows.open(connection.resultSetFactory(resultSetType, holdability), fetchSize,
                resultSetType == ResultSet.TYPE_FORWARD_ONLY ? ResultSet.FETCH_FORWARD : delegate.getFetchDirection());
        if (driverResultSet == null) {
            return null;
        }
        return new DriverRowsResultSet(owner, driverResultSet, snapshot, closeListener);
    }

    /** The columns of a capture of this statement, with the session state (the key's context) it was made in. */
    private record CapturedColumns(ConnectionContext context, ColumnInfo[] columns, DriverColumns driverColumns) {
    }

    /** This statement's last capture's columns; touched by the statement's one user thread only. */
    private CapturedColumns lastCaptured;

    private void remember(ColumnInfo[] columns, DriverColumns driverColumns) {
        CapturedColumns last = lastCaptured;
        ConnectionContext context = session.context();
        if (driverColumns == null) {
            lastCaptured = null;
        } else if (last == null || last.driverColumns() != driverColumns || last.context() != context) {
            // The same driver columns again were shared with the last capture, whose columns were taken with them.
            lastCaptured = new CapturedColumns(context, columns, driverColumns);
        }
    }

    /**
     * Completes the statement when its result set is closed by the user, as the real driver does under
     * {@code closeOnCompletion}; not when the statement itself closes it to run again.
     */
    private final ResultSetCloseListener closeListener = this::resultSetClosed;

    private void resultSetClosed(ResultSet resultSet) throws SQLException {
        if (!closingCurrent && resultSet == current && !owner.isClosed() && owner.isCloseOnCompletion()) {
            owner.close();
        }
    }

    /**
     * How long a follower waits for the leader's read: {@code cache.singleFlightWait}, but never longer than the
     * statement's own query timeout, which the caller expects to bound the call (the database, when the follower
     * then goes there itself, enforces the timeout again on its own query).
     */
    private long followerWaitNanos() {
        long wait = config.singleFlightWaitNanos();
        if (queryTimeoutSeconds > 0) {
            wait = Math.min(wait, TimeUnit.SECONDS.toNanos(queryTimeoutSeconds));
        }
        return wait;
    }

    /** Runs the query on the real statement: its own SQL for a prepared statement ({@code sql} null). */
    private ResultSet executeOnDelegate(String sql) throws SQLException {
        if (sql != null) {
            return delegate.executeQuery(sql);
        }
        if (deferredBinds != null) {
            deferredBinds.applyDeferred((PreparedStatement) delegate);
        }
        return ((PreparedStatement) delegate).executeQuery();
    }

    /** The owner's binds that wait until the real statement runs. */
    void deferredBinds(ParameterList binds) {
        this.deferredBinds = binds;
    }

    /**
     * True once the owner was closed through its wrapper, or its connection was, or the real driver closed the real
     * statement itself (under {@code closeOnCompletion}, when the user closes a live result set of the real driver's,
     * which the wrapper does not see).
     */
    boolean isClosed() throws SQLException {
        return closed || connection.isClosedHere() || delegate.isClosed();
    }

    private static void closeQuietly(ResultSet resultSet, Exception cause) {
        try {
            resultSet.close();
        } catch (SQLException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private ShapeStatistics shape(AnalyzedSql analyzed) {
        ShapeStatistics shape = analyzed.shapeStatistics();
        if (shape == null || shape.retired()) { // a retired shape counts nothing: link the tracked one
            shape = cache.shape(analyzed.analysis().shape());
            analyzed.shapeStatistics(shape);
        }
        return shape;
    }

    /** A cacheable-looking read that may not use the cache: runs on the database, counted with its reason. */
    private ResultSet bypass(AnalyzedSql analyzed, String sql, Object[] parameters, ShapeStatistics shape,
            BypassReason reason) throws SQLException {
        cache.recordBypass(reason);
        shape.recordBypass(reason, reason == analyzed.analysis().bypassReason() ? analyzed.analysis().bypassDetail() : reason.description());
        session.beforeStatement(analyzed, parameters);
        long databaseStart = System.nanoTime();
        boolean succeeded = false;
        try {
            ResultSet live = executeOnDelegate(sql);
            succeeded = true;
            return ours(live == null ? null : liveResult(live));
        } finally {
            shape.recordDatabaseRead(false, System.nanoTime() - databaseStart, analyzed.analysis().normalizedSql(), parameters,
                    session.database());
            session.afterStatement(analyzed, parameters, succeeded);
        }
    }

    /** The wrapper of a live result set: one that can write rows is a write through this connection. */
    ResultSet liveResult(ResultSet live) throws SQLException {
        if (live == null) {
            return null;
        }
        return live.getConcurrency() == ResultSet.CONCUR_UPDATABLE ? new WriteThroughResultSet(owner, live, connection)
                : new DelegatingResultSet(owner, live);
    }

    /** Whether this statement's settings and parameters allow the cache at all; reads the settings once. */
    private boolean usable() throws SQLException {
        if (resultSetType < 0) {
            resultSetType = delegate.getResultSetType();
            holdability = delegate.getResultSetHoldability();
            updatable = delegate.getResultSetConcurrency() == ResultSet.CONCUR_UPDATABLE;
            fetchSize = delegate.getFetchSize();
        }
        return !(updatable || fetchSize < 0 || maxFieldSize != 0);
    }

    /** A read answered without the database (locally, by a concurrent fetch, or by the second tier): counted once. */
    private ResultSet countedHit(ResultSet hit, long start, ShapeStatistics shape) {
        cache.recordHit(start);
        shape.recordHit();
        return ours(hit);
    }

    private ResultSet ours(ResultSet resultSet) {
        current = resultSet;
        currentIsOurs = true;
        return resultSet;
    }

    /** Runs a statement that the cache does not answer, with the connection's invalidation around it. */
    <T> T run(AnalyzedSql analyzed, SqlCall<T> call) throws SQLException {
        return run(analyzed, NO_PARAMETERS, call);
    }

    /** The same for a prepared statement, whose bound parameters may name the one row a write changes. */
    <T> T run(AnalyzedSql analyzed, Object[] parameters, SqlCall<T> call) throws SQLException {
        if (analyzed.analysis().kind() == SqlAnalysis.Kind.QUERY || analyzed.analysis().kind() == SqlAnalysis.Kind.UNCACHEABLE_READ) {
            // A read sent through executeUpdate, with generated keys, as a callable: never cached.
            BypassReason reason = analyzed.analysis().bypassReason() != null ? analyzed.analysis().bypassReason()
                    : BypassReason.NOT_A_CACHEABLE_READ;
            cache.recordBypass(reason);
            shape(analyzed).recordBypass(reason, analyzed.analysis().bypassReason() != null ? analyzed.analysis().bypassDetail()
                    : "a read run through executeUpdate, a callable statement or with generated keys");
        }
        session.beforeStatement(analyzed, parameters);
        boolean succeeded = false;
        try {
            T result = call.call();
            succeeded = true;
            return result;
        } catch (SQLException e) {
            // "No results were returned by the query" (pgjdbc's executeQuery of a BEGIN): it ran.
            succeeded = NO_RESULT_STATE.equals(e.getSQLState());
            throw e;
        } finally {
            session.afterStatement(analyzed, parameters, succeeded);
        }
    }

    /** SQLState of a statement that ran but returned no result set where one was asked for. */
    private static final String NO_RESULT_STATE = "02000";

    void addBatch(AnalyzedSql analyzed) {
        batch.add(analyzed);
    }

    void clearBatch() {
        batch.clear();
    }

    /** Runs a batch with the union of its statements' invalidations around it; the batch is then empty. */
    <T> T runBatch(SqlCall<T> call) throws SQLException {
        closeCurrent();
        List<AnalyzedSql> analyses = new ArrayList<>(batch);
        batch.clear();
        session.beforeBatch(analyses);
        boolean succeeded = false;
        try {
            T result = call.call();
            succeeded = true;
            return result;
        } finally {
            session.afterBatch(analyses, succeeded);
        }
    }

    ResultSet getResultSet() throws SQLException {
        if (currentIsOurs) {
            return current;
        }
        ResultSet live = delegate.getResultSet();
        if (live == null) {
            return null;
        }
        if (live != lastDelegateResult) {
            lastDelegateResult = live;
            lastWrapper = liveResult(live);
        }
        return lastWrapper;
    }

    long getUpdateCount() throws SQLException {
        return currentIsOurs ? -1 : delegate.getLargeUpdateCount();
    }

    boolean getMoreResults(int mode) throws SQLException {
        if (currentIsOurs) {
            // A cached answer is a single result set: after it there are no more results.
            if (current != null && mode != Statement.KEEP_CURRENT_RESULT) {
                closeWithoutCompleting(current);
            }
            current = null;
            return false;
        }
        return delegate.getMoreResults(mode);
    }

    void maxRows(long rows) {
        this.maxRows = rows;
    }

    void fetchSize(int rows) {
        this.fetchSize = rows;
    }

    void maxFieldSize(int bytes) {
        this.maxFieldSize = bytes;
    }

    void escapeProcessing(boolean enabled) {
        this.escapeProcessing = enabled;
    }

    void queryTimeout(int seconds) {
        this.queryTimeoutSeconds = seconds;
    }

    /** The owner was closed: from now on the real driver answers every execution (with its error). */
    void closed() {
        this.closed = true;
    }

    /** A call to the real statement. */
    @FunctionalInterface
    interface SqlCall<T> {
        T call() throws SQLException;
    }
}
