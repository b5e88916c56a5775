package io.jdbccache.bench;

import io.jdbccache.CacheProperty;
import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Many distinct statements cycling through one bounded cache on PostgreSQL, in the runner's own JVM: what stays
 * bounded when an application never repeats itself.
 *
 * <ul>
 * <li><b>Distinct SQL</b>: 100,000 different statement texts ({@code SELECT t<i>.id, t<i>.name FROM bench_items t<i>
 * WHERE t<i>.id = <literal>}, through {@link Statement}, each a cacheable read with a shape of its own), run twice
 * in a cycle: far more than {@code cache.analysisCacheSize} and {@link ResultCache}'s shape bound, so the analysis
 * cache, the shape statistics and the result store all evict all the time. A table alias rather than a column alias
 * makes them distinct: pgjdbc interns result column names in soft references, which full collections keep, so
 * 100,000 column aliases would add some 20 MB of pgjdbc's own to live heap.</li>
 * <li><b>Distinct keys</b>: 1,000,000 parameter pairs of one prepared statement ({@code ... WHERE id = ? AND ? > 0}
 * over the 100,000 ids), each once, far more than fit in {@code cache.maxBytes}.</li>
 * </ul>
 *
 * <p>Every tenth of a run it samples the analysis cache (entries and their estimated bytes), the store (entries,
 * weighted bytes, evictions) and live heap (used after full collections, as {@link MemoryCheck} reads it); at the
 * start, the middle and the end it also times hits of one hot statement, prepared and plain: the best median of
 * {@value #ROUNDS} rounds of {@value #TIMED_HITS}.
 * Bounded means: the analysis cache within its two bounds, live heap growth within {@link #HEAP_MARGIN} times
 * {@code cache.maxBytes + cache.analysisCacheBytes} and flat over the second half (under {@link #FLAT_BYTES} more,
 * beyond what the store's own weight grew), and the hot hits' median at the end within {@link #LATENCY_FACTOR} of
 * the start's. A run whose live heap passes half the maximum heap stops there, not bounded, so that a leak cannot
 * take the benchmark runner's JVM down with it.
 */
final class ManyStatementsCheck {
    static final long MAX_BYTES = 32L << 20;
    static final int STATEMENTS = 100_000;
    static final int KEYS = 1_000_000;
    static final int TIMED_HITS = 2_000;
    static final int ROUNDS = 3;
    static final double HEAP_MARGIN = 1.25;
    static final long FLAT_BYTES = 8L << 20;
    static final double LATENCY_FACTOR = 2;
    private static final int SAMPLES = 10;
    /** Live heap at which a run stops: half the maximum heap (1 GB of the runner's 2). */
    private static final long HEAP_CEILING = Runtime.getRuntime().maxMemory() / 2;
    private static final String HOT_PREPARED = BenchDatabase.ONE_ROW;
    private static final String HOT_PLAIN = "SELECT " + BenchDatabase.COLUMNS + " FROM bench_items WHERE id = 1";
    private static final String KEYED = "SELECT id, name FROM bench_items WHERE id = ? AND ? > 0";

    /** Nearest-rank percentiles of the timed hot hits, and whether every one of them was a hit. */
    record Latency(double p50Micros, double p99Micros, boolean allHits) {
    }

    /** One reading, after {@code executed} of the run's executions. */
    record Sample(long executed, long analyses, long analysisBytes, long entries, long weightedBytes,
            long evictions, long liveHeap) {
    }

    /** A sample with the hot-hit latencies taken at the same moment: at the start, the middle or the end. */
    record Point(Sample sample, Latency prepared, Latency plain) {
    }

    /**
     * One run: {@code distinct} statements or keys, {@code executions} in all, the samples, the three points and
     * the bounds it ran under; {@code liveBaseline} is live heap at the start, the hot entry cached.
     */
    record Run(String name, long distinct, long executions, double seconds, List<Sample> samples, Point start,
            Point middle, Point end, long liveBaseline, long maxBytes, int analysisCacheSize,
            long analysisCacheBytes, long hits, long misses, long bypasses, boolean stoppedEarly) {

        long peakAnalyses() {
            return samples.stream().mapToLong(Sample::analyses).max().orElse(0);
        }

        long peakAnalysisBytes() {
            return samples.stream().mapToLong(Sample::analysisBytes).max().orElse(0);
        }

        /** The highest live heap sampled, less the baseline. */
        long peakGrowth() {
            return samples.stream().mapToLong(Sample::liveHeap).max().orElse(liveBaseline) - liveBaseline;
        }

        /** What live heap may grow by: the two configured bounds, times the margin. */
        long heapAllowance() {
            return (long) (HEAP_MARGIN * (maxBytes + analysisCacheBytes));
        }

        /** Live heap gained over the second half beyond what the store's weighted bytes gained. */
        long secondHalfGrowth() {
            return end.sample.liveHeap - middle.sample.liveHeap
                    - (end.sample.weightedBytes - middle.sample.weightedBytes);
        }

        double latencyRatio(boolean prepared) {
            return prepared ? end.prepared.p50Micros / start.prepared.p50Micros
                    : end.plain.p50Micros / start.plain.p50Micros;
        }

        boolean analysisBounded() {
            return peakAnalyses() <= analysisCacheSize && peakAnalysisBytes() <= analysisCacheBytes;
        }

        boolean heapBounded() {
            return !stoppedEarly && peakGrowth() <= heapAllowance() && secondHalfGrowth() <= FLAT_BYTES;
        }

        boolean latencyBounded() {
            return latencyRatio(true) <= LATENCY_FACTOR && latencyRatio(false) <= LATENCY_FACTOR;
        }

        /** Every execution was a read the cache could serve (none bypassed), and the timed ones were hits. */
        boolean cacheable() {
            return bypasses == 0 && start.prepared.allHits && end.prepared.allHits && start.plain.allHits
                    && end.plain.allHits;
        }

        boolean bounded() {
            return analysisBounded() && heapBounded() && latencyBounded() && cacheable();
        }

        /** "bounded", or what was not. */
        String verdict() {
            List<String> not = new ArrayList<>();
            if (!analysisBounded()) {
                not.add("analysis cache past its bound");
            }
            if (stoppedEarly) {
                not.add(String.format(Locale.ROOT, "stopped after %,d of the executions, live heap +%s",
                        executions, mb(peakGrowth())));
            } else {
                if (peakGrowth() > heapAllowance()) {
                    not.add(String.format(Locale.ROOT, "live heap +%s, over the allowance of %s",
                            mb(peakGrowth()), mb(heapAllowance())));
                }
                if (secondHalfGrowth() > FLAT_BYTES) {
                    not.add(String.format(Locale.ROOT, "live heap still growing: %+.1f MB over the second half",
                            secondHalfGrowth() / 1048576.0));
                }
            }
            if (!latencyBounded()) {
                not.add(String.format(Locale.ROOT, "hot-hit p50 %.1fx / %.1fx the start's", latencyRatio(true),
                        latencyRatio(false)));
            }
            if (!cacheable()) {
                not.add("bypasses or misses among the timed hits");
            }
            return not.isEmpty() ? "bounded" : "NOT bounded: " + String.join("; ", not);
        }
    }

    /** Both runs, at {@code scale} of the full counts. */
    record Result(double scale, Run statements, Run keys) {
    }

    private ManyStatementsCheck() {
    }

    /** Both runs with the counts multiplied by {@code scale} (1 for the full 100,000 and 1,000,000). */
    static Result run(double scale) throws SQLException, InterruptedException {
        BenchDatabase.ensurePostgres(false);
        return new Result(scale, distinctSql(Math.max(SAMPLES, (int) (STATEMENTS * scale))),
                distinctKeys(Math.max(SAMPLES, (int) (KEYS * scale))));
    }

    /** {@code count} distinct SQL texts, through a plain {@link Statement}, the whole list twice. */
    static Run distinctSql(int count) throws SQLException, InterruptedException {
        String name = "bench-many-sql";
        try (Connection connection = BenchDatabase.open(BenchDatabase.pgCached(name, "cache.maxBytes=32MB"));
                Statement statement = connection.createStatement();
                PreparedStatement hot = connection.prepareStatement(HOT_PREPARED)) {
            Probe probe = new Probe(name, statement, hot, 2L * count);
            long sink = 0;
            for (int n = 0; n < 2 * count; n++) {
                int i = n % count;
                String alias = "t" + i;
                sink += readIdName(statement.executeQuery("SELECT " + alias + ".id, " + alias + ".name FROM "
                        + "bench_items " + alias + " WHERE " + alias + ".id = " + (1 + i % BenchDatabase.ITEMS)));
                if (!probe.executed()) {
                    break;
                }
            }
            return probe.finish("distinct SQL", count, sink);
        }
    }

    /** {@code count} distinct parameter pairs of one prepared statement, each once. */
    static Run distinctKeys(int count) throws SQLException, InterruptedException {
        String name = "bench-many-keys";
        try (Connection connection = BenchDatabase.open(BenchDatabase.pgCached(name, "cache.maxBytes=32MB"));
                Statement statement = connection.createStatement();
                PreparedStatement hot = connection.prepareStatement(HOT_PREPARED);
                PreparedStatement keyed = connection.prepareStatement(KEYED)) {
            Probe probe = new Probe(name, statement, hot, count);
            long sink = 0;
            for (int k = 0; k < count; k++) {
                keyed.setInt(1, 1 + k % BenchDatabase.ITEMS);
                keyed.setInt(2, 1 + k / BenchDatabase.ITEMS);
                sink += readIdName(keyed.executeQuery());
                if (!probe.executed()) {
                    break;
                }
            }
            return probe.finish("distinct keys", count, sink);
        }
    }

    /** Counts one run's executions, samples every tenth of them and times the hot hits at start, middle and end. */
    private static final class Probe {
        private final String name;
        private final Statement plain;
        private final PreparedStatement hot;
        private final long total;
        private final long every;
        private final int analysisCacheSize;
        private final long analysisCacheBytes;
        private final List<Sample> samples = new ArrayList<>();
        private final long startNanos = System.nanoTime();
        private final long liveBaseline;
        private final Point start;
        private Point middle;
        private long executed;
        private boolean stoppedEarly;
        private long sink;

        Probe(String name, Statement plain, PreparedStatement hot, long total)
                throws SQLException, InterruptedException {
            this.name = name;
            this.plain = plain;
            this.hot = hot;
            this.total = total;
            this.every = Math.max(1, total / SAMPLES);
            // The cache keeps the defaults of both analysis bounds: read them where the driver reads them.
            this.analysisCacheSize = CacheProperty.ANALYSIS_CACHE_SIZE.getInt(Map.of(), "default");
            this.analysisCacheBytes = CacheProperty.ANALYSIS_CACHE_BYTES.getBytes(Map.of(), "default");
            hot.setInt(1, 1);
            for (int i = 0; i < 25 * TIMED_HITS; i++) { // store the hot entries, then warm the hit path up
                sink += BenchDatabase.readAll(hot.executeQuery());
                sink += BenchDatabase.readAll(plain.executeQuery(HOT_PLAIN));
            }
            this.start = point();
            this.liveBaseline = start.sample.liveHeap;
        }

        /**
         * Counts one execution, samples on the tenths, and says whether to go on: a run whose live heap passes half
         * the maximum heap stops there, so that a leak fails this check rather than the runner's JVM.
         */
        boolean executed() throws SQLException, InterruptedException {
            executed++;
            if (executed % every == 0 && executed < total) {
                if (executed == total / 2 / every * every) {
                    middle = point();
                } else {
                    sample();
                }
            }
            if (executed % 1_000 == 0 && ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                    > HEAP_CEILING && MemoryCheck.liveHeap() > HEAP_CEILING) {
                stoppedEarly = true;
            }
            return !stoppedEarly;
        }

        Run finish(String run, long distinct, long runSink) throws SQLException, InterruptedException {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            Point end = point();
            if (middle == null) { // stopped before the middle
                middle = end;
            }
            CacheStatistics stats = CachingDriver.statistics(name).orElseThrow();
            if (sink + runSink == 42) {
                System.out.print("");
            }
            return new Run(run, distinct, executed, seconds, List.copyOf(samples), start, middle, end, liveBaseline,
                    stats.maxSizeBytes(), analysisCacheSize, analysisCacheBytes, stats.hitCount(),
                    stats.missCount(), stats.bypassCount(), stoppedEarly);
        }

        private Point point() throws SQLException, InterruptedException {
            Latency prepared = time(true);
            Latency unprepared = time(false);
            return new Point(sample(), prepared, unprepared);
        }

        /** Reads the figures (live heap after full collections) and keeps them among the samples. */
        private Sample sample() throws InterruptedException {
            ResultCache cache = CacheRegistry.find(name);
            long analyses = 0;
            long analysisBytes = 0;
            for (DatabaseScope database : cache.databases()) {
                analyses += database.analysesHeld();
                analysisBytes += database.analysisBytesHeld();
            }
            long live = MemoryCheck.liveHeap();
            CacheStatistics stats = CachingDriver.statistics(name).orElseThrow();
            Sample sample = new Sample(executed, analyses, analysisBytes, stats.entryCount(),
                    stats.weightedSizeBytes(), stats.evictionCount(), live);
            samples.add(sample);
            System.out.printf(Locale.ROOT, "  %s: %,d of %,d executed; analyses %,d (%s); entries %,d (%s), "
                    + "%,d evicted; live heap %s%n", name, executed, total, analyses, mb(analysisBytes),
                    stats.entryCount(), mb(stats.weightedSizeBytes()), stats.evictionCount(), mb(live));
            return sample;
        }

        /**
         * {@value #ROUNDS} rounds of {@value #TIMED_HITS} hits of the hot statement, each timed, after 200 untimed
         * ones (which store the entry again if the run evicted it and bring the analysis of the plain text back);
         * the round with the lowest median stands, so that another process on the shared machine taking the core
         * for a moment does not pass for the cache's doing.
         */
        private Latency time(boolean prepared) throws SQLException {
            for (int i = 0; i < 200; i++) {
                sink += prepared ? BenchDatabase.readAll(hot.executeQuery())
                        : BenchDatabase.readAll(plain.executeQuery(HOT_PLAIN));
            }
            long hitsBefore = CachingDriver.statistics(name).orElseThrow().hitCount();
            Latency best = null;
            long[] nanos = new long[TIMED_HITS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < TIMED_HITS; i++) {
                    long t0 = System.nanoTime();
                    sink += prepared ? BenchDatabase.readAll(hot.executeQuery())
                            : BenchDatabase.readAll(plain.executeQuery(HOT_PLAIN));
                    nanos[i] = System.nanoTime() - t0;
                }
                Arrays.sort(nanos);
                double p50 = percentile(nanos, 50) / 1000.0;
                if (best == null || p50 < best.p50Micros()) {
                    best = new Latency(p50, percentile(nanos, 99) / 1000.0, true);
                }
            }
            long hits = CachingDriver.statistics(name).orElseThrow().hitCount() - hitsBefore;
            return new Latency(best.p50Micros(), best.p99Micros(), hits == (long) ROUNDS * TIMED_HITS);
        }
    }

    private static long readIdName(ResultSet rows) throws SQLException {
        long sink = 0;
        try (rows) {
            while (rows.next()) {
                sink += rows.getInt(1) + rows.getString(2).length();
            }
        }
        return sink;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    /** Runs both checks alone; the optional argument scales the counts (0.05: 5,000 and 50,000, a quick run). */
    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Result result = run(scale);
        for (Run run : List.of(result.statements(), result.keys())) {
            System.out.printf(Locale.ROOT, "%n%s: %,d distinct, %,d executions in %.1f s (%,d hits, %,d misses, "
                    + "%,d bypasses)%n", run.name(), run.distinct(), run.executions(), run.seconds(), run.hits(),
                    run.misses(), run.bypasses());
            for (Point point : List.of(run.start(), run.middle(), run.end())) {
                Sample s = point.sample();
                System.out.printf(Locale.ROOT, "  after %,9d: analyses %,6d (%s), entries %,7d (%s), evictions "
                        + "%,9d, live heap %+.1f MB; hot hit p50/p99 prepared %.1f/%.1f us, plain %.1f/%.1f us%n",
                        s.executed(), s.analyses(), mb(s.analysisBytes()), s.entries(), mb(s.weightedBytes()),
                        s.evictions(), (s.liveHeap() - run.liveBaseline()) / 1048576.0,
                        point.prepared().p50Micros(), point.prepared().p99Micros(), point.plain().p50Micros(),
                        point.plain().p99Micros());
            }
            System.out.printf(Locale.ROOT, "  peak: analyses %,d of %,d, %s of %s; live heap +%s (allowed %s), "
                    + "second half %+.1f MB beyond the store's growth (allowed %s); p50 end/start %.2fx prepared, "
                    + "%.2fx plain%n  verdict: %s%n", run.peakAnalyses(), run.analysisCacheSize(),
                    mb(run.peakAnalysisBytes()), mb(run.analysisCacheBytes()), mb(run.peakGrowth()),
                    mb(run.heapAllowance()), run.secondHalfGrowth() / 1048576.0, mb(FLAT_BYTES),
                    run.latencyRatio(true), run.latencyRatio(false), run.verdict());
        }
    }
}
