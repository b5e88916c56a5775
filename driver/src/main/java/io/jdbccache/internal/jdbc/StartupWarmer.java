package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.SqlSyntax;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes two of the slowest one-time costs of a new JVM's first caching connection off its critical path: loading
 * and initializing what a cache is made of (Caffeine's generated classes, the latency histograms: about 0.15 s
 * cold) and JSqlParser's generated parser (about 0.2 s cold). The first connection starts a short-lived daemon
 * thread that pays both while the connecting thread opens the real connection, which is itself mostly class
 * loading and a network round trip; when the connecting thread needs either one, it finds it ready or waits only
 * for the rest (the JVM's class-initialization locks make the two threads share one start, never pay twice). The
 * thread ends when both are done, so nothing outlives an application's redeployment; with one core it changes
 * nothing but the order. (The third, the platform MBean server, starts on the JMX exporter's own thread.)
 */
final class StartupWarmer {
    /** Touches the grammar a typical ORM's first reads use: joins, aliases, parameters, grouping, ordering, paging. */
    private static final String TYPICAL_READ = "SELECT a.id, a.name, count(*) FROM s.items a JOIN s.parts b"
            + " ON b.item_id = a.id WHERE a.id = ? AND b.kind IN (1, 2) GROUP BY a.id, a.name ORDER BY a.name"
            + " LIMIT 10 OFFSET 0";
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private StartupWarmer() {
    }

    /** Starts the warm-up once per class loader; returns at once. */
    static void startOnce() {
        if (STARTED.get() || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(StartupWarmer::warmUp, "jdbc-cache-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void warmUp() {
        try {
            // In the order the connecting thread needs them: the cache right after connecting, the parser next.
            ResultCache.preload();
            SqlAnalyzer.analyze(TYPICAL_READ, SqlSyntax.POSTGRESQL);
        } catch (RuntimeException | LinkageError e) {
            // Only a head start: whatever failed here fails again, and is reported, where it is really needed.
        }
    }
}
