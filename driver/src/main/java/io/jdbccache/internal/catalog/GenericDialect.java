package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Any other database: what {@link java.sql.DatabaseMetaData} and the standard INFORMATION_SCHEMA tell. Its session
 * state cannot be read back: it is read once at connect (user and schema), and a statement that may change it
 * leaves it unknown, so the connection stops using the cache until it closes.
 */
final class GenericDialect implements Dialect {
    private final TableRef.IdentifierCase identifierCase;

    GenericDialect(TableRef.IdentifierCase identifierCase) {
        this.identifierCase = identifierCase;
    }

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public SqlSyntax syntax(SessionState state) {
        return SqlSyntax.GENERIC;
    }

    @Override
    public TableRef.IdentifierCase identifierCase() {
        return identifierCase;
    }

    @Override
    public boolean readsSessionBack() {
        return false;
    }

    /** The state at connect: the metadata's user name and the connection's schema. */
    @Override
    public SessionState readSession(Connection connection, Set<String> keySettings) throws SQLException {
        String schema = connection.getSchema();
        String user = connection.getMetaData().getUserName();
        return new SessionState(user, user, schema == null ? new SearchPath(List.of()) : SearchPath.of(schema), "",
                Set.of(), Set.of(), true, false, false);
    }
}

