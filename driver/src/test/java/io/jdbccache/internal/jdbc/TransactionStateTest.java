package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.DatabaseScope;
import io.jdbccache.internal.cache.ResultCache;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.config.CacheConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transaction bookkeeping as tables of event sequences, without a database. Each row: the connection's
 * autocommit mode at open, the events in order, and what the state must answer afterwards: in a transaction, a
 * snapshot one, failed, DDL seen, and whether table {@code t} (or everything) holds uncommitted writes.
 */
class TransactionStateTest {
    private static ResultCache cache;
    private static DatabaseScope scope;

    @BeforeAll
    static void scope() throws SQLException {
        cache = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", "transaction-state-test"), "test"));
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:transaction-state")) {
            scope = cache.database("h2:mem:transaction-state", Dialect.of(h2.getMetaData()));
        }
    }

    @AfterAll
    static void release() {
        CacheRegistry.release(cache);
    }

    @ParameterizedTest(name = "autocommit {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # autocommit | events                                  | inTx  | snapshot | failed | ddl   | t held | all held
            true         | ''                                      | false | false    | false  | false | false  | false
            true         | write t                                 | false | false    | false  | false | false  | false
            false        | write t                                 | true  | false    | false  | false | true   | false
            false        | write t, commit                         | true  | false    | false  | false | false  | false
            false        | write t, chain                          | true  | false    | false  | false | false  | false
            true         | begin, write t                          | true  | false    | false  | false | true   | false
            true         | begin, write t, commit                  | false | false    | false  | false | false  | false
            true         | begin snapshot                          | true  | true     | false  | false | false  | false
            true         | begin snapshot, chain                   | true  | true     | false  | false | false  | false
            true         | begin snapshot, commit                  | false | false    | false  | false | false  | false
            true         | begin, set serializable                 | true  | true     | false  | false | false  | false
            true         | set serializable                        | false | false    | false  | false | false  | false
            false        | api repeatable read                     | true  | true     | false  | false | false  | false
            false        | session default snapshot                | true  | true     | false  | false | false  | false
            false        | write t, fail                           | true  | false    | true   | false | true   | false
            false        | write t, fail, rollback to savepoint    | true  | false    | false  | false | true   | false
            false        | write t, fail, commit                   | true  | false    | false  | false | false  | false
            true         | fail                                    | false | false    | false  | false | false  | false
            false        | ddl                                     | true  | false    | false  | true  | false  | false
            false        | ddl, commit                             | true  | false    | false  | false | false  | false
            true         | ddl                                     | false | false    | false  | false | false  | false
            false        | write everything, write t               | true  | false    | false  | false | true   | true
            false        | write everything, rollback              | true  | false    | false  | false | false  | false
            false        | write t, autocommit on                  | false | false    | false  | false | false  | false
            true         | server open, write t                    | true  | false    | false  | false | true   | false
            true         | begin, write t, server idle             | false | false    | false  | false | false  | false
            false        | server failed                           | true  | false    | true   | false | false  | false
            true         | multi failed, write t                   | true  | false    | false  | false | true   | false
            """)
    void eventsLeaveTheStateTheCacheMustSee(boolean autoCommit, String events, boolean inTransaction,
            boolean snapshot, boolean failed, boolean ddl, boolean tableHeld, boolean everythingHeld) {
        TableVersion table = scope.version("public.t_" + events.hashCode() + "_" + autoCommit);
        TransactionState state = new TransactionState(autoCommit, Connection.TRANSACTION_READ_COMMITTED);
        boolean sessionDefaultSnapshot = false;
        for (String event : events.isEmpty() ? new String[0] : events.split(",\\s*")) {
            switch (event) {
                case "write t" -> state.wrote(new TableVersion[] {table}, null);
                case "write everything" -> state.wrote(null, scope.everything());
                case "begin" -> state.begun(false);
                case "begin snapshot" -> state.begun(true);
                case "set serializable" -> state.isolationStatement(true);
                case "api repeatable read" -> state.isolationSet(Connection.TRANSACTION_REPEATABLE_READ);
                case "session default snapshot" -> sessionDefaultSnapshot = true;
                case "fail" -> state.statementFailed();
                case "rollback to savepoint" -> state.rolledBackToSavepoint();
                case "ddl" -> state.schemaChanged();
                case "commit", "rollback" -> state.end(false);
                case "chain" -> state.end(true);
                case "autocommit on" -> {
                    if (state.autoCommitNow(true)) {
                        state.end(false);
                    }
                }
                case "server open" -> assertThat(state.serverReported(Dialect.ServerTransaction.OPEN)).isFalse();
                case "server idle" -> {
                    if (state.serverReported(Dialect.ServerTransaction.IDLE)) {
                        state.end(false);
                    }
                }
                case "server failed" -> state.serverReported(Dialect.ServerTransaction.FAILED);
                case "multi failed" -> state.mayHaveBegun();
                default -> throw new IllegalArgumentException(event);
            }
        }
        assertThat(state.inTransaction()).as("in a transaction").isEqualTo(inTransaction);
        assertThat(state.inSnapshot(sessionDefaultSnapshot)).as("a snapshot transaction").isEqualTo(snapshot);
        assertThat(state.failed()).as("failed").isEqualTo(failed);
        assertThat(state.changedSchema()).as("ran DDL").isEqualTo(ddl);
        assertThat(state.wroteAnyOf(new TableVersion[] {table})).as("wrote t").isEqualTo(tableHeld);
        assertThat(state.wroteEverything()).as("wrote everything").isEqualTo(everythingHeld);
        TableVersion[] written = state.writtenStamps();
        assertThat(written != null && Arrays.asList(written).contains(table)).as("t to invalidate at the end")
                .isEqualTo(tableHeld && !everythingHeld);
    }
}
