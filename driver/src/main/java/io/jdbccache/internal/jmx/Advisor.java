package io.jdbccache.internal.jmx;

import io.jdbccache.internal.cache.ShapeStatistics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Joins each query shape's cache statistics with what the database says it costs, and answers the caching
 * guide's questions for it: is it read more than written, is it expensive, is it hot, what does an entry cost in
 * memory? One verdict per shape with a one-line reason.
 */
public final class Advisor {
    static final long MIN_EXECUTIONS = 20;
    static final double CHEAP_MICROS = 100;
    static final double EXPENSIVE_MICROS = 1_000;
    static final double LARGE_ENTRY_BYTES = 256 * 1024;

    private Advisor() {
    }

    /** The advice for one shape. */
    public enum Verdict { CACHE, DO_NOT_CACHE, LONGER_TTL, SHORTER_TTL, NOT_CACHEABLE, TOO_FEW_RUNS }

    public record Advice(ShapeStatistics shape, Verdict verdict, String reason, Explainer.Explanation explanation) {
    }

    public static Advice advise(ShapeStatistics shape, Explainer.Explanation explanation) {
        long executions = shape.executions();
        long hits = shape.hits();
        long misses = shape.misses();
        long invalidations = shape.invalidations();
        double dbMicros = shape.databaseTime().meanMicros();
        double hitRate = hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        String cost = explanation != null && explanation.executionMillis() >= 0
                ? String.format(Locale.ROOT, "%.2f ms in the database, buffer hit ratio %s",
                        explanation.executionMillis() + Math.max(0, explanation.planningMillis()),
                        explanation.bufferHitRatio() < 0 ? "n/a"
                                : String.format(Locale.ROOT, "%.0f%%", 100 * explanation.bufferHitRatio()))
                : String.format(Locale.ROOT, "%.0f us per database read", dbMicros);
        if (!shape.cacheable() && hits + misses == 0) {
            String why = shape.lastBypassDetail() != null ? shape.lastBypassDetail() : "see the bypass rules";
            return new Advice(shape, Verdict.NOT_CACHEABLE, "bypassed every time (" + shape.bypassReasons() + "): "
                    + why + "; " + cost, explanation);
        }
        if (executions < MIN_EXECUTIONS) {
            return new Advice(shape, Verdict.TOO_FEW_RUNS, executions + " executions so far: not hot enough to judge",
                    explanation);
        }
        double invalidationRate = misses == 0 ? 0 : (double) invalidations / misses;
        if (invalidations > 0 && invalidationRate > 0.8 && hitRate < 0.3) {
            return new Advice(shape, Verdict.DO_NOT_CACHE, String.format(Locale.ROOT,
                    "written about as often as read: %d of %d stored results were invalidated, hit rate %.0f%%; "
                            + "add its tables to cache.neverCacheTables", invalidations, misses, 100 * hitRate),
                    explanation);
        }
        if (dbMicros < CHEAP_MICROS && shape.meanBytes() > LARGE_ENTRY_BYTES) {
            return new Advice(shape, Verdict.DO_NOT_CACHE, String.format(Locale.ROOT,
                    "cheap in the database (%s) but %.0f KB per entry; add it to cache.neverCacheQueries", cost,
                    shape.meanBytes() / 1024), explanation);
        }
        if (hitRate < 0.5 && invalidationRate < 0.2) {
            return new Advice(shape, Verdict.LONGER_TTL, String.format(Locale.ROOT,
                    "rarely invalidated but hit rate only %.0f%%: entries expire before they are reused; "
                            + "raise cache.ttl.<table> for its tables", 100 * hitRate), explanation);
        }
        if (invalidationRate > 0.5 && hitRate >= 0.3) {
            return new Advice(shape, Verdict.CACHE, String.format(Locale.ROOT,
                    "hit rate %.0f%% despite frequent writes (%d invalidations); %s", 100 * hitRate, invalidations,
                    cost), explanation);
        }
        return new Advice(shape, Verdict.CACHE, String.format(Locale.ROOT,
                "read %d times, hit rate %.0f%%, %s%s", executions, 100 * hitRate, cost,
                dbMicros >= EXPENSIVE_MICROS ? ": expensive, keep it cached" : ""), explanation);
    }

    /** Shapes sorted by database time saved (then by database time spent), at most {@code limit}. */
    public static List<ShapeStatistics> byBenefit(Iterable<ShapeStatistics> shapes, int limit) {
        // The counters move while we sort: rank by values read once, or the sort's contract may break.
        record Ranked(ShapeStatistics shape, double saved, double spent) {
        }
        List<Ranked> ranked = new ArrayList<>();
        for (ShapeStatistics shape : shapes) {
            ranked.add(new Ranked(shape, shape.savedMicros(),
                    shape.databaseTime().meanMicros() * shape.executions()));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::saved).reversed()
                .thenComparing(Comparator.comparingDouble(Ranked::spent).reversed()));
        List<ShapeStatistics> sorted = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, ranked.size()); i++) {
            sorted.add(ranked.get(i).shape());
        }
        return sorted;
    }

    /** A text table, one line per shape, sorted by benefit. */
    public static String report(String cacheName, List<Advice> advice) {
        StringBuilder out = new StringBuilder();
        out.append("jdbc-cache advisor for cache '").append(cacheName).append("' (sorted by database time saved)\n");
        out.append(String.format(Locale.ROOT, "%-8s  %-13s %6s %8s %10s %10s %6s %9s  %s%n", "id", "verdict",
                "hit%", "runs", "db us", "saved ms", "inval", "KB/entry", "shape / reason"));
        for (Advice a : advice) {
            ShapeStatistics s = a.shape();
            long lookups = s.hits() + s.misses();
            out.append(String.format(Locale.ROOT, "%-8s  %-13s %6.1f %8d %10.1f %10.1f %6d %9.1f  %s%n", s.id(),
                    a.verdict(), lookups == 0 ? 0 : 100.0 * s.hits() / lookups, s.executions(),
                    s.databaseTime().meanMicros(), s.savedMicros() / 1000, s.invalidations(), s.meanBytes() / 1024,
                    abbreviate(s.shape(), 100)));
            out.append(String.format(Locale.ROOT, "%-8s  %s%n", "", a.reason()));
        }
        return out.toString();
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
