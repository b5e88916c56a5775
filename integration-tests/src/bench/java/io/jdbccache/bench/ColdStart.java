package io.jdbccache.bench;

import java.io.BufferedReader;
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
    public record Result(int runs, double rawMillis, double cachedMillis, double rawMin, double rawMax,
            double cachedMin, double cachedMax) {
        double extraMillis() {
            return cachedMillis - rawMillis;
        }
    }

    private ColdStart() {
    }

    /** Standalone: {@code ColdStart [runs]} creates the benchmark data if missing, then prints the medians. */
    public static void main(String[] args) throws Exception {
        BenchDatabase.ensurePostgres(false);
        Result result = run(args.length > 0 ? Integer.parseInt(args[0]) : 7);
        System.out.printf("cold start, median of %d: raw %.0f ms [%.0f-%.0f], cached %.0f ms [%.0f-%.0f], extra %.0f ms%n",
                result.runs(), result.rawMillis(), result.rawMin(), result.rawMax(), result.cachedMillis(),
                result.cachedMin(), result.cachedMax(), result.extraMillis());
    }

    public static Result run(int runs) throws IOException, InterruptedException {
        List<Double> raw = new ArrayList<>();
        List<Double> cached = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            raw.add(child(false));
            cached.add(child(true));
        }
        double[] r = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] c = cached.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(runs, median(r), median(c), r[0], r[r.length - 1], c[0], c[c.length - 1]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double child(boolean cachedUrl) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(Arrays.asList(java, "-cp", System.getProperty("java.class.path"),
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
