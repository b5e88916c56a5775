package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import io.jdbccache.testing.CountingDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input gets the real driver's own answer, never a cached one: closed statements and connections, unbound
 * parameters, a null statement; and a clock read through a literal ({@code 'now'}) is never frozen.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class BadInputTest {
    private static final String[] ITEMS = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)",
        "INSERT INTO items VALUES (1, 10), (2, 20)",
    };
    private static final String QUERY = "SELECT v FROM items WHERE id = 1";

    @Parameter
    Database database;

    @Test
    void closedStatementsAndConnectionsAreAnsweredByTheRealDriver() throws Exception {
        CacheStatistics stats = sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            s.q("A", QUERY);
            Statement statement = c.createStatement();
            s.record("open statement", Differential.Script.outcome(() -> rows(statement.executeQuery(QUERY))));
            statement.close();
            s.record("closed statement", Differential.Script.outcome(() -> rows(statement.executeQuery(QUERY))));
            PreparedStatement prepared = c.prepareStatement(QUERY);
            s.record("open prepared", Differential.Script.outcome(() -> rows(prepared.executeQuery())));
            prepared.close();
            s.record("closed prepared", Differential.Script.outcome(() -> rows(prepared.executeQuery())));
            Connection other = s.session("B");
            PreparedStatement orphan = other.prepareStatement(QUERY);
            s.record("before close", Differential.Script.outcome(() -> rows(orphan.executeQuery())));
            other.close();
            s.record("connection closed", Differential.Script.outcome(() -> rows(orphan.executeQuery())));
        });
        assertThat(stats.bypassesByReason()).containsKey("CLOSED");
    }

    @Test
    void anUnboundParameterIsNeverKeyed() throws Exception {
        sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            String sql = "SELECT v FROM items WHERE id = ? OR id = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, 1);
                ps.setInt(2, 2);
                s.record("both bound", Differential.Script.outcome(() -> rows(ps.executeQuery())));
                s.record("both bound again", Differential.Script.outcome(() -> rows(ps.executeQuery())));
                ps.clearParameters();
                s.record("after clearParameters", Differential.Script.outcome(() -> rows(ps.executeQuery())));
                ps.setInt(1, 1);
                s.record("second unbound", Differential.Script.outcome(() -> rows(ps.executeQuery())));
                ps.setObject(2, null);
                s.record("second bound to null", Differential.Script.outcome(() -> rows(ps.executeQuery())));
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(2, 2);
                s.record("first unbound", Differential.Script.outcome(() -> rows(ps.executeQuery())));
            }
        });
    }

    @Test
    void aNullStatementGetsTheRealDriversAnswer() throws Exception {
        Class<?> raw;
        Class<?> cached;
        try (TestDb db = TestDb.open(database)) {
            raw = thrownBy(db.raw());
            cached = thrownBy(db.cached());
        }
        assertThat(cached).isEqualTo(raw);
    }

    private static Class<?> thrownBy(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery(null);
            return null;
        } catch (SQLException | RuntimeException e) {
            return e.getClass();
        }
    }

    @Test
    void clockInputsAreNeverFrozen() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, "'now' is PostgreSQL's special input");
        try (TestDb db = TestDb.open(database)) {
            db.setup(ITEMS);
            Connection c = db.cached();
            for (String sql : List.of("SELECT 'now'::timestamptz, v FROM items", "SELECT ' NOW '::timestamp",
                    "SELECT v FROM items WHERE 'Tomorrow 10:00'::timestamp > '2000-01-01'",
                    "SELECT v FROM items WHERE 'today' < CAST('2999-01-01' AS date)")) {
                TestDb.query(c, sql);
                long before = TestDb.executions();
                TestDb.query(c, sql);
                assertThat(TestDb.executions()).as(sql + " is read again").isEqualTo(before + 1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::timestamptz")) {
                ps.setString(1, "now");
                String a = value(ps);
                Thread.sleep(5);
                assertThat(value(ps)).as("a bound 'now' is read again").isNotEqualTo(a);
            }
        }
    }

    @Test
    void aSingleFlightFollowerWaitsNoLongerThanItsQueryTimeout() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup(ITEMS);
            Connection leader = db.cached();
            Connection follower = db.cached();
            CountDownLatch leaderInside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread leaderThread = Thread.currentThread();
            ExecutorService executor = Executors.newFixedThreadPool(2);
            try {
                CountingDriver.hook(sql -> {
                    if (QUERY.equals(sql) && Thread.currentThread() != leaderThread && leaderInside.getCount() > 0) {
                        leaderInside.countDown();
                        release.await(10, TimeUnit.SECONDS);
                    }
                });
                Future<?> leading = executor.submit(() -> TestDb.query(leader, QUERY));
                assertThat(leaderInside.await(10, TimeUnit.SECONDS)).isTrue();
                long start = System.nanoTime();
                Future<List<List<Object>>> following = executor.submit(() -> {
                    try (Statement statement = follower.createStatement()) {
                        statement.setQueryTimeout(1);
                        try (ResultSet rs = statement.executeQuery(QUERY)) {
                            return TestDb.rows(rs);
                        }
                    }
                });
                assertThat(following.get(10, TimeUnit.SECONDS)).containsExactly(TestDb.row(10));
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(seconds).as("the follower's wait is bounded by its 1 s query timeout, not by "
                        + "cache.singleFlightWait (2 s)").isLessThan(1.8);
                release.countDown();
                leading.get(10, TimeUnit.SECONDS);
            } finally {
                release.countDown();
                CountingDriver.hook(null);
                executor.shutdownNow();
            }
        }
    }

    private static String value(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String rows(ResultSet rs) throws SQLException {
        try (rs) {
            return TestDb.rows(rs).toString();
        }
    }
}
