package io.jdbccache.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A new JVM's first connection plus first query, through plain pgjdbc and through the driver: each run is a child
 * JVM of its own (nothing loaded, nothing JIT-compiled), raw and cached alternating so that a drift of the machine
 * falls on both. The child times from its {@code main} to the first row read, and also reports how long the JVM
 * took to reach {@code main}, which is the same for both and left out of the comparison.
 */
public final class ColdStart {
    /** Medians of the first connection plus first query, in milliseconds. */
    /** @param beforeMillis median of the cached runs with another driver jar (see {@link #run}); NaN if none */
    public record Result(int runs, double rawMillis, double cachedMillis, double rawMin, double rawMax,
            double cachedMin, double cachedMax, double beforeMillis) {
        double extraMillis() {
            return cachedMillis - rawMillis;
        }

        /** The other jar's extra time over the same raw runs, or NaN. */
        double beforeExtraMillis() {
            return beforeMillis - rawMillis;
        }
    }

    private ColdStart() {
    }

    /** Standalone: {@code ColdStart [runs]} creates the benchmark data if missing, then prints the medians. */
    public static void main(String[] args) throws Exception {
        BenchDatabase.ensurePostgres(false);
        Result result = run(args.length > 0 ? Integer.parseInt(args[0]) : 7, args.length > 1 ? args[1] : null);
        System.out.printf("cold start, median of %d: raw %.0f ms [%.0f-%.0f], cached %.0f ms [%.0f-%.0f], extra %.0f ms%n",
                result.runs(), result.rawMillis(), result.rawMin(), result.rawMax(), result.cachedMillis(),
                result.cachedMin(), result.cachedMax(), result.extraMillis());
        if (!Double.isNaN(result.beforeMillis())) {
            System.out.printf("with %s instead: cached %.0f ms, extra %.0f ms%n", args[1], result.beforeMillis(),
                    result.beforeExtraMillis());
        }
    }

    /**
     * @param beforeJar another build of the driver (an earlier commit's jar), run as a third way in the same rounds
     *     with the same class path but for the driver, so that its extra time is measured beside this one's in the
     *     same conditions; null for none
     */
    public static Result run(int runs, String beforeJar) throws IOException, InterruptedException {
        String classPath = System.getProperty("java.class.path");
        String beforeClassPath = beforeJar == null ? null : withDriver(classPath, beforeJar);
        List<Double> raw = new ArrayList<>();
        List<Double> cached = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            raw.add(child(false, classPath));
            cached.add(child(true, classPath));
            if (beforeClassPath != null) {
                before.add(child(true, beforeClassPath));
            }
        }
        double[] r = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] c = cached.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] b = before.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(runs, median(r), median(c), r[0], r[r.length - 1], c[0], c[c.length - 1],
                b.length == 0 ? Double.NaN : median(b));
    }

    /** {@code classPath} with the driver's jar or classes folder replaced by {@code jar}. */
    private static String withDriver(String classPath, String jar) {
        List<String> entries = new ArrayList<>();
        boolean replaced = false;
        for (String entry : classPath.split(File.pathSeparator)) {
            boolean driver = entry.contains("jdbc-cache-driver") && !entry.endsWith("-tests.jar")
                    || entry.replace('\\', '/').endsWith("driver/target/classes");
            if (driver && !replaced) {
                entries.add(jar);
                replaced = true;
            } else if (!driver) {
                entries.add(entry);
            }
        }
        if (!replaced) {
            throw new IllegalStateException("no driver jar on the class path to replace with " + jar);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double child(boolean cachedUrl, String classPath) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(Arrays.asList(java, "-cp", classPath,
                ColdStart.class.getName() + "$Child", cachedUrl ? "cached" : "raw", BenchDatabase.PG));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String last = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                all.append(line).append('\n');
                last = line;
            }
        }
        if (process.waitFor() != 0 || last == null || !last.startsWith("millis=")) {
            throw new IllegalStateException("cold-start child failed:\n" + all);
        }
        return Double.parseDouble(last.substring("millis=".length()));
    }

    /** One cold run: prints {@code millis=<first connection plus first query>} as its last line. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            long started = System.nanoTime();
            String url = ("cached".equals(args[0]) ? "jdbc:cache:postgresql://" : "jdbc:postgresql://") + args[1];
            try (Connection connection = DriverManager.getConnection(url, BenchDatabase.USER, "");
                    PreparedStatement statement = connection.prepareStatement(BenchDatabase.ONE_ROW)) {
                statement.setInt(1, 42);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        throw new IllegalStateException("no row 42 in bench_items");
                    }
                    rows.getString(2);
                }
            }
            System.out.println("millis=" + (System.nanoTime() - started) / 1e6);
        }
    }
}
