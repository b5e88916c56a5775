package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    @Override
    public String viewDefinition(Connection connection, String schema, String name) throws SQLException {
        return informationSchemaViewDefinition(connection, schema, name);
    }

    @Override
    public List<String> viewDependencies(Connection connection, String schema, String name) {
        return List.of();
    }

    @Override
    public List<String> inheritanceFamily(Connection connection, String schema, String name) {
        return List.of();
    }

    @Override
    public boolean runsServerCode(Connection connection, String schema, String name) {
        return informationSchemaHasTriggers(connection, schema, name);
    }

    @Override
    public List<String> ruleTargets(Connection connection, String schema, String name) {
        return List.of();
    }

    @Override
    public RowSecurity rowSecurity(Connection connection, String schema, String name) {
        return RowSecurity.NONE;
    }

    static String informationSchemaViewDefinition(Connection connection, String schema, String name)
            throws SQLException {
        String sql = "SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** True if the table has triggers, or if we cannot tell. */
    static boolean informationSchemaHasTriggers(Connection connection, String schema, String name) {
        String sql = "SELECT count(*) FROM INFORMATION_SCHEMA.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ?"
                + " AND EVENT_OBJECT_TABLE = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                return !rows.next() || rows.getLong(1) > 0;
            }
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }
}
