package io.jdbccache.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis for the tests: the shared server on 127.0.0.1:6379 (its tests fail under {@code CI=true} when it does not
 * answer, and are skipped otherwise), and private {@code redis-server} processes on other loopback ports that a
 * test starts, pauses, kills and restarts. Only processes started here are ever stopped, by their own handle.
 */
final class RedisServers {
    static final String SHARED_HOST = "127.0.0.1";
    static final int SHARED_PORT = 6379;
    static final String SHARED_URL = "redis://" + SHARED_HOST + ":" + SHARED_PORT;
    private static volatile Boolean sharedAvailable;

    private RedisServers() {
    }

    /** Skips (or, with CI=true, fails) the calling test when the shared Redis does not answer. */
    static void requireShared() {
        if (sharedAvailable == null) {
            sharedAvailable = answers(SHARED_PORT);
        }
        if (!sharedAvailable) {
            String message = "Redis at " + SHARED_HOST + ":" + SHARED_PORT + " does not answer";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: Redis tests must run)");
            }
            Assumptions.abort(message + " (set CI=true to make this a failure)");
        }
    }

    static boolean answers(int port) {
        try (Jedis jedis = new Jedis(SHARED_HOST, port, 500)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Deletes every key under {@code prefix} on the shared server; returns how many there were. */
    static long deleteKeys(String prefix) {
        long deleted = 0;
        try (Jedis jedis = new Jedis(SHARED_HOST, SHARED_PORT)) {
            ScanParams match = new ScanParams().match(prefix + ":*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                for (String key : page.getResult()) {
                    deleted += jedis.del(key);
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return deleted;
    }

    /** A port nothing listens on now (the kernel's choice, released at once). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A private redis-server on a loopback port, keeping nothing on disk. */
    static final class Private implements AutoCloseable {
        final int port;
        private final Path dir;
        private final List<String> extraArguments;
        private Process process;

        Private() throws IOException, InterruptedException {
            this(freePort());
        }

        Private(int port, String... extraArguments) throws IOException, InterruptedException {
            this(port, Files.createTempDirectory("jdbc-cache-redis-"), extraArguments);
        }

        /** A server keeping its files (a cluster node's {@code nodes-<port>.conf}, its log) in {@code dir}. */
        Private(int port, Path dir, String... extraArguments) throws IOException, InterruptedException {
            this.port = port;
            this.dir = dir;
            this.extraArguments = List.of(extraArguments);
            start();
        }

        void start() throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                    SHARED_HOST, "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            command.addAll(extraArguments);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!answers(port)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("redis-server on port " + port + " did not start: "
                            + Files.readString(dir.resolve("redis-" + port + ".log")));
                }
                Thread.sleep(20);
            }
        }

        String url() {
            return "redis://" + SHARED_HOST + ":" + port;
        }

        /** Calls of each command so far ({@code INFO commandstats}; Redis 7 names subcommands "client|list"). */
        Map<String, Long> commandCalls() {
            Map<String, Long> calls = new HashMap<>();
            try (Jedis jedis = new Jedis(SHARED_HOST, port)) {
                for (String line : jedis.info("commandstats").split("\r?\n")) {
                    if (line.startsWith("cmdstat_")) {
                        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                        int at = line.indexOf("calls=") + "calls=".length();
                        calls.put(name, Long.parseLong(line.substring(at, line.indexOf(',', at))));
                    }
                }
            }
            return calls;
        }

        /** Kills the server (SIGKILL) and waits until it is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        /** SIGSTOP: the server keeps its connections open and answers nothing. */
        void pause() throws IOException, InterruptedException {
            signal("STOP");
        }

        /** SIGCONT after {@link #pause}. */
        void resume() throws IOException, InterruptedException {
            signal("CONT");
        }

        private void signal(String name) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null && process.isAlive()) {
                try {
                    resume();
                } catch (IOException e) {
                    // Killed next anyway.
                }
                kill();
            }
        }
    }

    /**
     * A private Redis Cluster of three masters and no replicas on free loopback ports, made with {@code redis-cli
     * --cluster create}; ready once every node reports {@code cluster_state:ok}. Nodes can be killed one by one;
     * closing stops those still running.
     */
    static final class Cluster implements AutoCloseable {
        final List<Private> nodes = new ArrayList<>();
        private final Path dir;

        Cluster() throws IOException, InterruptedException {
            dir = Files.createTempDirectory("jdbc-cache-redis-cluster-");
            try {
                for (int i = 0; i < 3; i++) {
                    int port = clusterPort();
                    nodes.add(new Private(port, dir, "--cluster-enabled", "yes", "--cluster-config-file",
                            dir.resolve("nodes-" + port + ".conf").toString()));
                }
                List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
                for (Private node : nodes) {
                    create.add(SHARED_HOST + ":" + node.port);
                }
                create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
                Process process = new ProcessBuilder(create).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("create.log").toFile()).start();
                if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException("redis-cli --cluster create failed: "
                            + Files.readString(dir.resolve("create.log")));
                }
                awaitState("ok", TimeUnit.SECONDS.toNanos(20));
            } catch (IOException | InterruptedException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** A free port whose cluster bus port (the port + 10000) is a port and free too. */
        private static int clusterPort() throws IOException {
            while (true) {
                int port = freePort();
                if (port + 10_000 <= 65_535) {
                    try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                        return port;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
        }

        /** The nodes as {@code cache.redis.url} takes them: comma-separated. */
        String url() {
            List<String> urls = new ArrayList<>();
            for (Private node : nodes) {
                urls.add(node.url());
            }
            return String.join(",", urls);
        }

        /** Waits until every running node's {@code CLUSTER INFO} says {@code cluster_state:<state>}. */
        void awaitState(String state, long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (!every(state)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not reach cluster_state:" + state);
                }
                Thread.sleep(50);
            }
        }

        private boolean every(String state) {
            for (Private node : nodes) {
                if (!node.process.isAlive()) {
                    continue;
                }
                try (Jedis jedis = new Jedis(SHARED_HOST, node.port, 500)) {
                    if (!jedis.clusterInfo().contains("cluster_state:" + state)) {
                        return false;
                    }
                } catch (RuntimeException e) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws InterruptedException {
            for (Private node : nodes) {
                node.close();
            }
        }
    }
}
