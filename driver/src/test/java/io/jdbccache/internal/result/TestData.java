package io.jdbccache.internal.result;

import java.sql.ResultSetMetaData;
import java.sql.Types;

/** Hand-built snapshots for tests that need no database. */
final class TestData {

    private TestData() {
    }

    static ColumnInfo column(String label, int type, String typeName) {
        return new ColumnInfo("cat", "sch", "tbl", label.toLowerCase(), label, type, typeName, "java.lang.Object",
                10, 2, 12, ResultSetMetaData.columnNullable, false, true, true, false, true, true, false, false);
    }

    /** Columns ID (INTEGER), NAME (VARCHAR), Name (VARCHAR, a duplicate label differing in case); rows 1..n. */
    static ResultSnapshot rows(int n) {
        ColumnInfo[] columns = {column("ID", Types.INTEGER, "INTEGER"), column("NAME", Types.VARCHAR, "VARCHAR"),
                column("Name", Types.VARCHAR, "VARCHAR")};
        Object[] values = new Object[n * 3];
        for (int r = 0; r < n; r++) {
            values[r * 3] = r + 1;
            values[r * 3 + 1] = "row" + (r + 1);
            values[r * 3 + 2] = "second" + (r + 1);
        }
        return ResultSnapshot.of(columns, values, null, n);
    }
}
