package io.jdbccache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;

/**
 * What one application cost a local PostgreSQL server: the CPU time of its backends and the transactions of its
 * database, read before and after a measured period. Without {@code pg_stat_statements} (it needs
 * {@code shared_preload_libraries}, so a server restart) these are the server's own figures within reach:
 *
 * <ul>
 *   <li>CPU: the backends are the rows of {@code pg_stat_activity} with the benchmark's database and
 *       {@code application_name}; each one's time on a CPU (user and system, in nanoseconds) is the first field
 *       of {@code /proc/<pid>/schedstat}. That needs the server on this machine and {@code /proc} readable; if
 *       not, the CPU time is unknown ({@code -1}), never guessed.
 *   <li>Transactions: {@code xact_commit + xact_rollback} of the database in {@code pg_stat_database}. In
 *       autocommit every statement is one transaction, so in a database of its own this counts the statements
 *       that reached the server, the driver's own included.
 * </ul>
 *
 * <p>The monitoring connection is opened on another database, so neither its queries nor its backend count.
 * A busy backend publishes its counts at most once a second, and an idle one that published less than a second
 * ago only after 10 s ({@code PGSTAT_MIN_INTERVAL}, {@code PGSTAT_IDLE_INTERVAL}), so {@link #read} first asks
 * every backend of the pool to publish on its next idle moment ({@code pg_stat_force_next_flush()}, PostgreSQL
 * 15): those calls are one transaction per backend in each reading, the same with and without the cache. They run
 * on pgjdbc's own connection, unwrapped from the pool's and the cache's: through jdbc-cache, a function it does not
 * know may write anything, so it would drop every entry and read the catalog again just as the period starts.
 */
final class DatabaseMeter implements AutoCloseable {
    /** Time for the backends to publish once they are idle again. */
    private static final long FLUSH_MILLIS = 200;

    /** One reading: the database's transactions, and the CPU time of each backend ({@code -1}: unreadable). */
    record Reading(long transactions, Map<Integer, Long> cpuNanosByPid) {
    }

    /** The difference of two readings; {@code cpuNanos} is {@code -1} when any backend's CPU was unreadable. */
    record Usage(long transactions, long cpuNanos, int backends) {
    }

    private final Connection monitor;
    private final String database;
    private final String application;

    DatabaseMeter(Connection monitor, String database, String application) {
        this.monitor = monitor;
        this.database = database;
        this.application = application;
    }

    /** Reads after making each of the {@code connections} connections of {@code pool} publish its counts. */
    Reading read(DataSource pool, int connections) throws SQLException, InterruptedException {
        List<Connection> borrowed = new ArrayList<>();
        try {
            // Held at once, so that each call runs on a different backend.
            for (int i = 0; i < connections; i++) {
                borrowed.add(pool.getConnection());
            }
            for (Connection connection : borrowed) {
                try (Statement statement = connection.unwrap(BaseConnection.class).createStatement();
                        ResultSet rows = statement.executeQuery("SELECT pg_stat_force_next_flush()")) {
                    rows.next();
                }
            }
        } finally {
            for (Connection connection : borrowed) {
                connection.close();
            }
        }
        Thread.sleep(FLUSH_MILLIS);
        try (Statement statement = monitor.createStatement()) {
            statement.execute("SELECT pg_stat_clear_snapshot()");
        }
        long transactions;
        try (PreparedStatement query = monitor.prepareStatement(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                transactions = rows.next() ? rows.getLong(1) : -1;
            }
        }
        Map<Integer, Long> cpu = new HashMap<>();
        try (PreparedStatement query = monitor.prepareStatement("SELECT pid FROM pg_stat_activity"
                + " WHERE datname = ? AND application_name = ? AND backend_type = 'client backend'")) {
            query.setString(1, database);
            query.setString(2, application);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    int pid = rows.getInt(1);
                    cpu.put(pid, cpuNanos(pid));
                }
            }
        }
        return new Reading(transactions, cpu);
    }

    /**
     * From {@code before} to {@code after}. A backend that appears only in {@code after} counts from zero (its
     * whole life fell in the period); one that ended within the period is lost, which is why the pool keeps its
     * connections open throughout.
     */
    static Usage between(Reading before, Reading after) {
        long cpu = 0;
        for (Map.Entry<Integer, Long> backend : after.cpuNanosByPid().entrySet()) {
            long start = before.cpuNanosByPid().getOrDefault(backend.getKey(), 0L);
            if (backend.getValue() < 0 || start < 0) {
                cpu = -1;
                break;
            }
            cpu += backend.getValue() - start;
        }
        if (after.cpuNanosByPid().isEmpty()) {
            cpu = -1;
        }
        return new Usage(after.transactions() - before.transactions(), cpu, after.cpuNanosByPid().size());
    }

    private static long cpuNanos(int pid) {
        try {
            String schedstat = Files.readString(Path.of("/proc", String.valueOf(pid), "schedstat")).trim();
            return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return -1; // not local, not Linux, or not readable: unknown
        }
    }

    @Override
    public void close() throws SQLException {
        monitor.close();
    }
}
