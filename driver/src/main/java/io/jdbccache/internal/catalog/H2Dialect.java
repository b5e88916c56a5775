package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * H2. The session read-back reads {@code CURRENT_USER}, {@code INFORMATION_SCHEMA.SESSION_STATE} (the commands that
 * would recreate the session: schema, search path, time zone, variables, local temporary tables) and the
 * database-wide settings that change results (MODE, DEFAULT_NULL_ORDERING, ...).
 */
final class H2Dialect implements Dialect {
    private static final String READ_BACK = "SELECT CURRENT_USER, CURRENT_SCHEMA,"
            + " (SELECT ISOLATION_LEVEL FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID())";
    private static final String SESSION_STATE = "SELECT STATE_KEY, STATE_COMMAND FROM INFORMATION_SCHEMA.SESSION_STATE";
    private static final String DATABASE_SETTINGS = "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
            + " WHERE SETTING_NAME IN ('MODE', 'DEFAULT_NULL_ORDERING', 'CASE_INSENSITIVE_IDENTIFIERS',"
            + " 'DATABASE_TO_LOWER', 'DATABASE_TO_UPPER', 'TRUNCATE_LARGE_LENGTH', 'VARIABLE_BINARY', 'DEFAULT_ESCAPE',"
            + " 'TIME ZONE', 'OLD_INFORMATION_SCHEMA', 'ZERO_BASED_ENUMS', 'IGNORE_CATALOGS')";

    private final TableRef.IdentifierCase identifierCase;

    H2Dialect(TableRef.IdentifierCase identifierCase) {
        this.identifierCase = identifierCase;
    }

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public SqlSyntax syntax(SessionState state) {
        return SqlSyntax.H2;
    }

    @Override
    public TableRef.IdentifierCase identifierCase() {
        return identifierCase;
    }

    @Override
    public boolean readsSessionBack() {
        return true;
    }

    @Override
    public SessionState readSession(Connection connection, Set<String> keySettings) throws SQLException {
        String user;
        String schema;
        String isolation;
        try (PreparedStatement statement = connection.prepareStatement(READ_BACK);
                ResultSet row = statement.executeQuery()) {
            row.next();
            user = row.getString(1);
            schema = row.getString(2);
            isolation = String.valueOf(row.getString(3));
        }
        TreeMap<String, String> settings = new TreeMap<>();
        Set<String> temporary = new TreeSet<>();
        List<String> path = new ArrayList<>();
        path.add(schema);
        try (PreparedStatement statement = connection.prepareStatement(SESSION_STATE);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String key = rows.getString(1);
                String command = rows.getString(2);
                if (key.startsWith("TABLE ")) {
                    temporary.add(TableRef.unquote(key.substring("TABLE ".length()).trim()));
                } else if (key.startsWith("@")) {
                    // Variables: reads of them are never cached, so they need not split the key.
                    continue;
                } else {
                    settings.put(key, command);
                    if (key.equals("SCHEMA_SEARCH_PATH")) {
                        path.addAll(searchPath(command));
                    }
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(DATABASE_SETTINGS);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                settings.put("database " + rows.getString(1), rows.getString(2));
            }
        }
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        String upper = isolation.toUpperCase(Locale.ROOT);
        return new SessionState(user, user, new SearchPath(path), text.toString(), settings.keySet(), temporary, true,
                upper.contains("REPEATABLE") || upper.contains("SERIALIZABLE") || upper.contains("SNAPSHOT"), false);
    }

    /** The schemas of {@code SET SCHEMA_SEARCH_PATH "A", "B"}, as stored. */
    static List<String> searchPath(String command) {
        List<String> schemas = new ArrayList<>();
        String list = command.substring(command.toUpperCase(Locale.ROOT).indexOf("SCHEMA_SEARCH_PATH")
                + "SCHEMA_SEARCH_PATH".length()).trim();
        for (String part : list.split(",")) {
            String schema = part.trim();
            if (!schema.isEmpty()) {
                schemas.add(TableRef.isQuoted(schema) ? TableRef.unquote(schema) : schema.toUpperCase(Locale.ROOT));
            }
        }
        return schemas;
    }

    /** User aliases and aggregates (CREATE ALIAS, CREATE AGGREGATE); H2 lets none replace a built-in by default. */
    @Override
    public Routines routines(Connection connection, Set<String> builtIns) throws SQLException {
        Set<String> user = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT ROUTINE_NAME FROM"
                + " INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA <> 'INFORMATION_SCHEMA'");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                // The analyzer names unquoted functions in lower case; an alias of that name is not the built-in.
                user.add(rows.getString(1).toLowerCase(Locale.ROOT));
                user.add(rows.getString(1));
            }
        }
        return new Routines(null, user, Set.of(), Set.of(), Set.of());
    }
}
