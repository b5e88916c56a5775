package io.jdbccache.internal.result;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;

/**
 * Copies a live {@link ResultSet} into a {@link ResultSnapshot}, within row and byte limits.
 *
 * <p>Stateless and thread-safe. This is the cache-miss path. For pgjdbc and H2 the rows are kept in the driver's
 * own form (see {@link DriverRows}): per row one reference read, no conversion. For any other driver, per cell it
 * costs one {@code getObject}, one size estimate and, for the few column types whose driver text may differ from
 * {@code String.valueOf(value)}, one {@code getString}.
 */
public final class ResultMaterializer {

    private ResultMaterializer() {
    }

    /**
     * Reads {@code rs} from its current position (normally before the first row) to its end, or until a
     * limit is exceeded. Never closes {@code rs}.
     *
     * <p>A pgjdbc or H2 result is kept in that driver's form ({@link ResultSnapshot#driverRows()}). Otherwise each
     * value is captured with {@code rs.getObject(i)} ({@code byte[]} values are cloned). For
     * columns that are neither character ({@code CHAR, VARCHAR, LONGVARCHAR, NCHAR, NVARCHAR,
     * LONGNVARCHAR}) nor integer ({@code TINYINT, SMALLINT, INTEGER, BIGINT}) types, {@code rs.getString(i)}
     * is also captured when it differs from {@code String.valueOf(value)}, so that cached
     * {@code getString} returns exactly the driver's text (e.g. PostgreSQL's {@code "t"} for true).
     *
     * @param rs an open result set; on {@link Materialization.Overflow} it is handed back positioned on
     *     the last row read, otherwise it is left at its end (or untouched for Unsupported, and before its first
     *     row for a Complete whose rows the driver handed over whole: {@link Materialization.Complete#liveUnread})
     * @param previousColumns the columns captured for the same SQL earlier, reused when they still
     *     match (see {@link ColumnInfo#reuseOrRead}); may be null
     * @param maxRows overflow when more than this many rows are read
     * @param maxBytes overflow when the {@link ResultSnapshot#estimatedBytes() estimate} exceeds this
     * @return Complete, Overflow or Unsupported; never null
     * @throws SQLException if reading metadata or rows fails (the result set is then in an undefined
     *     position; the caller should close it and propagate the exception)
     */
    public static Materialization materialize(ResultSet rs, ColumnInfo[] previousColumns, int maxRows, long maxBytes)
            throws SQLException {
        return materialize(rs, previousColumns, maxRows, maxBytes, null);
    }

    /**
     * The same, keeping the rows in the driver's own form when {@code factory} can build that driver's result sets
     * ({@link DriverRows#open}); otherwise as Java values.
     *
     * @param factory the statement hits will build their result sets with, or null for Java values
     */
    public static Materialization materialize(ResultSet rs, ColumnInfo[] previousColumns, int maxRows, long maxBytes,
            Statement factory) throws SQLException {
        return materialize(rs, previousColumns, null, maxRows, maxBytes, factory);
    }

    /**
     * The same, sharing the driver's column descriptions of the same statement's last capture when the driver still
     * describes its columns alike: then {@code previousColumns}, which must be the columns captured with them, are
     * taken as they are, without reading the result's metadata (with pgjdbc, a miss of a known statement then
     * neither copies field descriptions nor looks up types).
     *
     * @param previousDriverColumns {@link ResultSnapshot#driverColumns()} of this statement's last capture, or null
     */
    public static Materialization materialize(ResultSet rs, ColumnInfo[] previousColumns,
            DriverColumns previousDriverColumns, int maxRows, long maxBytes, Statement factory) throws SQLException {
        DriverRowsCapture driverForm = factory == null ? null
                : DriverRowsCapture.of(rs, factory, previousDriverColumns);
        ColumnInfo[] columns = driverForm != null && driverForm.reusesColumns() && previousColumns != null
                ? previousColumns : ColumnInfo.reuseOrRead(rs.getMetaData(), previousColumns);
        int n = columns.length;
        boolean[] captureText = new boolean[n];
        // The last text kept per column: repeated texts (PostgreSQL's "t"/"f" for booleans) share one instance.
        String[] lastText = new String[n];
        for (int i = 0; i < n; i++) {
            int type = columns[i].type();
            if (!isCacheable(type)) {
                return new Materialization.Unsupported("Column " + (i + 1) + " (" + columns[i].label() + ") has type "
                        + columns[i].typeName() + " (java.sql.Types " + type + "), which is not cached");
            }
            captureText[i] = !isCharacterOrInteger(type);
        }
        if (driverForm != null) {
            return materializeNative(rs, columns, driverForm, maxRows, maxBytes);
        }
        Object[] values = new Object[Math.max(n, 1) * 16];
        String[] texts = null;
        int rows = 0;
        long valueBytes = 0;
        int cell = 0;
        while (rs.next()) {
            if (cell + n > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
                if (texts != null) {
                    texts = Arrays.copyOf(texts, values.length);
                }
            }
            for (int i = 0; i < n; i++, cell++) {
                Object v = rs.getObject(i + 1);
                if (v == null) {
                    continue;
                }
                if (v instanceof byte[] b) {
                    v = b.clone();
                }
                values[cell] = v;
                valueBytes += ResultSnapshot.sizeOf(v);
                if (captureText[i]) {
                    String text = rs.getString(i + 1);
                    if (text != null && !text.equals(v.toString())) {
                        if (texts == null) {
                            texts = new String[values.length];
                        }
                        if (text.equals(lastText[i])) {
                            texts[cell] = lastText[i];
                        } else {
                            texts[cell] = text;
                            lastText[i] = text;
                            valueBytes += ResultSnapshot.sizeOf(text);
                        }
                    }
                }
            }
            rows++;
            if (rows > maxRows || ResultSnapshot.baseBytes(n, cell, texts != null) + valueBytes > maxBytes) {
                return new Materialization.Overflow(snapshot(columns, values, texts, rows, cell, valueBytes), rs);
            }
        }
        return new Materialization.Complete(snapshot(columns, values, texts, rows, cell, valueBytes));
    }

    /** The same loop for a driver whose own form is kept: one capture per row, no conversion at all. */
    private static Materialization materializeNative(ResultSet rs, ColumnInfo[] columns, DriverRowsCapture capture,
            int maxRows, long maxBytes) throws SQLException {
        long base = ResultSnapshot.baseBytes(columns.length, 0, false);
        DriverRows whole = capture.allRows(maxRows, maxBytes - base);
        if (whole != null) {
            return new Materialization.Complete(new ResultSnapshot(columns, whole), true);
        }
        long bytes = 0;
        int rows = 0;
        while (rs.next()) {
            bytes += capture.addCurrentRow();
            rows++;
            if (rows > maxRows || base + bytes > maxBytes) {
                return new Materialization.Overflow(new ResultSnapshot(columns, capture.finish()), rs);
            }
        }
        return new Materialization.Complete(new ResultSnapshot(columns, capture.finish()));
    }

    private static ResultSnapshot snapshot(ColumnInfo[] columns, Object[] values, String[] texts, int rows, int cells,
            long valueBytes) {
        // Trimmed to the exact size, so that the retained heap matches the estimate.
        return new ResultSnapshot(columns, Arrays.copyOf(values, cells), texts == null ? null : Arrays.copyOf(texts, cells),
                rows, ResultSnapshot.baseBytes(columns.length, cells, texts != null) + valueBytes);
    }

    /** @return false for the LOB, array, structured and reference types that are never cached */
    static boolean isCacheable(int type) {
        switch (type) {
            case Types.BLOB, Types.CLOB, Types.NCLOB, Types.ARRAY, Types.STRUCT, Types.REF, Types.SQLXML,
                    Types.DATALINK, Types.ROWID, Types.JAVA_OBJECT, Types.DISTINCT, Types.REF_CURSOR:
                return false;
            default:
                return true;
        }
    }

    static boolean isCharacterOrInteger(int type) {
        switch (type) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT:
                return true;
            default:
                return false;
        }
    }
}
