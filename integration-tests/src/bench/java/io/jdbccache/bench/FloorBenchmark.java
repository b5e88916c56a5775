package io.jdbccache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jdbccache.internal.result.Materialization;
import io.jdbccache.internal.result.ResultMaterializer;
import io.jdbccache.internal.result.ResultSnapshot;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floors under a hit. {@code floor*}: a Caffeine lookup of a prebuilt key, then reading every value of an
 * {@code Object[][]} of the same rows and types as {@link PostgresBenchmark}'s. No JDBC, no key building, no version
 * check: whatever a hit costs above this is the driver's own work. {@code pgjdbcFloor*}: the same lookup, then
 * pgjdbc's own result set over the rows as a hit keeps them (its wire bytes, read once from PostgreSQL and captured
 * as the driver captures a miss), every value read through pgjdbc's getters: what a hit costs at least while every
 * conversion is pgjdbc's own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FloorBenchmark {

    @State(Scope.Benchmark)
    public static class Rows {
        final Cache<String, Object[][]> cache = Caffeine.newBuilder().maximumSize(1_000).build();
        final String[] keys = new String[PostgresBenchmark.KEYS];
        int next;

        @Setup(Level.Trial)
        public void fill() {
            for (int k = 0; k < keys.length; k++) {
                keys[k] = "key " + k;
                cache.put(keys[k] + "/1", rows(k * 10, 1));
                cache.put(keys[k] + "/10", rows(k * 10, 10));
            }
            for (int k = 0; k < keys.length; k++) {
                keys[k] = keys[k] + "/";
            }
        }

        private static Object[][] rows(int first, int count) {
            Object[][] rows = new Object[count][];
            for (int r = 0; r < count; r++) {
                int id = first + r + 1;
                rows[r] = new Object[] {id, "item " + id, BigDecimal.valueOf(id % 1000 + 100, 2), id % 50, id % 7,
                    String.format("SKU-%08d", id), id * 0.25, id % 2 == 0};
            }
            return rows;
        }
    }

    @State(Scope.Thread)
    public static class Keys {
        String[] one;
        String[] ten;
        int next;

        @Setup(Level.Trial)
        public void build(Rows rows) {
            one = new String[rows.keys.length];
            ten = new String[rows.keys.length];
            for (int k = 0; k < rows.keys.length; k++) {
                one[k] = rows.keys[k] + "1";
                ten[k] = rows.keys[k] + "10";
            }
        }

        int next() {
            next = next + 1 == one.length ? 0 : next + 1;
            return next;
        }
    }

    /** The bench rows as a hit keeps them: pgjdbc's bytes, opened as pgjdbc's result set by its own statement. */
    @State(Scope.Benchmark)
    public static class PgjdbcRows {
        final Cache<String, ResultSnapshot> cache = Caffeine.newBuilder().maximumSize(1_000).build();
        Connection connection;
        Statement factory;

        @Setup(Level.Trial)
        public void fill(Rows rows) throws SQLException {
            BenchDatabase.ensurePostgres(false);
            connection = BenchDatabase.open(BenchDatabase.PG_RAW);
            factory = connection.createStatement();
            try (PreparedStatement one = connection.prepareStatement(BenchDatabase.ONE_ROW);
                    PreparedStatement ten = connection.prepareStatement(BenchDatabase.TEN_ROWS)) {
                for (int k = 0; k < rows.keys.length; k++) {
                    int id = (k + 1) * 997 % BenchDatabase.ITEMS + 1;
                    one.setInt(1, id);
                    ten.setInt(1, id);
                    ten.setInt(2, id + 9);
                    cache.put(rows.keys[k] + "1", capture(one));
                    cache.put(rows.keys[k] + "10", capture(ten));
                }
            }
        }

        private ResultSnapshot capture(PreparedStatement statement) throws SQLException {
            try (ResultSet live = statement.executeQuery()) {
                Materialization read = ResultMaterializer.materialize(live, null, 10_000, 1 << 20, factory);
                ResultSnapshot snapshot = ((Materialization.Complete) read).snapshot();
                if (snapshot.driverRows() == null) {
                    throw new IllegalStateException("pgjdbc rows were not captured in pgjdbc's form");
                }
                return snapshot;
            }
        }

        long read(String key) throws SQLException {
            ResultSnapshot snapshot = cache.getIfPresent(key);
            return BenchDatabase.readAll(snapshot.driverRows().open(factory, 0, ResultSet.FETCH_FORWARD));
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
        }
    }

    @Benchmark
    public long pgjdbcFloor1Row(PgjdbcRows rows, Keys keys) throws SQLException {
        return rows.read(keys.one[keys.next()]);
    }

    @Benchmark
    public long pgjdbcFloor10Rows(PgjdbcRows rows, Keys keys) throws SQLException {
        return rows.read(keys.ten[keys.next()]);
    }

    @Benchmark
    public void floor1Row(Rows rows, Keys keys, Blackhole sink) {
        read(rows.cache.getIfPresent(keys.one[keys.next()]), sink);
    }

    @Benchmark
    public void floor10Rows(Rows rows, Keys keys, Blackhole sink) {
        read(rows.cache.getIfPresent(keys.ten[keys.next()]), sink);
    }

    static void read(Object[][] rows, Blackhole sink) {
        for (Object[] row : rows) {
            for (Object value : row) {
                sink.consume(value);
            }
        }
    }
}
