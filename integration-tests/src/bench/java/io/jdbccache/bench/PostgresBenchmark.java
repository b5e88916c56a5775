package io.jdbccache.bench;

import io.jdbccache.internal.cache.CacheKey;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ConnectionContext;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ReadStamp;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.result.Materialization;
import io.jdbccache.internal.result.ResultMaterializer;
import io.jdbccache.internal.result.ResultSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

/**
 * The PostgreSQL paths, each beside plain pgjdbc running the same statement with the same parameters: hits (1 and 10
 * rows), misses (a new key every time, then stored), an uncacheable statement (bypass) and a single-row UPDATE
 * that invalidates 1,000 cached dependents. Every read consumes every column of every row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostgresBenchmark {
    /** Hits cycle over this many keys (all cached after the first round), so no single entry is special. */
    static final int KEYS = 64;

    /** One connection and its prepared statements; {@code cached} picks the URL. */
    public abstract static class Base {
        Connection connection;
        PreparedStatement oneRow;
        PreparedStatement tenRows;
        PreparedStatement uniqueRow;
        PreparedStatement bypass;
        PreparedStatement update;
        int next;
        long unique;

        abstract String url();

        @Setup(Level.Trial)
        public void open() throws SQLException {
            BenchDatabase.ensurePostgres(false);
            connection = BenchDatabase.open(url());
            oneRow = connection.prepareStatement(BenchDatabase.ONE_ROW);
            tenRows = connection.prepareStatement(BenchDatabase.TEN_ROWS);
            uniqueRow = connection.prepareStatement(BenchDatabase.UNIQUE_ROW);
            bypass = connection.prepareStatement(BenchDatabase.BYPASS);
            update = connection.prepareStatement(BenchDatabase.UPDATE);
            // A unique key space per trial: nanoTime keeps forks from ever meeting each other's keys.
            unique = System.nanoTime();
            opened();
        }

        /** Runs once the statements are prepared (JMH does not promise an order between inherited setups). */
        void opened() throws SQLException {
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
        }

        int nextId() {
            next = next == KEYS ? 1 : next + 1;
            return next * 997 % BenchDatabase.ITEMS + 1;
        }
    }

    @State(Scope.Thread)
    public static class Raw extends Base {
        @Override
        String url() {
            return BenchDatabase.PG_RAW;
        }
    }

    @State(Scope.Thread)
    public static class Cached extends Base {
        @Override
        String url() {
            return BenchDatabase.pgCached("bench-pg");
        }
    }

    /**
     * A cached connection whose table {@code bench_items} has exactly 1,000 cached dependents before every UPDATE.
     * The entries are put back after each invocation directly through the cache's API (they would otherwise take
     * 1,000 database reads), outside the measured time.
     */
    @State(Scope.Thread)
    public static class CachedWithDependents extends Base {
        static final int DEPENDENTS = 1_000;
        ResultCache cache;
        TableVersion[] dependencies;
        CacheKey[] keys;
        ResultSnapshot snapshot;

        @Override
        String url() {
            return BenchDatabase.pgCached("bench-write");
        }

        @Override
        void opened() throws SQLException {
            // One real read through the driver creates the database scope and the table's version stamp.
            oneRow.setInt(1, 1);
            BenchDatabase.readAll(oneRow.executeQuery());
            cache = CacheRegistry.find("bench-write");
            DatabaseScope scope = cache.databases().iterator().next();
            TableVersion table = scope.tables().stream().filter(t -> t.name().endsWith("bench_items")).findFirst()
                    .orElseThrow();
            dependencies = new TableVersion[] {scope.everything(), table};
            ConnectionContext context = BenchDatabase.context(scope, "postgres", "test");
            keys = new CacheKey[DEPENDENTS];
            for (int i = 0; i < DEPENDENTS; i++) {
                keys[i] = new CacheKey(context, "SELECT dependent FROM bench_items WHERE id = ?",
                        new Object[] {i}, 0);
            }
            try (Connection raw = BenchDatabase.open(BenchDatabase.PG_RAW);
                    PreparedStatement statement = raw.prepareStatement(BenchDatabase.ONE_ROW)) {
                statement.setInt(1, 1);
                try (ResultSet rows = statement.executeQuery()) {
                    snapshot = ((Materialization.Complete) ResultMaterializer.materialize(rows, null, 10, 1 << 20))
                            .snapshot();
                }
            }
            refill();
            if (table.dependentEntries() < DEPENDENTS) {
                throw new IllegalStateException("expected " + DEPENDENTS + " dependents, found "
                        + table.dependentEntries());
            }
        }

        @Setup(Level.Invocation)
        public void refill() {
            ReadStamp stamp = ReadStamp.take(dependencies);
            for (CacheKey key : keys) {
                cache.store(key, snapshot, stamp, TimeUnit.HOURS.toNanos(1), 0, null);
            }
        }
    }

    @Benchmark
    public long hit1Row(Cached state) throws SQLException {
        state.oneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.oneRow.executeQuery());
    }

    @Benchmark
    public long raw1Row(Raw state) throws SQLException {
        state.oneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.oneRow.executeQuery());
    }

    @Benchmark
    public long hit10Rows(Cached state) throws SQLException {
        int id = state.nextId();
        state.tenRows.setInt(1, id);
        state.tenRows.setInt(2, id + 9);
        return BenchDatabase.readAll(state.tenRows.executeQuery());
    }

    @Benchmark
    public long raw10Rows(Raw state) throws SQLException {
        int id = state.nextId();
        state.tenRows.setInt(1, id);
        state.tenRows.setInt(2, id + 9);
        return BenchDatabase.readAll(state.tenRows.executeQuery());
    }

    /** Every execution has a key never seen before: analysis (cached), lookup, database read, materialize, store. */
    @Benchmark
    public long miss1Row(Cached state) throws SQLException {
        state.uniqueRow.setInt(1, state.nextId());
        state.uniqueRow.setLong(2, ++state.unique);
        return BenchDatabase.readAll(state.uniqueRow.executeQuery());
    }

    @Benchmark
    public long rawMiss1Row(Raw state) throws SQLException {
        state.uniqueRow.setInt(1, state.nextId());
        state.uniqueRow.setLong(2, ++state.unique);
        return BenchDatabase.readAll(state.uniqueRow.executeQuery());
    }

    @Benchmark
    public long bypass1Row(Cached state) throws SQLException {
        state.bypass.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.bypass.executeQuery());
    }

    @Benchmark
    public long rawBypass1Row(Raw state) throws SQLException {
        state.bypass.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.bypass.executeQuery());
    }

    /** Autocommit UPDATE of one row by key, invalidating {@code bench_items} and its 1,000 cached dependents. */
    @Benchmark
    public int writeWith1000Dependents(CachedWithDependents state) throws SQLException {
        state.update.setInt(1, state.nextId());
        return state.update.executeUpdate();
    }

    @Benchmark
    public int rawWrite(Raw state) throws SQLException {
        state.update.setInt(1, state.nextId());
        return state.update.executeUpdate();
    }
}
