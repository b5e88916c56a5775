package io.jdbccache.internal.result;

import org.h2.engine.Session;
import org.h2.result.ResultInterface;
import org.h2.value.TypeInfo;
import org.h2.value.Value;

/**
 * A cursor over {@link H2Rows}, in the form H2's {@code JdbcResultSet} reads: the rows and column descriptions are
 * shared, the position is this object's own.
 */
final class H2StoredResult implements ResultInterface {

    private final H2Rows stored;
    private int rowId = -1;

    H2StoredResult(H2Rows stored) {
        this.stored = stored;
    }

    @Override public void reset() { rowId = -1; }
    @Override public Value[] currentRow() { return stored.rows.get(rowId); }

    @Override
    public boolean next() {
        int count = stored.rows.size();
        if (rowId < count) {
            return ++rowId < count;
        }
        return false;
    }

    @Override public long getRowId() { return rowId; }
    @Override public boolean isAfterLast() { return rowId >= stored.rows.size(); }
    @Override public int getVisibleColumnCount() { return stored.types.length; }
    @Override public long getRowCount() { return stored.rows.size(); }
    @Override public boolean hasNext() { return rowId < stored.rows.size() - 1; }
    @Override public boolean needToClose() { return false; }
    @Override public void close() { }
    @Override public String getAlias(int i) { return stored.aliases[i]; }
    @Override public String getSchemaName(int i) { return stored.schemas[i]; }
    @Override public String getTableName(int i) { return stored.tables[i]; }
    @Override public String getColumnName(int i) { return stored.names[i]; }
    @Override public TypeInfo getColumnType(int i) { return stored.types[i]; }
    @Override public boolean isIdentity(int i) { return stored.identities[i]; }
    @Override public int getNullable(int i) { return stored.nullables[i]; }
    // As H2's LocalResult: all rows are local, the fetch size is ignored and reported as 0.
    @Override public void setFetchSize(int fetchSize) { }
    @Override public int getFetchSize() { return 0; }
    @Override public boolean isLazy() { return false; }
    @Override public boolean isClosed() { return false; }
    @Override public ResultInterface createShallowCopy(Session targetSession) { return new H2StoredResult(stored); }
}
