package io.jdbccache.internal.result;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.h2.jdbc.JdbcResultSet;
import org.h2.jdbc.JdbcStatement;
import org.h2.result.ResultInterface;
import org.h2.value.TypeInfo;
import org.h2.value.Value;

/**
 * Reads H2's own form of a live result: the column descriptions of its {@link ResultInterface} once, then a copy of
 * each current row's values. H2 has no public accessor for the result behind a {@code JdbcResultSet}, so it is read
 * from the package-private field {@code result} through a var handle resolved once; when that cannot be, captures
 * fall back to the generic conversions.
 */
final class H2Capture implements DriverRowsCapture {

    private static final VarHandle RESULT;
    static final boolean AVAILABLE;

    static {
        VarHandle result;
        try {
            result = MethodHandles.privateLookupIn(JdbcResultSet.class, MethodHandles.lookup())
                    .findVarHandle(JdbcResultSet.class, "result", ResultInterface.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            result = null;
        }
        RESULT = result;
        AVAILABLE = result != null;
    }

    private final ResultInterface result;
    /** The column descriptions, with no rows yet. */
    private final H2Rows columns;
    private final ArrayList<Value[]> rows = new ArrayList<>();
    private long bytes;

    private H2Capture(ResultInterface result, H2Rows columns) {
        this.result = result;
        this.columns = columns;
    }

    /** @return a capture of {@code live}, exactly a {@code JdbcResultSet}, for an H2 {@code factory}; else null */
    static H2Capture of(ResultSet live, Statement factory) {
        if (!AVAILABLE || live.getClass() != JdbcResultSet.class || !(factory instanceof JdbcStatement)) {
            return null;
        }
        ResultInterface result = (ResultInterface) RESULT.get(live);
        if (result == null) {
            return null;
        }
        int n = result.getVisibleColumnCount();
        String[] aliases = new String[n];
        String[] schemas = new String[n];
        String[] tables = new String[n];
        String[] names = new String[n];
        TypeInfo[] types = new TypeInfo[n];
        boolean[] identities = new boolean[n];
        int[] nullables = new int[n];
        for (int i = 0; i < n; i++) {
            aliases[i] = result.getAlias(i);
            schemas[i] = result.getSchemaName(i);
            tables[i] = result.getTableName(i);
            names[i] = result.getColumnName(i);
            types[i] = result.getColumnType(i);
            identities[i] = result.isIdentity(i);
            nullables[i] = result.getNullable(i);
        }
        return new H2Capture(result, new H2Rows(aliases, schemas, tables, names, types, identities, nullables,
                List.of(), 0));
    }

    @Override
    public long addCurrentRow() {
        // A copy: a lazy result may reuse its row array, and only the visible columns are kept.
        Value[] current = result.currentRow();
        Value[] row = new Value[columns.types.length];
        System.arraycopy(current, 0, row, 0, row.length);
        rows.add(row);
        long size = H2Rows.sizeOf(row);
        bytes += size;
        return size;
    }

    @Override
    public boolean reusesColumns() {
        return false;
    }

    @Override
    public DriverRows finish() {
        rows.trimToSize();
        return columns.withRows(Collections.unmodifiableList(rows), bytes);
    }
}
