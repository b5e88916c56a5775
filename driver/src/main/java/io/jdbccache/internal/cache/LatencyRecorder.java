package io.jdbccache.internal.cache;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency percentiles with a wait-free recording side, safe for the cache-hit path: {@link #record} writes to an
 * HdrHistogram {@link Recorder} (no lock, no allocation). A recorder's writers share one phaser counter, so there is
 * one recorder per stripe, picked by thread id, and threads on different cores do not contend on a cache line.
 * Readers fold the stripes' intervals into a running histogram under this object's lock, which only readers take.
 *
 * <p>A histogram in nanoseconds holding values of a millisecond is about 13 KB, and each stripe costs two, the
 * reader one more each: some 40 KB for one stripe, 100 KB for four. A recorder written only after database round
 * trips, such as each query shape's database time (a thousand of them), needs neither the stripes nor nanoseconds:
 * {@link #forDatabaseTime()} has one stripe and counts in units of 1.024 us, about 16 KB in all.
 */
public final class LatencyRecorder {
    private static final int SIGNIFICANT_DIGITS = 2;
    private static final int STRIPES = stripes();
    private final Recorder[] recorders;
    /** The number of stripes less one (a power of two less one): a thread's stripe is its id masked with it. */
    private final int mask;
    /** Values are recorded in units of {@code 2^shift} nanoseconds (the histograms' size grows with the range). */
    private final int shift;
    private Histogram total = new Histogram(SIGNIFICANT_DIGITS);
    /** Each recorder recycles only the interval histograms it handed out itself. */
    private final Histogram[] intervals;

    /** Striped for threads on every core: for hot paths. */
    public LatencyRecorder() {
        this(STRIPES, 0);
    }

    private LatencyRecorder(int stripes, int shift) {
        this.shift = shift;
        recorders = new Recorder[stripes];
        intervals = new Histogram[stripes];
        mask = stripes - 1;
        for (int i = 0; i < stripes; i++) {
            recorders[i] = new Recorder(SIGNIFICANT_DIGITS);
        }
    }

    /** One stripe, in units of 1.024 us: for durations of database round trips, recorded off the hit path. */
    public static LatencyRecorder forDatabaseTime() {
        return new LatencyRecorder(1, 10);
    }

    private static int stripes() {
        int wanted = Math.min(16, 2 * Runtime.getRuntime().availableProcessors());
        return Integer.highestOneBit(Math.max(1, wanted - 1)) << 1;
    }

    /** Records one duration in nanoseconds. */
    public void record(long nanos) {
        recorders[(int) Thread.currentThread().getId() & mask].recordValue(Math.max(0, nanos) >>> shift);
    }

    /** The value at a percentile (0-100), in microseconds; 0 when nothing was recorded. */
    public synchronized double percentileMicros(double percentile) {
        fold();
        return total.getTotalCount() == 0 ? 0 : (total.getValueAtPercentile(percentile) << shift) / 1000.0;
    }

    /** Mean in microseconds; 0 when nothing was recorded. */
    public synchronized double meanMicros() {
        fold();
        return total.getTotalCount() == 0 ? 0 : total.getMean() * (1L << shift) / 1000.0;
    }

    public synchronized void reset() {
        for (Recorder recorder : recorders) {
            recorder.reset();
        }
        total = new Histogram(SIGNIFICANT_DIGITS);
        Arrays.fill(intervals, null);
    }

    private void fold() {
        for (int i = 0; i < recorders.length; i++) {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            total.add(intervals[i]);
        }
    }
}
