package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.ParameterValues;
import io.jdbccache.internal.cache.AnalyzedSql;
import io.jdbccache.internal.sql.SqlAnalysis;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement: its SQL is analyzed once at prepare time, every bound value is recorded as a key part
 * (streams, LOBs and unknown objects make the execution uncacheable), and reads are answered by the cache when the
 * analyzed and the connection allow it.
 */
final class CachingPreparedStatement extends DelegatingPreparedStatement {
    private final StatementCore core;
    private final AnalyzedSql analyzed;
    private final ParameterList parameters = new ParameterList();
    /**
     * Binds of indexes up to this may wait until the real statement needs them (ParameterList): a cacheable read's
     * placeholders, which the real driver accepts as it counts them too. Elsewhere (other statements, an index the
     * analysis does not count, a closed statement) the real driver binds at once and throws its own errors then.
     */
    private final int deferrableParameters;

    CachingPreparedStatement(CachingConnection connection, PreparedStatement delegate, String sql) {
        super(connection, delegate);
        this.core = new StatementCore(connection, this, delegate);
        this.analyzed = connection.session().analyzePrepared(sql);
        this.deferrableParameters = analyzed.analysis().kind() == SqlAnalysis.Kind.QUERY
                ? Math.max(0, analyzed.analysis().parameterCount()) : 0;
        core.deferredBinds(parameters);
    }

    private boolean mayDefer(int parameterIndex) throws SQLException {
        return parameterIndex >= 1 && parameterIndex <= deferrableParameters && !core.isClosed();
    }

    /** Before the real statement is used for anything the binds matter to. */
    private void applyDeferredBinds() throws SQLException {
        parameters.applyDeferred(preparedDelegate);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        core.closeCurrent();
        if (analyzed.analysis().kind() == SqlAnalysis.Kind.QUERY) {
            // The deferred binds reach the real statement only if the read does (StatementCore).
            return core.query(analyzed, null, parameters.values(),
                    parameters.state(analyzed.analysis().parameterCount()));
        }
        applyDeferredBinds();
        return core.run(analyzed, parameters.values(), () -> wrapResultSet(preparedDelegate.executeQuery()));
    }

    @Override
    public boolean execute() throws SQLException {
        core.closeCurrent();
        if (analyzed.analysis().kind() == SqlAnalysis.Kind.QUERY) {
            return core.query(analyzed, null, parameters.values(),
                    parameters.state(analyzed.analysis().parameterCount())) != null;
        }
        applyDeferredBinds();
        return core.run(analyzed, parameters.values(), preparedDelegate::execute);
    }

    @Override
    public int executeUpdate() throws SQLException {
        core.closeCurrent();
        applyDeferredBinds();
        return core.run(analyzed, parameters.values(), preparedDelegate::executeUpdate);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        core.closeCurrent();
        applyDeferredBinds();
        return core.run(analyzed, parameters.values(), preparedDelegate::executeLargeUpdate);
    }

    @Override
    public void addBatch() throws SQLException {
        applyDeferredBinds();
        preparedDelegate.addBatch();
        core.addBatch(analyzed);
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        preparedDelegate.addBatch(sql);
        core.addBatch(((CachingConnection) connection).session().analyze(sql));
    }

    @Override
    public void clearBatch() throws SQLException {
        preparedDelegate.clearBatch();
        core.clearBatch();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        // Binds made since the last addBatch stay on the real statement or not, as the real driver decides.
        applyDeferredBinds();
        try {
            return core.runBatch(preparedDelegate::executeBatch);
        } finally {
            parameters.forgetValues();
        }
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        applyDeferredBinds();
        try {
            return core.runBatch(preparedDelegate::executeLargeBatch);
        } finally {
            parameters.forgetValues();
        }
    }

    // Statement methods taking SQL text run that text, not the prepared one.

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return core.run(core.start(sql), () -> wrapResultSet(preparedDelegate.executeQuery(sql)));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.execute(sql));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.execute(sql, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.execute(sql, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.execute(sql, columnNames));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeUpdate(sql, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeUpdate(sql, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeLargeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeLargeUpdate(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return core.run(core.start(sql), () -> preparedDelegate.executeLargeUpdate(sql, columnNames));
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return core.getResultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return (int) core.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return core.getUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return core.getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        return core.getMoreResults(current);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        preparedDelegate.setMaxRows(max);
        core.maxRows(max);
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        preparedDelegate.setLargeMaxRows(max);
        core.maxRows(max);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        preparedDelegate.setFetchSize(rows);
        core.fetchSize(rows);
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        preparedDelegate.setMaxFieldSize(max);
        core.maxFieldSize(max);
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        preparedDelegate.setQueryTimeout(seconds);
        core.queryTimeout(seconds);
    }


    /** Live result sets of this statement: an updatable one writes through the cache's bookkeeping. */
    @Override
    protected ResultSet wrapResultSet(ResultSet rs) throws SQLException {
        return core.liveResult(rs);
    }
    @Override
    public void close() throws SQLException {
        core.closed();
        try {
            core.closeCurrent();
        } finally {
            preparedDelegate.close();
        }
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        // The real driver may describe the statement with the types bound so far.
        applyDeferredBinds();
        return super.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        applyDeferredBinds();
        return super.getParameterMetaData();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (!iface.isInstance(this)) {
            // The real statement handed out may be executed directly: it must hold every bind.
            applyDeferredBinds();
        }
        return super.unwrap(iface);
    }

    @Override
    public void clearParameters() throws SQLException {
        preparedDelegate.clearParameters();
        parameters.clear();
    }

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        preparedDelegate.setNull(parameterIndex, sqlType);
        parameters.set(parameterIndex, ParameterValues.nullOf(sqlType, null));
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        preparedDelegate.setNull(parameterIndex, sqlType, typeName);
        parameters.set(parameterIndex, ParameterValues.nullOf(sqlType, typeName));
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        preparedDelegate.setBoolean(parameterIndex, x);
        parameters.set(parameterIndex, x);
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        preparedDelegate.setByte(parameterIndex, x);
        parameters.set(parameterIndex, x);
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        preparedDelegate.setShort(parameterIndex, x);
        parameters.set(parameterIndex, x);
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        boolean defer = mayDefer(parameterIndex);
        if (!defer) {
            preparedDelegate.setInt(parameterIndex, x);
        }
        parameters.set(parameterIndex, x);
        if (defer) {
            parameters.deferInt(parameterIndex, x);
        }
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        boolean defer = mayDefer(parameterIndex);
        if (!defer) {
            preparedDelegate.setLong(parameterIndex, x);
        }
        parameters.set(parameterIndex, x);
        if (defer) {
            parameters.deferLong(parameterIndex, x);
        }
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        preparedDelegate.setFloat(parameterIndex, x);
        parameters.set(parameterIndex, x);
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        preparedDelegate.setDouble(parameterIndex, x);
        parameters.set(parameterIndex, x);
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        preparedDelegate.setBigDecimal(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setBigDecimal") : x);
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        boolean defer = mayDefer(parameterIndex);
        if (!defer) {
            preparedDelegate.setString(parameterIndex, x);
        }
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setString") : ParameterValues.ofString(x));
        if (defer) {
            parameters.deferString(parameterIndex, x);
        }
    }

    @Override
    public void setNString(int parameterIndex, String x) throws SQLException {
        preparedDelegate.setNString(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setNString") : ParameterValues.national(x));
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        preparedDelegate.setBytes(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setBytes") : ParameterValues.of(x));
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        preparedDelegate.setDate(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setDate") : ParameterValues.of(x));
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        preparedDelegate.setTime(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setTime") : ParameterValues.of(x));
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        preparedDelegate.setTimestamp(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setTimestamp") : ParameterValues.of(x));
    }

    @Override
    public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        preparedDelegate.setDate(parameterIndex, x, cal);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setDate") : ParameterValues.withCalendar(x, cal));
    }

    @Override
    public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        preparedDelegate.setTime(parameterIndex, x, cal);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setTime") : ParameterValues.withCalendar(x, cal));
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        preparedDelegate.setTimestamp(parameterIndex, x, cal);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setTimestamp") : ParameterValues.withCalendar(x, cal));
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        preparedDelegate.setObject(parameterIndex, x);
        parameters.set(parameterIndex, x == null ? ParameterValues.nullSetBy("setObject") : ParameterValues.of(x));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        preparedDelegate.setObject(parameterIndex, x, targetSqlType);
        parameters.set(parameterIndex, ParameterValues.typed(x, targetSqlType, -1));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        preparedDelegate.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
        parameters.set(parameterIndex, ParameterValues.typed(x, targetSqlType, scaleOrLength));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        preparedDelegate.setObject(parameterIndex, x, targetSqlType);
        parameters.set(parameterIndex, ParameterValues.typed(x, targetSqlType.getVendor() + "." + targetSqlType.getName(), -1));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        preparedDelegate.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
        parameters.set(parameterIndex, ParameterValues.typed(x, targetSqlType.getVendor() + "." + targetSqlType.getName(), scaleOrLength));
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        preparedDelegate.setAsciiStream(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
        preparedDelegate.setAsciiStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        preparedDelegate.setAsciiStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        preparedDelegate.setBinaryStream(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
        preparedDelegate.setBinaryStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        preparedDelegate.setBinaryStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader x) throws SQLException {
        preparedDelegate.setCharacterStream(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader x, int length) throws SQLException {
        preparedDelegate.setCharacterStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
        preparedDelegate.setCharacterStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader x) throws SQLException {
        preparedDelegate.setNCharacterStream(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
        preparedDelegate.setNCharacterStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
        preparedDelegate.setUnicodeStream(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        preparedDelegate.setBlob(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream x) throws SQLException {
        preparedDelegate.setBlob(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream x, long length) throws SQLException {
        preparedDelegate.setBlob(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        preparedDelegate.setClob(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setClob(int parameterIndex, Reader x) throws SQLException {
        preparedDelegate.setClob(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setClob(int parameterIndex, Reader x, long length) throws SQLException {
        preparedDelegate.setClob(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setNClob(int parameterIndex, NClob x) throws SQLException {
        preparedDelegate.setNClob(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setNClob(int parameterIndex, Reader x) throws SQLException {
        preparedDelegate.setNClob(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setNClob(int parameterIndex, Reader x, long length) throws SQLException {
        preparedDelegate.setNClob(parameterIndex, x, length);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        preparedDelegate.setArray(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        preparedDelegate.setRef(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        preparedDelegate.setRowId(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML x) throws SQLException {
        preparedDelegate.setSQLXML(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }

    @Override
    public void setURL(int parameterIndex, URL x) throws SQLException {
        preparedDelegate.setURL(parameterIndex, x);
        parameters.set(parameterIndex, ParameterValues.UNCACHEABLE);
    }
}
