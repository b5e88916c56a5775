package io.jdbccache.internal.jmx;

import io.jdbccache.internal.cache.ShapeStatistics;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ParameterValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs EXPLAIN for a query shape on a separate connection, with the last parameters seen. On PostgreSQL it runs
 * {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} in a transaction that is rolled back and reads planning and
 * execution time, rows, and shared buffer hits and reads; elsewhere it shows the database's own EXPLAIN and says
 * that buffer statistics are unavailable.
 */
public final class Explainer {

    private Explainer() {
    }

    /** What EXPLAIN told about one shape; numbers are -1 when the database does not report them. */
    public record Explanation(String shapeId, String database, double planningMillis, double executionMillis,
            long rows, long sharedHitBlocks, long sharedReadBlocks, String topNode, String text, String error) {

        /** Shared buffer hits over hits plus reads, or -1 if unknown. */
        public double bufferHitRatio() {
            long total = sharedHitBlocks + sharedReadBlocks;
            return sharedHitBlocks < 0 || total <= 0 ? -1 : (double) sharedHitBlocks / total;
        }

        /** A few readable lines. */
        public String summary() {
            if (error != null) {
                return "shape " + shapeId + ": not explained: " + error;
            }
            StringBuilder out = new StringBuilder("shape " + shapeId + " on " + database + "\n");
            if (executionMillis >= 0) {
                out.append(String.format(Locale.ROOT, "  planning %.3f ms, execution %.3f ms, rows %d, top node %s%n",
                        planningMillis, executionMillis, rows, topNode));
                out.append(String.format(Locale.ROOT, "  shared buffers: %d hit, %d read, hit ratio %s%n",
                        sharedHitBlocks, sharedReadBlocks, bufferHitRatio() < 0 ? "n/a"
                                : String.format(Locale.ROOT, "%.1f%%", 100 * bufferHitRatio())));
            } else {
                // The plan text may quote the query's values: they are masked, as everywhere else.
                String masked = maskValues(text);
                out.append("  buffer statistics are unavailable on this database; its plan (values masked):\n  ")
                        .append(masked.length() > 600 ? masked.substring(0, 600) + "..." : masked).append('\n');
            }
            return out.toString();
        }
    }

    public static Explanation explain(ShapeStatistics shape) {
        DatabaseScope database = shape.database();
        String sql = shape.lastSql();
        Object[] parameters = shape.lastParameters();
        if (database == null || sql == null) {
            return failed(shape, "?", "no execution of this shape has been seen");
        }
        if (!shape.cacheable()) {
            return failed(shape, database.identity(), "only cacheable reads are explained (it may lock or write)");
        }
        if (database.diagnosticsSource() == null) {
            return failed(shape, database.identity(), "no connection source for diagnostics");
        }
        try (Connection connection = database.diagnosticsSource().open()) {
            boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                    .contains("postgres");
            connection.setAutoCommit(false);
            try {
                String explain = (postgres ? "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
                        : isH2(connection) ? "EXPLAIN ANALYZE " : "EXPLAIN ") + sql;
                StringBuilder text = new StringBuilder();
                try (PreparedStatement statement = connection.prepareStatement(explain)) {
                    for (int i = 0; parameters != null && i < parameters.length; i++) {
                        ParameterValues.bind(statement, i + 1, parameters[i]);
                    }
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            text.append(rows.getString(1)).append('\n');
                        }
                    }
                }
                return postgres ? fromJson(shape.id(), database.identity(), text.toString())
                        : new Explanation(shape.id(), database.identity(), -1, -1, -1, -1, -1, "?",
                                text.toString().trim(), null);
            } finally {
                // ANALYZE executed the query: leave no trace of it.
                connection.rollback();
            }
        } catch (SQLException e) {
            // The message may quote a value: only the class and SQLState are shown.
            return failed(shape, database.identity(), e.getClass().getSimpleName() + " (SQLState " + e.getSQLState()
                    + ")");
        } catch (RuntimeException e) {
            return failed(shape, database.identity(), e.getClass().getSimpleName());
        }
    }

    /** Replaces quoted literals and numbers (other than H2's scan counts) by {@code ?}. */
    static String maskValues(String plan) {
        String literalsMasked = plan.replaceAll("'(?:[^']|'')*'", "?");
        StringBuilder out = new StringBuilder();
        Matcher number = Pattern.compile("(scanCount: )?\\b\\d+(?:\\.\\d+)?\\b").matcher(literalsMasked);
        while (number.find()) {
            number.appendReplacement(out, number.group(1) != null ? Matcher.quoteReplacement(number.group()) : "?");
        }
        number.appendTail(out);
        return out.toString();
    }

    private static boolean isH2(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
    }

    private static Explanation failed(ShapeStatistics shape, String database, String why) {
        return new Explanation(shape.id(), database, -1, -1, -1, -1, -1, "?", "", why);
    }

    /** The top plan node comes first in PostgreSQL's JSON, and its buffer counts include its children's. */
    static Explanation fromJson(String id, String database, String json) {
        return new Explanation(id, database, number(json, "Planning Time"), number(json, "Execution Time"),
                (long) number(json, "Actual Rows"), (long) number(json, "Shared Hit Blocks"),
                (long) number(json, "Shared Read Blocks"), string(json, "Node Type"), json, null);
    }

    private static double number(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(-?[0-9.eE+]+)").matcher(json);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    private static String string(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return matcher.find() ? matcher.group(1) : "?";
    }
}
