package io.jdbccache.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A 1-row primary-key hit on in-process H2 beside plain H2: the cache against a database with no network. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class H2Benchmark {

    @State(Scope.Thread)
    public static class Connections {
        Connection raw;
        Connection cached;
        PreparedStatement rawOneRow;
        PreparedStatement cachedOneRow;
        int next;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            BenchDatabase.ensureH2();
            raw = BenchDatabase.open(BenchDatabase.H2_RAW);
            cached = BenchDatabase.open(BenchDatabase.h2Cached("bench-h2"));
            rawOneRow = raw.prepareStatement(BenchDatabase.ONE_ROW);
            cachedOneRow = cached.prepareStatement(BenchDatabase.ONE_ROW);
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            cached.close();
            raw.close();
        }

        int nextId() {
            next = next == PostgresBenchmark.KEYS ? 1 : next + 1;
            return next * 97 % 10_000 + 1;
        }
    }

    @Benchmark
    public long h2Hit1Row(Connections state) throws SQLException {
        state.cachedOneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.cachedOneRow.executeQuery());
    }

    @Benchmark
    public long h2Raw1Row(Connections state) throws SQLException {
        state.rawOneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.rawOneRow.executeQuery());
    }
}
