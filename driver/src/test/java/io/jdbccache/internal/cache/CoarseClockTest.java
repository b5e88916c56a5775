package io.jdbccache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoarseClockTest {
    @AfterEach
    void restart() {
        CoarseClock.start();
    }

    @Test
    void isNeverAheadOfTheRealClockAndFollowsIt() throws InterruptedException {
        CoarseClock.start();
        long first = CoarseClock.now();
        for (int i = 0; i < 100_000; i++) {
            long coarse = CoarseClock.now();
            assertThat(coarse).isLessThanOrEqualTo(System.nanoTime());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (CoarseClock.now() - first < TimeUnit.MILLISECONDS.toNanos(20) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
        assertThat(CoarseClock.now() - first).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void readsTheRealClockOnceStoppedAndTicksAgainWhenStarted() throws InterruptedException {
        CoarseClock.stop();
        long before = System.nanoTime();
        long read = CoarseClock.now();
        assertThat(read).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(System.nanoTime());
        TimeUnit.MILLISECONDS.sleep(5);
        // Stopped, time does not stand still: the reading is the real clock's.
        assertThat(CoarseClock.now()).isGreaterThanOrEqualTo(read + TimeUnit.MILLISECONDS.toNanos(5));

        CoarseClock.start();
        CoarseClock.start();
        long started = CoarseClock.now();
        TimeUnit.MILLISECONDS.sleep(20);
        assertThat(CoarseClock.now()).isGreaterThan(started);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("jdbc-cache-clock")))
                .as("one ticker however often started").hasSize(1);
    }

    @Test
    void anInterruptFromElsewhereNeitherStopsTheTickerNorMakesItSpin() throws InterruptedException {
        CoarseClock.start();
        Thread ticker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jdbc-cache-clock")).findFirst().orElseThrow();
        // Someone else's interrupt (a container stopping threads, a library interrupting its pool): parkNanos
        // returns at once while the interrupt status is set, so a ticker that keeps it would never sleep again.
        ticker.interrupt();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(ticker.getId());
        long started = CoarseClock.now();
        TimeUnit.MILLISECONDS.sleep(200);
        long cpu = threads.getThreadCpuTime(ticker.getId()) - cpuBefore;
        assertThat(cpu).as("CPU time the ticker used in 200 ms").isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(ticker.isAlive()).isTrue();
        assertThat(CoarseClock.now() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }
}
