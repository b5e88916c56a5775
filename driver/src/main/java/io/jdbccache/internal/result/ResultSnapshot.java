package io.jdbccache.internal.result;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSetMetaData;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Date;
import java.util.UUID;

/**
 * An immutable, fully materialized query result: column descriptions plus a row-major array of values.
 *
 * <p>Thread-safety: immutable after construction and safe to share between threads without
 * synchronization; every reader gets its own {@link CachedResultSet} cursor. Mutable values
 * ({@code byte[]}, {@link java.sql.Timestamp}, {@link java.sql.Date}, {@link java.sql.Time}) are
 * never handed out directly by this package, only copies.
 *
 * <p>Layout: the value of row {@code r} (0-based) and column {@code c} (0-based) is
 * {@code values[r * columnCount + c]}; {@code texts} has the same layout (or is null) and holds the
 * source driver's {@code getString()} where it differs from {@code String.valueOf(value)}.
 *
 * <p>{@link #estimatedBytes()} approximates the retained heap, for use as a cache weight, assuming a
 * 64-bit JVM with compressed references: 64 bytes for the snapshot itself, 16 + 4 per slot for each
 * of the two arrays (column descriptions are shared by every result of one SQL and not counted), plus per
 * non-null value (see {@link #sizeOf}): 16
 * for Integer/Short/Byte/Float, 0 for Boolean (shared constants), 24 for Long/Double/Date/Time/
 * LocalDate/LocalTime/Instant, 32 for Timestamp/UUID, 72 for LocalDateTime, 96 for OffsetDateTime,
 * 48 for OffsetTime, 56 + 4 per 32 bits of magnitude for BigInteger, 96 + 4 per 32 bits of magnitude for
 * BigDecimal (drivers build it around a BigInteger),
 * 16 + length rounded to 8 for byte[], 40 + 2 x length for String (compact strings often take half),
 * and 64 for any other type.
 */
public final class ResultSnapshot {

    final ColumnInfo[] columns;
    final Object[] values;
    final String[] texts;
    final int columnCount;
    final int rowCount;
    /** The rows in the source driver's own form, or null: then {@code values} and {@code texts} hold them. */
    final DriverRows driverRows;
    private final long estimatedBytes;
    // Open-addressing table of (column index + 1), keyed by a case-insensitive hash of the label.
    private final int[] labelSlots;
    private volatile CachedResultSetMetaData metaData;

    ResultSnapshot(ColumnInfo[] columns, Object[] values, String[] texts, int rowCount, long estimatedBytes) {
        this.columns = columns;
        this.values = values;
        this.texts = texts;
        this.columnCount = columns.length;
        this.rowCount = rowCount;
        this.driverRows = null;
        this.estimatedBytes = estimatedBytes;
        this.labelSlots = buildLabelSlots(columns);
    }

    /** A snapshot whose rows are kept in the source driver's form (see {@link DriverRows}). */
    ResultSnapshot(ColumnInfo[] columns, DriverRows driverRows) {
        this.columns = columns;
        this.values = NO_VALUES;
        this.texts = null;
        this.columnCount = columns.length;
        this.rowCount = driverRows.rowCount();
        this.driverRows = driverRows;
        this.estimatedBytes = baseBytes(columns.length, 0, false) + driverRows.estimatedBytes();
        this.labelSlots = buildLabelSlots(columns);
    }

    private static final Object[] NO_VALUES = new Object[0];

    /**
     * @return the rows in the source driver's own form, from which that driver builds each hit's result set; null
     *     when the rows are kept as Java values, read through a {@link CachedResultSet}
     */
    public DriverRows driverRows() {
        return driverRows;
    }

    /** The driver's description of the columns, shareable by the next capture of the same statement; or null. */
    public DriverColumns driverColumns() {
        return driverRows == null ? null : driverRows.columns();
    }

    /** Builds a snapshot and computes its estimate; {@code values} is taken over, not copied. */
    static ResultSnapshot of(ColumnInfo[] columns, Object[] values, String[] texts, int rowCount) {
        long bytes = baseBytes(columns.length, values.length, texts != null);
        for (Object v : values) {
            bytes += sizeOf(v);
        }
        if (texts != null) {
            for (String t : texts) {
                bytes += sizeOf(t);
            }
        }
        return new ResultSnapshot(columns, values, texts, rowCount, bytes);
    }

    /** @return a copy of the column descriptions, in column order */
    public ColumnInfo[] columns() {
        return columns.clone();
    }

    /** @return the number of columns */
    public int columnCount() {
        return columnCount;
    }

    /** @return the number of rows */
    public int rowCount() {
        return rowCount;
    }

    /** @return the estimated retained heap in bytes, formula in the class comment; always positive */
    public long estimatedBytes() {
        return estimatedBytes;
    }

    /**
     * Returns the shared metadata of this snapshot, created on first use.
     *
     * @return an immutable {@link ResultSetMetaData} answering from the captured {@link ColumnInfo}s
     */
    public ResultSetMetaData metaData() {
        CachedResultSetMetaData md = metaData;
        if (md == null) {
            // Benign race: two threads may each build one; both are equal and immutable.
            md = new CachedResultSetMetaData(columns);
            metaData = md;
        }
        return md;
    }

    /**
     * The captured metadata, with the errors of {@code driverMetaData} for a bad column index.
     *
     * @param driverMetaData the driver's metadata of a result set over this snapshot's {@link #driverRows()}
     * @return a new immutable {@link ResultSetMetaData} answering from the captured {@link ColumnInfo}s
     */
    public ResultSetMetaData metaData(ResultSetMetaData driverMetaData) {
        return new CachedResultSetMetaData(columns, driverMetaData);
    }

    /**
     * Finds a column by label, ignoring case; when several columns share a label the first wins (JDBC).
     * Allocation-free.
     *
     * @param label a column label
     * @return the 1-based column index, or 0 when no column has this label (or label is null)
     */
    public int indexOf(String label) {
        if (label == null) {
            return 0;
        }
        int mask = labelSlots.length - 1;
        for (int slot = caseInsensitiveHash(label) & mask; ; slot = (slot + 1) & mask) {
            int index = labelSlots[slot];
            if (index == 0 || columns[index - 1].label().equalsIgnoreCase(label)) {
                return index;
            }
        }
    }

    /**
     * Encodes this snapshot in the compact binary format of {@link SnapshotCodec} (never Java
     * serialization).
     *
     * @return the encoding, or null when some value has a type the format cannot represent
     */
    public byte[] toBytes() {
        return SnapshotCodec.encode(this);
    }

    /**
     * Decodes a snapshot produced by {@link #toBytes()}.
     *
     * @param bytes an encoding
     * @return the decoded snapshot, equal in columns and values to the encoded one
     * @throws IllegalArgumentException if {@code bytes} is null, truncated, corrupt or of another version
     */
    public static ResultSnapshot fromBytes(byte[] bytes) {
        return SnapshotCodec.decode(bytes);
    }

    private static int[] buildLabelSlots(ColumnInfo[] columns) {
        int size = Integer.highestOneBit(Math.max(2, columns.length * 2 + 1)) << 1;
        int[] slots = new int[size];
        int mask = size - 1;
        for (int i = 0; i < columns.length; i++) {
            String label = columns[i].label();
            for (int slot = caseInsensitiveHash(label) & mask; ; slot = (slot + 1) & mask) {
                int existing = slots[slot];
                if (existing == 0) {
                    slots[slot] = i + 1;
                    break;
                }
                if (columns[existing - 1].label().equalsIgnoreCase(label)) {
                    break; // first match wins
                }
            }
        }
        return slots;
    }

    // Consistent with String.equalsIgnoreCase, which compares toUpperCase then toLowerCase per char.
    private static int caseInsensitiveHash(String s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + Character.toLowerCase(Character.toUpperCase(s.charAt(i)));
        }
        return h ^ (h >>> 16);
    }

    static long baseBytes(int columnCount, int slots, boolean hasTexts) {
        // The column descriptions are not counted: entries of one SQL share them (ColumnInfo.reuseOrRead).
        return 64 + (16 + 4L * slots) * (hasTexts ? 2 : 1);
    }

    /** The estimated retained size of one value; see the class comment. */
    static long sizeOf(Object v) {
        if (v == null || v instanceof Boolean) {
            return 0;
        }
        if (v instanceof String s) {
            return 40 + 2L * s.length();
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof Float) {
            return 16;
        }
        if (v instanceof Long || v instanceof Double || v instanceof Instant || v instanceof LocalDate
                || v instanceof LocalTime) {
            return 24;
        }
        if (v instanceof byte[] b) {
            return (16 + b.length + 7) & ~7L;
        }
        if (v instanceof BigDecimal d) {
            // Drivers build BigDecimals from a BigInteger (pgjdbc does), which the BigDecimal keeps even when the
            // value would fit a long: 40 for the BigDecimal, 40 for the BigInteger, 16 + 4 per 32 bits for its
            // magnitude (measured with a class histogram: 104 bytes for a small numeric).
            return 96 + 4L * ((d.precision() * 10 / 3 + 31) / 32);
        }
        if (v instanceof BigInteger i) {
            return 56 + 4L * ((i.bitLength() + 31) / 32);
        }
        if (v instanceof Timestamp || v instanceof UUID) {
            return 32;
        }
        if (v instanceof Date) { // java.sql.Date, java.sql.Time
            return 24;
        }
        if (v instanceof LocalDateTime) {
            return 72;
        }
        if (v instanceof OffsetDateTime) {
            return 96;
        }
        if (v instanceof OffsetTime) {
            return 48;
        }
        return 64;
    }
}
