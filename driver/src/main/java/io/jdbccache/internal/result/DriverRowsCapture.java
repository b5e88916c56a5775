package io.jdbccache.internal.result;

import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Reads a live result set of a known driver in that driver's own form, one row at a time (the cache-miss path).
 * Not thread-safe: one per materialization.
 */
interface DriverRowsCapture {

    /**
     * Keeps the row the live result set is on.
     *
     * @return the estimated retained bytes of that row
     */
    long addCurrentRow();

    /** @return the rows kept so far */
    DriverRows finish();

    /**
     * Every row at once, without moving the live result set (still before its first row, to be handed to the
     * caller as the driver's own), if the driver holds them all and they fit the limits; else null, nothing taken.
     *
     * @param maxBytes the bytes the rows may hold
     */
    default DriverRows allRows(int maxRows, long maxBytes) {
        return null;
    }

    /**
     * True if the driver describes the result's columns exactly as the {@code previous} columns given to
     * {@link #of} (which are then shared): the column metadata captured with them applies as it is.
     */
    boolean reusesColumns();

    /**
     * Picks the capture for the driver of {@code live}: pgjdbc and H2 are recognized by the exact class of their
     * result sets, loaded only when seen (both are optional dependencies). Any other driver, an unexpected
     * version of these two, or one loaded where these classes cannot see it, gets null: the generic conversions.
     *
     * @param factory the statement that will open the captured rows: null is returned unless it is of the same driver
     * @param previous the columns of the same statement's last capture, shared when the driver still describes its
     *     columns alike; may be null
     * @return a capture of {@code live}, or null
     */
    static DriverRowsCapture of(ResultSet live, Statement factory, DriverColumns previous) {
        String name = live.getClass().getName();
        if (name.equals("org.postgresql.jdbc.PgResultSet") && Linkable.pgjdbc) {
            try {
                return PgjdbcCapture.of(live, factory, previous);
            } catch (LinkageError e) {
                Linkable.pgjdbc = false;
            }
        } else if (name.equals("org.h2.jdbc.JdbcResultSet") && Linkable.h2) {
            try {
                return H2Capture.of(live, factory);
            } catch (LinkageError e) {
                Linkable.h2 = false;
            }
        }
        return null;
    }

    /** Whether the driver's classes were visible from ours; false once linking failed, so it is not retried. */
    final class Linkable {
        static volatile boolean pgjdbc = true;
        static volatile boolean h2 = true;

        private Linkable() {
        }
    }
}
