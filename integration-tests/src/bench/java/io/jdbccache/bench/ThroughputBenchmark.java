package io.jdbccache.bench;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Hit throughput with 1, 2 and 4 threads, each thread on its own connection to one shared cache (1-row lookups on
 * PostgreSQL and on in-process H2), beside the floor's (a Caffeine lookup and reading the values, {@link
 * FloorBenchmark}) in the same run: the hit path should scale as the floor does, the machine's own limit divided out.
 * Four threads on a 2-core machine show what oversubscription does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ThroughputBenchmark {

    @Benchmark
    @Threads(1)
    public long hitThreads1(PostgresBenchmark.Cached state) throws SQLException {
        return pgHit(state);
    }

    @Benchmark
    @Threads(2)
    public long hitThreads2(PostgresBenchmark.Cached state) throws SQLException {
        return pgHit(state);
    }

    @Benchmark
    @Threads(4)
    public long hitThreads4(PostgresBenchmark.Cached state) throws SQLException {
        return pgHit(state);
    }

    @Benchmark
    @Threads(1)
    public long h2HitThreads1(H2Benchmark.Connections state) throws SQLException {
        return h2Hit(state);
    }

    @Benchmark
    @Threads(2)
    public long h2HitThreads2(H2Benchmark.Connections state) throws SQLException {
        return h2Hit(state);
    }

    @Benchmark
    @Threads(4)
    public long h2HitThreads4(H2Benchmark.Connections state) throws SQLException {
        return h2Hit(state);
    }

    @Benchmark
    @Threads(1)
    public void floorThreads1(FloorBenchmark.Rows rows, FloorBenchmark.Keys keys, Blackhole sink) {
        FloorBenchmark.read(rows.cache.getIfPresent(keys.one[keys.next()]), sink);
    }

    @Benchmark
    @Threads(2)
    public void floorThreads2(FloorBenchmark.Rows rows, FloorBenchmark.Keys keys, Blackhole sink) {
        FloorBenchmark.read(rows.cache.getIfPresent(keys.one[keys.next()]), sink);
    }

    @Benchmark
    @Threads(4)
    public void floorThreads4(FloorBenchmark.Rows rows, FloorBenchmark.Keys keys, Blackhole sink) {
        FloorBenchmark.read(rows.cache.getIfPresent(keys.one[keys.next()]), sink);
    }

    private static long pgHit(PostgresBenchmark.Cached state) throws SQLException {
        state.oneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.oneRow.executeQuery());
    }

    private static long h2Hit(H2Benchmark.Connections state) throws SQLException {
        state.cachedOneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.cachedOneRow.executeQuery());
    }
}
