package io.jdbccache.internal.result;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbc.JdbcResultSet;
import org.h2.jdbc.JdbcStatement;
import org.h2.value.TypeInfo;
import org.h2.value.Value;

/**
 * A result as H2 produced it: its columns' descriptions and each row's H2 {@link Value}s (immutable). A hit is H2's
 * own {@link JdbcResultSet} over a {@link H2StoredResult} cursor on them, so every getter converts as H2 does, with
 * the time zone of the session that reads.
 *
 * <p>Immutable and shared by every hit of one entry.
 */
final class H2Rows implements DriverRows {

    final String[] aliases;
    final String[] schemas;
    final String[] tables;
    final String[] names;
    final TypeInfo[] types;
    final boolean[] identities;
    final int[] nullables;
    final List<Value[]> rows;
    private final long estimatedBytes;

    H2Rows(String[] aliases, String[] schemas, String[] tables, String[] names, TypeInfo[] types,
            boolean[] identities, int[] nullables, List<Value[]> rows, long rowBytes) {
        this.aliases = aliases;
        this.schemas = schemas;
        this.tables = tables;
        this.names = names;
        this.types = types;
        this.identities = identities;
        this.nullables = nullables;
        this.rows = rows;
        // This object, the list and its array, the seven column arrays (their strings and types are H2's own).
        this.estimatedBytes = rowBytes + 48 + 16 + 24 + ((16 + 4L * rows.size() + 7) & ~7L)
                + 7 * ((16 + 4L * types.length + 7) & ~7L);
    }

    @Override
    public int rowCount() {
        return rows.size();
    }

    @Override
    public long estimatedBytes() {
        return estimatedBytes;
    }

    @Override
    public ResultSet open(Statement factory, int fetchSize, int fetchDirection) throws SQLException {
        if (!(factory instanceof JdbcStatement)) {
            return null;
        }
        // As JdbcStatement.executeQuery builds its result sets: scrollable unless forward-only, never updatable.
        return new JdbcResultSet((JdbcConnection) factory.getConnection(), (JdbcStatement) factory, null,
                new H2StoredResult(this), 0, factory.getResultSetType() != ResultSet.TYPE_FORWARD_ONLY, false, false);
    }

    /** @return the same columns over {@code rows}, whose sizes sum to {@code rowBytes} */
    H2Rows withRows(List<Value[]> rows, long rowBytes) {
        return new H2Rows(aliases, schemas, tables, names, types, identities, nullables, rows, rowBytes);
    }

    /** H2 values have no encoding here yet: H2 results stay in the local tier. */
    @Override
    public byte[] encode() {
        return null;
    }

    /** The retained size of one row: its array and H2's own estimate of each value. */
    static long sizeOf(Value[] row) {
        long bytes = (16 + 4L * row.length + 7) & ~7L;
        for (Value v : row) {
            bytes += v.getMemory();
        }
        return bytes;
    }
}
