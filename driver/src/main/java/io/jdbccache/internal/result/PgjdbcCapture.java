package io.jdbccache.internal.result;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.Field;
import org.postgresql.core.Tuple;
import org.postgresql.jdbc.PgResultSet;

/**
 * Reads pgjdbc's own form of a live result, row by row: the field descriptions once, then the current row's tuple
 * after each {@code next()}. pgjdbc has no public accessor for either, so both are read from the result set's
 * fields ({@code fields}, {@code thisRow}) through var handles resolved once; when they cannot be (another pgjdbc
 * layout, pgjdbc on the module path without opening its package), {@link #AVAILABLE} is false and results are
 * captured with the generic conversions instead.
 */
final class PgjdbcCapture implements DriverRowsCapture {

    private static final VarHandle FIELDS;
    private static final VarHandle THIS_ROW;
    static final boolean AVAILABLE;

    static {
        VarHandle fields = null;
        VarHandle thisRow = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(PgResultSet.class, MethodHandles.lookup());
            fields = lookup.findVarHandle(PgResultSet.class, "fields", Field[].class);
            thisRow = lookup.findVarHandle(PgResultSet.class, "thisRow", Tuple.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            fields = null;
            thisRow = null;
        }
        FIELDS = fields;
        THIS_ROW = thisRow;
        AVAILABLE = fields != null;
    }

    private final PgResultSet live;
    private final Field[] fields;
    private final ArrayList<Tuple> tuples = new ArrayList<>();
    private long bytes;

    private PgjdbcCapture(PgResultSet live, Field[] fields) {
        this.live = live;
        this.fields = fields;
    }

    /**
     * @return a capture of {@code live}, which must be exactly a {@code PgResultSet}, for {@code factory}, a pgjdbc
     *     statement; null otherwise or when the fields cannot be read
     */
    static PgjdbcCapture of(ResultSet live, Statement factory) {
        if (!AVAILABLE || live.getClass() != PgResultSet.class || !(factory instanceof BaseStatement)) {
            return null;
        }
        // The exact static types of the var handle's coordinates: an inexact call adapts its types on every call.
        Field[] liveFields = (Field[]) FIELDS.get((PgResultSet) live);
        // Copies: the live fields belong to the statement's prepared query and pgjdbc keeps updating them.
        Field[] copies = new Field[liveFields.length];
        for (int i = 0; i < copies.length; i++) {
            Field f = liveFields[i];
            copies[i] = new Field(f.getColumnLabel(), f.getOID(), f.getLength(), f.getMod(), f.getTableOid(),
                    f.getPositionInTable());
            copies[i].setFormat(f.getFormat());
        }
        return new PgjdbcCapture((PgResultSet) live, copies);
    }

    @Override
    public long addCurrentRow() {
        Tuple tuple = (Tuple) THIS_ROW.get(live);
        tuples.add(tuple);
        long size = PgjdbcRows.sizeOf(tuple);
        bytes += size;
        return size;
    }

    @Override
    public DriverRows finish() {
        tuples.trimToSize(); // so that the retained heap is what the estimate counts
        return new PgjdbcRows(fields, tuples, bytes);
    }
}
