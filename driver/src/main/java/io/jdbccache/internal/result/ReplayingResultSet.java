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
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The forward-only result set of a {@link Materialization.Overflow}: first the prefix rows, served
 * from a {@link CachedResultSet}, then the remaining rows of the live delegate.
 *
 * <p>The live result set is positioned on the last prefix row, so once the prefix is exhausted the
 * next {@link #next()} is {@code live.next()}: every row comes out once, in order, and nothing is
 * executed twice. Getters go to whichever of the two holds the current row; column lookup and
 * metadata come from the prefix snapshot (same columns). {@link #getStatement()} returns the owner,
 * never the delegate's statement; {@link #close()} closes the live result set.
 *
 * <p>Not thread-safe, like every JDBC result set.
 */
public final class ReplayingResultSet extends ReadOnlyResultSet {

    private final Statement owner;
    private final ResultSet prefix;
    private final ResultSet live;
    private ResultSet current;
    private boolean closed;

    /**
     * @param owner what {@link #getStatement()} returns; may be null
     * @param prefix the rows already read from {@code live}
     * @param live the delegate, positioned on the last row of {@code prefix}; owned (closed) by this object
     */
    public ReplayingResultSet(Statement owner, ResultSnapshot prefix, ResultSet live) {
        this(owner, new CachedResultSet(prefix, owner, TYPE_FORWARD_ONLY, HOLD_CURSORS_OVER_COMMIT), live);
    }

    /**
     * @param owner what {@link #getStatement()} returns; may be null
     * @param prefix a forward-only result set over the rows already read from {@code live}, before its first row
     * @param live the delegate, positioned on the last row of {@code prefix}; owned (closed) by this object
     */
    public ReplayingResultSet(Statement owner, ResultSet prefix, ResultSet live) {
        this.owner = owner;
        this.prefix = prefix;
        this.live = live;
        this.current = prefix;
    }

    @Override
    void checkOpen() throws SQLException {
        if (closed) {
            throw closedError();
        }
    }

    private ResultSet current() throws SQLException {
        if (closed) {
            throw closedError();
        }
        return current;
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (current == prefix) {
            if (prefix.next()) {
                return true;
            }
            current = live;
        }
        return live.next();
    }

    @Override
    public void close() throws SQLException {
        if (!closed) {
            closed = true;
            prefix.close();
            live.close();
        }
    }

    @Override public boolean isClosed() { return closed; }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        return prefix.findColumn(columnLabel);
    }

    @Override public ResultSetMetaData getMetaData() throws SQLException { checkOpen(); return prefix.getMetaData(); }
    @Override public Statement getStatement() throws SQLException { checkOpen(); return owner; }
    @Override public int getType() throws SQLException { checkOpen(); return TYPE_FORWARD_ONLY; }
    @Override public int getHoldability() throws SQLException { return live.getHoldability(); }
    @Override public SQLWarning getWarnings() throws SQLException { checkOpen(); return live.getWarnings(); }
    @Override public void clearWarnings() throws SQLException { checkOpen(); live.clearWarnings(); }

    // ---- cursor: forward only -------------------------------------------------------------------

    @Override public boolean previous() throws SQLException { checkOpen(); throw forwardOnly(); }
    @Override public boolean first() throws SQLException { checkOpen(); throw forwardOnly(); }
    @Override public boolean last() throws SQLException { checkOpen(); throw forwardOnly(); }
    @Override public void beforeFirst() throws SQLException { checkOpen(); throw forwardOnly(); }
    @Override public void afterLast() throws SQLException { checkOpen(); throw forwardOnly(); }
    @Override public boolean absolute(int row) throws SQLException { checkOpen(); throw forwardOnly(); }
    @Override public boolean relative(int rows) throws SQLException { checkOpen(); throw forwardOnly(); }

    @Override public boolean isBeforeFirst() throws SQLException { return current() == prefix && prefix.isBeforeFirst(); }
    @Override public boolean isAfterLast() throws SQLException { return current() == live && live.isAfterLast(); }
    @Override public boolean isFirst() throws SQLException { return current().isFirst(); }
    // On the last prefix row the live cursor is on that same row, so only it knows whether more follow.
    @Override public boolean isLast() throws SQLException { return current() == live || prefix.isLast() ? live.isLast() : false; }
    // The live cursor read the prefix rows itself, so its row numbers continue the prefix's.
    @Override public int getRow() throws SQLException { return current().getRow(); }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD) {
            throw forwardOnly();
        }
    }

    @Override public int getFetchDirection() throws SQLException { checkOpen(); return FETCH_FORWARD; }
    @Override public void setFetchSize(int rows) throws SQLException { checkOpen(); live.setFetchSize(rows); }
    @Override public int getFetchSize() throws SQLException { checkOpen(); return live.getFetchSize(); }

    // ---- getters: to whichever result set holds the current row ----------------------------------

    @Override public boolean wasNull() throws SQLException { return current().wasNull(); }
    @Override public String getString(int columnIndex) throws SQLException { return current().getString(columnIndex); }
    @Override public boolean getBoolean(int columnIndex) throws SQLException { return current().getBoolean(columnIndex); }
    @Override public byte getByte(int columnIndex) throws SQLException { return current().getByte(columnIndex); }
    @Override public short getShort(int columnIndex) throws SQLException { return current().getShort(columnIndex); }
    @Override public int getInt(int columnIndex) throws SQLException { return current().getInt(columnIndex); }
    @Override public long getLong(int columnIndex) throws SQLException { return current().getLong(columnIndex); }
    @Override public float getFloat(int columnIndex) throws SQLException { return current().getFloat(columnIndex); }
    @Override public double getDouble(int columnIndex) throws SQLException { return current().getDouble(columnIndex); }
    @SuppressWarnings("deprecation")
    @Override public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException { return current().getBigDecimal(columnIndex, scale); }
    @Override public BigDecimal getBigDecimal(int columnIndex) throws SQLException { return current().getBigDecimal(columnIndex); }
    @Override public byte[] getBytes(int columnIndex) throws SQLException { return current().getBytes(columnIndex); }
    @Override public Date getDate(int columnIndex) throws SQLException { return current().getDate(columnIndex); }
    @Override public Date getDate(int columnIndex, Calendar cal) throws SQLException { return current().getDate(columnIndex, cal); }
    @Override public Time getTime(int columnIndex) throws SQLException { return current().getTime(columnIndex); }
    @Override public Time getTime(int columnIndex, Calendar cal) throws SQLException { return current().getTime(columnIndex, cal); }
    @Override public Timestamp getTimestamp(int columnIndex) throws SQLException { return current().getTimestamp(columnIndex); }
    @Override public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException { return current().getTimestamp(columnIndex, cal); }
    @Override public InputStream getAsciiStream(int columnIndex) throws SQLException { return current().getAsciiStream(columnIndex); }
    @SuppressWarnings("deprecation")
    @Override public InputStream getUnicodeStream(int columnIndex) throws SQLException { return current().getUnicodeStream(columnIndex); }
    @Override public InputStream getBinaryStream(int columnIndex) throws SQLException { return current().getBinaryStream(columnIndex); }
    @Override public Reader getCharacterStream(int columnIndex) throws SQLException { return current().getCharacterStream(columnIndex); }
    @Override public Reader getNCharacterStream(int columnIndex) throws SQLException { return current().getNCharacterStream(columnIndex); }
    @Override public String getNString(int columnIndex) throws SQLException { return current().getNString(columnIndex); }
    @Override public Object getObject(int columnIndex) throws SQLException { return current().getObject(columnIndex); }
    @Override public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException { return current().getObject(columnIndex, map); }
    @Override public <T> T getObject(int columnIndex, Class<T> type) throws SQLException { return current().getObject(columnIndex, type); }
    @Override public Ref getRef(int columnIndex) throws SQLException { return current().getRef(columnIndex); }
    @Override public Blob getBlob(int columnIndex) throws SQLException { return current().getBlob(columnIndex); }
    @Override public Clob getClob(int columnIndex) throws SQLException { return current().getClob(columnIndex); }
    @Override public NClob getNClob(int columnIndex) throws SQLException { return current().getNClob(columnIndex); }
    @Override public Array getArray(int columnIndex) throws SQLException { return current().getArray(columnIndex); }
    @Override public URL getURL(int columnIndex) throws SQLException { return current().getURL(columnIndex); }
    @Override public RowId getRowId(int columnIndex) throws SQLException { return current().getRowId(columnIndex); }
    @Override public SQLXML getSQLXML(int columnIndex) throws SQLException { return current().getSQLXML(columnIndex); }
}
