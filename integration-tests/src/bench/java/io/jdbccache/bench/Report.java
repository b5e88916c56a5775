package io.jdbccache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/** Turns one run's results into docs/benchmarks.md (tables, ratios against targets) and docs/benchmarks.svg. */
final class Report {
    /** One benchmark's score; {@code error} is JMH's 99.9% confidence half-width. */
    record Score(String name, String mode, int threads, double score, double error, String unit) {
    }

    /** A ratio or value checked against its target. */
    record Check(String what, String measured, String target, boolean pass, String note) {
    }

    private final Map<String, Score> scores = new LinkedHashMap<>();
    private final EndToEnd.Result raw;
    private final EndToEnd.Result cached;
    private final MemoryCheck.Fill fill;
    private final List<MemoryCheck.Stream> streams;
    private final String postgresVersion;
    private final double minutes;
    private final String extraArgs;
    private final String settings;
    private final List<Check> checks = new ArrayList<>();

    Report(Collection<RunResult> results, EndToEnd.Result raw, EndToEnd.Result cached, MemoryCheck.Fill fill,
            List<MemoryCheck.Stream> streams, String postgresVersion, double minutes, String extraArgs, int forks,
            int warmups, int iterations, int iterationMillis, double e2eSeconds) {
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            String entries = result.getParams().getParam("entries");
            if (entries != null) {
                name += " (entries=" + entries + ")";
            }
            scores.put(name, new Score(name, result.getParams().getMode().shortLabel(),
                    result.getParams().getThreads(), result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError(), result.getPrimaryResult().getScoreUnit()));
        }
        this.raw = raw;
        this.cached = cached;
        this.fill = fill;
        this.streams = streams;
        this.postgresVersion = postgresVersion;
        this.minutes = minutes;
        this.extraArgs = extraArgs;
        this.settings = String.format(Locale.ROOT, "%d forks x (%d warm-up iterations of 1 s + %d measured "
                + "iterations of %.1f s) per benchmark; end to end %.0f s each way after a warm-up", forks, warmups,
                iterations, iterationMillis / 1000.0, e2eSeconds);
        computeChecks();
    }

    private Score score(String name) {
        return scores.get(name);
    }

    /** {@code slow / fast} as "N.Nx" with its propagated error; PASS when at least {@code target}. */
    private void speedup(String what, String slow, String fast, double target) {
        Score s = score(slow);
        Score f = score(fast);
        if (s == null || f == null) {
            checks.add(new Check(what, "not run", ">= " + fmt(target) + "x", false, ""));
            return;
        }
        double ratio = s.score / f.score;
        double error = ratio * relative(s, f);
        checks.add(new Check(what, String.format(Locale.ROOT, "%.1fx ± %.1f", ratio, error),
                ">= " + fmt(target) + "x", ratio >= target, within(ratio, error, target)));
    }

    /**
     * Throughput with {@code threads} threads over 1 thread, divided by the floor's own ratio in the same run (so the
     * machine's limit is divided out); PASS when at least 90%.
     */
    private void scaling(String what, String prefix, int threads) {
        Score one = score(prefix + "1");
        Score many = score(prefix + threads);
        Score floorOne = score("ThroughputBenchmark.floorThreads1");
        Score floorMany = score("ThroughputBenchmark.floorThreads" + threads);
        if (one == null || many == null || floorOne == null || floorMany == null) {
            checks.add(new Check(what, "not run", ">= 90% of the floor's", false, ""));
            return;
        }
        double hit = many.score / one.score;
        double floor = floorMany.score / floorOne.score;
        double share = hit / floor;
        double error = share * Math.sqrt(Math.pow(relative(many, one), 2) + Math.pow(relative(floorMany, floorOne), 2));
        checks.add(new Check(what, String.format(Locale.ROOT, "%.0f%% ± %.0f (hits %.2fx, floor %.2fx)", 100 * share,
                100 * error, hit, floor), ">= 90% of the floor's", share >= 0.9, within(share, error, 0.9)));
    }

    /** {@code measured / floor} as a factor; PASS when at most {@code target}. */
    private void atMost(String what, String measured, String floor, double target) {
        Score m = score(measured);
        Score f = score(floor);
        if (m == null || f == null) {
            checks.add(new Check(what, "not run", "<= " + fmt(target) + "x", false, ""));
            return;
        }
        double ratio = m.score / f.score;
        double error = ratio * relative(m, f);
        checks.add(new Check(what, String.format(Locale.ROOT, "%.2fx ± %.2f", ratio, error),
                "<= " + fmt(target) + "x", ratio <= target, within(ratio, error, target)));
    }

    /** Overhead of {@code measured} over {@code raw} in percent; PASS when at most {@code percent}. */
    private void overhead(String what, String measured, String rawName, double percent) {
        Score m = score(measured);
        Score r = score(rawName);
        if (m == null || r == null) {
            checks.add(new Check(what, "not run", "<= " + fmt(percent) + "% slower", false, ""));
            return;
        }
        double ratio = m.score / r.score;
        double over = (ratio - 1) * 100;
        double error = ratio * relative(m, r) * 100;
        // With the target inside the error bar, this run cannot tell a pass from a miss.
        String note = Math.abs(over - percent) <= error ? "inconclusive: the target is inside the error bar" : "";
        checks.add(new Check(what, String.format(Locale.ROOT, "%+.1f%% ± %.1f", over, error),
                "<= " + fmt(percent) + "% slower", over <= percent, note));
    }

    private static double relative(Score a, Score b) {
        double ea = Double.isNaN(a.error) ? 0 : a.error / a.score;
        double eb = Double.isNaN(b.error) ? 0 : b.error / b.score;
        return Math.sqrt(ea * ea + eb * eb);
    }

    private static String within(double value, double error, double target) {
        return Math.abs(value - target) <= error ? "target inside the error bar" : "";
    }

    private void computeChecks() {
        speedup("1. PostgreSQL 1-row hit vs raw pgjdbc", "PostgresBenchmark.raw1Row", "PostgresBenchmark.hit1Row",
                100);
        speedup("2. PostgreSQL 10-row hit vs raw pgjdbc", "PostgresBenchmark.raw10Rows",
                "PostgresBenchmark.hit10Rows", 50);
        speedup("3. H2 1-row hit vs raw H2", "H2Benchmark.h2Raw1Row", "H2Benchmark.h2Hit1Row", 5);
        atMost("4a. 1-row hit vs floor (Caffeine get + Object[][] read)", "PostgresBenchmark.hit1Row",
                "FloorBenchmark.floor1Row", 5);
        atMost("4b. 10-row hit vs floor", "PostgresBenchmark.hit10Rows", "FloorBenchmark.floor10Rows", 2.5);
        atMost("4c. 1-row hit vs pgjdbc floor (Caffeine get + pgjdbc's result set over the kept bytes)",
                "PostgresBenchmark.hit1Row", "FloorBenchmark.pgjdbcFloor1Row", 1.5);
        atMost("4d. 10-row hit vs pgjdbc floor", "PostgresBenchmark.hit10Rows", "FloorBenchmark.pgjdbcFloor10Rows",
                1.5);
        overhead("5. miss (read + store) vs raw, same SQL", "PostgresBenchmark.miss1Row",
                "PostgresBenchmark.rawMiss1Row", 5);
        overhead("6. UPDATE by key, 1,000 dependents cached, vs raw", "PostgresBenchmark.writeWith1000Dependents",
                "PostgresBenchmark.rawWrite", 5);
        overhead("7. uncacheable (now()) bypass vs raw", "PostgresBenchmark.bypass1Row",
                "PostgresBenchmark.rawBypass1Row", 2);
        Score analysis = score("AnalysisBenchmark.analyzeSeenBefore");
        Score parse = score("AnalysisBenchmark.jsqlParserParse");
        if (analysis != null) {
            checks.add(new Check("8. analysis of SQL seen before", String.format(Locale.ROOT, "%.3f us%s",
                    analysis.score, parse == null ? "" : String.format(Locale.ROOT, " (JSqlParser parse: %.1f us, "
                            + "%.0fx slower)", parse.score, parse.score / analysis.score)), "< 1 us",
                    analysis.score < 1, ""));
        }
        scaling("9a. PostgreSQL hit scaling, 2 threads vs 1, as a share of the floor's", "ThroughputBenchmark.hitThreads",
                2);
        scaling("9b. H2 hit scaling, 2 threads vs 1, as a share of the floor's", "ThroughputBenchmark.h2HitThreads", 2);
        scaling("9c. PostgreSQL hit scaling, 4 threads vs 1 (on 2 cores), as a share of the floor's",
                "ThroughputBenchmark.hitThreads", 4);
        Score big = score("InvalidationBenchmark.invalidate10Dependents (entries=1000000)");
        Score small = score("InvalidationBenchmark.invalidate10Dependents (entries=10000)");
        if (big != null) {
            checks.add(new Check("10. invalidate a table with 10 dependents among 1,000,000 entries",
                    String.format(Locale.ROOT, "%.2f us", big.score), "< 50 us", big.score < 50, ""));
        }
        if (big != null && small != null) {
            double ratio = big.score / small.score;
            checks.add(new Check("10b. same, 1,000,000 vs 10,000 entries", String.format(Locale.ROOT,
                    "%.2fx ± %.2f", ratio, ratio * relative(big, small)), "independent (<= 1.5x)", ratio <= 1.5,
                    ""));
        }
        if (raw != null && cached != null) {
            checks.add(new Check("E2E hit rate on cacheable reads", pct(cached.hitRate()), ">= 90%",
                    cached.hitRate() >= 0.9, ""));
            double speedup = cached.throughput() / raw.throughput();
            checks.add(new Check("E2E throughput with vs without cache", String.format(Locale.ROOT, "%.1fx",
                    speedup), ">= 5x", speedup >= 5, ""));
            checks.add(new Check("E2E p99 latency, cached vs raw", String.format(Locale.ROOT, "%.0f vs %.0f us",
                    cached.percentileMicros(99), raw.percentileMicros(99)), "no worse than raw",
                    cached.percentileMicros(99) <= raw.percentileMicros(99), ""));
        }
        if (fill != null) {
            double vsBound = (double) fill.retainedBytes() / MemoryCheck.MAX_BYTES;
            checks.add(new Check("Memory: retained heap of a full 32MB cache vs cache.maxBytes",
                    String.format(Locale.ROOT, "%.1f MB = %.0f%% of the bound", fill.retainedBytes() / 1048576.0,
                            100 * vsBound), "within 10%", Math.abs(vsBound - 1) <= 0.10, ""));
            double vsWeight = (double) fill.retainedBytes() / fill.weightedBytes();
            checks.add(new Check("Memory: retained heap vs WeightedSizeBytes (the cache's own estimate)",
                    String.format(Locale.ROOT, "%.0f%% of %.1f MB", 100 * vsWeight,
                            fill.weightedBytes() / 1048576.0), "within 10%", Math.abs(vsWeight - 1) <= 0.10, ""));
            double overhead = fill.bytesPerEntry() / fill.valueBytesPerEntry() - 1;
            checks.add(new Check("Memory: bytes per 10-row x 8-column entry vs the values' own size",
                    String.format(Locale.ROOT, "%.0f B vs %d B: +%.0f%%", fill.bytesPerEntry(),
                            fill.valueBytesPerEntry(), 100 * overhead), "overhead < 50%", overhead < 0.5, ""));
        }
        for (MemoryCheck.Stream stream : streams) {
            if (stream.name().equals("jdbc-cache")) {
                long growth = stream.livePeak() - stream.liveBefore();
                checks.add(new Check("Memory: 1,000,000-row result streamed through the cache",
                        String.format(Locale.ROOT, "%,d rows; live heap +%.1f MB at peak, %d stored", stream.rows(),
                                growth / 1048576.0, stream.stores()), "flat (< 16 MB growth), not stored",
                        stream.rows() == BenchDatabase.BIG && growth < (16L << 20) && stream.stores() == 0, ""));
            }
        }
    }

    private static String verdict(Check check) {
        return check.note.startsWith("inconclusive") ? "INCONCLUSIVE" : check.pass ? "PASS" : "**MISS**";
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    String summary() {
        StringBuilder out = new StringBuilder("\nTargets:\n");
        for (Check check : checks) {
            out.append(String.format(Locale.ROOT, "  %-12s %-70s %-40s (target %s)%n",
                    verdict(check).replace("*", ""),
                    check.what, check.measured, check.target));
        }
        return out.toString();
    }

    String markdown() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("What a hit, a miss, a bypass and a write cost next to plain JDBC, measured side by side in one run "
                + "on one machine. This page is generated by the benchmark runner (`integration-tests/src/bench`); "
                + "do not edit it by hand, run the command below again.\n\n");
        md.append("## Prerequisites\n\n");
        md.append("JDK 17+, Maven, and PostgreSQL on 127.0.0.1:5432 (user `postgres` without password, database "
                + "`test`). The runner creates the tables `bench_items` (100,000 rows), `bench_big` (1,000,000 rows) "
                + "and, for the end-to-end run, `bench_products`, `bench_categories`, `bench_cart_items`. H2 runs "
                + "in-process. The whole run takes about 9 minutes on 2 cores.\n\n");
        md.append("## Usage\n\n```sh\n").append(BenchmarkRunner.COMMAND).append("\n```\n\n");
        md.append("from the repository root. It builds the driver, compiles the benchmarks (run only with profile `bench`: "
                + "`mvn verify` compiles them but never runs them), runs them with JMH, then the end-to-end and "
                + "memory checks, and rewrites `docs/benchmarks.md` and `docs/benchmarks.svg`. One benchmark "
                + "class, quickly: `-Dbench.args=\"quick include=H2Benchmark\"`.\n\n");
        md.append("## Configuration\n\nPassed as `-Dbench.args=\"key=value ...\"`.\n\n");
        md.append("| key | type | default | description |\n|---|---|---|---|\n");
        md.append("| `forks` | int | 2 | JMH forks per benchmark |\n");
        md.append("| `warmups` | int | 3 | warm-up iterations of 1 s |\n");
        md.append("| `iterations` | int | 5 | measured iterations |\n");
        md.append("| `iterationMillis` | int | 1500 | length of a measured iteration |\n");
        md.append("| `e2eSeconds` | number | 20 | measured seconds of the end-to-end workload, each way |\n");
        md.append("| `include` | regex | all | JMH benchmarks to run (ratios of benchmarks not run show \"not run\") |\n");
        md.append("| `quick` | flag | off | 1 fork, 1 warm-up, 2 iterations of 1 s, 3 s end to end: checks the "
                + "pipeline, not the numbers |\n");
        md.append("| `pg` | host:port/db | 127.0.0.1:5432/test | the PostgreSQL database |\n\n");
        md.append(Files.exists(Path.of("/nonexistent")) ? "" : "");
        md.append(DESIGN);
        md.append("## Metrics\n\n");
        md.append("### This run\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
                "yyyy-MM-dd HH:mm 'UTC'"))).append(" |\n");
        md.append("| command | `").append(BenchmarkRunner.COMMAND)
                .append(extraArgs.isEmpty() ? "" : " -Dbench.args=\"" + extraArgs + "\"").append("` |\n");
        md.append("| settings | ").append(settings).append(" |\n");
        md.append("| total time | ").append(String.format(Locale.ROOT, "%.1f minutes", minutes)).append(" |\n");
        md.append("| CPU | ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc), ")
                .append(cpuModel()).append(" |\n");
        md.append("| memory | ").append(memTotal()).append(" |\n");
        md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (JMH forks: -Xms1g -Xmx3g) |\n");
        md.append("| database | ").append(postgresVersion).append(" on loopback; H2 in-process |\n\n");
        md.append("A shared machine with 2 cores: JMH, PostgreSQL and other work compete for them, so "
                + "differences of a few percent are within the noise; the ± columns are JMH's 99.9% confidence "
                + "half-widths.\n\n");
        md.append("### Targets\n\n| path | measured | target | verdict | note |\n|---|---|---|---|---|\n");
        for (Check check : checks) {
            md.append("| ").append(check.what).append(" | ").append(check.measured).append(" | ")
                    .append(check.target).append(" | ").append(verdict(check)).append(" | ")
                    .append(check.note).append(" |\n");
        }
        md.append("\n### Every benchmark\n\n| benchmark | mode | threads | score | ± error | unit |\n"
                + "|---|---|---|---:|---:|---|\n");
        for (Score s : scores.values()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", s.name, s.mode, s.threads,
                    num(s.score), num(s.error), s.unit));
        }
        md.append("\n![Latency per path, us/op, log scale](benchmarks.svg)\n\n");
        if (raw != null && cached != null) {
            md.append("### End to end: catalog and cart on PostgreSQL through HikariCP, 2 threads\n\n");
            md.append("| | plain pgjdbc | jdbc-cache |\n|---|---:|---:|\n");
            md.append(String.format(Locale.ROOT, "| operations per second | %,.0f | %,.0f |%n", raw.throughput(),
                    cached.throughput()));
            md.append(String.format(Locale.ROOT, "| operations | %,d | %,d |%n", raw.operations(),
                    cached.operations()));
            for (double p : new double[] {50, 95, 99}) {
                md.append(String.format(Locale.ROOT, "| p%.0f latency (us) | %.1f | %.1f |%n", p,
                        raw.percentileMicros(p), cached.percentileMicros(p)));
            }
            md.append(String.format(Locale.ROOT, "| database round trips | %,d | %,d |%n", raw.roundTrips(),
                    cached.roundTrips()));
            md.append(String.format(Locale.ROOT, "| round trips saved | - | %,d (%.1f%%) |%n", cached.hits(),
                    100.0 * cached.hits() / cached.operations()));
            md.append(String.format(Locale.ROOT, "| hit rate on cacheable reads | - | %s |%n",
                    pct(cached.hitRate())));
            md.append(String.format(Locale.ROOT, "| bypassed reads (cart, never cached) | - | %,d |%n%n",
                    cached.bypasses()));
        }
        if (fill != null) {
            md.append("### Memory\n\n");
            md.append("Retained size without an agent: live heap (used after three `System.gc()`) with the cache "
                    + "full, minus live heap after `CachingDriver.invalidateAll` on the same open connection, so "
                    + "everything but the entries is in both readings.\n\n");
            md.append("| cache.maxBytes = 32MB, 10-row x 8-column results | |\n|---|---:|\n");
            md.append(String.format(Locale.ROOT, "| entries held | %,d (%,d evicted on the way) |%n",
                    fill.entries(), fill.evictions()));
            md.append("| WeightedSizeBytes (JMX) | ").append(mb(fill.weightedBytes())).append(" |\n");
            md.append("| live heap full / after invalidateAll | ").append(mb(fill.liveFull())).append(" / ")
                    .append(mb(fill.liveEmpty())).append(" |\n");
            md.append("| retained by the entries | ").append(mb(fill.retainedBytes())).append(" |\n");
            md.append(String.format(Locale.ROOT, "| bytes per entry | %.0f |%n", fill.bytesPerEntry()));
            md.append(String.format(Locale.ROOT, "| the 80 values' own size (pgjdbc objects) | %d |%n%n",
                    fill.valueBytesPerEntry()));
            md.append("1,000,000 rows (`SELECT id, payload FROM bench_big`, over `cache.maxResultRows`), read-committed "
                    + "transaction, fetch size 1,000:\n\n");
            md.append("| | live heap before | live heap peak (every 100,000 rows) | live heap after | heap used peak "
                    + "(garbage included) | rows | stored |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (MemoryCheck.Stream s : streams) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d | %d |%n", s.name(),
                        mb(s.liveBefore()), mb(s.livePeak()), mb(s.liveAfter()), mb(s.usedPeak()), s.rows(),
                        s.stores()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String num(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.1f", value)
                : value >= 1 ? String.format(Locale.ROOT, "%.3f", value) : String.format(Locale.ROOT, "%.4f", value);
    }

    /** A horizontal bar chart of every AverageTime benchmark, log scale, grouped raw / cache / reference. */
    String svg() {
        List<Score> bars = new ArrayList<>();
        for (Score s : scores.values()) {
            if (s.mode.equals("avgt")) {
                bars.add(s);
            }
        }
        int label = 420;
        int plot = 460;
        int rowHeight = 22;
        int top = 40;
        int height = top + bars.size() * rowHeight + 40;
        double min = 0.001;
        double max = 10_000;
        for (Score s : bars) {
            while (s.score < min) {
                min /= 10;
            }
            while (s.score > max) {
                max *= 10;
            }
        }
        double logMin = Math.log10(min);
        double span = Math.log10(max) - logMin;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", label + plot + 80, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">"
                + "Latency per path (us/op, log scale; shorter is faster)</text>%n"));
        for (double tick = min; tick <= max * 1.0001; tick *= 10) {
            double x = label + plot * (Math.log10(tick) - logMin) / span;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#ddd\"/>%n", x, top - 5, x, height - 30));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                    + "fill=\"#555\">%s</text>%n", x, height - 15, tickLabel(tick)));
        }
        int y = top;
        for (Score s : bars) {
            String color = s.name.contains(".raw") || s.name.contains("Raw") ? "#9e9e9e"
                    : s.name.startsWith("Floor") || s.name.contains("jsqlParser") ? "#66bb6a" : "#1e88e5";
            double width = Math.max(1, plot * (Math.log10(s.score) - logMin) / span);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    label - 8, y + 15, escape(s.name)));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"%s\"/>%n", label, y + 3, width, rowHeight - 6, color));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#333\">%s</text>%n",
                    label + width + 4, y + 15, num(s.score)));
            y += rowHeight;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">blue: through jdbc-cache"
                + "   grey: plain JDBC   green: reference (floor, parser)</text>%n", 10, height - 2));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String tickLabel(double tick) {
        return tick >= 1 ? String.format(Locale.ROOT, "%,.0f", tick) : String.valueOf(tick);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return mb(Runtime.getRuntime().maxMemory()) + " max heap";
    }

    private static final String DESIGN = """
            ## Design

            Every benchmark runs a real statement through the real driver and reads every column of every row \
            (`getInt`, `getString`, `getBigDecimal`, `getDouble`, `getBoolean`), beside the same statement with the \
            same parameters through the plain driver. Hits cycle over 64 keys, all cached after the first round. \
            The rows are `bench_items`: 8 columns (int, varchar, numeric, int, int, varchar, double, boolean).

            | benchmark | what one operation is |
            |---|---|
            | `PostgresBenchmark.hit1Row` / `raw1Row` | `SELECT <8 columns> FROM bench_items WHERE id = ?` (PreparedStatement) |
            | `PostgresBenchmark.hit10Rows` / `raw10Rows` | `... WHERE id BETWEEN ? AND ? ORDER BY id`, 10 rows |
            | `H2Benchmark.h2Hit1Row` / `h2Raw1Row` | the 1-row lookup on in-process H2 |
            | `FloorBenchmark.floor1Row` / `floor10Rows` | the floor: Caffeine `getIfPresent` of a prebuilt key, then every value of an `Object[][]` of the same rows |
            | `FloorBenchmark.pgjdbcFloor1Row` / `pgjdbcFloor10Rows` | the pgjdbc floor: the same lookup, then pgjdbc's own result set over the rows as a hit keeps them (wire bytes captured from PostgreSQL once), every value read through pgjdbc's getters: what a hit costs at least while every conversion is pgjdbc's |
            | `PostgresBenchmark.miss1Row` / `rawMiss1Row` | `... WHERE id = ? AND ? > 0` with the second parameter new on every call: every execution is a miss (analysis from cache, lookup, database, materialization, store; the cache fills and evicts, as in steady state); raw runs the identical statement |
            | `PostgresBenchmark.writeWith1000Dependents` / `rawWrite` | autocommit `UPDATE bench_items SET stock = stock + 1 WHERE id = ?`; before each cached call 1,000 entries depending on `bench_items` are stored again through the cache's API (outside the measured time), so every UPDATE drops 1,000 dependents |
            | `PostgresBenchmark.bypass1Row` / `rawBypass1Row` | the 1-row lookup plus `now()`: not deterministic, so never cached |
            | `AnalysisBenchmark.analyzeSeenBefore` | `DatabaseScope.analyze` of SQL already analyzed (what every execution of a known statement pays) |
            | `AnalysisBenchmark.jsqlParserParse` | one `CCJSqlParserUtil.newParser(sql).Statement()` of the same SQL: what the analysis cache saves |
            | `ThroughputBenchmark.hitThreads1` / `2` / `4` | 1-row PostgreSQL hits per microsecond with 1, 2 and 4 threads, each with its own connection, one shared cache |
            | `ThroughputBenchmark.h2HitThreads1` / `2` / `4` | the same on in-process H2 |
            | `ThroughputBenchmark.floorThreads1` / `2` / `4` | the floor's lookups per microsecond with 1, 2 and 4 threads over one shared Caffeine cache: the scaling the machine itself allows, which the hits' is divided by |
            | `InvalidationBenchmark.invalidate10Dependents` | `ResultCache.invalidate` of a table with 10 dependents, the cache holding 10,000 or 1,000,000 entries over 1,000 other tables; the 10 entries are stored again outside the measured time |

            The end-to-end run is the demo's catalog-and-cart workload (`CatalogDemo`: 55% product lookups, 25% \
            category pages, 10% cart reads never cached, 9.8% cart inserts, 0.2% price changes) on PostgreSQL \
            through HikariCP with 2 threads, a timed loop outside JMH: each way gets a fresh schema, a warm-up, \
            then a measured period; latencies are per operation. Hit rate and round trips come from the cache's \
            counters over the measured period only.

            ## Consistency and limitations

            * One shared 2-core machine: PostgreSQL, the JMH fork and anything else running share the cores, so \
            sub-5% differences (targets 5 to 7) are at the level of run-to-run noise; read the ± column.
            * The write and invalidation benchmarks re-store their dependents with JMH `Level.Invocation` setups; \
            the garbage those create is collected partly inside measured time.
            * The miss benchmark pays for evictions once the cache is full (default `cache.maxBytes` 64MB), \
            which is the steady state of a cache that keeps seeing new keys.
            * Memory figures come from heap usage after `System.gc()` (no agent): about ±1 MB.

            """;
}
