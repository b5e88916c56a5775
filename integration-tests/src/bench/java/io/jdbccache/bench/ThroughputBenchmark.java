package io.jdbccache.bench;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Hit throughput (1-row PostgreSQL lookups) with one thread and with two, each thread on its own connection to the
 * same shared cache: the hit path should scale with cores, taking no lock.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ThroughputBenchmark {

    @Benchmark
    @Threads(1)
    public long hitThreads1(PostgresBenchmark.Cached state) throws SQLException {
        state.oneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.oneRow.executeQuery());
    }

    @Benchmark
    @Threads(2)
    public long hitThreads2(PostgresBenchmark.Cached state) throws SQLException {
        state.oneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.oneRow.executeQuery());
    }
}
