package io.jdbccache.bench;

import io.jdbccache.internal.cache.CacheKey;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.ConnectionContext;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.ReadStamp;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.result.Materialization;
import io.jdbccache.internal.result.ResultMaterializer;
import io.jdbccache.internal.result.ResultSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Invalidating one table with 10 cached dependents while the cache holds {@code entries} entries in all (spread
 * over 1,000 other tables), built directly on {@link ResultCache}: the cost should depend on the dependents, not
 * on the total. The 10 entries are stored again after each invocation, outside the measured time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InvalidationBenchmark {
    static final int DEPENDENTS = 10;
    static final int OTHER_TABLES = 1_000;

    @State(Scope.Thread)
    public static class FilledCache {
        @Param({"10000", "1000000"})
        int entries;
        ResultCache cache;
        TableVersion[] hot;
        TableVersion[] hotDependencies;
        CacheKey[] hotKeys;
        ResultSnapshot snapshot;

        @Setup(Level.Trial)
        public void fill() throws SQLException {
            cache = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", "bench-invalidate-" + entries,
                    "cache.maxBytes", "8GB"), "benchmark"));
            DatabaseScope scope = cache.database("postgresql://bench-invalidate", BenchDatabase.dialect(BenchDatabase.PG_RAW));
            ConnectionContext context = BenchDatabase.context(scope, "app", "db");
            try (Connection h2 = BenchDatabase.open("jdbc:h2:mem:"); Statement statement = h2.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT 1 AS id, 'one' AS name")) {
                snapshot = ((Materialization.Complete) ResultMaterializer.materialize(rows, null, 10, 1 << 20))
                        .snapshot();
            }
            long ttl = TimeUnit.HOURS.toNanos(2);
            TableVersion[][] others = new TableVersion[OTHER_TABLES][];
            for (int t = 0; t < OTHER_TABLES; t++) {
                others[t] = new TableVersion[] {scope.everything(), scope.version("public.other_" + t)};
            }
            String sql = "SELECT id, name FROM other WHERE id = ?";
            for (int i = 0; i < entries - DEPENDENTS; i++) {
                TableVersion[] dependencies = others[i % OTHER_TABLES];
                cache.store(new CacheKey(context, sql, new Object[] {i}, 0), snapshot, ReadStamp.take(dependencies),
                        ttl, 0, null);
            }
            hot = new TableVersion[] {scope.version("public.hot")};
            hotDependencies = new TableVersion[] {scope.everything(), hot[0]};
            hotKeys = new CacheKey[DEPENDENTS];
            for (int i = 0; i < DEPENDENTS; i++) {
                hotKeys[i] = new CacheKey(context, "SELECT id, name FROM hot WHERE id = ?", new Object[] {i}, 0);
            }
            restore();
            long count = cache.statistics().entryCount();
            if (count != entries) {
                throw new IllegalStateException("expected " + entries + " entries, have " + count);
            }
        }

        @Setup(Level.Invocation)
        public void restore() {
            ReadStamp stamp = ReadStamp.take(hotDependencies);
            for (CacheKey key : hotKeys) {
                cache.store(key, snapshot, stamp, TimeUnit.HOURS.toNanos(2), 0, null);
            }
        }

        @TearDown(Level.Trial)
        public void release() {
            CacheRegistry.release(cache);
        }
    }

    @Benchmark
    public ResultCache invalidate10Dependents(FilledCache state) {
        state.cache.invalidate(state.hot, InvalidationEvent.Phase.AFTER_WRITE);
        return state.cache;
    }
}
