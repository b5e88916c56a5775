package io.jdbccache.it;

import io.jdbccache.CachingDriver;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.testing.CountingDriver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Another application instance in a JVM of its own: the parent side ({@link #start}, {@link #call}) and the child
 * side ({@link #main}). The child opens one cached connection (through the counting driver) to the URL it is given
 * and answers one line per command on stdout; its stderr goes to a file the parent shows when the child fails.
 *
 * <p>Commands, fields separated by TAB, parameters as {@code i:<int>} or {@code s:<text>}:
 * <ul>
 * <li>{@code query <sql> <params...>}: {@code ok <rows>}, the rows encoded by {@link #encode};</li>
 * <li>{@code update <sql> <params...>}: {@code ok <count> <nanoTime when executeUpdate returned>};</li>
 * <li>{@code hold <sql>}: the next execution of {@code sql} stops after the database answered and before the cache
 * stores it (the child prints {@code held}); {@code query} then runs in the background and its answer comes after
 * {@code release};</li>
 * <li>{@code release}: lets the held read go on ({@code ok}, then later the held query's answer);</li>
 * <li>{@code block-bus}: the next message from another instance is applied, then the channel's thread stops (later
 * messages wait) until {@code unblock-bus};</li>
 * <li>{@code stats}: {@code ok <executions> <tierHits> <messages heard from other instances> <nanoTime>};</li>
 * <li>{@code quit}.</li>
 * </ul>
 * Errors are answered {@code sqlerror <SQLState> <message>} (an SQLException) or {@code error <message>}. The
 * parent kills the child if it does not quit.
 */
final class InstanceProcess implements AutoCloseable {
    private static final String ROW = "\u001e";
    private static final String VALUE = "\u001f";

    private final Process process;
    private final Path log;
    private final Writer in;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private InstanceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    replies.add(line);
                }
            } catch (IOException e) {
                // The child is gone; call() reports it.
            }
            replies.add("error the child's stdout closed");
        }, "instance-process-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a child JVM with this JVM's test class path, connected to {@code cachedUrl}; waits for it. */
    static InstanceProcess start(String cachedUrl) throws IOException, InterruptedException, SQLException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createTempFile("jdbc-cache-instance-", ".log");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", classPath, InstanceProcess.class.getName(), cachedUrl);
        builder.environment().put("CLASSPATH", "");
        builder.redirectError(log.toFile());
        InstanceProcess child = new InstanceProcess(builder.start(), log);
        child.expectOk(child.next(60));
        return child;
    }

    /**
     * Sends a command and returns the fields of its {@code ok} answer; an SQLException in the child is thrown here
     * with its SQLState, any other error or a silence fails.
     */
    String[] call(String... fields) throws IOException, InterruptedException, SQLException {
        send(fields);
        return expectOk(next(60));
    }

    /** Sends a command without waiting for its answer (see {@link #next}). */
    void send(String... fields) throws IOException {
        in.write(String.join("\t", fields) + "\n");
        in.flush();
    }

    /** The next line the child printed, waiting up to {@code seconds}. */
    String next(int seconds) throws InterruptedException, IOException {
        String line = replies.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("the child answered nothing in " + seconds + " s; its log:\n"
                    + Files.readString(log));
        }
        return line;
    }

    String[] expectOk(String line) throws IOException, SQLException {
        if (line.startsWith("sqlerror\t")) {
            String[] error = line.split("\t", 3);
            throw new SQLException("in the child: " + error[2], error[1].isEmpty() ? null : error[1]);
        }
        if (!line.startsWith("ok")) {
            throw new IllegalStateException("the child answered [" + line + "]; its log:\n" + Files.readString(log));
        }
        String[] fields = line.split("\t", -1);
        return Arrays.copyOfRange(fields, 1, fields.length);
    }

    /** The rows of a query run in the child, decoded. */
    List<List<Object>> query(String sql, Object... params) throws IOException, InterruptedException, SQLException {
        return decode(call(command("query", sql, params))[0]);
    }

    /** An update run in the child: its count. */
    int update(String sql, Object... params) throws IOException, InterruptedException, SQLException {
        return Integer.parseInt(call(command("update", sql, params))[0]);
    }

    /** The child's statement executions that reached the database, since it started. */
    long executions() throws IOException, InterruptedException, SQLException {
        return Long.parseLong(call("stats")[0]);
    }

    static String[] command(String name, String sql, Object... params) {
        String[] fields = new String[2 + params.length];
        fields[0] = name;
        fields[1] = sql;
        for (int i = 0; i < params.length; i++) {
            fields[2 + i] = (params[i] instanceof Integer ? "i:" : "s:") + params[i];
        }
        return fields;
    }

    static String encode(List<List<Object>> rows) {
        List<String> encoded = new ArrayList<>();
        for (List<Object> row : rows) {
            List<String> values = new ArrayList<>();
            for (Object value : row) {
                values.add(value == null ? "n:" : value instanceof Integer ? "i:" + value
                        : value instanceof Long ? "l:" + value : "s:" + value);
            }
            encoded.add(String.join(VALUE, values));
        }
        return "[" + String.join(ROW, encoded);
    }

    static List<List<Object>> decode(String encoded) {
        List<List<Object>> rows = new ArrayList<>();
        String body = encoded.substring(1);
        if (body.isEmpty()) {
            return rows;
        }
        for (String row : body.split(ROW, -1)) {
            List<Object> values = new ArrayList<>();
            for (String value : row.split(VALUE, -1)) {
                String text = value.substring(2);
                values.add(switch (value.charAt(0)) {
                    case 'n' -> null;
                    case 'i' -> Integer.valueOf(text);
                    case 'l' -> Long.valueOf(text);
                    default -> text;
                });
            }
            rows.add(values);
        }
        return rows;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            try {
                send("quit");
            } catch (IOException e) {
                // Killed below.
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(log);
    }

    // ---- the child --------------------------------------------------------------------------------------------

    /** The child: {@code args[0]} is the cached URL; commands on stdin, answers on stdout. */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // Nothing else may print to stdout: the protocol owns it.
        System.setOut(System.err);
        CountingDriver.register();
        CachingDriver.register();
        String url = args[0];
        Connection connection = DriverManager.getConnection(url);
        String cacheName = url.substring(url.indexOf("cache.name=") + "cache.name=".length()).split("[&;]")[0];
        ResultCache cache = CacheRegistry.find(cacheName);
        LongAdder heard = new LongAdder();
        BusGate gate = new BusGate();
        if (cache.tier() != null) {
            // Subscribed after the cache itself: a message is applied to the cache before it is counted here.
            cache.tier().subscribe(events -> {
                heard.increment();
                gate.pass();
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!cache.tier().statistics().busConnected() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        Held held = new Held();
        CountingDriver.hook(held);
        CountingDriver.reset();
        reply(out, "ok");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Thread background = null;
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] fields = line.split("\t", -1);
            try {
                switch (fields[0]) {
                    case "query" -> {
                        if (held.armed()) {
                            background = new Thread(() -> reply(out, runQuery(connection, fields)), "held-read");
                            background.start();
                        } else {
                            reply(out, runQuery(connection, fields));
                        }
                    }
                    case "update" -> {
                        int count;
                        try (PreparedStatement statement = prepare(connection, fields)) {
                            count = statement.executeUpdate();
                        }
                        reply(out, "ok\t" + count + "\t" + System.nanoTime());
                    }
                    case "hold" -> {
                        held.arm(fields[1], out);
                        reply(out, "ok");
                    }
                    case "block-bus" -> {
                        gate.close();
                        reply(out, "ok");
                    }
                    case "unblock-bus" -> {
                        gate.open();
                        reply(out, "ok");
                    }
                    case "release" -> {
                        reply(out, "ok");
                        held.release();
                    }
                    case "stats" -> reply(out, "ok\t" + CountingDriver.executions() + "\t" + cache.tierHits() + "\t"
                            + heard.sum() + "\t" + System.nanoTime());
                    default -> reply(out, "error unknown command " + fields[0]);
                }
            } catch (SQLException e) {
                reply(out, sqlError(e));
            } catch (RuntimeException e) {
                reply(out, "error " + e.toString().replace('\n', ' '));
            }
        }
        if (background != null) {
            background.join(10_000);
        }
        connection.close();
        System.exit(0);
    }

    private static String runQuery(Connection connection, String[] fields) {
        try (PreparedStatement statement = prepare(connection, fields)) {
            return "ok\t" + encode(TestDb.rows(statement.executeQuery()));
        } catch (SQLException e) {
            return sqlError(e);
        } catch (RuntimeException e) {
            return "error " + e.toString().replace('\n', ' ');
        }
    }

    private static String sqlError(SQLException e) {
        return "sqlerror\t" + (e.getSQLState() == null ? "" : e.getSQLState()) + "\t"
                + e.toString().replace('\n', ' ').replace('\t', ' ');
    }

    private static PreparedStatement prepare(Connection connection, String[] fields) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(fields[1]);
        for (int i = 2; i < fields.length; i++) {
            String value = fields[i].substring(2);
            if (fields[i].startsWith("i:")) {
                statement.setInt(i - 1, Integer.parseInt(value));
            } else {
                statement.setString(i - 1, value);
            }
        }
        return statement;
    }

    private static synchronized void reply(PrintStream out, String line) {
        out.println(line);
    }

    /** Stops the channel's thread once closed, after the message it applies next, until opened. */
    private static final class BusGate {
        private volatile CountDownLatch open = new CountDownLatch(0);

        void close() {
            open = new CountDownLatch(1);
        }

        void open() {
            open.countDown();
        }

        void pass() {
            try {
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the bus was never unblocked");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The hook that stops one execution of one statement after the database answered, until released. */
    private static final class Held implements CountingDriver.ExecutionHook {
        private final AtomicInteger armedFor = new AtomicInteger();
        private volatile String sql;
        private volatile PrintStream out;
        private volatile CountDownLatch release = new CountDownLatch(0);

        void arm(String heldSql, PrintStream to) {
            sql = heldSql;
            out = to;
            release = new CountDownLatch(1);
            armedFor.set(1);
        }

        boolean armed() {
            return armedFor.get() > 0;
        }

        void release() {
            release.countDown();
        }

        @Override
        public void beforeExecute(String executed) {
        }

        @Override
        public void afterExecute(String executed) throws Exception {
            if (executed.equals(sql) && armedFor.compareAndSet(1, 0)) {
                reply(out, "held");
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            }
        }
    }
}
