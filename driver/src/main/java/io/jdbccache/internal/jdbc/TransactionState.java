package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.catalog.Dialect;
import java.sql.Connection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One connection's transaction as the cache must know it: whether one is open (autocommit off, or a BEGIN in
 * autocommit mode), whether it reads a snapshot (REPEATABLE READ or SERIALIZABLE, sticky until it ends), whether it
 * failed (PostgreSQL refuses every statement until it ends), whether it ran DDL, and the stamps it wrote, which
 * stay marked as holding uncommitted writes (so no other reader stores under them) until it ends.
 *
 * <p>A plain object: no database, no cache; its connection feeds it events and acts on what it answers (see
 * {@code TransactionStateTest} for the event sequences). Not thread-safe, like its connection.
 */
final class TransactionState {
    private boolean autoCommit;
    private boolean explicit;
    private boolean snapshot;
    private int isolation;
    private final Set<TableVersion> writes = new LinkedHashSet<>();
    private TableVersion wroteEverything;
    /**
     * The open transaction ran DDL (or server code that may have): the catalog this connection sees is not the one
     * other sessions see, so nothing it would read from it may be remembered for them.
     */
    private boolean changedSchema;
    /**
     * The open transaction failed and the database refuses every statement until it ends (PostgreSQL): a hit would
     * answer what the database would refuse.
     */
    private boolean failed;

    TransactionState(boolean autoCommit, int isolation) {
        this.autoCommit = autoCommit;
        this.isolation = isolation;
    }

    boolean autoCommit() {
        return autoCommit;
    }

    /** True inside a transaction: autocommit off, or a transaction begun with SQL. */
    boolean inTransaction() {
        return !autoCommit || explicit;
    }

    /**
     * True inside a REPEATABLE READ or SERIALIZABLE transaction, set through the API, SQL, or the session's default.
     * Once seen, it holds until the transaction ends: the transaction keeps the isolation it began with whatever
     * the default becomes (a {@code SET default_transaction_isolation} inside it).
     *
     * @param sessionDefaultIsSnapshot the session's default isolation, as last read back, is a snapshot one
     */
    boolean inSnapshot(boolean sessionDefaultIsSnapshot) {
        if (!inTransaction()) {
            return false;
        }
        if (!snapshot && (isolation >= Connection.TRANSACTION_REPEATABLE_READ || sessionDefaultIsSnapshot)) {
            snapshot = true;
        }
        return snapshot;
    }

    boolean failed() {
        return failed;
    }

    boolean changedSchema() {
        return inTransaction() && changedSchema;
    }

    /** True if the open transaction wrote to unknown tables (everything of the database). */
    boolean wroteEverything() {
        return inTransaction() && wroteEverything != null;
    }

    /** True if the open transaction wrote one of {@code dependencies} (or everything). */
    boolean wroteAnyOf(TableVersion[] dependencies) {
        if (!inTransaction()) {
            return false;
        }
        if (wroteEverything != null) {
            return true;
        }
        if (writes.isEmpty()) {
            return false;
        }
        for (TableVersion dependency : dependencies) {
            if (writes.contains(dependency)) {
                return true;
            }
        }
        return false;
    }

    /** What the open transaction wrote, to invalidate again: null if nothing, else the stamps (everything's alone). */
    TableVersion[] writtenStamps() {
        if (wroteEverything != null) {
            return new TableVersion[] {wroteEverything};
        }
        return writes.isEmpty() ? null : writes.toArray(new TableVersion[0]);
    }

    // ---- events ------------------------------------------------------------------------------------------------

    /** BEGIN / START TRANSACTION ran; {@code snapshotIsolation} if it named REPEATABLE READ or SERIALIZABLE. */
    void begun(boolean snapshotIsolation) {
        explicit = true;
        snapshot = snapshotIsolation;
    }

    /** SET TRANSACTION ISOLATION LEVEL ... ran: a snapshot level makes an open transaction a snapshot one. */
    void isolationStatement(boolean snapshotIsolation) {
        snapshot |= snapshotIsolation && inTransaction();
    }

    /** {@code setTransactionIsolation} through the API. */
    void isolationSet(int level) {
        isolation = level;
    }

    /** A statement failed inside a transaction on a database where that aborts it. */
    void statementFailed() {
        if (inTransaction()) {
            failed = true;
        }
    }

    /** ROLLBACK TO SAVEPOINT succeeded: the transaction accepts statements again (its writes stay marked). */
    void rolledBackToSavepoint() {
        failed = false;
    }

    /** The transaction ran DDL or server code that may have (if one is open). */
    void schemaChanged() {
        changedSchema |= inTransaction();
    }

    /**
     * The open transaction wrote these stamps (or, with {@code everything}, the whole database): they are marked as
     * holding uncommitted writes until it ends. Does nothing outside a transaction.
     *
     * @param stamps     the stamps written; ignored when {@code everything} is given
     * @param everything the database-wide stamp for a write to unknown tables, else null
     */
    void wrote(TableVersion[] stamps, TableVersion everything) {
        if (!inTransaction()) {
            return;
        }
        if (everything != null) {
            if (wroteEverything == null) {
                wroteEverything = everything;
                everything.transactionWriteStarted();
            }
            return;
        }
        for (TableVersion table : stamps) {
            if (writes.add(table)) {
                table.transactionWriteStarted();
            }
        }
    }

    /**
     * The server's own report of its transaction (PostgreSQL), which catches a BEGIN, an end or a failure the
     * analysis could not see: in autocommit mode, an open transaction is one a BEGIN started, none open means it
     * ended.
     *
     * @return true if the report says the transaction ended: the caller then calls {@link #end}
     */
    boolean serverReported(Dialect.ServerTransaction server) {
        failed = server == Dialect.ServerTransaction.FAILED;
        if (!autoCommit) {
            return false;
        }
        boolean open = server != Dialect.ServerTransaction.IDLE;
        if (open && !explicit) {
            explicit = true;
        } else if (!open && explicit) {
            return true;
        }
        return false;
    }

    /**
     * The connection's autocommit mode is now {@code newAutoCommit} (set through the API, or read back after SQL).
     *
     * @return true if that committed an open transaction (switching it on does): the caller then calls {@link #end}
     */
    boolean autoCommitNow(boolean newAutoCommit) {
        boolean was = autoCommit;
        autoCommit = newAutoCommit;
        return newAutoCommit && !was;
    }

    /** Marks a multi-statement string that failed midway as possibly having begun a transaction. */
    void mayHaveBegun() {
        explicit = true;
    }

    /**
     * True if the transaction about to end ran DDL (whatever the autocommit mode now): at its end the caller forgets
     * catalog facts, which are then everyone's or no one's, before calling {@link #end}.
     */
    boolean ranDdl() {
        return changedSchema;
    }

    /**
     * The transaction committed or rolled back (or its connection closed). Its stamps stop holding uncommitted
     * writes; a chained end starts the next transaction at once, with the same isolation.
     */
    void end(boolean chained) {
        boolean wasSnapshot = snapshot;
        failed = false;
        changedSchema = false;
        for (TableVersion table : writes) {
            table.transactionWriteEnded();
        }
        if (wroteEverything != null) {
            wroteEverything.transactionWriteEnded();
        }
        writes.clear();
        wroteEverything = null;
        explicit = chained;
        snapshot = chained && wasSnapshot;
    }
}
