package io.jdbccache.bench;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TierStatistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a write costs with Redis and how fast the others hear it, on a private {@code redis-server} (its command
 * statistics belong to this check alone):
 *
 * <ul>
 *   <li>Redis round trips per autocommit UPDATE, counted by a proxy in front of the server (the subscription's
 *       connection apart), and the commands behind them ({@code INFO commandstats} deltas);
 *   <li>the UPDATE's time with Redis vs without, as paired interleaved blocks ({@link OverheadCheck#measure});
 *   <li>the bus delay between two caches in this JVM: from the writer's UPDATE returning until the reader has
 *       heard every message of that write (0 when they all came first), beside the reader's JMX figures (from
 *       the message's sent-at, millisecond clock).
 * </ul>
 */
final class RedisCheck {
    private static final int WRITES = 200;
    private static final Set<String> BACKGROUND = Set.of("subscribe", "ping", "info", "client", "hello");

    record Result(double roundTripsPerWrite, String commandsPerWrite, OverheadCheck.Overhead writeTime,
            double busP50Micros, double busP99Micros, int busWrites, int messagesPerWrite, double jmxP50Millis,
            double jmxP99Millis) {
        /** The figures as report checks R4 to R6 show them, for a run of this check alone. */
        String summary() {
            return String.format(Locale.ROOT, "  R4 round trips per autocommit UPDATE: %.1f (commands: %s)%n"
                    + "  R5 %s: %s%n  R6 bus delay: p50 %.0f us, p99 %.0f us (%d writes, %d message(s) each; JMX from"
                    + " sent-at: p50 %.1f ms, p99 %.1f ms)", roundTripsPerWrite, commandsPerWrite, writeTime.path(),
                    writeTime.formatted(), busP50Micros, busP99Micros, busWrites, messagesPerWrite, jmxP50Millis,
                    jmxP99Millis);
        }
    }

    private RedisCheck() {
    }

    /** Standalone: {@code RedisCheck [seconds of the paired time check]}. */
    public static void main(String[] args) throws Exception {
        System.out.println(run(args.length > 0 ? Double.parseDouble(args[0]) : 10));
    }

    static Result run(double secondsPerPath) throws Exception {
        BenchDatabase.ensurePostgres(false);
        try (BenchRedis.Private redis = new BenchRedis.Private();
                BenchRedis.CountingProxy proxy = new BenchRedis.CountingProxy(redis.port)) {
            String prefix = BenchRedis.prefix("check");
            double trips;
            Map<String, Long> perWrite = new TreeMap<>();
            try (Writer counted = new Writer("bench-redis-count", proxy.url(), prefix)) {
                counted.writes(50);
                long roundTrips = 0;
                for (int i = 0; i < WRITES; i++) {
                    counted.readNext(); // its Redis calls are not the write's
                    long before = proxy.roundTrips();
                    Map<String, Long> callsBefore = BenchRedis.commandCalls(redis.port);
                    counted.write();
                    roundTrips += proxy.roundTrips() - before;
                    BenchRedis.commandCalls(redis.port).forEach((command, calls) -> {
                        long delta = calls - callsBefore.getOrDefault(command, 0L);
                        // Redis 7 names subcommands "client|setname": the base command decides.
                        if (delta > 0 && !BACKGROUND.contains(command.split("\\|")[0])) {
                            perWrite.merge(command, delta, Long::sum);
                        }
                    });
                }
                trips = (double) roundTrips / WRITES;
            }
            StringBuilder commands = new StringBuilder();
            perWrite.forEach((command, calls) -> commands.append(commands.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%.1f %s", (double) calls / WRITES, command.toUpperCase(
                            Locale.ROOT))));

            OverheadCheck.Overhead time;
            try (Writer plain = new Writer("bench-redis-nowrite", null, null);
                    Writer shared = new Writer("bench-redis-write", redis.url(), prefix)) {
                try (CpuPinning pinning = CpuPinning.pin(List.of(plain.connection, shared.connection),
                        redis.pid())) {
                    time = OverheadCheck.measure("autocommit UPDATE by key, with Redis vs without", 10,
                            secondsPerPath, 20, plain::write, shared::write).pinned(pinning.description());
                }
            }

            long[] delays = new long[WRITES];
            int messages;
            TierStatistics readerStatistics;
            try (Writer writer = new Writer("bench-redis-bus-w", redis.url(), prefix);
                    Writer reader = new Writer("bench-redis-bus-r", redis.url(), prefix)) {
                AtomicLong heard = new AtomicLong();
                AtomicLong lastHeardAt = new AtomicLong();
                reader.cache.tier().subscribe(events -> {
                    lastHeardAt.set(System.nanoTime());
                    heard.incrementAndGet();
                });
                writer.writes(20);
                Thread.sleep(200);
                messages = (int) Math.round(heard.get() / 20.0);
                for (int i = 0; i < WRITES; i++) {
                    long target = heard.get() + messages;
                    writer.write();
                    long returned = System.nanoTime();
                    long deadline = returned + TimeUnit.SECONDS.toNanos(1);
                    while (heard.get() < target && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    delays[i] = heard.get() < target ? TimeUnit.SECONDS.toNanos(1)
                            : Math.max(0, lastHeardAt.get() - returned);
                    Thread.sleep(1);
                }
                readerStatistics = reader.cache.tier().statistics();
            }
            Arrays.sort(delays);
            return new Result(trips, commands.toString(), time, delays[WRITES / 2] / 1e3,
                    delays[(int) Math.ceil(0.99 * WRITES) - 1] / 1e3, WRITES, messages,
                    readerStatistics.busDelayP50Millis(), readerStatistics.busDelayP99Millis());
        }
    }

    /** One cached connection (with Redis unless {@code redisUrl} is null) that updates rows by key. */
    private static final class Writer implements AutoCloseable {
        final Connection connection;
        final PreparedStatement read;
        final PreparedStatement update;
        final ResultCache cache;
        private final List<Integer> ids = new ArrayList<>();
        private int next;

        Writer(String name, String redisUrl, String prefix) throws SQLException {
            connection = BenchDatabase.open(redisUrl == null ? BenchDatabase.pgCached(name)
                    : BenchDatabase.pgCached(name, "cache.redis.url=" + redisUrl, "cache.redis.prefix=" + prefix));
            cache = CacheRegistry.find(name);
            if (redisUrl != null) {
                BenchRedis.awaitContact(cache);
            }
            read = connection.prepareStatement(BenchDatabase.ONE_ROW);
            update = connection.prepareStatement(BenchDatabase.UPDATE);
            for (int i = 1; i <= PostgresBenchmark.KEYS; i++) {
                ids.add(i * 997 % BenchDatabase.ITEMS + 1);
            }
        }

        /** An autocommit UPDATE of the next row. */
        void write() throws SQLException {
            next = (next + 1) % ids.size();
            update.setInt(1, ids.get(next));
            update.executeUpdate();
        }

        /** Reads (and so caches) the row the next write updates, so that the write has a dependent to drop. */
        void readNext() throws SQLException {
            read.setInt(1, ids.get((next + 1) % ids.size()));
            BenchDatabase.readAll(read.executeQuery());
        }

        void writes(int count) throws SQLException {
            for (int i = 0; i < count; i++) {
                readNext();
                write();
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
