package io.jdbccache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floor under a hit: a Caffeine lookup of a prebuilt key, then reading every value of an {@code Object[][]} of
 * the same rows and types as {@link PostgresBenchmark}'s. No JDBC, no key building, no version check: whatever a
 * hit costs above this is the driver's own work.
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

    @Benchmark
    public void floor1Row(Rows rows, Keys keys, Blackhole sink) {
        read(rows.cache.getIfPresent(keys.one[keys.next()]), sink);
    }

    @Benchmark
    public void floor10Rows(Rows rows, Keys keys, Blackhole sink) {
        read(rows.cache.getIfPresent(keys.ten[keys.next()]), sink);
    }

    private static void read(Object[][] rows, Blackhole sink) {
        for (Object[] row : rows) {
            for (Object value : row) {
                sink.consume(value);
            }
        }
    }
}
