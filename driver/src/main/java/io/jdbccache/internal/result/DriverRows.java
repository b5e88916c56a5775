package io.jdbccache.internal.result;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Rows kept in the wrapped driver's own form (pgjdbc's field descriptions and wire bytes, H2's values), from which
 * that driver itself builds the result set of every hit, so that each getter converts exactly as it would have.
 *
 * <p>Implementations are immutable once built and shared by every hit of one cache entry, on any thread; the result
 * sets they open never modify them.
 */
public interface DriverRows {

    /** @return the number of rows */
    int rowCount();

    /** @return the estimated retained heap of the rows in bytes (see {@link ResultSnapshot#estimatedBytes()}) */
    long estimatedBytes();

    /**
     * Opens a new result set of the driver over these rows, positioned before the first row.
     *
     * @param factory a statement of the same driver, whose result set type, holdability and fetch settings the
     *     new result set takes; never the user's statement (closing the result set must not complete it)
     * @param fetchSize the fetch size of the user's statement, which the driver's own result sets report if the
     *     driver's do (pgjdbc's do, H2's local results report 0)
     * @param fetchDirection the fetch direction of the user's statement, likewise
     * @return the driver's result set, or null when {@code factory} is not a statement of the driver that read the
     *     rows (the caller then reads from the database)
     * @throws SQLException if the driver refuses (a closed statement)
     */
    ResultSet open(Statement factory, int fetchSize, int fetchDirection) throws SQLException;

    /**
     * The driver's description of the columns, which a later capture of the same statement may share
     * ({@link ResultMaterializer#materialize}); null when the driver's rows have none worth sharing.
     */
    default DriverColumns columns() {
        return null;
    }

    /**
     * Encodes the rows for a shared tier, in a form that names no Java class.
     *
     * @return the encoding, or null when this driver's rows have no binary form yet
     */
    byte[] encode();
}
