package io.jdbccache.internal.result;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.Field;
import org.postgresql.core.ResultCursor;
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
    private static final VarHandle ROWS;
    private static final VarHandle CURSOR;
    private static final VarHandle CURRENT_ROW;
    static final boolean AVAILABLE;
    /** Whether the whole result can be taken at once, without moving the live result set (see {@link #allRows}). */
    private static final boolean WHOLE_AVAILABLE;

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
        VarHandle rows = null;
        VarHandle cursor = null;
        VarHandle currentRow = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(PgResultSet.class, MethodHandles.lookup());
            rows = lookup.findVarHandle(PgResultSet.class, "rows", List.class);
            cursor = lookup.findVarHandle(PgResultSet.class, "cursor", ResultCursor.class);
            currentRow = lookup.findVarHandle(PgResultSet.class, "currentRow", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            rows = null;
        }
        FIELDS = fields;
        THIS_ROW = thisRow;
        ROWS = rows;
        CURSOR = cursor;
        CURRENT_ROW = currentRow;
        AVAILABLE = fields != null;
        WHOLE_AVAILABLE = fields != null && rows != null;
    }

    private final PgResultSet live;
    private final PgjdbcColumns columns;
    private final boolean reused;
    private final ArrayList<Tuple> tuples = new ArrayList<>();
    private long bytes;

    private PgjdbcCapture(PgResultSet live, PgjdbcColumns columns, boolean reused) {
        this.live = live;
        this.columns = columns;
        this.reused = reused;
    }

    /**
     * @param previous the columns of this statement's last capture: shared if the live fields still read the same
     * @return a capture of {@code live}, which must be exactly a {@code PgResultSet}, for {@code factory}, a pgjdbc
     *     statement; null otherwise or when the fields cannot be read
     */
    static PgjdbcCapture of(ResultSet live, Statement factory, DriverColumns previous) {
        if (!AVAILABLE || live.getClass() != PgResultSet.class || !(factory instanceof BaseStatement)) {
            return null;
        }
        // The exact static types of the var handle's coordinates: an inexact call adapts its types on every call.
        Field[] liveFields = (Field[]) FIELDS.get((PgResultSet) live);
        if (previous instanceof PgjdbcColumns known && known.describes(liveFields)) {
            return new PgjdbcCapture((PgResultSet) live, known, true);
        }
        // Copies: the live fields belong to the statement's prepared query and pgjdbc keeps updating them.
        return new PgjdbcCapture((PgResultSet) live, PgjdbcColumns.copyOf(liveFields), false);
    }

    @Override
    public boolean reusesColumns() {
        return reused;
    }

    @Override
    public long addCurrentRow() {
        Tuple tuple = (Tuple) THIS_ROW.get(live);
        tuples.add(tuple);
        long size = PgjdbcRows.sizeOf(tuple);
        bytes += size;
        return size;
    }

    /**
     * The whole result at once when pgjdbc holds all of it (no cursor: it was not read with a fetch size in a
     * transaction) and the live result set is still before its first row, within the limits; the live result set
     * is not moved, so it can be handed to the caller as pgjdbc's own answer. Null otherwise (nothing was taken:
     * read row by row instead). Its tuples are the live result set's: pgjdbc never writes to those of a read-only
     * result, and closing it drops only its own list.
     */
    @Override
    public DriverRows allRows(int maxRows, long maxBytes) {
        if (!WHOLE_AVAILABLE || !tuples.isEmpty() || CURSOR.get(live) != null || (int) CURRENT_ROW.get(live) != -1) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<Tuple> all = (List<Tuple>) ROWS.get(live);
        if (all == null || all.size() > maxRows) {
            return null;
        }
        long size = 0;
        for (Tuple tuple : all) {
            size += PgjdbcRows.sizeOf(tuple);
            if (size > maxBytes) {
                return null;
            }
        }
        tuples.addAll(all);
        bytes = size;
        return finish();
    }

    @Override
    public DriverRows finish() {
        tuples.trimToSize(); // so that the retained heap is what the estimate counts
        return new PgjdbcRows(columns, !reused, tuples, bytes);
    }
}
