package io.jdbccache.bench;

import io.jdbccache.internal.cache.AnalyzedSql;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.sql.SqlSyntax;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
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
 * The analysis of SQL seen before ({@link DatabaseScope#analyze} on a warmed string: one bounded-map lookup)
 * beside one JSqlParser parse of the same string, which is what every statement would cost without that cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnalysisBenchmark {

    @State(Scope.Benchmark)
    public static class Scope1 {
        ResultCache cache;
        DatabaseScope scope;
        // A new String each trial with the same content, as a driver receives it from the application.
        String sql = new String(BenchDatabase.TEN_ROWS.toCharArray());

        @Setup(Level.Trial)
        public void warm() throws SQLException {
            cache = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", "bench-analysis"), "benchmark"));
            scope = cache.database("postgresql://bench", BenchDatabase.dialect(BenchDatabase.PG_RAW));
            scope.analyze(sql, SqlSyntax.POSTGRESQL);
        }

        @TearDown(Level.Trial)
        public void release() {
            CacheRegistry.release(cache);
        }
    }

    @Benchmark
    public AnalyzedSql analyzeSeenBefore(Scope1 state) {
        return state.scope.analyze(state.sql, SqlSyntax.POSTGRESQL);
    }

    @Benchmark
    public Object jsqlParserParse(Scope1 state) throws ParseException, JSQLParserException {
        return CCJSqlParserUtil.newParser(state.sql).Statement();
    }
}
