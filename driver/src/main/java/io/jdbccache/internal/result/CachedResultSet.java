package io.jdbccache.internal.result;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.ZoneId;
import java.util.Calendar;
import java.util.Map;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * A read-only cursor over a shared {@link ResultSnapshot}: the result set a cache hit hands out.
 *
 * <p>Self-contained, not a wrapper: every getter reads the snapshot's arrays and converts the captured
 * value (see {@link Conversions}); {@code getString} returns the source driver's text where it was
 * captured. Primitive getters on values of their own type allocate nothing. Mutable values
 * ({@code byte[]}, {@code Timestamp}, {@code Date}, {@code Time}) are copied when handed out, so no
 * caller can corrupt the shared snapshot.
 *
 * <p>Errors: a closed result set, no current row, a backward move on a TYPE_FORWARD_ONLY cursor and
 * every mutator throw {@code SQLException} with SQLState {@code 24000}; a column index outside
 * {@code 1..columnCount} throws {@code 07009}; an unknown label throws {@code 42703} (PostgreSQL's
 * undefined_column, as pgjdbc reports it); impossible conversions throw {@code 22018}, out-of-range
 * numbers {@code 22003}.
 *
 * <p>Thread-safety: none, like every JDBC result set; use one instance per thread. Any number of
 * instances may read one snapshot concurrently.
 */
public final class CachedResultSet extends ReadOnlyResultSet {

    private final ResultSnapshot snapshot;
    private final Object[] values;
    private final String[] texts;
    private final int columnCount;
    private final int rowCount;
    private final Statement owner;
    private final int type;
    private final int holdability;
    private final ResultSetCloseListener closeListener;
    /** 0 = before first, 1..rowCount = on a row, rowCount + 1 = after last. */
    private int row;
    /** Offset of the current row in {@code values}, valid when on a row. */
    private int base;
    private boolean wasNull;
    private boolean closed;
    private int fetchSize;
    private int fetchDirection = FETCH_FORWARD;

    /**
     * Creates a cursor positioned before the first row.
     *
     * @param snapshot the rows to serve; shared, never modified
     * @param owner what {@link #getStatement()} returns (the caching statement, never a raw delegate); may be null
     * @param resultSetType {@link java.sql.ResultSet#TYPE_FORWARD_ONLY} forbids backward moves; the
     *     scroll types allow every move
     * @param holdability what {@link #getHoldability()} returns
     * @throws IllegalArgumentException if {@code resultSetType} is not a ResultSet type constant
     */
    public CachedResultSet(ResultSnapshot snapshot, Statement owner, int resultSetType, int holdability) {
        this(snapshot, owner, resultSetType, holdability, null);
    }

    /**
     * The same, telling {@code closeListener} when the user closes it (a statement's {@code closeOnCompletion}).
     *
     * @param closeListener told once, on the first {@link #close()}; may be null
     */
    public CachedResultSet(ResultSnapshot snapshot, Statement owner, int resultSetType, int holdability,
            ResultSetCloseListener closeListener) {
        this.closeListener = closeListener;
        if (resultSetType != TYPE_FORWARD_ONLY && resultSetType != TYPE_SCROLL_INSENSITIVE
                && resultSetType != TYPE_SCROLL_SENSITIVE) {
            throw new IllegalArgumentException("Unknown result set type " + resultSetType);
        }
        this.snapshot = snapshot;
        this.values = snapshot.values;
        this.texts = snapshot.texts;
        this.columnCount = snapshot.columnCount;
        this.rowCount = snapshot.rowCount;
        this.owner = owner;
        this.type = resultSetType;
        this.holdability = holdability;
    }

    // ---- cell access --------------------------------------------------------------------------------

    @Override
    void checkOpen() throws SQLException {
        if (closed) {
            throw closedError();
        }
    }

    /** The current value of a column (null for SQL NULL), recording wasNull. */
    private Object cell(int columnIndex) throws SQLException {
        if (closed) {
            throw closedError();
        }
        if (row < 1 || row > rowCount) {
            throw new SQLException("The cursor is not on a row (call next() first)", INVALID_CURSOR_STATE);
        }
        if (columnIndex < 1 || columnIndex > columnCount) {
            throw badIndex(columnIndex);
        }
        Object v = values[base + columnIndex - 1];
        wasNull = v == null;
        return v;
    }

    private SQLException badIndex(int columnIndex) {
        return new SQLException("Column index " + columnIndex + " is out of range 1.." + columnCount,
                INVALID_DESCRIPTOR_INDEX);
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        int index = snapshot.indexOf(columnLabel);
        if (index == 0) {
            throw new SQLException("The column name " + columnLabel + " was not found in this ResultSet.", UNDEFINED_COLUMN);
        }
        return index;
    }

    // ---- getters ------------------------------------------------------------------------------------

    @Override
    public String getString(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        if (v == null) {
            return null;
        }
        if (texts != null) {
            String text = texts[base + columnIndex - 1];
            if (text != null) {
                return text;
            }
        }
        return v instanceof String s ? s : v.toString();
    }

    @Override public String getNString(int columnIndex) throws SQLException { return getString(columnIndex); }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v != null && (v instanceof Boolean b ? b : Conversions.toBoolean(v));
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : v instanceof Byte b ? b : (byte) Conversions.toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : v instanceof Short s ? s : (short) Conversions.toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : v instanceof Integer i ? i : (int) Conversions.toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : v instanceof Long l ? l : Conversions.toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : v instanceof Float f ? f : Conversions.toFloat(v);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : v instanceof Double d ? d : Conversions.toDouble(v);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : Conversions.toBigDecimal(v, text(columnIndex));
    }

    /** The captured driver text of the current cell, or null when it equals String.valueOf(value). */
    private String text(int columnIndex) {
        return texts == null ? null : texts[base + columnIndex - 1];
    }

    /** @deprecated as in {@link java.sql.ResultSet}; rounds HALF_UP to {@code scale} */
    @Deprecated
    @Override
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : Conversions.toBigDecimal(v, text(columnIndex)).setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : v instanceof byte[] b ? b.clone() : Conversions.toBytes(v, getString(columnIndex));
    }

    @Override public Date getDate(int columnIndex) throws SQLException { return getDate(columnIndex, null); }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : Conversions.toDate(v, zone(cal));
    }

    @Override public Time getTime(int columnIndex) throws SQLException { return getTime(columnIndex, null); }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : Conversions.toTime(v, zone(cal));
    }

    @Override public Timestamp getTimestamp(int columnIndex) throws SQLException { return getTimestamp(columnIndex, null); }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        Object v = cell(columnIndex);
        if (v == null) {
            return null;
        }
        if (cal == null) {
            return Conversions.toTimestamp(v, null, false);
        }
        // pgjdbc reports timestamptz as Types.TIMESTAMP: an instant, which a Calendar must not shift.
        ColumnInfo c = snapshot.columns[columnIndex - 1];
        boolean absolute = c.type() == Types.TIMESTAMP_WITH_TIMEZONE || c.typeName().equalsIgnoreCase("timestamptz");
        return Conversions.toTimestamp(v, zone(cal), absolute);
    }

    private static ZoneId zone(Calendar cal) {
        return cal == null ? null : cal.getTimeZone().toZoneId();
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return Conversions.copyIfMutable(cell(columnIndex));
    }

    /** Supports only a null or empty type map: cached results hold no user-defined types. */
    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        if (map != null && !map.isEmpty()) {
            throw new SQLFeatureNotSupportedException("Custom type maps are not supported by a cached ResultSet");
        }
        return getObject(columnIndex);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        if (type == null) {
            throw new SQLException("Target class must not be null", Conversions.INVALID_CAST);
        }
        Object v = cell(columnIndex);
        return v == null ? null : Conversions.toObject(this, columnIndex, v, type);
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        String s = getString(columnIndex);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** @deprecated as in {@link java.sql.ResultSet}; returns UTF-8 bytes like pgjdbc */
    @Deprecated
    @Override
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        String s = getString(columnIndex);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        byte[] b = getBytes(columnIndex);
        return b == null ? null : new ByteArrayInputStream(b);
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        String s = getString(columnIndex);
        return s == null ? null : new StringReader(s);
    }

    @Override public Reader getNCharacterStream(int columnIndex) throws SQLException { return getCharacterStream(columnIndex); }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        byte[] b = getBytes(columnIndex);
        return b == null ? null : new SerialBlob(b);
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        String s = getString(columnIndex);
        return s == null ? null : new SerialClob(s.toCharArray());
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        String s = getString(columnIndex);
        return s == null ? null : new SerialNClob(s.toCharArray());
    }

    /** A SerialClob that is also an NClob (the JDK has no serial NClob). */
    private static final class SerialNClob extends SerialClob implements NClob {
        private static final long serialVersionUID = 1L;

        SerialNClob(char[] chars) throws SQLException {
            super(chars);
        }
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        String s = getString(columnIndex);
        try {
            return s == null ? null : new URL(s);
        } catch (MalformedURLException e) {
            throw new SQLException("Bad value for type URL: " + s, Conversions.INVALID_CAST, e);
        }
    }

    // ARRAY, REF, ROWID and SQLXML columns are never materialized, so these can only convert a value
    // that already is of the requested type (a driver returning such objects for another column type).
    @Override public Array getArray(int columnIndex) throws SQLException { return as(columnIndex, Array.class); }
    @Override public Ref getRef(int columnIndex) throws SQLException { return as(columnIndex, Ref.class); }
    @Override public RowId getRowId(int columnIndex) throws SQLException { return as(columnIndex, RowId.class); }
    @Override public SQLXML getSQLXML(int columnIndex) throws SQLException { return as(columnIndex, SQLXML.class); }

    private <T> T as(int columnIndex, Class<T> type) throws SQLException {
        Object v = cell(columnIndex);
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw Conversions.cannotConvert(v, type.getName());
    }

    // ---- navigation ---------------------------------------------------------------------------------

    private boolean moveTo(int target) {
        row = target < 0 ? 0 : Math.min(target, rowCount + 1);
        base = (row - 1) * columnCount;
        return row >= 1 && row <= rowCount;
    }

    private void checkScrollable() throws SQLException {
        checkOpen();
        if (type == TYPE_FORWARD_ONLY) {
            throw forwardOnly();
        }
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        return moveTo(row + 1);
    }

    @Override public boolean previous() throws SQLException { checkScrollable(); return moveTo(row - 1); }
    @Override public boolean first() throws SQLException { checkScrollable(); return moveTo(rowCount == 0 ? 0 : 1); }
    @Override public boolean last() throws SQLException { checkScrollable(); return moveTo(rowCount); }
    @Override public void beforeFirst() throws SQLException { checkScrollable(); moveTo(0); }
    @Override public void afterLast() throws SQLException { checkScrollable(); moveTo(rowCount + 1); }

    @Override
    public boolean absolute(int rowNumber) throws SQLException {
        checkScrollable();
        return moveTo(rowNumber >= 0 ? rowNumber : rowCount + 1 + rowNumber);
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        checkScrollable();
        return moveTo((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) row + rows)));
    }

    @Override public boolean isBeforeFirst() throws SQLException { checkOpen(); return row == 0 && rowCount > 0; }
    @Override public boolean isAfterLast() throws SQLException { checkOpen(); return row > rowCount && rowCount > 0; }
    @Override public boolean isFirst() throws SQLException { checkOpen(); return row == 1 && rowCount > 0; }
    @Override public boolean isLast() throws SQLException { checkOpen(); return row == rowCount && rowCount > 0; }
    @Override public int getRow() throws SQLException { checkOpen(); return row <= rowCount ? row : 0; }

    // ---- properties ---------------------------------------------------------------------------------

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD && direction != FETCH_REVERSE && direction != FETCH_UNKNOWN) {
            throw new SQLException("Invalid fetch direction " + direction, "HY024");
        }
        if (direction != FETCH_FORWARD && type == TYPE_FORWARD_ONLY) {
            throw forwardOnly();
        }
        fetchDirection = direction;
    }

    @Override public int getFetchDirection() throws SQLException { checkOpen(); return fetchDirection; }

    /** Recorded only: all rows are already in memory. */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw new SQLException("Fetch size must be >= 0, got " + rows, "HY024");
        }
        fetchSize = rows;
    }

    @Override public int getFetchSize() throws SQLException { checkOpen(); return fetchSize; }
    @Override public int getType() throws SQLException { checkOpen(); return type; }
    @Override public int getHoldability() throws SQLException { checkOpen(); return holdability; }
    @Override public ResultSetMetaData getMetaData() throws SQLException { checkOpen(); return snapshot.metaData(); }
    @Override public Statement getStatement() throws SQLException { checkOpen(); return owner; }

    /** Idempotent; the shared snapshot is not affected. */
    @Override
    public void close() throws SQLException {
        if (!closed) {
            closed = true;
            if (closeListener != null) {
                closeListener.closed(this);
            }
        }
    }
    @Override public boolean isClosed() { return closed; }
}
