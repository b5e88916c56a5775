package io.jdbccache.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of this folder (JMH, programmatically), then the end-to-end workload, the memory checks and
 * the many-distinct-statements check, and writes {@code benchmarks.md} and {@code benchmarks.svg} into the folder
 * given as the first argument.
 *
 * <p>Arguments after the folder, each optional: {@code forks=N} (default 2), {@code warmups=N} (3, 1 s each),
 * {@code iterations=N} (5), {@code iterationMillis=N} (1500), {@code e2eSeconds=N} (20), {@code include=REGEX}
 * (benchmarks to run; default all), {@code overheadSeconds=N} (20: measured seconds per path of the paired
 * overhead check), {@code coldRuns=N} (9: child JVMs each way for the cold start), {@code manyScale=N} (1: the
 * many-statements check's counts, 100,000 SQL texts and 1,000,000 keys, times N), {@code quick} (1 fork, 1
 * warm-up, 2 iterations of 1 s, 3 s end to end, 2 s per overhead path, 2 cold starts, many-statements scale 0.05:
 * checks the pipeline, not the numbers), {@code coldStartBefore=JAR} (an earlier build of the driver, whose cold
 * start is measured beside this one's), {@code pg=host:port/db}, {@code only=RedisCheck}, {@code only=ColdStart} or
 * {@code only=ManyStatementsCheck} (that check alone, its figures printed and no report written: one target
 * measured without the 14-minute run).
 */
public final class BenchmarkRunner {
    static final String COMMAND = "mvn -B -Pbench -DskipTests package";

    private BenchmarkRunner() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Path docs = Path.of(args[0]).toAbsolutePath().normalize();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            options.put(eq < 0 ? args[i] : args[i].substring(0, eq), eq < 0 ? "true" : args[i].substring(eq + 1));
        }
        boolean quick = options.containsKey("quick");
        int forks = Integer.parseInt(options.getOrDefault("forks", quick ? "1" : "2"));
        int warmups = Integer.parseInt(options.getOrDefault("warmups", quick ? "1" : "3"));
        int iterations = Integer.parseInt(options.getOrDefault("iterations", quick ? "2" : "5"));
        int iterationMillis = Integer.parseInt(options.getOrDefault("iterationMillis", quick ? "1000" : "1500"));
        double e2eSeconds = Double.parseDouble(options.getOrDefault("e2eSeconds", quick ? "3" : "20"));
        String include = options.getOrDefault("include", "io\\.jdbccache\\.bench\\..*Benchmark");
        double overheadSeconds = Double.parseDouble(options.getOrDefault("overheadSeconds", quick ? "2" : "20"));
        int coldRuns = Integer.parseInt(options.getOrDefault("coldRuns", quick ? "2" : "9"));
        double manyScale = Double.parseDouble(options.getOrDefault("manyScale", quick ? "0.05" : "1"));
        if (options.containsKey("pg")) {
            System.setProperty("bench.pg", options.get("pg"));
        }
        String pg = System.getProperty("bench.pg", "127.0.0.1:5432/test");
        String only = options.get("only");
        if (only != null) {
            runOnly(only, overheadSeconds, coldRuns, options.get("coldStartBefore"), manyScale);
            return;
        }

        System.out.println("jdbc-cache benchmarks: creating data in PostgreSQL " + pg);
        BenchDatabase.ensurePostgres(true);
        String postgresVersion = postgresVersion();

        Options jmh = new OptionsBuilder()
                .include(include)
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(iterationMillis))
                .jvmArgsAppend("-Xms1g", "-Xmx3g", "-Dbench.pg=" + pg)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(jmh).run();

        System.out.println("Miss, bypass and write overheads: raw and cached interleaved in one JVM");
        List<OverheadCheck.Overhead> overheads = OverheadCheck.run(overheadSeconds);
        System.out.println("Cold start: " + coldRuns + " child JVMs each way");
        ColdStart.Result coldStart = ColdStart.run(coldRuns, options.get("coldStartBefore"));
        System.out.println("Redis: round trips and time per write, bus delay (private redis-server)");
        RedisCheck.Result redis = RedisCheck.run(overheadSeconds);

        EndToEnd.Comparison e2e = EndToEnd.run(e2eSeconds);
        EndToEnd.Result raw = e2e.raw();
        EndToEnd.Result cached = e2e.cached();

        System.out.println("Memory: filling a 32MB cache, then streaming 1,000,000 rows");
        MemoryCheck.Fill fill = MemoryCheck.fill();
        List<MemoryCheck.Stream> streams = new ArrayList<>();
        streams.add(MemoryCheck.stream(false));
        streams.add(MemoryCheck.stream(true));

        System.out.printf("Many distinct statements (scale %s): distinct SQL texts, then distinct keys%n", manyScale);
        ManyStatementsCheck.Result many = ManyStatementsCheck.run(manyScale);

        double minutes = (System.nanoTime() - started) / 60e9;
        Report report = new Report(results, overheads, coldStart, redis, raw, cached, fill, streams, many,
                postgresVersion, minutes, String.join(" ", List.of(args).subList(1, args.length)), forks, warmups,
                iterations, iterationMillis, e2eSeconds);
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("benchmarks.svg"), report.svg());
        Files.writeString(docs.resolve("benchmarks.md"), report.markdown());
        System.out.println(report.summary());
        System.out.printf("Wrote %s and benchmarks.svg (%.1f minutes)%n", docs.resolve("benchmarks.md"), minutes);
    }

    /** One check alone, its figures printed and no report written: for measuring while working on one target. */
    private static void runOnly(String only, double overheadSeconds, int coldRuns, String coldStartBefore,
            double manyScale) throws Exception {
        switch (only) {
            case "RedisCheck" -> {
                System.out.println("Redis: round trips and time per write, bus delay (private redis-server; only this"
                        + " check, no report written)");
                System.out.println(RedisCheck.run(overheadSeconds).summary());
            }
            case "ColdStart" -> {
                BenchDatabase.ensurePostgres(false);
                ColdStart.Result cold = ColdStart.run(coldRuns, coldStartBefore);
                System.out.printf(Locale.ROOT, "cold start, medians of %d: raw %.0f ms [%.0f-%.0f], cached %.0f ms"
                        + " [%.0f-%.0f], extra %.0f ms; before %.0f ms, extra %.0f ms%n", cold.runs(),
                        cold.rawMillis(), cold.rawMin(), cold.rawMax(), cold.cachedMillis(), cold.cachedMin(),
                        cold.cachedMax(), cold.extraMillis(), cold.beforeMillis(), cold.beforeExtraMillis());
            }
            case "ManyStatementsCheck" -> {
                ManyStatementsCheck.Result many = ManyStatementsCheck.run(manyScale);
                for (ManyStatementsCheck.Run run : List.of(many.statements(), many.keys())) {
                    System.out.printf(Locale.ROOT, "%s: live heap +%.1f MB at peak (allowance %.1f MB), second half"
                            + " %+.1f MB; %s%n", run.name(), run.peakGrowth() / 1048576.0,
                            run.heapAllowance() / 1048576.0, run.secondHalfGrowth() / 1048576.0, run.verdict());
                }
            }
            default -> throw new IllegalArgumentException(
                    "only= takes RedisCheck, ColdStart or ManyStatementsCheck, not " + only);
        }
    }

    private static String postgresVersion() throws Exception {
        try (Connection connection = BenchDatabase.open(BenchDatabase.PG_RAW);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW server_version")) {
            rows.next();
            return "PostgreSQL " + rows.getString(1);
        }
    }
}
