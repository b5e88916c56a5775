package io.jdbccache.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The login roles that tenant scenarios play against each other on PostgreSQL: {@code a}, {@code b} and
 * {@code admin} (a member of both), named with a per-class prefix so that test classes never share a role.
 */
final class TenantRoles {

    private TenantRoles() {
    }

    /** @return the roles' names by part ({@code a}, {@code b}, {@code admin}), for Differential's placeholders */
    static Map<String, String> named(String prefix) {
        return Map.of("a", prefix + "a", "b", prefix + "b", "admin", prefix + "admin");
    }

    /** Creates the roles afresh (dropping leftovers of an earlier run); fails when PostgreSQL is not there. */
    static void create(Map<String, String> roles) throws SQLException {
        Database.POSTGRESQL.requireAvailable();
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            for (String role : List.of("admin", "a", "b")) {
                statement.execute("DROP ROLE IF EXISTS " + roles.get(role));
            }
            for (String role : List.of("a", "b", "admin")) {
                statement.execute("CREATE ROLE " + roles.get(role) + " LOGIN");
            }
            statement.execute("GRANT " + roles.get("a") + ", " + roles.get("b") + " TO " + roles.get("admin"));
        }
    }

    /**
     * Drops the roles.
     *
     * @param dropOwned first drop what they own (objects a scenario let them create outside its schema)
     */
    static void drop(Map<String, String> roles, boolean dropOwned) throws SQLException {
        try (Connection admin = DriverManager.getConnection(Database.PG_BASE, Database.PG_USER, "");
                Statement statement = admin.createStatement()) {
            for (String role : List.of("admin", "a", "b")) {
                if (dropOwned) {
                    statement.execute("DROP OWNED BY " + roles.get(role) + " CASCADE");
                }
                statement.execute("DROP ROLE IF EXISTS " + roles.get(role));
            }
        }
    }
}
