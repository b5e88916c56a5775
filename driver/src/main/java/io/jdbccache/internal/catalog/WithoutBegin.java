package io.jdbccache.internal.catalog;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The cache's own queries on PostgreSQL never begin the user's transaction. */
final class WithoutBegin {

    private WithoutBegin() {
    }

    /** pgjdbc's {@code QueryExecutor.QUERY_SUPPRESS_BEGIN}: run the query without first beginning a transaction. */
    private static final int QUERY_SUPPRESS_BEGIN = 16;
    /** pgjdbc's {@code BaseStatement.executeWithFlags(int)}. */
    private static final PgjdbcMethod EXECUTE_WITH_FLAGS = new PgjdbcMethod("org.postgresql.core.BaseStatement",
            "executeWithFlags", pgjdbc -> MethodType.methodType(boolean.class, int.class));

    /**
     * Runs one of the cache's own queries (the session read-back, the catalog) without beginning a transaction:
     * with autocommit off pgjdbc begins one before the first statement, and these are not the user's statements (a
     * {@code SET TRANSACTION ISOLATION LEVEL} must still come first in the transaction). Session state and the
     * committed catalog read the same in or out of the transaction that follows. Inside an open transaction the flag
     * changes nothing. Another driver than pgjdbc runs the query plainly.
     */
    static ResultSet executeQuery(PreparedStatement statement) throws SQLException {
        MethodHandle execute = EXECUTE_WITH_FLAGS.on(statement);
        if (execute != null) {
            try {
                boolean ignored = (boolean) execute.invokeExact((Object) statement, QUERY_SUPPRESS_BEGIN);
            } catch (SQLException e) {
                throw e;
            } catch (Throwable e) {
                return statement.executeQuery();
            }
            ResultSet row = statement.getResultSet();
            if (row != null) {
                return row;
            }
        }
        return statement.executeQuery();
    }
}
