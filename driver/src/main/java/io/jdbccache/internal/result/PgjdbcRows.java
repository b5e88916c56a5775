package io.jdbccache.internal.result;

import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.Field;
import org.postgresql.core.Tuple;

/**
 * A result as pgjdbc received it: its field descriptions (type oid, modifier, text or binary format) and each row's
 * wire bytes. A hit is pgjdbc's own {@code PgResultSet} over them, built by the public
 * {@link BaseStatement#createDriverResultSet}, so every getter, conversion and error is pgjdbc's, in the JVM time
 * zone of the moment it is called.
 *
 * <p>Immutable once built: the field descriptions are {@link PgjdbcColumns}, possibly shared with other entries of
 * the same statement, whose lazily computed type names are filled in once before the first result set reads them;
 * pgjdbc never writes to a read-only result's tuples, and the one getter that hands out a tuple's own array
 * ({@code getBytes} on a non-bytea column) is copied by the hit's wrapper.
 */
final class PgjdbcRows implements DriverRows {

    /** Leading byte of the encoding; the snapshot codec dispatches on it. */
    static final byte ENCODING = 'P';

    private final PgjdbcColumns columns;
    private final Field[] fields;
    private final List<Tuple> tuples;
    private final long estimatedBytes;

    /**
     * @param tupleBytes   the sum of {@link #sizeOf(Tuple)} over {@code tuples}; the rest is counted here
     * @param ownsColumns  whether {@code columns} were made for these rows (their bytes are counted here) or are
     *                     shared with an earlier entry of the same statement, which counted them
     */
    PgjdbcRows(PgjdbcColumns columns, boolean ownsColumns, List<Tuple> tuples, long tupleBytes) {
        this.columns = columns;
        this.fields = columns.fields();
        this.tuples = Collections.unmodifiableList(tuples);
        this.estimatedBytes = tupleBytes + overheadBytes(tuples.size()) + (ownsColumns ? columns.estimatedBytes() : 0);
    }

    /** What one entry holds besides its tuples and columns: this object, the list and its array. */
    private static long overheadBytes(int rows) {
        return 32 + 16 + 24 + ((16 + 4L * rows + 7) & ~7L);
    }

    @Override
    public DriverColumns columns() {
        return columns;
    }

    int columnCount() {
        return fields.length;
    }

    @Override
    public int rowCount() {
        return tuples.size();
    }

    @Override
    public long estimatedBytes() {
        return estimatedBytes;
    }

    @Override
    public ResultSet open(Statement factory, int fetchSize, int fetchDirection) throws SQLException {
        if (!(factory instanceof BaseStatement)) {
            return null;
        }
        columns.knowTypes((BaseConnection) factory.getConnection());
        ResultSet resultSet = ((BaseStatement) factory).createDriverResultSet(fields, tuples);
        // As PgStatement.createResultSet gives its result sets the statement's fetch size and direction.
        resultSet.setFetchSize(fetchSize);
        if (fetchDirection != ResultSet.FETCH_FORWARD) {
            resultSet.setFetchDirection(fetchDirection);
        }
        return resultSet;
    }

    /** The retained size of one tuple: the Tuple (24), its array of cells and each cell's array (16-byte headers). */
    static long sizeOf(Tuple tuple) {
        int cells = tuple.fieldCount();
        long bytes = 24 + ((16 + 4L * cells + 7) & ~7L);
        for (int i = 0; i < cells; i++) {
            byte[] cell = tuple.get(i);
            if (cell != null) {
                bytes += (16 + cell.length + 7) & ~7L;
            }
        }
        return bytes;
    }

    /**
     * Layout: {@code 'P'}, field count, per field label (UTF-8), oid, length, modifier, table oid, position, format;
     * row count, per row per cell its length + 1 (0 for NULL) and bytes. Lengths and counts are varints.
     */
    @Override
    public byte[] encode() {
        SnapshotCodec.Out out = new SnapshotCodec.Out(64 + (int) Math.min(Integer.MAX_VALUE - 64, estimatedBytes));
        out.write(ENCODING);
        out.varint(fields.length);
        for (Field f : fields) {
            if (!out.string(f.getColumnLabel())) {
                return null;
            }
            out.zigzag(f.getOID());
            out.zigzag(f.getLength());
            out.zigzag(f.getMod());
            out.zigzag(f.getTableOid());
            out.zigzag(f.getPositionInTable());
            out.zigzag(f.getFormat());
        }
        out.varint(tuples.size());
        for (Tuple t : tuples) {
            for (int i = 0; i < fields.length; i++) {
                byte[] cell = t.get(i);
                out.bytesOrNull(cell);
            }
        }
        return out.toByteArray();
    }

    /** Decodes {@link #encode()}'s form, positioned after the leading byte; validates every count and length. */
    static PgjdbcRows decode(ByteBuffer in) {
        int fieldCount = SnapshotCodec.count(in, 1 << 16);
        Field[] fields = new Field[fieldCount];
        for (int i = 0; i < fieldCount; i++) {
            String label = SnapshotCodec.requireNonNull(SnapshotCodec.string(in));
            int oid = (int) SnapshotCodec.unzigzag(in);
            short length = (short) SnapshotCodec.unzigzag(in);
            int mod = (int) SnapshotCodec.unzigzag(in);
            int tableOid = (int) SnapshotCodec.unzigzag(in);
            int position = (int) SnapshotCodec.unzigzag(in);
            int format = (int) SnapshotCodec.unzigzag(in);
            if (format != Field.TEXT_FORMAT && format != Field.BINARY_FORMAT) {
                throw new IllegalArgumentException("Bad field format " + format);
            }
            fields[i] = new Field(label, oid, length, mod, tableOid, position);
            fields[i].setFormat(format);
        }
        int rows = SnapshotCodec.count(in, in.remaining() / Math.max(1, fieldCount) + 1);
        List<Tuple> tuples = new ArrayList<>(rows);
        long bytes = 0;
        for (int r = 0; r < rows; r++) {
            byte[][] cells = new byte[fieldCount][];
            for (int i = 0; i < fieldCount; i++) {
                cells[i] = SnapshotCodec.bytesOrNull(in);
            }
            Tuple tuple = new Tuple(cells);
            tuples.add(tuple);
            bytes += sizeOf(tuple);
        }
        return new PgjdbcRows(PgjdbcColumns.of(fields), true, tuples, bytes);
    }
}
