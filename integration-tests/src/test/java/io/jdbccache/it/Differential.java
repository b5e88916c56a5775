package io.jdbccache.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one script twice, each time on a fresh database (schema) with the same fixture: first through the real
 * driver, then through jdbc-cache, and compares what every step saw (rows, update counts, or the error's SQLState).
 * A cache that serves one session what the database would not have returned to it makes the two runs differ.
 *
 * <p>Sessions are named and opened on first use, each as the role the script gives it, so a script can play
 * several tenants, roles and pooled connections against each other.
 */
final class Differential {

    /** The script: the same steps for both runs. */
    interface Body {
        void run(Script script) throws Exception;
    }

    private Differential() {
    }

    /**
     * @param database the database both runs use
     * @param fixture  setup statements, run as the administrator on a raw connection; {@code ${schema}} is
     *                 replaced by the run's schema and {@code ${role}} placeholders by role names
     * @param roles    placeholder to role name, e.g. {@code a -> it_sec_123_a}
     * @return the cached run's statistics, for checks that caching did happen
     */
    static CacheStatistics sameOutcomes(Database database, String[] fixture, Map<String, String> roles, Body body)
            throws Exception {
        List<String> raw;
        try (TestDb db = TestDb.open(database)) {
            db.setup(resolve(fixture, db, roles));
            Script script = new Script(db, roles, false);
            try {
                body.run(script);
            } finally {
                script.close();
            }
            raw = script.outcomes;
        }
        try (TestDb db = TestDb.open(database)) {
            db.setup(resolve(fixture, db, roles));
            Script script = new Script(db, roles, true);
            CacheStatistics stats;
            try {
                body.run(script);
                // Before the sessions close: the cache lives while it has connections.
                stats = CachingDriver.statistics(db.cacheName).orElse(null);
            } finally {
                script.close();
            }
            if (Boolean.getBoolean("differential.print")) { System.out.println("RAW:\n" + String.join("\n", raw) + "\nCACHED:\n" + String.join("\n", script.outcomes)); }
            assertThat(differences(raw, script.outcomes)).as("steps where the cache answered otherwise than the "
                    + "database (raw run's schema and cached run's schema differ by name only)").isEmpty();
            assertThat(stats).as("the cached run opened cached connections").isNotNull();
            return stats;
        }
    }

    /** Each step whose outcome differs, as "step: raw -> ... | cached -> ...", schema names made neutral. */
    private static List<String> differences(List<String> raw, List<String> cached) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(raw.size(), cached.size()); i++) {
            String r = i < raw.size() ? neutral(raw.get(i)) : "(missing)";
            String c = i < cached.size() ? neutral(cached.get(i)) : "(missing)";
            if (!r.equals(c)) {
                differences.add("step " + (i + 1) + ": raw " + r + " | cached " + c);
            }
        }
        return differences;
    }

    /** Schema names differ between the runs, and EXPLAIN ANALYZE timings between any two executions. */
    private static String neutral(String outcome) {
        return outcome.replaceAll("it_\\d+_\\d+_[0-9a-z]+", "<schema>").replaceAll("\\d+\\.\\d+", "#");
    }

    private static String[] resolve(String[] fixture, TestDb db, Map<String, String> roles) {
        String[] result = new String[fixture.length];
        for (int i = 0; i < fixture.length; i++) {
            String sql = fixture[i].replace("${schema}", db.name);
            for (Map.Entry<String, String> role : roles.entrySet()) {
                sql = sql.replace("${" + role.getKey() + "}", role.getValue());
            }
            result[i] = sql;
        }
        return result;
    }

    /** One run's sessions and what their steps saw. */
    static final class Script {
        final TestDb db;
        final boolean cached;
        final List<String> outcomes = new ArrayList<>();
        private final Map<String, String> roles;
        private final Map<String, Connection> sessions = new LinkedHashMap<>();
        private final Map<String, String> sessionRoles = new LinkedHashMap<>();

        Script(TestDb db, Map<String, String> roles, boolean cached) {
            this.db = db;
            this.roles = roles;
            this.cached = cached;
        }

        /** Declares that session {@code name} logs in as the role behind placeholder {@code role}. */
        Script as(String name, String role) {
            sessionRoles.put(name, roles.get(role));
            return this;
        }

        /** The schema of this run (differs between the two runs). */
        String schema() {
            return db.name;
        }

        /** The URL this run's sessions use, logged in as {@code role} (a placeholder) or the administrator. */
        String url(String role) {
            String base = cached ? db.cachedUrl : db.rawUrl;
            return role == null ? base : base.replace("user=" + Database.PG_USER + "&", "user=" + roles.get(role) + "&");
        }

        Connection session(String name) throws SQLException {
            Connection connection = sessions.get(name);
            if (connection == null) {
                String base = cached ? db.cachedUrl : db.rawUrl;
                String role = sessionRoles.get(name);
                String url = role == null ? base : base.replace("user=" + Database.PG_USER + "&", "user=" + role + "&");
                connection = DriverManager.getConnection(url);
                sessions.put(name, connection);
            }
            return connection;
        }

        /** Runs a query (or any statement) on a plain statement and records what it returned. */
        String q(String session, String sql) throws SQLException {
            return record(session + ": " + sql, outcome(() -> {
                try (Statement statement = session(session).createStatement()) {
                    return describe(statement, statement.execute(sql));
                }
            }));
        }

        /** Runs a prepared statement with parameters bound by setObject and records what it returned. */
        String p(String session, String sql, Object... parameters) throws SQLException {
            return record(session + ": " + sql + " " + Arrays.toString(parameters), outcome(() -> {
                try (PreparedStatement statement = session(session).prepareStatement(sql)) {
                    for (int i = 0; i < parameters.length; i++) {
                        statement.setObject(i + 1, parameters[i]);
                    }
                    return describe(statement, statement.execute());
                }
            }));
        }

        /** Runs a callable statement with string parameters and records what it returned. */
        String call(String session, String sql, String... parameters) throws SQLException {
            return record(session + ": " + sql, outcome(() -> {
                try (CallableStatement statement = session(session).prepareCall(sql)) {
                    int index = 1;
                    if (sql.startsWith("{?")) {
                        statement.registerOutParameter(index++, Types.VARCHAR);
                    }
                    for (String parameter : parameters) {
                        statement.setString(index++, parameter);
                    }
                    statement.execute();
                    return sql.startsWith("{?") ? "out " + statement.getString(1) : "called";
                }
            }));
        }

        /** Records an outcome computed by the caller (on a connection the script does not manage, say). */
        String record(String label, String outcome) {
            outcomes.add(label + " -> " + outcome);
            return outcome;
        }

        interface Action {
            String run() throws SQLException;
        }

        static String outcome(Action action) {
            try {
                return action.run();
            } catch (SQLException e) {
                return "ERROR " + e.getSQLState();
            }
        }

        static String describe(Statement statement, boolean hasResultSet) throws SQLException {
            StringBuilder out = new StringBuilder();
            boolean results = hasResultSet;
            while (true) {
                if (results) {
                    try (ResultSet rs = statement.getResultSet()) {
                        out.append(TestDb.rows(rs));
                    }
                } else {
                    int count = statement.getUpdateCount();
                    if (count < 0) {
                        break;
                    }
                    out.append("count ").append(count);
                }
                out.append("; ");
                results = statement.getMoreResults();
            }
            return out.toString();
        }

        /** Rows of a query on an arbitrary connection, as the script records them. */
        static String rowsOf(Connection connection, String sql) {
            return outcome(() -> {
                try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                    return TestDb.rows(rs).toString();
                }
            });
        }

        void close() {
            for (Connection connection : sessions.values()) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the run is over
                }
            }
        }
    }
}
