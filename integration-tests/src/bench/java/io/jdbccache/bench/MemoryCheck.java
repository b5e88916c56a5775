package io.jdbccache.bench;

import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Heap checks, run in the runner's own JVM: the retained size of a full cache against its bound and against its
 * own weight estimate, bytes per entry against the size of the values, and a 1,000,000-row result streaming
 * through the cache.
 *
 * <p>Retained size is measured without an agent: live heap (used after full collections) with the cache full,
 * minus live heap after {@code invalidateAll} on the same, still open, connection. Everything else (connection,
 * statement, analysis cache, column descriptions, JIT data) is the same in both readings, so the difference is
 * what the entries keep alive, as the garbage collector sees it.
 */
final class MemoryCheck {
    static final long MAX_BYTES = 32L << 20;

    record Fill(long entries, long weightedBytes, long retainedBytes, long valueBytesPerEntry, long liveFull,
            long liveEmpty, long evictions) {
        double bytesPerEntry() {
            return (double) retainedBytes / entries;
        }
    }

    record Stream(String name, long rows, long liveBefore, long livePeak, long liveAfter, long usedPeak,
            long stores, long bypassesOrMisses) {
    }

    private MemoryCheck() {
    }

    static Fill fill() throws SQLException, InterruptedException {
        BenchDatabase.ensurePostgres(true);
        String name = "bench-memory";
        try (Connection connection = BenchDatabase.open(BenchDatabase.pgCached(name, "cache.maxBytes=32MB"));
                PreparedStatement query = connection.prepareStatement(BenchDatabase.TEN_ROWS)) {
            int start = 1;
            int extra = -1;
            while (start + 9 <= BenchDatabase.ITEMS && extra != 0) {
                query.setInt(1, start);
                query.setInt(2, start + 9);
                BenchDatabase.readAll(query.executeQuery());
                start += 3; // overlapping ranges: every key distinct, every row still a fresh value object
                if (extra > 0) {
                    extra--;
                } else if (extra < 0 && (start & 255) == 1
                        && CachingDriver.statistics(name).orElseThrow().evictionCount() > 0) {
                    extra = 5_000; // keep going past the bound, so the cache sits at it
                }
            }
            long liveFull = liveHeap();
            CacheStatistics full = CachingDriver.statistics(name).orElseThrow();
            CachingDriver.invalidateAll(name);
            long liveEmpty = liveHeap();
            return new Fill(full.entryCount(), full.weightedSizeBytes(), liveFull - liveEmpty, valueBytes(),
                    liveFull, liveEmpty, full.evictionCount());
        }
    }

    /**
     * The own size of the values of one 10-row result as pgjdbc returns them, as laid out by a 64-bit HotSpot with
     * compressed references (12-byte headers, 8-byte alignment): Integer 16, Double 24, Boolean 0 (shared); a BigDecimal with
     * its BigInteger and magnitude as pgjdbc builds it about 104; a Latin-1 String 24 plus its byte[] (16 + length,
     * aligned).
     */
    static long valueBytes() throws SQLException {
        long bytes = 0;
        try (Connection connection = BenchDatabase.open(BenchDatabase.PG_RAW);
                PreparedStatement query = connection.prepareStatement(BenchDatabase.TEN_ROWS)) {
            query.setInt(1, 5_000);
            query.setInt(2, 5_009);
            try (ResultSet rows = query.executeQuery()) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    for (int c = 1; c <= columns; c++) {
                        bytes += sizeOf(rows.getObject(c));
                    }
                }
            }
        }
        return bytes;
    }

    private static long sizeOf(Object value) {
        if (value instanceof String s) {
            return 24 + align(16 + s.length());
        }
        if (value instanceof BigDecimal d) {
            // pgjdbc builds every BigDecimal around a BigInteger, which it keeps: 40 + 40 + the magnitude array
            // (a class histogram shows 104 bytes for a small numeric, not the 40 of a compact BigDecimal).
            return 40 + 40 + align(16 + 4L * ((d.unscaledValue().bitLength() + 31) / 32));
        }
        if (value instanceof Double || value instanceof Long) {
            return 24; // 12-byte header + 8, aligned (the histogram agrees)
        }
        if (value instanceof Boolean) {
            return 0; // Boolean.TRUE and FALSE are shared
        }
        return value == null ? 0 : 16;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    /**
     * Reads all of {@code bench_big} (1,000,000 rows, over {@code cache.maxResultRows}) in a read-committed
     * transaction with fetch size 1,000, so pgjdbc itself streams; reports live heap (after full collections)
     * before, at every 100,000 rows and after, and the highest heap use sampled every 1,000 rows, garbage included.
     */
    static Stream stream(boolean cached) throws SQLException, InterruptedException {
        BenchDatabase.ensurePostgres(true);
        String name = "bench-stream";
        String url = cached ? BenchDatabase.pgCached(name) : BenchDatabase.PG_RAW;
        try (Connection connection = BenchDatabase.open(url)) {
            connection.setAutoCommit(false);
            try (PreparedStatement query = connection.prepareStatement("SELECT id, payload FROM bench_big")) {
                query.setFetchSize(1_000);
                long before = liveHeap();
                long livePeak = before;
                long usedPeak = 0;
                long rows = 0;
                long sink = 0;
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        sink += result.getInt(1) + result.getString(2).length();
                        rows++;
                        if (rows % 1_000 == 0) {
                            usedPeak = Math.max(usedPeak, usedHeap());
                        }
                        if (rows % 100_000 == 0) {
                            livePeak = Math.max(livePeak, liveHeap());
                        }
                    }
                }
                connection.commit();
                long after = liveHeap();
                CacheStatistics stats = cached ? CachingDriver.statistics(name).orElseThrow() : null;
                if (sink == 42) {
                    System.out.print("");
                }
                return new Stream(cached ? "jdbc-cache" : "plain pgjdbc", rows, before, livePeak, after, usedPeak,
                        stats == null ? 0 : stats.storeCount(),
                        stats == null ? 0 : stats.bypassCount() + stats.missCount());
            }
        }
    }

    static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return usedHeap();
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
