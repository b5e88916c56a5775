package io.jdbccache.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the measuring thread, the PostgreSQL backends of its connections and any other server processes named on one
 * CPU for the paired checks, and puts the thread back afterwards.
 *
 * <p>Why: on this kind of virtual machine a synchronous round trip to a server on the other core costs two
 * cross-core wake-ups, tens of microseconds each, and whether the scheduler places client and backend on one core
 * or on two changes from one block to the next (seen as one voluntary context switch per operation, slow, or one
 * involuntary, fast). A 35 us query then measures 35 or 100 us depending on placement, not on the driver: the miss
 * and bypass overheads came out +50% to +130% unpinned and +2.5% to +21% pinned in the same minute. Pinned, both
 * ways pay the same hand-over on one core and the difference is the driver's own work. The JVM's other threads
 * (compiler, collector, the cache's clock) stay free, on either CPU.
 *
 * <p>Needs {@code taskset} and a database on this machine (its backends' pids are local processes); otherwise
 * nothing is pinned and {@link #description()} says so.
 */
final class CpuPinning implements AutoCloseable {
    private final String thread;
    private final String allCpus;
    private final String description;

    private CpuPinning(String thread, String allCpus, String description) {
        this.thread = thread;
        this.allCpus = allCpus;
        this.description = description;
    }

    /**
     * Pins the calling thread, the backends of {@code connections} and {@code serverPids} to the last CPU.
     *
     * @param connections PostgreSQL connections (plain or through the cache) whose backends serve the thread
     * @param serverPids  other local server processes the measured operations talk to (a private redis-server)
     */
    static CpuPinning pin(List<Connection> connections, long... serverPids) {
        int cpus = Runtime.getRuntime().availableProcessors();
        String allCpus = "0-" + (cpus - 1);
        if (cpus < 2 || !BenchDatabase.PG.startsWith("127.0.0.1") && !BenchDatabase.PG.startsWith("localhost")) {
            return new CpuPinning(null, allCpus, "not pinned (one CPU, or the database is not on this machine)");
        }
        String cpu = String.valueOf(cpus - 1);
        try {
            List<String> pids = new ArrayList<>();
            for (Connection connection : connections) {
                pids.add(String.valueOf(backendPid(connection)));
            }
            for (long pid : serverPids) {
                pids.add(String.valueOf(pid));
            }
            String thread = Path.of("/proc/thread-self").toRealPath().getFileName().toString();
            pids.add(thread);
            for (String pid : pids) {
                taskset(cpu, pid);
            }
            return new CpuPinning(thread, allCpus, "client thread, its " + connections.size()
                    + " PostgreSQL backend(s)" + (serverPids.length > 0 ? " and redis-server" : "") + " pinned to CPU "
                    + cpu);
        } catch (IOException | SQLException | RuntimeException e) {
            return new CpuPinning(null, allCpus, "not pinned (" + e.getMessage() + ")");
        }
    }

    /** What was pinned, for the report. */
    String description() {
        return description;
    }

    private static long backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void taskset(String cpus, String pid) throws IOException {
        Process process = new ProcessBuilder("taskset", "-p", "-c", cpus, pid).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("taskset " + pid + ": " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The thread may run anywhere again (the backends end with their connections). */
    @Override
    public void close() {
        if (thread != null) {
            try {
                taskset(allCpus, thread);
            } catch (IOException e) {
                System.err.println("could not unpin the measuring thread: " + e.getMessage());
            }
        }
    }
}
