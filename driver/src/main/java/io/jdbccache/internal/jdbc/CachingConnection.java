package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.config.CacheConfig;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection whose statements may answer reads from the cache: the JDBC overrides that matter to the cache, each
 * telling its {@link CacheSession}, which holds the bookkeeping (session state, transaction, what reads may use and
 * what writes invalidate).
 *
 * <p>Not thread-safe, like the connections it wraps: one thread at a time.
 */
public final class CachingConnection extends DelegatingConnection {
    private final CacheSession session;
    /** The real driver's own connection (reached through its metadata), for the result sets of hits. */
    private final Connection physical;
    private boolean closed;

    /** Opened by {@link ConnectionOpener}, which acquired {@code cache}; its session state is read back lazily. */
    CachingConnection(Connection delegate, Connection physical, ResultCache cache, CacheConfig config,
            DatabaseScope database, String catalogName, String urlOptions, boolean autoCommit, int isolation) {
        super(delegate);
        this.physical = physical;
        this.session = new CacheSession(delegate, physical, cache, config, database, catalogName, urlOptions,
                autoCommit, isolation);
    }

    /** The cache's side of this connection. */
    CacheSession session() {
        return session;
    }

    /**
     * Runs the rules file's warm-up queries through this connection if it is the first of its cache to this
     * database. A query that fails is skipped: warming up must never fail a connection.
     *
     * @return how many queries ran successfully
     */
    public int warmUpIfFirst() {
        CacheConfig config = session.config();
        if (config.warmupQueries().isEmpty() || !session.database().claimWarmUp()) {
            return 0;
        }
        int succeeded = 0;
        for (String query : config.warmupQueries()) {
            try (Statement statement = createStatement(); ResultSet rows = statement.executeQuery(query)) {
                while (rows.next()) {
                    // reading the rows is what fills the cache
                }
                succeeded++;
            } catch (SQLException | RuntimeException e) {
                // Skipped, see above; an aborted transaction (PostgreSQL) would fail every later query.
                try {
                    if (!session.autoCommit()) {
                        rollback();
                    }
                } catch (SQLException ignored) {
                    // the next query will tell
                }
            }
        }
        try {
            if (!session.autoCommit()) {
                rollback();
            }
        } catch (SQLException e) {
            // the pool's own reset will deal with the connection
        }
        return succeeded;
    }

    Connection delegate() {
        return delegate;
    }

    /**
     * Statements of the real connection that only build the driver's result sets of hits (see {@code DriverRows}),
     * one per result set type and holdability, made on first use: never the user's statement, so that closing a hit
     * neither completes nor disturbs it. Creating one costs no round trip (pgjdbc, H2); they close with the
     * connection.
     */
    private final Statement[] resultSetFactories = new Statement[6];

    Statement resultSetFactory(int resultSetType, int holdability) throws SQLException {
        int slot = (resultSetType - ResultSet.TYPE_FORWARD_ONLY) * 2
                + (holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT ? 0 : 1);
        Statement factory = resultSetFactories[slot];
        if (factory == null) {
            // On the real driver's own connection: a wrapping driver's statement could not build its result sets.
            factory = physical.createStatement(resultSetType, ResultSet.CONCUR_READ_ONLY, holdability);
            resultSetFactories[slot] = factory;
        }
        return factory;
    }

    /** True once the connection is closed or aborted: statements then go to the real driver, which says so. */
    boolean isClosedHere() {
        return closed;
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
        delegate.setAutoCommit(newAutoCommit);
        session.autoCommitSet(newAutoCommit);
    }

    @Override
    public void commit() throws SQLException {
        try {
            delegate.commit();
        } catch (SQLException | RuntimeException e) {
            session.endFailed();
            throw e;
        }
        session.committed();
    }

    @Override
    public void rollback() throws SQLException {
        try {
            delegate.rollback();
        } catch (SQLException | RuntimeException e) {
            session.endFailed();
            throw e;
        }
        session.rolledBack();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        try {
            delegate.abort(executor);
        } finally {
            release();
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        boolean succeeded = false;
        try {
            delegate.rollback(savepoint);
            succeeded = true;
        } finally {
            session.rolledBackToSavepoint(succeeded);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        try {
            delegate.setTransactionIsolation(level);
        } finally {
            // pgjdbc changes the session's default isolation with SQL: read it again.
            session.apiChanged();
        }
        session.isolationSet(level);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
            delegate.setClientInfo(name, value);
        } finally {
            // pgjdbc sends ApplicationName as SET application_name, which a policy may read.
            session.apiChanged();
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            delegate.setClientInfo(properties);
        } finally {
            session.apiChanged();
        }
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        try {
            delegate.setReadOnly(readOnly);
        } finally {
            // transaction_read_only and default_transaction_read_only are settings like any other.
            session.apiChanged();
        }
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        try {
            delegate.setSchema(schema);
        } finally {
            session.apiChanged();
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        try {
            delegate.setCatalog(catalog);
        } finally {
            session.catalogSet(delegate.getCatalog());
        }
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
     * Once: ends the transaction's bookkeeping (see {@link CacheSession#release}) and lets the cache go if this was
     * its last connection.
     */
    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        session.release();
        CacheRegistry.release(session.cache());
    }
}
