package io.jdbccache.internal.result;

import java.sql.ResultSet;
import java.util.Objects;

/**
 * The outcome of {@link ResultMaterializer#materialize}: the whole result, a prefix plus the live
 * rest, or a refusal decided before any row was read.
 */
public sealed interface Materialization {

    /**
     * Every row fit within the limits. The live result set was read to its end and not closed, or, with
     * {@code liveUnread}, the rows were taken from the driver without moving it: it is still before its first row,
     * the driver's own answer, and may be handed to the caller (whose reads must not write to the shared rows).
     *
     * @param snapshot   all rows
     * @param liveUnread whether the live result set is still before its first row
     */
    record Complete(ResultSnapshot snapshot, boolean liveUnread) implements Materialization {
        public Complete {
            Objects.requireNonNull(snapshot, "snapshot");
        }

        /** Read to its end. */
        public Complete(ResultSnapshot snapshot) {
            this(snapshot, false);
        }
    }

    /**
     * A limit was exceeded. {@code prefix} holds every row read so far (at most the row limit + 1) and
     * {@code live} is the same delegate result set, still open and positioned on the last row of the
     * prefix: replaying the prefix and then calling {@code live.next()} yields every row exactly once
     * without re-executing anything (see {@link ReplayingResultSet}).
     *
     * @param prefix the rows already read
     * @param live the delegate result set, positioned on the last prefix row
     */
    record Overflow(ResultSnapshot prefix, ResultSet live) implements Materialization {
        public Overflow {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(live, "live");
        }
    }

    /**
     * The result has a column type that is not cached (LOBs, arrays, structured and reference types);
     * decided from metadata alone, no row was read and the result set is untouched.
     *
     * @param reason a human-readable explanation naming the column and its type
     */
    record Unsupported(String reason) implements Materialization {
        public Unsupported {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
