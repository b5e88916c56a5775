package io.jdbccache.it;

import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.InvalidationListener;
import io.jdbccache.internal.cache.ResultCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The end of a transaction that ran DDL, as a concurrent reader can see it. The catalog facts the transaction's DDL
 * made stale must be forgotten before its stamps stop holding uncommitted writes: otherwise a reader of another
 * connection, running in between (a thread, or while the listeners of CATALOG_CHANGED are told, e.g. a shared tier's
 * publisher over the network), decides with a plan of the old catalog and stores what it reads under the old plan's
 * stamps, and the entry outlives the window.
 *
 * <p>The reader runs from an {@link InvalidationListener} hearing the commit's CATALOG_CHANGED: a deterministic stand-in
 * for a thread scheduled at that moment.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class TransactionEndOrderTest {
    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDb.open(database);
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            if (db.isPostgres()) {
                db.setup("DROP SCHEMA IF EXISTS " + db.name + "_s1 CASCADE");
            }
        } finally {
            db.close();
        }
    }

    /**
     * A transaction creates a table earlier on a reader's search path. A read in the window between the end of the
     * transaction's uncommitted-write marks and the forgetting of the catalog resolves {@code items} as before (the
     * old schema's table) but the database answers from the new table; stored under the old table's stamps, the
     * entry is still served after a write through the driver to the new table.
     */
    @Test
    void aReadBetweenTheEndOfTheMarksAndTheCatalogForgetDoesNotOutliveAWrite() throws Exception {
        assumeTrue(db.isPostgres(), "DDL inside a transaction (H2 commits DDL)");
        String first = db.name + "_s1";
        db.setup("CREATE SCHEMA " + first, "CREATE TABLE items (id INT PRIMARY KEY, v INT)",
                "INSERT INTO items VALUES (1, 1)");
        String read = "SELECT v FROM items ORDER BY id";
        try (Connection reader = db.cached(); Connection writer = db.cached()) {
            exec(reader, "SET search_path = " + first + ", " + db.name);
            assertThat(query(reader, read)).containsExactly(row(1));

            writer.setAutoCommit(false);
            exec(writer, "CREATE TABLE " + first + ".items (id INT PRIMARY KEY, v INT)",
                    "INSERT INTO " + first + ".items VALUES (1, 2)");
            // A concurrent read during the transaction: the new table is not visible yet, so the plan (memoized for
            // this SQL at the catalog epoch the DDL moved to) resolves items to the old table.
            assertThat(query(reader, read)).containsExactly(row(1));

            ResultCache cache = CacheRegistry.find(db.cacheName);
            AtomicBoolean armed = new AtomicBoolean(true);
            AtomicReference<Object> inWindow = new AtomicReference<>();
            InvalidationListener concurrentReader = events -> {
                boolean catalog = events.stream().anyMatch(e -> e.phase() == InvalidationEvent.Phase.CATALOG_CHANGED);
                if (catalog && armed.compareAndSet(true, false)) {
                    Thread thread = new Thread(() -> {
                        try {
                            inWindow.set(query(reader, read));
                        } catch (SQLException e) {
                            inWindow.set(e);
                        }
                    });
                    thread.start();
                    try {
                        thread.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            cache.addListener(concurrentReader);
            try {
                writer.commit();
            } finally {
                cache.removeListener(concurrentReader);
            }
            writer.setAutoCommit(true);
            // The reader ran at commit and saw the committed new table.
            assertThat(inWindow.get()).isEqualTo(List.of(row(2)));

            // A write through the driver to the table the reader now reads.
            exec(writer, "UPDATE " + first + ".items SET v = 3 WHERE id = 1");
            List<List<Object>> expected = new ArrayList<>();
            expected.add(row(3));
            assertThat(query(reader, read)).as("the database answers 3 now").isEqualTo(expected);
        }
    }
}
