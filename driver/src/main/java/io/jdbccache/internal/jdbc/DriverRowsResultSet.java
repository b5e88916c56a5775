package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.result.ResultSetCloseListener;
import io.jdbccache.internal.result.ResultSnapshot;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A cached result as the real driver's own result set (see {@code DriverRows}): every getter, conversion and error
 * is the driver's. This wrapper changes only what sharing requires: {@link #getStatement()} is the caching
 * statement, byte arrays are copies (pgjdbc hands out a row's own array for some columns, and the rows are shared
 * by every hit), metadata is the one captured on the miss (so a hit never queries the catalog for it), and closing
 * completes the caching statement ({@code closeOnCompletion}).
 */
final class DriverRowsResultSet extends DelegatingResultSet {

    private final ResultSnapshot snapshot;
    private final ResultSetCloseListener closeListener;
    private ResultSetMetaData metaData;

    DriverRowsResultSet(Statement owner, ResultSet driverResultSet, ResultSnapshot snapshot,
            ResultSetCloseListener closeListener) {
        super(owner, driverResultSet);
        this.snapshot = snapshot;
        this.closeListener = closeListener;
    }

    @Override
    public Statement getStatement() throws SQLException {
        delegate.getStatement(); // the driver's own error when closed
        return statement;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        if (metaData == null || delegate.isClosed()) {
            // The driver's own metadata object costs nothing until asked, and gives its errors (closed, bad index).
            metaData = snapshot.metaData(delegate.getMetaData());
        }
        return metaData;
    }

    @Override
    public void close() throws SQLException {
        if (!delegate.isClosed()) {
            delegate.close();
            if (closeListener != null) {
                closeListener.closed(this);
            }
        }
    }

    private static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }

    private static Object copyIfBytes(Object value) {
        return value instanceof byte[] b ? b.clone() : value;
    }

    @Override public byte[] getBytes(int columnIndex) throws SQLException { return copy(delegate.getBytes(columnIndex)); }
    @Override public byte[] getBytes(String columnLabel) throws SQLException { return copy(delegate.getBytes(columnLabel)); }
    @Override public Object getObject(int columnIndex) throws SQLException { return copyIfBytes(delegate.getObject(columnIndex)); }
    @Override public Object getObject(String columnLabel) throws SQLException { return copyIfBytes(delegate.getObject(columnLabel)); }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return copyIfBytes(delegate.getObject(columnIndex, map));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return copyIfBytes(delegate.getObject(columnLabel, map));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return (T) copyIfBytes(delegate.getObject(columnIndex, type));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return (T) copyIfBytes(delegate.getObject(columnLabel, type));
    }
}
