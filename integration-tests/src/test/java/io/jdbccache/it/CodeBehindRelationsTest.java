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
 * What the code behind the relations a statement names can do, judged where the statement's kind does not show it:
 * a temporary view shadowing a table, a temporary table whose trigger writes a permanent one, CREATE TEMP TABLE ...
 * AS SELECT and SELECT ... INTO TEMP from a writing view, and a judgment made where the catalog could not be read
 * (a failed transaction), which must not be remembered for other sessions. Each runs raw first (the control), then
 * through the cache, which must answer the same.
 */
class CodeBehindRelationsTest {
    private static final String[] FIXTURE = {
        "CREATE TABLE items (v INT)", "INSERT INTO items VALUES (1)",
        "CREATE TABLE counter (n INT)", "INSERT INTO counter VALUES (0)",
        "CREATE FUNCTION bump() RETURNS INT LANGUAGE sql VOLATILE AS 'UPDATE counter SET n = n + 1 RETURNING n'",
        "CREATE VIEW bumping AS SELECT bump() AS n",
    };

    /**
     * pg_temp comes first for relations: "items" is the temporary view in A's session, but the driver resolves it on
     * the path without the temporary schema (public items, no code), so the bypassed read is judged to write nothing.
     */
    @Test
    void aTemporaryViewShadowingATableRunsAWritingFunctionUnseen() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP VIEW items AS SELECT bump() AS v");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(a, "SELECT v FROM items")).isEqualTo(List.of(row(1))); // the temp view: bump() ran
            assertThat(query(b, "SELECT n FROM counter")).as("B after A's read of its temp view wrote counter")
                    .isEqualTo(List.of(row(1)));
            assertThat(query(a, "SELECT n FROM counter")).isEqualTo(List.of(row(1)));
        });
    }

    /**
     * With pg_temp listed after the schema (SET search_path = s, pg_temp), an unqualified name is the permanent
     * relation even though a temporary one of that name exists: the permanent view's code runs.
     */
    @Test
    void aTemporaryTableListedLastLeavesThePermanentViewsCodeToRun() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            String schema = (String) query(a, "SELECT current_schema()::text").get(0).get(0);
            exec(a, "CREATE TEMP TABLE bumping (n INT)", "SET search_path = " + schema + ", pg_temp");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(a, "SELECT n FROM bumping")).isEqualTo(List.of(row(1))); // the view: bump() ran
            assertThat(query(b, "SELECT n FROM counter")).as("B after A read the permanent writing view")
                    .isEqualTo(List.of(row(1)));
        });
    }

    /** A write to a temporary table runs its triggers: one that writes a permanent table invalidates its reads. */
    @Test
    void aTriggerOnATemporaryTableWritesAPermanentOneSeen() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            exec(a, "CREATE TEMP TABLE scratch (v INT)",
                    "CREATE FUNCTION pg_temp.bump_on_insert() RETURNS trigger LANGUAGE plpgsql"
                            + " AS 'BEGIN UPDATE counter SET n = n + 1; RETURN NEW; END'",
                    "CREATE TRIGGER bumps AFTER INSERT ON scratch FOR EACH ROW EXECUTE FUNCTION pg_temp.bump_on_insert()");
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "INSERT INTO scratch VALUES (1)");
            assertThat(query(b, "SELECT n FROM counter")).as("B after A's insert into its triggered temporary table")
                    .isEqualTo(List.of(row(1)));
            exec(a, "INSERT INTO pg_temp.scratch VALUES (2)");
            assertThat(query(b, "SELECT n FROM counter")).as("the same, the table named with pg_temp")
                    .isEqualTo(List.of(row(2)));
        });
    }

    /**
     * CREATE TEMP TABLE ... AS SELECT is a session change whose relations are never looked at: a view behind it that
     * calls a writing function writes unseen.
     */
    @Test
    void createTempTableAsSelectFromAWritingViewWritesUnseen() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "CREATE TEMP TABLE snap AS SELECT n FROM bumping");
            assertThat(query(b, "SELECT n FROM counter")).as("B after A's CREATE TEMP TABLE AS SELECT FROM bumping")
                    .isEqualTo(List.of(row(1)));
        });
    }

    @Test
    void selectIntoTempFromAWritingViewWritesUnseen() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            exec(a, "SELECT n INTO TEMP snap FROM bumping");
            assertThat(query(b, "SELECT n FROM counter")).as("B after A's SELECT INTO TEMP FROM bumping")
                    .isEqualTo(List.of(row(1)));
        });
    }

    /**
     * A verdict judged inside a failed transaction, where every catalog lookup fails (the view's code unseen), is
     * memoized for the epoch and path all the same: a healthy session's later read of the writing view is then judged
     * to write nothing.
     */
    @Test
    void aVerdictJudgedInAFailedTransactionIsMemoizedForEveryone() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(a, "SELECT v FROM items")).isEqualTo(List.of(row(1))); // A's state read, no DDL since
            a.setAutoCommit(false);
            TestDb.execFailing(a, "SELECT 1 / 0");
            TestDb.execFailing(a, "SELECT n FROM bumping"); // refused: the transaction is aborted
            a.rollback();
            a.setAutoCommit(true);
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM bumping")).isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT n FROM counter")).as("B after its own read of the writing view")
                    .isEqualTo(List.of(row(1)));
        });
    }

    /** The same reads without the failed transaction's judgment first: held (proves the memo is the cause above). */
    @Test
    void withoutTheFailedTransactionTheWritingViewIsSeen() throws Exception {
        controlThenCached(Database.POSTGRESQL, FIXTURE, (db, src) -> {
            Connection a = src.get();
            Connection b = src.get();
            assertThat(query(a, "SELECT v FROM items")).isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(0)));
            assertThat(query(b, "SELECT n FROM bumping")).isEqualTo(List.of(row(1)));
            assertThat(query(b, "SELECT n FROM counter")).isEqualTo(List.of(row(1)));
        });
    }
}
