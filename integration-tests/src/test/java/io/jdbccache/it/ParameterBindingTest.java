package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static io.jdbccache.it.TestDb.executions;
import static io.jdbccache.it.TestDb.resetExecutions;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Map;
import org.h2.jdbc.JdbcPreparedStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGStatement;

/**
 * A cacheable read's {@code setInt}, {@code setLong} and {@code setString} reach the real statement only when it runs
 * (a hit never needs them): every bind must still behave as the real driver's. Each script runs on raw connections,
 * then through the cache, and every step must have the same outcome (rows, or the driver's SQLState).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class ParameterBindingTest {
    private static final String[] ITEMS = {
        "CREATE TABLE items (id INT PRIMARY KEY, code VARCHAR(10), v BIGINT)",
        "INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)",
    };
    private static final String BY_ID = "SELECT v FROM items WHERE id = ?";
    private static final String BY_ALL = "SELECT id FROM items WHERE id = ? AND code = ? AND v = ?";
    private static final String BY_CODE = "SELECT id FROM items WHERE code = ?";

    @Parameter
    Database database;

    @Test
    void hitsBetweenMissesKeepTheRealStatementsBindsRight() throws Exception {
        CacheStatistics stats = sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            try (PreparedStatement ps = c.prepareStatement(BY_ALL)) {
                for (int round = 0; round < 2; round++) {
                    for (int id = 1; id <= 3; id++) {
                        ps.setInt(1, id);
                        ps.setString(2, String.valueOf((char) ('a' + id - 1)));
                        ps.setLong(3, id * 10L);
                        s.record("round " + round + " id " + id, outcome(ps));
                    }
                }
                // Only the first parameter changes: the others were bound to the real statement long ago, or not.
                ps.setInt(1, 2);
                s.record("first changed only", outcome(ps));
                ps.setString(2, "b");
                s.record("second bound again", outcome(ps));
                ps.setLong(3, 20);
                s.record("all bound again", outcome(ps));
            }
        });
        assertThat(stats.hitCount()).isPositive();
    }

    @Test
    void aLaterBindOfAnyKindReplacesAnEarlierOne() throws Exception {
        sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
                ps.setInt(1, 1);
                s.record("int 1", outcome(ps));
                ps.setInt(1, 2);
                ps.setObject(1, 3);
                s.record("int 2 then object 3", outcome(ps));
                ps.setLong(1, 1);
                ps.setNull(1, Types.INTEGER);
                s.record("long 1 then null", outcome(ps));
                ps.setString(1, "2");
                ps.setInt(1, 3);
                s.record("string then int", outcome(ps));
                ps.setInt(1, 1);
                ps.setBigDecimal(1, BigDecimal.valueOf(2));
                s.record("int then decimal", outcome(ps));
                ps.setString(1, "abc");
                s.record("a string the database cannot convert", outcome(ps));
            }
        });
    }

    @Test
    void badIndexesClosedStatementsAndClearedParametersFailAsTheRealDriverDoes() throws Exception {
        sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            PreparedStatement ps = c.prepareStatement(BY_ID);
            s.record("index 0", Differential.Script.outcome(() -> bind(ps, 0)));
            s.record("index 2 of 1", Differential.Script.outcome(() -> bind(ps, 2)));
            s.record("string at index 2 of 1", Differential.Script.outcome(() -> {
                ps.setString(2, "x");
                return "bound";
            }));
            ps.setInt(1, 1);
            s.record("bound", outcome(ps));
            ps.setInt(1, 2);
            ps.clearParameters();
            s.record("cleared", outcome(ps));
            ps.setInt(1, 2);
            s.record("bound after clear", outcome(ps));
            ps.close();
            s.record("bind on a closed statement", Differential.Script.outcome(() -> bind(ps, 1)));
            s.record("long on a closed statement", Differential.Script.outcome(() -> {
                ps.setLong(1, 1);
                return "bound";
            }));
        });
    }

    @Test
    void aStatementItsResultCompletedRefusesBindsAsTheRealDriverDoes() throws Exception {
        sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            try (PreparedStatement other = c.prepareStatement(BY_CODE)) {
                other.setString(1, "b");
                s.record("b, by another statement", outcome(other));
            }
            PreparedStatement ps = c.prepareStatement(BY_CODE);
            ps.closeOnCompletion();
            // A stream is never cached: the real driver's own result set, whose close completes the real statement.
            ps.setCharacterStream(1, new StringReader("a"));
            s.record("a, streamed", outcome(ps));
            s.record("closed by completion", Differential.Script.outcome(() -> String.valueOf(ps.isClosed())));
            s.record("string on the completed statement", Differential.Script.outcome(() -> {
                ps.setString(1, "b");
                return "bound";
            }));
            s.record("the completed statement run", outcome(ps));
        });
    }

    @Test
    void aBatchLeavesTheRealStatementsBindsAsTheRealDriverDoes() throws Exception {
        // H2 runs a batch by binding each row's values in turn, so the last row's values stay bound after it; pgjdbc
        // keeps the values bound last. Either way the statement run afterwards must read what the database does.
        sameOutcomes(database, ITEMS, Map.of(), s -> {
            Connection c = s.session("A");
            try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
                ps.setInt(1, 3);
                s.record("3, cached", outcome(ps));
                ps.setInt(1, 1);
                ps.addBatch();
                ps.setInt(1, 2);
                ps.addBatch();
                ps.setInt(1, 3);
                s.record("a batch of reads", Differential.Script.outcome(() -> Arrays.toString(ps.executeBatch())));
                s.record("run after the batch", outcome(ps));
                ps.setInt(1, 3);
                s.record("3 bound again", outcome(ps));
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE items SET v = v + 1 WHERE id = ?");
                    PreparedStatement read = c.prepareStatement(BY_ID)) {
                update.setInt(1, 1);
                update.addBatch();
                update.setInt(1, 2);
                update.addBatch();
                update.setInt(1, 3);
                s.record("a batch of updates", Differential.Script.outcome(() -> Arrays.toString(update.executeBatch())));
                read.setInt(1, 2);
                s.record("2, cached after the batch", outcome(read));
                // A write of the row the real statement holds: the cache must not take it for a write of row 3.
                s.record("update after the batch", Differential.Script.outcome(() -> "count " + update.executeUpdate()));
                s.record("2 after the update", outcome(read));
                read.setInt(1, 3);
                s.record("3 after the update", outcome(read));
            }
        });
    }

    @Test
    void metadataAndAnUnwrappedStatementSeeEveryBind() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup(ITEMS);
            Connection c = db.cached();
            try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
                ps.setInt(1, 1);
                assertThat(values(ps.executeQuery())).isEqualTo("10");
                ps.setInt(1, 2);
                assertThat(values(ps.executeQuery())).isEqualTo("20");
                ps.setInt(1, 1);
                resetExecutions();
                assertThat(values(ps.executeQuery())).isEqualTo("10");
                assertThat(executions()).as("a hit").isZero();
                assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(1);

                ps.setInt(1, 3);
                PreparedStatement real = (PreparedStatement) ps.unwrap(realStatementInterface());
                assertThat(real).isNotSameAs(ps);
                assertThat(values(real.executeQuery())).as("the real statement holds the deferred bind").isEqualTo("30");
            }
        }
    }

    private Class<?> realStatementInterface() {
        return database == Database.POSTGRESQL ? PGStatement.class : JdbcPreparedStatement.class;
    }

    private static String bind(PreparedStatement ps, int index) throws SQLException {
        ps.setInt(index, 1);
        return "bound";
    }

    private static String outcome(PreparedStatement ps) {
        return Differential.Script.outcome(() -> values(ps.executeQuery()));
    }

    private static String values(ResultSet rs) throws SQLException {
        try (rs) {
            return TestDb.rows(rs).toString().replace("[", "").replace("]", "");
        }
    }
}
