package io.jdbccache.internal.result;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * {@link ResultSetMetaData} answered entirely from captured {@link ColumnInfo}s.
 *
 * <p>Immutable and thread-safe: one instance is shared by every cursor over a {@link ResultSnapshot}.
 * Every method throws {@code SQLException} for a column index outside {@code 1..getColumnCount()}: the driver's
 * own error when built with the driver's metadata, else SQLState {@code 07009}.
 */
final class CachedResultSetMetaData implements ResultSetMetaData {

    private final ColumnInfo[] columns;
    /** The driver's own metadata of the same result, asked only for a bad column index (its error), or null. */
    private final ResultSetMetaData indexErrors;

    CachedResultSetMetaData(ColumnInfo[] columns) {
        this(columns, null);
    }

    CachedResultSetMetaData(ColumnInfo[] columns, ResultSetMetaData indexErrors) {
        this.columns = columns;
        this.indexErrors = indexErrors;
    }

    private ColumnInfo col(int column) throws SQLException {
        if (column < 1 || column > columns.length) {
            if (indexErrors != null) {
                indexErrors.getColumnName(column); // throws the driver's own error
            }
            throw new SQLException("Column index " + column + " is out of range 1.." + columns.length,
                    ReadOnlyResultSet.INVALID_DESCRIPTOR_INDEX);
        }
        return columns[column - 1];
    }

    @Override public int getColumnCount() { return columns.length; }
    @Override public boolean isAutoIncrement(int column) throws SQLException { return col(column).autoIncrement(); }
    @Override public boolean isCaseSensitive(int column) throws SQLException { return col(column).caseSensitive(); }
    @Override public boolean isSearchable(int column) throws SQLException { return col(column).searchable(); }
    @Override public boolean isCurrency(int column) throws SQLException { return col(column).currency(); }
    @Override public int isNullable(int column) throws SQLException { return col(column).nullable(); }
    @Override public boolean isSigned(int column) throws SQLException { return col(column).signed(); }
    @Override public int getColumnDisplaySize(int column) throws SQLException { return col(column).displaySize(); }
    @Override public String getColumnLabel(int column) throws SQLException { return col(column).label(); }
    @Override public String getColumnName(int column) throws SQLException { return col(column).name(); }
    @Override public String getSchemaName(int column) throws SQLException { return col(column).schema(); }
    @Override public int getPrecision(int column) throws SQLException { return col(column).precision(); }
    @Override public int getScale(int column) throws SQLException { return col(column).scale(); }
    @Override public String getTableName(int column) throws SQLException { return col(column).table(); }
    @Override public String getCatalogName(int column) throws SQLException { return col(column).catalog(); }
    @Override public int getColumnType(int column) throws SQLException { return col(column).type(); }
    @Override public String getColumnTypeName(int column) throws SQLException { return col(column).typeName(); }
    @Override public boolean isReadOnly(int column) throws SQLException { return col(column).readOnly(); }
    @Override public boolean isWritable(int column) throws SQLException { return col(column).writable(); }
    @Override public boolean isDefinitelyWritable(int column) throws SQLException { return col(column).definitelyWritable(); }
    @Override public String getColumnClassName(int column) throws SQLException { return col(column).className(); }

    @Override public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper for " + iface);
    }

    @Override public boolean isWrapperFor(Class<?> iface) { return iface != null && iface.isInstance(this); }
}
