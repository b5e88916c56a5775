package io.jdbccache.internal.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency percentiles with a wait-free recording side: {@link #record} is an HdrHistogram {@link Recorder} write
 * (no lock, no allocation), so it can sit on the cache-hit path; readers fold the recorder's interval into a running
 * histogram under this object's lock, which only readers take.
 */
public final class LatencyRecorder {
    private static final int SIGNIFICANT_DIGITS = 2;
    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    private Histogram total = new Histogram(SIGNIFICANT_DIGITS);
    private Histogram interval;

    /** Records one duration in nanoseconds. */
    public void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
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

    public synchronized long count() {
        fold();
        return total.getTotalCount();
    }

    public synchronized void reset() {
        recorder.reset();
        total = new Histogram(SIGNIFICANT_DIGITS);
        interval = null;
    }

    private void fold() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
    }
}
