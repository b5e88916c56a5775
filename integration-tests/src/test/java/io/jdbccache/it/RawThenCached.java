package io.jdbccache.it;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a test body twice, each time on a fresh database: first on raw connections (the control, proving the expected
 * values are what the database answers), then through the cache, which must answer the same.
 */
final class RawThenCached {

    /** Where a body gets its connections: {@code db::raw} or {@code db::cached}. */
    interface Src {
        Connection get() throws SQLException;
    }

    interface Body {
        void run(TestDb db, Src src) throws Exception;
    }

    private RawThenCached() {
    }

    static void controlThenCached(Database database, String[] setup, Body body) throws Exception {
        controlThenCached(database, setup, new String[0], body);
    }

    /**
     * Like {@link #controlThenCached(Database, String[], Body)}; the cached run's connections take the extra
     * {@code cache.} parameters given as key, value, ... (e.g. {@code "cache.alsoInvalidates.addr", "addr"}).
     */
    static void controlThenCached(Database database, String[] setup, String[] cacheParameters, Body body)
            throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup(setup);
            body.run(db, db::raw);
        }
        try (TestDb db = TestDb.open(database)) {
            db.setup(setup);
            body.run(db, () -> db.cached(cacheParameters));
        }
    }
}
