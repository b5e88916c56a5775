package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A write through an updatable temporary view lands in the view's base tables: PostgreSQL rewrites it, and the
 * driver, which cannot resolve the view's name on the search path (which leaves pg_temp out), invalidates the whole
 * database. Unqualified, qualified with pg_temp, and shadowing a permanent table of another name's rows. (Found by
 * an attack session on the temporary-relation fix; kept as a regression test.)
 */
class TemporaryViewWriteTest {
    private static final String[] FIXTURE = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 10), (2, 20)",
    };

    @Test
    void anUpdateThroughATemporaryViewInvalidatesItsPermanentBaseTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW tv AS SELECT id, v FROM items");
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            assertThat(query(b, "SELECT v FROM items ORDER BY id")).isEqualTo(List.of(row(10), row(20)));
            exec(a, "UPDATE tv SET v = 11 WHERE id = 1");
            assertThat(query(b, "SELECT v FROM items ORDER BY id"))
                    .as("B's read of items after A's UPDATE through its temporary view tv over items")
                    .isEqualTo(List.of(row(11), row(20)));
        });
    }

    @Test
    void aKeyedReadAfterAnInsertAndDeleteThroughATemporaryView() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW tv AS SELECT id, v FROM items");
            assertThat(query(b, "SELECT v FROM items WHERE id = 1")).isEqualTo(List.of(row(10)));
            assertThat(query(b, "SELECT v FROM items WHERE id = 1")).isEqualTo(List.of(row(10)));
            exec(a, "DELETE FROM pg_temp.tv WHERE id = 1");
            assertThat(query(b, "SELECT v FROM items WHERE id = 1"))
                    .as("B's keyed read of items after A's DELETE FROM pg_temp.tv WHERE id = 1")
                    .isEqualTo(List.of());
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(1L)));
            assertThat(query(b, "SELECT count(*) FROM items")).isEqualTo(List.of(row(1L)));
            exec(a, "INSERT INTO tv VALUES (3, 30)");
            assertThat(query(b, "SELECT count(*) FROM items"))
                    .as("B's count of items after A's INSERT INTO its temporary view tv")
                    .isEqualTo(List.of(row(2L)));
        });
    }

    /** The same name as a permanent table: the temporary view shadows it, and the write lands in another table. */
    @Test
    void aTemporaryViewShadowingAPermanentTableWritesAnotherTable() throws Exception {
        controlThenCached(Database.POSTGRESQL, new String[] {
            "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 10), (2, 20)",
            "CREATE TABLE other (id INT PRIMARY KEY, v INT)", "INSERT INTO other VALUES (1, 100)",
        }, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW items AS SELECT id, v FROM other");
            assertThat(query(b, "SELECT v FROM other ORDER BY id")).isEqualTo(List.of(row(100)));
            assertThat(query(b, "SELECT v FROM other ORDER BY id")).isEqualTo(List.of(row(100)));
            exec(a, "UPDATE items SET v = 101 WHERE id = 1");
            assertThat(query(b, "SELECT v FROM other ORDER BY id"))
                    .as("B's read of other after A's UPDATE of its temporary view items (over other)")
                    .isEqualTo(List.of(row(101)));
        });
    }
}
