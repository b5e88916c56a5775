package io.jdbccache.bench;

import io.jdbccache.internal.cache.CacheRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The shared Redis tier's read paths on PostgreSQL, beside plain pgjdbc in the same class (so that one {@code
 * include=RedisBenchmark} run has every ratio): an L2 hit (an L1 miss answered by Redis: {@code
 * cache.redis.strict=true} keeps nothing in process, so every read is an entry GET and a pipelined GET of its
 * versions) for the 1-row lookup and for a heavy aggregate over all 100,000 rows of {@code bench_items}; and the
 * L1 hit with Redis configured beside the L1 hit without it. The shared Redis on 127.0.0.1:6379, under a prefix of
 * the fork's own, deleted at the end.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisBenchmark {
    /** 50 rows, each a GROUP BY over 2,000 of the 100,000: tens of milliseconds of database work. */
    static final String AGGREGATE = "SELECT category, count(*), sum(stock), avg(price), max(weight)"
            + " FROM bench_items GROUP BY category ORDER BY category";

    /** The connection of {@link PostgresBenchmark.Base} and the aggregate, over {@link #url()}. */
    public abstract static class Base extends PostgresBenchmark.Base {
        PreparedStatement aggregate;

        @Override
        void opened() throws SQLException {
            aggregate = connection.prepareStatement(AGGREGATE);
        }
    }

    @State(Scope.Thread)
    public static class Raw extends Base {
        @Override
        String url() {
            return BenchDatabase.PG_RAW;
        }
    }

    /** A cache with Redis; waits until it hears the channel (until then it serves no hits of its own). */
    public abstract static class WithRedis extends Base {
        final String prefix = BenchRedis.prefix("jmh");

        abstract String cacheName();

        abstract boolean strict();

        @Override
        String url() {
            return BenchDatabase.pgCached(cacheName(), "cache.redis.url=" + BenchRedis.SHARED_URL,
                    "cache.redis.prefix=" + prefix, "cache.redis.strict=" + strict());
        }

        @Override
        void opened() throws SQLException {
            super.opened();
            BenchRedis.awaitContact(CacheRegistry.find(cacheName()));
        }

        @TearDown
        public void deleteKeys() {
            BenchRedis.deleteKeys(BenchRedis.SHARED_PORT, prefix);
        }
    }

    @State(Scope.Thread)
    public static class L2 extends WithRedis {
        @Override
        String cacheName() {
            return "bench-redis-l2";
        }

        @Override
        boolean strict() {
            return true;
        }
    }

    @State(Scope.Thread)
    public static class L1WithRedis extends WithRedis {
        @Override
        String cacheName() {
            return "bench-redis-l1";
        }

        @Override
        boolean strict() {
            return false;
        }
    }

    @State(Scope.Thread)
    public static class L1 extends Base {
        @Override
        String url() {
            return BenchDatabase.pgCached("bench-redis-l1-only");
        }
    }

    @Benchmark
    public long raw1Row(Raw state) throws SQLException {
        return oneRow(state);
    }

    @Benchmark
    public long l2Hit1Row(L2 state) throws SQLException {
        return oneRow(state);
    }

    @Benchmark
    public long rawAggregate(Raw state) throws SQLException {
        return readAggregate(state.aggregate.executeQuery());
    }

    @Benchmark
    public long l2HitAggregate(L2 state) throws SQLException {
        return readAggregate(state.aggregate.executeQuery());
    }

    @Benchmark
    public long l1Hit1Row(L1 state) throws SQLException {
        return oneRow(state);
    }

    @Benchmark
    public long l1HitWithRedis1Row(L1WithRedis state) throws SQLException {
        return oneRow(state);
    }

    private static long oneRow(Base state) throws SQLException {
        state.oneRow.setInt(1, state.nextId());
        return BenchDatabase.readAll(state.oneRow.executeQuery());
    }

    private static long readAggregate(ResultSet rows) throws SQLException {
        long sink = 0;
        try (rows) {
            while (rows.next()) {
                sink += rows.getInt(1);
                sink += rows.getLong(2);
                sink += rows.getLong(3);
                sink += rows.getBigDecimal(4).scale();
                sink += (long) rows.getDouble(5);
            }
        }
        return sink;
    }
}
