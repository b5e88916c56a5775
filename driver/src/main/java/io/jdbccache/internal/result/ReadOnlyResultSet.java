package io.jdbccache.internal.result;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.SQLWarning;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * Shared base of the read-only result sets of this package.
 *
 * <p>It holds what is identical in {@link CachedResultSet} and {@link ReplayingResultSet}, so that
 * each of them only implements the by-index getters and the cursor: every by-label getter resolves
 * the label with {@link #findColumn(String)} and calls its by-index twin; every mutator throws
 * {@code SQLException("ResultSet is read-only", "24000")}; {@code getConcurrency} is
 * {@link ResultSet#CONCUR_READ_ONLY}; warnings are always empty; cursor names are not supported.
 */
abstract class ReadOnlyResultSet implements ResultSet {

    /** SQLState of "invalid cursor state": not on a row, closed, read-only, forward-only. */
    static final String INVALID_CURSOR_STATE = "24000";
    /** SQLState of "invalid descriptor index": a column index out of range. */
    static final String INVALID_DESCRIPTOR_INDEX = "07009";
    /** SQLState used for an unknown column label (PostgreSQL's undefined_column, as pgjdbc reports it). */
    static final String UNDEFINED_COLUMN = "42703";

    static SQLException readOnly() {
        return new SQLException("ResultSet is read-only", INVALID_CURSOR_STATE);
    }

    static SQLException closedError() {
        return new SQLException("ResultSet is closed", INVALID_CURSOR_STATE);
    }

    static SQLException forwardOnly() {
        return new SQLException("Operation requires a scrollable ResultSet, but this ResultSet is TYPE_FORWARD_ONLY",
                INVALID_CURSOR_STATE);
    }

    // ---- fixed answers ------------------------------------------------------------------------

    @Override public int getConcurrency() throws SQLException { checkOpen(); return CONCUR_READ_ONLY; }
    @Override public SQLWarning getWarnings() throws SQLException { checkOpen(); return null; }
    @Override public void clearWarnings() throws SQLException { checkOpen(); }
    @Override public String getCursorName() throws SQLException {
        throw new SQLFeatureNotSupportedException("Positioned updates are not supported by a cached ResultSet");
    }
    @Override public boolean rowUpdated() throws SQLException { checkOpen(); return false; }
    @Override public boolean rowInserted() throws SQLException { checkOpen(); return false; }
    @Override public boolean rowDeleted() throws SQLException { checkOpen(); return false; }
    /** A no-op: the rows of a cached result cannot change. */
    @Override public void refreshRow() throws SQLException { checkOpen(); }

    /** Throws {@link #closedError()} when this result set is closed. */
    abstract void checkOpen() throws SQLException;

    @Override public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper for " + iface);
    }

    @Override public boolean isWrapperFor(Class<?> iface) { return iface != null && iface.isInstance(this); }

    // ---- by-label getters: resolve, then use the by-index twin ----------------------------------

    @Override public final String getString(String columnLabel) throws SQLException { return getString(findColumn(columnLabel)); }
    @Override public final boolean getBoolean(String columnLabel) throws SQLException { return getBoolean(findColumn(columnLabel)); }
    @Override public final byte getByte(String columnLabel) throws SQLException { return getByte(findColumn(columnLabel)); }
    @Override public final short getShort(String columnLabel) throws SQLException { return getShort(findColumn(columnLabel)); }
    @Override public final int getInt(String columnLabel) throws SQLException { return getInt(findColumn(columnLabel)); }
    @Override public final long getLong(String columnLabel) throws SQLException { return getLong(findColumn(columnLabel)); }
    @Override public final float getFloat(String columnLabel) throws SQLException { return getFloat(findColumn(columnLabel)); }
    @Override public final double getDouble(String columnLabel) throws SQLException { return getDouble(findColumn(columnLabel)); }
    @SuppressWarnings("deprecation")
    @Override public final BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException { return getBigDecimal(findColumn(columnLabel), scale); }
    @Override public final BigDecimal getBigDecimal(String columnLabel) throws SQLException { return getBigDecimal(findColumn(columnLabel)); }
    @Override public final byte[] getBytes(String columnLabel) throws SQLException { return getBytes(findColumn(columnLabel)); }
    @Override public final Date getDate(String columnLabel) throws SQLException { return getDate(findColumn(columnLabel)); }
    @Override public final Date getDate(String columnLabel, Calendar cal) throws SQLException { return getDate(findColumn(columnLabel), cal); }
    @Override public final Time getTime(String columnLabel) throws SQLException { return getTime(findColumn(columnLabel)); }
    @Override public final Time getTime(String columnLabel, Calendar cal) throws SQLException { return getTime(findColumn(columnLabel), cal); }
    @Override public final Timestamp getTimestamp(String columnLabel) throws SQLException { return getTimestamp(findColumn(columnLabel)); }
    @Override public final Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException { return getTimestamp(findColumn(columnLabel), cal); }
    @Override public final InputStream getAsciiStream(String columnLabel) throws SQLException { return getAsciiStream(findColumn(columnLabel)); }
    @SuppressWarnings("deprecation")
    @Override public final InputStream getUnicodeStream(String columnLabel) throws SQLException { return getUnicodeStream(findColumn(columnLabel)); }
    @Override public final InputStream getBinaryStream(String columnLabel) throws SQLException { return getBinaryStream(findColumn(columnLabel)); }
    @Override public final Reader getCharacterStream(String columnLabel) throws SQLException { return getCharacterStream(findColumn(columnLabel)); }
    @Override public final Reader getNCharacterStream(String columnLabel) throws SQLException { return getNCharacterStream(findColumn(columnLabel)); }
    @Override public final String getNString(String columnLabel) throws SQLException { return getNString(findColumn(columnLabel)); }
    @Override public final Object getObject(String columnLabel) throws SQLException { return getObject(findColumn(columnLabel)); }
    @Override public final Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException { return getObject(findColumn(columnLabel), map); }
    @Override public final <T> T getObject(String columnLabel, Class<T> type) throws SQLException { return getObject(findColumn(columnLabel), type); }
    @Override public final Ref getRef(String columnLabel) throws SQLException { return getRef(findColumn(columnLabel)); }
    @Override public final Blob getBlob(String columnLabel) throws SQLException { return getBlob(findColumn(columnLabel)); }
    @Override public final Clob getClob(String columnLabel) throws SQLException { return getClob(findColumn(columnLabel)); }
    @Override public final NClob getNClob(String columnLabel) throws SQLException { return getNClob(findColumn(columnLabel)); }
    @Override public final Array getArray(String columnLabel) throws SQLException { return getArray(findColumn(columnLabel)); }
    @Override public final URL getURL(String columnLabel) throws SQLException { return getURL(findColumn(columnLabel)); }
    @Override public final RowId getRowId(String columnLabel) throws SQLException { return getRowId(findColumn(columnLabel)); }
    @Override public final SQLXML getSQLXML(String columnLabel) throws SQLException { return getSQLXML(findColumn(columnLabel)); }

    // ---- mutators: all refused ------------------------------------------------------------------

    @Override public final void insertRow() throws SQLException { throw readOnly(); }
    @Override public final void deleteRow() throws SQLException { throw readOnly(); }
    @Override public final void cancelRowUpdates() throws SQLException { throw readOnly(); }
    @Override public final void moveToInsertRow() throws SQLException { throw readOnly(); }
    @Override public final void moveToCurrentRow() throws SQLException { throw readOnly(); }
    @Override public final void updateArray(String columnLabel, Array x) throws SQLException { throw readOnly(); }
    @Override public final void updateArray(int columnIndex, Array x) throws SQLException { throw readOnly(); }
    @Override public final void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException { throw readOnly(); }
    @Override public final void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateAsciiStream(String columnLabel, InputStream x) throws SQLException { throw readOnly(); }
    @Override public final void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException { throw readOnly(); }
    @Override public final void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateAsciiStream(int columnIndex, InputStream x) throws SQLException { throw readOnly(); }
    @Override public final void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException { throw readOnly(); }
    @Override public final void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException { throw readOnly(); }
    @Override public final void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException { throw readOnly(); }
    @Override public final void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateBinaryStream(String columnLabel, InputStream x) throws SQLException { throw readOnly(); }
    @Override public final void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException { throw readOnly(); }
    @Override public final void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateBinaryStream(int columnIndex, InputStream x) throws SQLException { throw readOnly(); }
    @Override public final void updateBlob(String columnLabel, InputStream x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateBlob(String columnLabel, InputStream x) throws SQLException { throw readOnly(); }
    @Override public final void updateBlob(String columnLabel, Blob x) throws SQLException { throw readOnly(); }
    @Override public final void updateBlob(int columnIndex, InputStream x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateBlob(int columnIndex, InputStream x) throws SQLException { throw readOnly(); }
    @Override public final void updateBlob(int columnIndex, Blob x) throws SQLException { throw readOnly(); }
    @Override public final void updateBoolean(String columnLabel, boolean x) throws SQLException { throw readOnly(); }
    @Override public final void updateBoolean(int columnIndex, boolean x) throws SQLException { throw readOnly(); }
    @Override public final void updateByte(String columnLabel, byte x) throws SQLException { throw readOnly(); }
    @Override public final void updateByte(int columnIndex, byte x) throws SQLException { throw readOnly(); }
    @Override public final void updateBytes(String columnLabel, byte[] x) throws SQLException { throw readOnly(); }
    @Override public final void updateBytes(int columnIndex, byte[] x) throws SQLException { throw readOnly(); }
    @Override public final void updateCharacterStream(String columnLabel, Reader x, int length) throws SQLException { throw readOnly(); }
    @Override public final void updateCharacterStream(String columnLabel, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateCharacterStream(String columnLabel, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateCharacterStream(int columnIndex, Reader x, int length) throws SQLException { throw readOnly(); }
    @Override public final void updateCharacterStream(int columnIndex, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateCharacterStream(int columnIndex, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateClob(String columnLabel, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateClob(String columnLabel, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateClob(String columnLabel, Clob x) throws SQLException { throw readOnly(); }
    @Override public final void updateClob(int columnIndex, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateClob(int columnIndex, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateClob(int columnIndex, Clob x) throws SQLException { throw readOnly(); }
    @Override public final void updateDate(String columnLabel, Date x) throws SQLException { throw readOnly(); }
    @Override public final void updateDate(int columnIndex, Date x) throws SQLException { throw readOnly(); }
    @Override public final void updateDouble(String columnLabel, double x) throws SQLException { throw readOnly(); }
    @Override public final void updateDouble(int columnIndex, double x) throws SQLException { throw readOnly(); }
    @Override public final void updateFloat(String columnLabel, float x) throws SQLException { throw readOnly(); }
    @Override public final void updateFloat(int columnIndex, float x) throws SQLException { throw readOnly(); }
    @Override public final void updateInt(String columnLabel, int x) throws SQLException { throw readOnly(); }
    @Override public final void updateInt(int columnIndex, int x) throws SQLException { throw readOnly(); }
    @Override public final void updateLong(String columnLabel, long x) throws SQLException { throw readOnly(); }
    @Override public final void updateLong(int columnIndex, long x) throws SQLException { throw readOnly(); }
    @Override public final void updateNCharacterStream(String columnLabel, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateNCharacterStream(String columnLabel, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateNCharacterStream(int columnIndex, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateNCharacterStream(int columnIndex, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateNClob(String columnLabel, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateNClob(String columnLabel, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateNClob(String columnLabel, NClob x) throws SQLException { throw readOnly(); }
    @Override public final void updateNClob(int columnIndex, Reader x, long length) throws SQLException { throw readOnly(); }
    @Override public final void updateNClob(int columnIndex, Reader x) throws SQLException { throw readOnly(); }
    @Override public final void updateNClob(int columnIndex, NClob x) throws SQLException { throw readOnly(); }
    @Override public final void updateNString(String columnLabel, String x) throws SQLException { throw readOnly(); }
    @Override public final void updateNString(int columnIndex, String x) throws SQLException { throw readOnly(); }
    @Override public final void updateNull(String columnLabel) throws SQLException { throw readOnly(); }
    @Override public final void updateNull(int columnIndex) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(String columnLabel, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(String columnLabel, Object x, SQLType targetSqlType) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(String columnLabel, Object x) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(int columnIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(int columnIndex, Object x, SQLType targetSqlType) throws SQLException { throw readOnly(); }
    @Override public final void updateObject(int columnIndex, Object x) throws SQLException { throw readOnly(); }
    @Override public final void updateRef(String columnLabel, Ref x) throws SQLException { throw readOnly(); }
    @Override public final void updateRef(int columnIndex, Ref x) throws SQLException { throw readOnly(); }
    @Override public final void updateRow() throws SQLException { throw readOnly(); }
    @Override public final void updateRowId(String columnLabel, RowId x) throws SQLException { throw readOnly(); }
    @Override public final void updateRowId(int columnIndex, RowId x) throws SQLException { throw readOnly(); }
    @Override public final void updateSQLXML(String columnLabel, SQLXML x) throws SQLException { throw readOnly(); }
    @Override public final void updateSQLXML(int columnIndex, SQLXML x) throws SQLException { throw readOnly(); }
    @Override public final void updateShort(String columnLabel, short x) throws SQLException { throw readOnly(); }
    @Override public final void updateShort(int columnIndex, short x) throws SQLException { throw readOnly(); }
    @Override public final void updateString(String columnLabel, String x) throws SQLException { throw readOnly(); }
    @Override public final void updateString(int columnIndex, String x) throws SQLException { throw readOnly(); }
    @Override public final void updateTime(String columnLabel, Time x) throws SQLException { throw readOnly(); }
    @Override public final void updateTime(int columnIndex, Time x) throws SQLException { throw readOnly(); }
    @Override public final void updateTimestamp(String columnLabel, Timestamp x) throws SQLException { throw readOnly(); }
    @Override public final void updateTimestamp(int columnIndex, Timestamp x) throws SQLException { throw readOnly(); }
}
