package io.jdbccache.internal.result;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Immutable capture of every {@link ResultSetMetaData} property of one result column.
 *
 * <p>A property the driver cannot answer (it throws {@link SQLException}, including
 * {@link java.sql.SQLFeatureNotSupportedException}, or a {@link RuntimeException}) is stored as a
 * neutral default instead of failing the query: {@code ""} for strings (the JDBC "not applicable"
 * value; a missing label falls back to the name), {@code 0} for numbers, {@link Types#OTHER} for the
 * type, {@link ResultSetMetaData#columnNullableUnknown} for nullability and {@code false} for flags.
 *
 * <p>Instances are immutable and safe to share between threads; arrays of them returned by this
 * class are never modified afterwards and must not be modified by callers either.
 */
public record ColumnInfo(
        String catalog, String schema, String table, String name, String label,
        int type, String typeName, String className,
        int precision, int scale, int displaySize, int nullable,
        boolean autoIncrement, boolean caseSensitive, boolean searchable, boolean currency,
        boolean signed, boolean readOnly, boolean writable, boolean definitelyWritable) {

    /**
     * Reads every property of every column of {@code md}.
     *
     * @param md the metadata of a live result set
     * @return one entry per column, in column order; never null
     * @throws SQLException if {@code md.getColumnCount()} fails (per-property failures are tolerated)
     */
    public static ColumnInfo[] readAll(ResultSetMetaData md) throws SQLException {
        ColumnInfo[] columns = new ColumnInfo[md.getColumnCount()];
        for (int i = 1; i <= columns.length; i++) {
            String name = str(md, i, 'n');
            String label = str(md, i, 'l');
            columns[i - 1] = new ColumnInfo(str(md, i, 'c'), str(md, i, 's'), str(md, i, 't'), name,
                    label.isEmpty() ? name : label, integer(md, i, 'T'), str(md, i, 'y'), str(md, i, 'k'),
                    integer(md, i, 'p'), integer(md, i, 'S'), integer(md, i, 'd'), integer(md, i, 'N'),
                    flag(md, i, 'a'), flag(md, i, 'c'), flag(md, i, 's'), flag(md, i, '$'),
                    flag(md, i, '-'), flag(md, i, 'r'), flag(md, i, 'w'), flag(md, i, 'W'));
        }
        return columns;
    }

    /**
     * Returns {@code previous} when it still describes {@code md}, otherwise {@link #readAll}.
     *
     * <p>"Still describes" means same column count, and per column the same label and JDBC type. Only
     * these cheap properties are consulted: with some drivers (pgjdbc) {@code isNullable},
     * {@code isAutoIncrement}, {@code getTableName}, {@code getSchemaName} and
     * {@code getBaseColumnName} run a catalog query, which is why callers remember the array per SQL.
     *
     * @param md the metadata of a live result set
     * @param previous the columns captured for the same SQL before, or null
     * @return {@code previous} itself when it matches, else a freshly read array
     * @throws SQLException if the column count, a label or a type cannot be read
     */
    public static ColumnInfo[] reuseOrRead(ResultSetMetaData md, ColumnInfo[] previous) throws SQLException {
        if (previous == null || md.getColumnCount() != previous.length) {
            return readAll(md);
        }
        for (int i = 0; i < previous.length; i++) {
            if (md.getColumnType(i + 1) != previous[i].type
                    || !md.getColumnLabel(i + 1).equals(previous[i].label)) {
                return readAll(md);
            }
        }
        return previous;
    }

    // One switch per result type instead of 20 lambdas: this runs once per column on a cache miss.
    private static String str(ResultSetMetaData md, int i, char property) {
        try {
            String value = switch (property) {
                case 'c' -> md.getCatalogName(i);
                case 's' -> md.getSchemaName(i);
                case 't' -> md.getTableName(i);
                case 'n' -> md.getColumnName(i);
                case 'l' -> md.getColumnLabel(i);
                case 'y' -> md.getColumnTypeName(i);
                case 'k' -> md.getColumnClassName(i);
                default -> throw new AssertionError(property);
            };
            return value == null ? "" : value;
        } catch (SQLException | RuntimeException e) {
            return "";
        }
    }

    private static int integer(ResultSetMetaData md, int i, char property) {
        try {
            return switch (property) {
                case 'T' -> md.getColumnType(i);
                case 'p' -> md.getPrecision(i);
                case 'S' -> md.getScale(i);
                case 'd' -> md.getColumnDisplaySize(i);
                case 'N' -> md.isNullable(i);
                default -> throw new AssertionError(property);
            };
        } catch (SQLException | RuntimeException e) {
            return property == 'T' ? Types.OTHER : property == 'N' ? ResultSetMetaData.columnNullableUnknown : 0;
        }
    }

    private static boolean flag(ResultSetMetaData md, int i, char property) {
        try {
            return switch (property) {
                case 'a' -> md.isAutoIncrement(i);
                case 'c' -> md.isCaseSensitive(i);
                case 's' -> md.isSearchable(i);
                case '$' -> md.isCurrency(i);
                case '-' -> md.isSigned(i);
                case 'r' -> md.isReadOnly(i);
                case 'w' -> md.isWritable(i);
                case 'W' -> md.isDefinitelyWritable(i);
                default -> throw new AssertionError(property);
            };
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
