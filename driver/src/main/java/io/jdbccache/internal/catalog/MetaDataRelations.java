package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A relation as {@link DatabaseMetaData} and the standard INFORMATION_SCHEMA describe it, for databases without a
 * dialect query of their own (H2 and any other): no inheritance, rules, policies or stored expressions to read;
 * triggers from INFORMATION_SCHEMA.TRIGGERS, a view's text from INFORMATION_SCHEMA.VIEWS.
 */
final class MetaDataRelations {
    private MetaDataRelations() {
    }

    /** The relation {@code schema.name}, or null if there is none. */
    static Relation read(Connection connection, String schema, String name) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String escape = metaData.getSearchStringEscape();
        String type = null;
        try (ResultSet tables = metaData.getTables(null, pattern(schema, escape), pattern(name, escape), null)) {
            while (tables.next()) {
                if (name.equals(tables.getString("TABLE_NAME"))
                        && (schema == null || schema.equals(tables.getString("TABLE_SCHEM")))) {
                    type = tables.getString("TABLE_TYPE");
                    break;
                }
            }
        }
        if (type == null) {
            return null;
        }
        boolean serverCode = hasTriggers(connection, schema, name);
        String upper = type.toUpperCase(Locale.ROOT);
        if (upper.equals("VIEW")) {
            return new Relation(type, List.of(), List.of(), null, serverCode, Calls.NONE, RowSecurity.NONE,
                    viewDefinition(connection, schema, name), List.of());
        }
        List<String> children = new ArrayList<>();
        try (ResultSet keys = metaData.getExportedKeys(null, schema, name)) {
            while (keys.next()) {
                if (changesChild(keys.getInt("DELETE_RULE")) || changesChild(keys.getInt("UPDATE_RULE"))) {
                    children.add(TableRef.qualify(keys.getString("FKTABLE_SCHEM"), keys.getString("FKTABLE_NAME")));
                }
            }
        }
        // Server code makes the key unusable: the two key lookups are saved then.
        String integerKey = serverCode ? null : integerPrimaryKey(metaData, schema, name);
        String definition = upper.equals("MATERIALIZED VIEW") ? viewDefinition(connection, schema, name) : null;
        return new Relation(type, children, List.of(), integerKey, serverCode, Calls.NONE, RowSecurity.NONE,
                definition, List.of());
    }

    /** The table's primary key column if it is a single integer column (as stored), else null. */
    private static String integerPrimaryKey(DatabaseMetaData metaData, String schema, String name)
            throws SQLException {
        String column = null;
        int columns = 0;
        try (ResultSet keys = metaData.getPrimaryKeys(null, schema, name)) {
            while (keys.next()) {
                column = keys.getString("COLUMN_NAME");
                columns++;
            }
        }
        if (columns != 1) {
            return null;
        }
        String escape = metaData.getSearchStringEscape();
        try (ResultSet rows = metaData.getColumns(null, pattern(schema, escape), pattern(name, escape),
                pattern(column, escape))) {
            while (rows.next()) {
                if (column.equals(rows.getString("COLUMN_NAME")) && name.equals(rows.getString("TABLE_NAME"))) {
                    int type = rows.getInt("DATA_TYPE");
                    boolean integral = type == Types.INTEGER || type == Types.BIGINT || type == Types.SMALLINT
                            || type == Types.TINYINT;
                    // A generated key changes when the columns it derives from do, without being named.
                    String generated = rows.getString("IS_GENERATEDCOLUMN");
                    return integral && !"YES".equalsIgnoreCase(generated) ? column : null;
                }
            }
        }
        return null;
    }

    private static String viewDefinition(Connection connection, String schema, String name) throws SQLException {
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
    private static boolean hasTriggers(Connection connection, String schema, String name) {
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

    private static boolean changesChild(int rule) {
        return rule == DatabaseMetaData.importedKeyCascade || rule == DatabaseMetaData.importedKeySetNull
                || rule == DatabaseMetaData.importedKeySetDefault;
    }

    private static String pattern(String identifier, String escape) {
        if (identifier == null || escape == null || escape.isEmpty()) {
            return identifier;
        }
        return identifier.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
