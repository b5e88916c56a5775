package io.jdbccache.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases every integration test runs against (habit 15: one test body, a matrix of configurations).
 *
 * <p>H2 runs in memory and is always available. PostgreSQL is the server on 127.0.0.1:5432 (database {@code test},
 * user {@code postgres}); when it does not answer, its tests fail if the environment variable {@code CI} is
 * {@code true} and are skipped otherwise.
 */
public enum Database {
    H2 {
        @Override
        String rawUrl(String name) {
            return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        }

        @Override
        String parameterSeparator(String url) {
            return ";";
        }
    },
    POSTGRESQL {
        @Override
        String rawUrl(String name) {
            return PG_BASE + "?user=" + PG_USER + "&currentSchema=" + name;
        }

        @Override
        String parameterSeparator(String url) {
            return url.indexOf('?') >= 0 ? "&" : "?";
        }
    };

    static final String PG_BASE = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_USER = "postgres";
    private static volatile Boolean postgresAvailable;

    /** The real driver's URL of a fresh database (H2) or schema (PostgreSQL) called {@code name}. */
    abstract String rawUrl(String name);

    /** What joins one more parameter to {@code url}. */
    abstract String parameterSeparator(String url);

    /** {@code url} with {@code key=value} appended the way this database's URLs take parameters. */
    String withParameter(String url, String key, String value) {
        return url + parameterSeparator(url) + key + "=" + value;
    }

    /** Skips (or, with CI=true, fails) the calling test when this database is not reachable. */
    void requireAvailable() {
        if (this != POSTGRESQL) {
            return;
        }
        if (postgresAvailable == null) {
            postgresAvailable = probePostgres();
        }
        if (!postgresAvailable) {
            String message = "PostgreSQL at " + PG_BASE + " does not answer";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: PostgreSQL tests must run)");
            }
            Assumptions.abort(message + " (set CI=true to make this a failure)");
        }
    }

    private static boolean probePostgres() {
        DriverManager.setLoginTimeout(5);
        try (Connection connection = DriverManager.getConnection(PG_BASE, PG_USER, "")) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }
}
