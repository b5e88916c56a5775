package io.jdbccache.bench;

import io.jdbccache.internal.cache.ResultCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis for the benchmarks: the shared server on 127.0.0.1:6379 under a prefix of each run's own (deleted after),
 * a private {@code redis-server} whose command statistics belong to one check alone, and a proxy in front of it
 * that counts round trips.
 */
final class BenchRedis {
    static final String HOST = "127.0.0.1";
    static final int SHARED_PORT = 6379;
    static final String SHARED_URL = "redis://" + HOST + ":" + SHARED_PORT;

    private BenchRedis() {
    }

    /** A key prefix no other run (nor fork) uses. */
    static String prefix(String what) {
        return "jdbc-cache-bench:" + what + ":" + ProcessHandle.current().pid() + ":" + System.nanoTime();
    }

    /** Waits (at most 10 s) until the cache hears the invalidation channel; until then it serves no own hits. */
    static void awaitContact(ResultCache cache) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cache.tier().statistics().busConnected()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cache never heard the Redis channel");
            }
            Thread.onSpinWait();
        }
    }

    static void deleteKeys(int port, String prefix) {
        try (Jedis jedis = new Jedis(HOST, port)) {
            ScanParams match = new ScanParams().match(prefix + ":*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                for (String key : page.getResult()) {
                    jedis.del(key);
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Calls per command since the server started ({@code INFO commandstats}). */
    static Map<String, Long> commandCalls(int port) {
        Map<String, Long> calls = new HashMap<>();
        try (Jedis jedis = new Jedis(HOST, port)) {
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

    /** A redis-server of this run's own on a free loopback port; stopped by its own process handle. */
    static final class Private implements AutoCloseable {
        final int port;
        private final Process process;

        /** The server's process id (to pin it beside the client, {@link CpuPinning}). */
        long pid() {
            return process.pid();
        }

        Private() throws IOException, InterruptedException {
            port = freePort();
            Path dir = Files.createTempDirectory("jdbc-cache-bench-redis-");
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", HOST, "--save", "",
                    "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Jedis jedis = new Jedis(HOST, port, 500)) {
                    if ("PONG".equals(jedis.ping())) {
                        break;
                    }
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new IllegalStateException("redis-server did not start on port " + port);
                    }
                    Thread.sleep(20);
                }
            }
        }

        String url() {
            return "redis://" + HOST + ":" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * A TCP proxy that counts round trips: each time a client sends bytes after the server last spoke (or first
     * on its connection) is one. The subscription's connection (the first bytes it sends hold {@code SUBSCRIBE})
     * is counted apart, so the channel's pings and pushed messages stay out of the commands' count.
     */
    static final class CountingProxy implements AutoCloseable {
        final int port;
        private final int target;
        private final ServerSocket server;
        private final AtomicLong roundTrips = new AtomicLong();
        private final AtomicLong subscriberRoundTrips = new AtomicLong();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        CountingProxy(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
            this.port = server.getLocalPort();
            acceptor = new Thread(this::accept, "bench-redis-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "redis://" + HOST + ":" + port;
        }

        long roundTrips() {
            return roundTrips.get();
        }

        long subscriberRoundTrips() {
            return subscriberRoundTrips.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    client.setTcpNoDelay(true);
                    Socket upstream = new Socket(HOST, target);
                    upstream.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(upstream);
                    AtomicBoolean clientSpoke = new AtomicBoolean();
                    AtomicBoolean subscriber = new AtomicBoolean();
                    pump(client.getInputStream(), upstream.getOutputStream(), (bytes, length) -> {
                        if (!subscriber.get() && new String(bytes, 0, length, StandardCharsets.US_ASCII)
                                .toUpperCase(Locale.ROOT).contains("SUBSCRIBE")) {
                            subscriber.set(true);
                        }
                        if (!clientSpoke.getAndSet(true)) {
                            (subscriber.get() ? subscriberRoundTrips : roundTrips).incrementAndGet();
                        }
                    });
                    pump(upstream.getInputStream(), client.getOutputStream(), (bytes, length) -> clientSpoke.set(false));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private interface Tap {
            void saw(byte[] bytes, int length);
        }

        private static void pump(InputStream from, OutputStream to, Tap tap) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    int n;
                    while ((n = from.read(buffer)) > 0) {
                        tap.saw(buffer, n);
                        to.write(buffer, 0, n);
                        to.flush();
                    }
                } catch (IOException e) {
                    // one side closed
                } finally {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }, "bench-redis-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
