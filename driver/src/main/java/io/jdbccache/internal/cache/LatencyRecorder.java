package io.jdbccache.internal.cache;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency percentiles with a wait-free recording side, safe for the cache-hit path: {@link #record} writes to an
 * HdrHistogram {@link Recorder} (no lock, no allocation). A recorder's writers share one phaser counter, so there is
 * one recorder per stripe, picked by thread id, and threads on different cores do not contend on a cache line.
 * Readers fold the stripes' intervals into a running histogram under this object's lock, which only readers take.
 */
public final class LatencyRecorder {
    private static final int SIGNIFICANT_DIGITS = 2;
    private static final int STRIPES = stripes();
    private final Recorder[] recorders = new Recorder[STRIPES];
    private Histogram total = new Histogram(SIGNIFICANT_DIGITS);
    /** Each recorder recycles only the interval histograms it handed out itself. */
    private final Histogram[] intervals = new Histogram[STRIPES];

    public LatencyRecorder() {
        for (int i = 0; i < STRIPES; i++) {
            recorders[i] = new Recorder(SIGNIFICANT_DIGITS);
        }
    }

    private static int stripes() {
        int wanted = Math.min(16, 2 * Runtime.getRuntime().availableProcessors());
        return Integer.highestOneBit(Math.max(1, wanted - 1)) << 1;
    }

    /** Records one duration in nanoseconds. */
    public void record(long nanos) {
        recorders[(int) Thread.currentThread().getId() & (STRIPES - 1)].recordValue(Math.max(0, nanos));
    }

    /** The value at a percentile (0-100), in microseconds; 0 when nothing was recorded. */
    public synchronized double percentileMicros(double percentile) {
        fold();
        return total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Mean in microseconds; 0 when nothing was recorded. */
    public synchronized double meanMicros() {
        fold();
        return total.getTotalCount() == 0 ? 0 : total.getMean() / 1000.0;
    }

    public synchronized void reset() {
        for (Recorder recorder : recorders) {
            recorder.reset();
        }
        total = new Histogram(SIGNIFICANT_DIGITS);
        Arrays.fill(intervals, null);
    }

    private void fold() {
        for (int i = 0; i < STRIPES; i++) {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            total.add(intervals[i]);
        }
    }
}
