package io.jdbccache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jdbccache.internal.sql.BypassReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cache tracks a bounded number of shapes; those it forgets, which analyses and entries may still link to, let
 * go of everything they held.
 */
class ShapeStatisticsBoundTest {

    @Test
    void shapesTheCacheForgetsAreRetired() {
        ResultCache cache = new ResultCache("shapes", 1 << 20, 100, 1 << 20, 0);
        List<ShapeStatistics> made = new ArrayList<>();
        for (int i = 0; i < 3 * ResultCache.MAX_SHAPES; i++) {
            ShapeStatistics shape = cache.shape("SELECT c" + i + " FROM t WHERE id = ?");
            shape.recordDatabaseRead(true, 1_000_000, "SELECT c" + i + " FROM t WHERE id = ?", new Object[] {i},
                    null);
            made.add(shape);
        }
        Set<ShapeStatistics> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
        tracked.addAll(cache.shapes());
        assertThat(tracked).hasSizeLessThanOrEqualTo(ResultCache.MAX_SHAPES);

        List<ShapeStatistics> retired = new ArrayList<>();
        for (ShapeStatistics shape : made) {
            if (tracked.contains(shape)) {
                assertThat(shape.retired()).isFalse();
                assertThat(shape.lastSql()).isNotNull();
                assertThat(shape.databaseTime().meanMicros()).isCloseTo(1_000, within(20.0));
            } else {
                assertThat(shape.retired()).isTrue();
                assertThat(shape.lastSql()).isNull();
                assertThat(shape.lastParameters()).isNull();
                assertThat(shape.databaseTime().meanMicros()).isZero();
                retired.add(shape);
            }
        }
        assertThat(retired).hasSizeGreaterThanOrEqualTo(2 * ResultCache.MAX_SHAPES);

        // A holder that still links to a retired shape records nothing into it: it holds nothing to record into.
        ShapeStatistics forgotten = retired.get(0);
        forgotten.recordHit();
        forgotten.recordDatabaseRead(true, 5_000_000, "SELECT 1", new Object[0], null);
        forgotten.recordBypass(BypassReason.NON_DETERMINISTIC, "now()");
        forgotten.recordStore(3, 300);
        forgotten.recordInvalidation();
        forgotten.reset();
        assertThat(forgotten.executions()).isZero();
        assertThat(forgotten.invalidations()).isZero();
        assertThat(forgotten.meanRows()).isZero();
        assertThat(forgotten.bypassReasons()).isEmpty();
        assertThat(forgotten.databaseTime().meanMicros()).isZero();
        assertThat(forgotten.lastSql()).isNull();
        assertThat(forgotten.shape()).isEmpty();

        // Asked for again, a forgotten shape's text is tracked anew.
        ShapeStatistics again = cache.shape("SELECT c0 FROM t WHERE id = ?");
        assertThat(again.retired()).isFalse();
        again.recordHit();
        assertThat(again.hits()).isEqualTo(1);
    }

    @Test
    void bypassesAreCountedByReason() {
        ShapeStatistics shape = new ShapeStatistics("SELECT now()");
        shape.recordBypass(BypassReason.NON_DETERMINISTIC, "now()");
        shape.recordBypass(BypassReason.NON_DETERMINISTIC, "now()");
        shape.recordBypass(BypassReason.SESSION_STATE_UNKNOWN, "reset");
        assertThat(shape.mainBypassReason()).isEqualTo(BypassReason.NON_DETERMINISTIC);
        assertThat(shape.bypassReasons()).isEqualTo("NON_DETERMINISTIC=2, SESSION_STATE_UNKNOWN=1");
        shape.reset();
        assertThat(shape.mainBypassReason()).isNull();
        assertThat(shape.bypassReasons()).isEmpty();
    }

    @Test
    void databaseTimeReadsAsTheHitPathRecorderWithinItsPrecision() {
        LatencyRecorder hitPath = new LatencyRecorder();
        LatencyRecorder databaseTime = LatencyRecorder.forDatabaseTime();
        for (long micros = 30; micros <= 3_000; micros++) {
            hitPath.record(micros * 1_000);
            databaseTime.record(micros * 1_000);
        }
        // Units of 1.024 us and 2 significant digits: within 1% and 2 us of the nanosecond recorder.
        for (double percentile : new double[] {1, 50, 99, 100}) {
            double expected = hitPath.percentileMicros(percentile);
            assertThat(databaseTime.percentileMicros(percentile)).isCloseTo(expected, within(2 + expected / 100));
        }
        assertThat(databaseTime.meanMicros()).isCloseTo(hitPath.meanMicros(), within(2 + hitPath.meanMicros() / 100));
    }
}
