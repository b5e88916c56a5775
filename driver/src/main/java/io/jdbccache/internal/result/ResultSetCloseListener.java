package io.jdbccache.internal.result;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Told when a result set handed out by the cache is closed by its user, so that its statement can complete. */
@FunctionalInterface
public interface ResultSetCloseListener {

    /**
     * @param resultSet the result set that was just closed (for the first time)
     * @throws SQLException if completing the statement fails
     */
    void closed(ResultSet resultSet) throws SQLException;
}
