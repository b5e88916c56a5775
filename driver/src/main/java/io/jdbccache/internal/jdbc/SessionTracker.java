package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.catalog.SessionState;
import java.sql.SQLException;

/**
 * Knows whether one connection's session state (roles, search path, key settings, temporary tables) is still what
 * was last read back, and reads it again when it may not be. The state is read lazily, just before the next read
 * that could use the cache, and only after something that may have changed it: a statement that may change the
 * session, the end of a transaction in which one ran (a rollback undoes SETs, and SET LOCAL ends), or DDL anywhere
 * in the database (a schema that starts to exist changes a search path's meaning), seen as a new catalog epoch.
 *
 * <p>Where the database cannot be asked ({@link Reader#readsBack()} false), a change through SQL leaves the state
 * unknown for the rest of the connection; changes made through the JDBC API ({@code setSchema}) are read again
 * from the API. A plain object, unit-tested without a database; not thread-safe, like its connection.
 */
final class SessionTracker {
    /** Reads the session's state from the database. */
    interface Reader {
        SessionState read() throws SQLException;

        /** True if {@link #read} asks the database; false if it can only report what the JDBC API says. */
        boolean readsBack();
    }

    private final Reader reader;
    private SessionState state;
    private boolean stale = true;
    private boolean lost;
    private boolean changedInTransaction;
    private long epoch = Long.MIN_VALUE;
    private int readBacks;

    SessionTracker(Reader reader) {
        this.reader = reader;
    }

    /**
     * A statement ran that may have changed the session's state.
     *
     * @param inTransaction true if inside a transaction, whose end may undo the change
     */
    void statementMayHaveChanged(boolean inTransaction) {
        if (!reader.readsBack()) {
            lost = true;
        }
        stale = true;
        changedInTransaction |= inTransaction;
    }

    /** The JDBC API changed the state ({@code setSchema}, {@code setCatalog}, isolation): read it again. */
    void apiChanged() {
        stale = true;
    }

    /** The transaction ended: what changed inside it may be undone (a rollback; SET LOCAL ends). */
    void transactionEnded() {
        if (changedInTransaction) {
            stale = true;
        }
        changedInTransaction = false;
    }

    /**
     * The transaction rolled back to a savepoint: changes since it are undone, those before it stay, and the
     * transaction's end may still undo them.
     */
    void rolledBackToSavepoint() {
        if (changedInTransaction) {
            stale = true;
        }
    }

    /** True if the state must be read before it is used. */
    boolean isStale(long catalogEpoch) {
        return lost || stale || (epoch != catalogEpoch && reader.readsBack());
    }

    /**
     * The session's state now, read back first if it may have changed.
     *
     * @param catalogEpoch the database's current catalog epoch: DDL since the last read makes the state stale
     * @return null if the state is unknown (it cannot be read, or the read failed: the next call tries again)
     */
    SessionState current(long catalogEpoch) {
        if (lost) {
            return null;
        }
        if (stale || (epoch != catalogEpoch && reader.readsBack())) {
            try {
                SessionState read = reader.read();
                readBacks++;
                state = read;
                stale = false;
                epoch = catalogEpoch;
            } catch (SQLException | RuntimeException e) {
                // An aborted transaction refuses every query; the state is unknown until a read succeeds.
                return null;
            }
        }
        return state;
    }

    /** The last state read, even if it may be stale (for the lexical syntax of a statement without backslashes). */
    SessionState lastKnown() {
        return state;
    }

    /** Read-backs done so far (each one round trip). */
    int readBacks() {
        return readBacks;
    }
}
