package io.jdbccache.internal.cache;

/**
 * One stamp moved by a write: which stamp (database, table, kind, row) and when in the write's life; or, with
 * {@link Phase#CATALOG_CHANGED}, a database whose catalog may have changed. A write produces
 * one event per stamp before it runs, again after it ran, and again when its transaction ends; every event makes the
 * entries read under the stamp unservable. Events from another instance (a shared tier's subscriber, a change feed)
 * are applied the same way, through {@link ResultCache#apply}.
 */
public record InvalidationEvent(StampId stamp, Phase phase) {
    /** When in a write's life the stamp moved; every phase invalidates alike, the phase says why. */
    public enum Phase {
        /** Before the write runs, so a read overlapping it cannot store its result. */
        BEFORE_WRITE,
        /** After the write ran (succeeded or failed: a failed one may have run in part). */
        AFTER_WRITE,
        /** The writing transaction committed; its writes are now everyone's. */
        COMMIT,
        /** The writing transaction rolled back, wholly or to a savepoint, or ended with its connection. */
        ROLLBACK,
        /** An operator's request (JMX, {@code CachingDriver.invalidateAll}), not a write. */
        MANUAL,
        /**
         * The database's catalog may have changed (DDL, user code that may have run DDL, a database-wide setting):
         * with the database-wide stamp, it makes every instance forget its catalog facts (views, policies, search
         * path resolutions) and read its sessions back, as the writing instance does.
         */
        CATALOG_CHANGED
    }
}
