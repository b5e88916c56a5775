package io.jdbccache.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a miss, a bypass and a write cost over plain pgjdbc, measured precisely enough to decide a 2-5% target on a
 * noisy machine. JMH's separate benchmarks compare two runs taken seconds apart, so the database's and the
 * machine's drift between them (a checkpoint, autovacuum, another process) lands on one side only and the error
 * bar is wider than the target. Here both ways run in one JVM, interleaved in short blocks (raw, cached, cached,
 * raw, ...): each pair of neighbouring blocks shares the moment's conditions, so the ratio of a pair cancels the
 * drift, and the spread of many pairs' ratios gives the error. A block's typical operation is its median, so one
 * garbage collection or scheduler hiccup moves only one block. Each operation is timed alone, so the untimed work
 * between two writes (putting 1,000 dependents back in the cache, before the raw writes too) is left out. The
 * measuring thread and the database backends share one CPU ({@link CpuPinning}): on this machine where the scheduler
 * puts them otherwise moves a round trip by more than the driver's whole overhead.
 */
final class OverheadCheck {
    /** Operations per block of a read: about 10-20 ms of database work, short against the drift it must cancel. */
    private static final int READ_BLOCK = 200;
    /** Operations per block of a write (each commits, about 20 times a read's time). */
    private static final int WRITE_BLOCK = 20;

    /** One path's overhead: mean of the pairs' ratios, minus one, with its 95% confidence half-width. */
    record Overhead(String path, double percent, double halfWidthPercent, int pairs, int block, double rawMicros,
            double cachedMicros, double target, String pinning) {
        /** The same figures, measured with {@code description} pinned (see {@link CpuPinning}). */
        Overhead pinned(String description) {
            return new Overhead(path, percent, halfWidthPercent, pairs, block, rawMicros, cachedMicros, target,
                    description);
        }

        boolean decided() {
            return halfWidthPercent < Math.abs(percent - target);
        }

        String formatted() {
            return String.format(Locale.ROOT, "%+.1f%% ± %.1f (%.1f vs %.1f us, %d pairs of %d)", percent,
                    halfWidthPercent, cachedMicros, rawMicros, pairs, block);
        }
    }

    /** One timed operation, and the untimed work it needs before it (none by default). */
    interface Operation {
        void run() throws SQLException;

        default void prepare() {
        }
    }

    private OverheadCheck() {
    }

    /** Standalone: {@code OverheadCheck [seconds per path]}. */
    public static void main(String[] args) throws Exception {
        for (Overhead overhead : run(args.length > 0 ? Double.parseDouble(args[0]) : 10)) {
            System.out.println(overhead.path() + ": " + overhead.formatted());
        }
    }

    static List<Overhead> run(double secondsPerPath) throws Exception {
        BenchDatabase.ensurePostgres(false);
        PostgresBenchmark benchmark = new PostgresBenchmark();
        PostgresBenchmark.Raw raw = new PostgresBenchmark.Raw();
        PostgresBenchmark.Cached cached = new PostgresBenchmark.Cached();
        PostgresBenchmark.CachedWithDependents writer = new PostgresBenchmark.CachedWithDependents();
        raw.open();
        cached.open();
        writer.open();
        try (CpuPinning pinning = CpuPinning.pin(List.of(raw.connection, cached.connection, writer.connection))) {
            List<Overhead> results = new ArrayList<>();
            results.add(measure("miss (read + store) vs raw, same SQL", 5, secondsPerPath, READ_BLOCK,
                    () -> benchmark.rawMiss1Row(raw), () -> benchmark.miss1Row(cached)));
            results.add(measure("uncacheable (now()) bypass vs raw", 2, secondsPerPath, READ_BLOCK,
                    () -> benchmark.rawBypass1Row(raw), () -> benchmark.bypass1Row(cached)));
            // Both ways put the 1,000 dependents back before each write, untimed: that work leaves the CPU's caches
            // and the heap in another state than a plain loop of writes would, and only the driver's own part of
            // the write is to be measured, not the after-effects of the benchmark's refill (the raw connection
            // never reads those entries).
            results.add(measure("UPDATE by key, 1,000 dependents cached, vs raw", 5, secondsPerPath, WRITE_BLOCK,
                    new Operation() {
                        @Override
                        public void run() throws SQLException {
                            benchmark.rawWrite(raw);
                        }

                        @Override
                        public void prepare() {
                            writer.refill();
                        }
                    }, new Operation() {
                        @Override
                        public void run() throws SQLException {
                            benchmark.writeWith1000Dependents(writer);
                        }

                        @Override
                        public void prepare() {
                            writer.refill();
                        }
                    }));
            results.replaceAll(overhead -> overhead.pinned(pinning.description()));
            return results;
        } finally {
            writer.close();
            cached.close();
            raw.close();
        }
    }

    static Overhead measure(String path, double target, double seconds, int block, Operation raw,
            Operation cached) throws SQLException {
        // Warm-up: both ways, long enough for the JIT to compile the paths measured.
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            block(raw, block);
            block(cached, block);
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> rawMedians = new ArrayList<>();
        List<Double> cachedMedians = new ArrayList<>();
        long until = System.nanoTime() + (long) (seconds * 1e9);
        boolean rawFirst = true;
        while (System.nanoTime() < until || ratios.size() < 10) {
            double first = block(rawFirst ? raw : cached, block);
            double second = block(rawFirst ? cached : raw, block);
            double rawMedian = rawFirst ? first : second;
            double cachedMedian = rawFirst ? second : first;
            ratios.add(cachedMedian / rawMedian);
            rawMedians.add(rawMedian);
            cachedMedians.add(cachedMedian);
            rawFirst = !rawFirst; // ABBA: a steady drift within a pair falls on both ways alike
        }
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double variance = ratios.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / (ratios.size() - 1);
        double halfWidth = 1.96 * Math.sqrt(variance / ratios.size());
        return new Overhead(path, 100 * (mean - 1), 100 * halfWidth, ratios.size(), block, median(rawMedians) / 1e3,
                median(cachedMedians) / 1e3, target, "not pinned");
    }

    /** Runs one block; returns the median operation's nanoseconds. */
    private static double block(Operation operation, int size) throws SQLException {
        long[] nanos = new long[size];
        for (int i = 0; i < size; i++) {
            operation.prepare();
            long started = System.nanoTime();
            operation.run();
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        return (nanos[size / 2 - 1] + nanos[size / 2]) / 2.0;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
