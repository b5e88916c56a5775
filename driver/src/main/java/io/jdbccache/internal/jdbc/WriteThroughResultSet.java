package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.AnalyzedSql;
import io.jdbccache.internal.sql.SqlAnalyzer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A live result set of an updatable statement: {@link #updateRow()}, {@link #insertRow()} and {@link #deleteRow()}
 * make the real driver write (pgjdbc sends its own UPDATE, INSERT or DELETE), so each is a write of tables the cache
 * cannot name, with the connection's invalidation around it, like any other write it cannot read.
 */
final class WriteThroughResultSet extends DelegatingResultSet {

    /** One analysis for every such write: the driver's statement text is never seen. */
    private static final AnalyzedSql ROW_WRITE =
            AnalyzedSql.of(SqlAnalyzer.unknown("-- a row written through an updatable ResultSet"));

    private final CachingConnection connection;

    WriteThroughResultSet(Statement owner, ResultSet live, CachingConnection connection) {
        super(owner, live);
        this.connection = connection;
    }

    @FunctionalInterface
    private interface RowWrite {
        void run() throws SQLException;
    }

    private void write(RowWrite write) throws SQLException {
        connection.session().beforeStatement(ROW_WRITE, null);
        boolean succeeded = false;
        try {
            write.run();
            succeeded = true;
        } finally {
            connection.session().afterStatement(ROW_WRITE, null, succeeded);
        }
    }

    @Override public void updateRow() throws SQLException { write(delegate::updateRow); }
    @Override public void insertRow() throws SQLException { write(delegate::insertRow); }
    @Override public void deleteRow() throws SQLException { write(delegate::deleteRow); }
}
