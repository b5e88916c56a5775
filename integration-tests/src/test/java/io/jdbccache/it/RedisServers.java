package io.jdbccache.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
        private Process process;

        Private() throws IOException, InterruptedException {
            this(freePort());
        }

        Private(int port) throws IOException, InterruptedException {
            this.port = port;
            this.dir = Files.createTempDirectory("jdbc-cache-redis-");
            start();
        }

        void start() throws IOException, InterruptedException {
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", SHARED_HOST,
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!answers(port)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("redis-server on port " + port + " did not start: "
                            + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }

        String url() {
            return "redis://" + SHARED_HOST + ":" + port;
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
}
