package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.SessionState;
import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The session bookkeeping as a table of event sequences: after each sequence, does the next cached read read the
 * session back (and is the state known at all)?
 */
class SessionTrackerTest {

    /** A reader that counts its reads and can be told to fail (an aborted transaction). */
    private static final class FakeReader implements SessionTracker.Reader {
        final boolean readsBack;
        int reads;
        boolean failing;

        FakeReader(boolean readsBack) {
            this.readsBack = readsBack;
        }

        @Override
        public SessionState read() throws SQLException {
            if (failing) {
                throw new SQLException("current transaction is aborted", "25P02");
            }
            reads++;
            return new SessionState("u", "u", SearchPath.of("public"), "n=" + reads, Set.of("n"), Set.of(), true, false, false);
        }

        @Override
        public boolean readsBack() {
            return readsBack;
        }
    }

    /**
     * Events: {@code read} (a cached read), {@code change} / {@code change-tx} (a statement that may change the
     * session, outside / inside a transaction), {@code end} (commit or rollback), {@code savepoint} (rollback to
     * a savepoint), {@code api} (setSchema), {@code ddl} (the catalog epoch moves), {@code fail} / {@code ok} (the
     * read-back fails / works again).
     *
     * @param readsBack whether the database can be asked
     * @param events    space-separated events, each {@code read} checked
     * @param reads     the read-backs done in the end
     * @param known     whether the last read knew the state
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "true|read read read|1|true",
        "true|read change read read|2|true",
        "true|read change-tx read end read|3|true",
        "true|read change-tx read savepoint read end read|4|true",
        "true|read read end read|1|true",
        "true|read ddl read read|2|true",
        "true|read api read|2|true",
        "true|read change fail read|1|false",
        "true|read change fail read ok read read|2|true",
        "true|read savepoint read|1|true",
        "true|change-tx end read|1|true",
        "false|read read|1|true",
        "false|read ddl read|1|true",
        "false|read api read|2|true",
        "false|read change read|1|false",
        "false|read change api read|1|false",
    })
    void readsTheSessionBackExactlyWhenItMayHaveChanged(boolean readsBack, String events, int reads,
            boolean known) {
        FakeReader reader = new FakeReader(readsBack);
        SessionTracker tracker = new SessionTracker(reader);
        long epoch = 0;
        SessionState last = null;
        for (String event : events.split(" ")) {
            switch (event) {
                case "read": last = tracker.current(epoch); break;
                case "change": tracker.statementMayHaveChanged(false); break;
                case "change-tx": tracker.statementMayHaveChanged(true); break;
                case "end": tracker.transactionEnded(); break;
                case "savepoint": tracker.rolledBackToSavepoint(); break;
                case "api": tracker.apiChanged(); break;
                case "ddl": epoch++; break;
                case "fail": reader.failing = true; break;
                case "ok": reader.failing = false; break;
                default: throw new IllegalArgumentException(event);
            }
        }
        assertThat(reader.reads).as("read-backs").isEqualTo(reads);
        assertThat(last != null).as("state known").isEqualTo(known);
    }
}
