package io.jdbccache.internal.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CachedResultSetTest {

    private static CachedResultSet cursor(ResultSnapshot s, int type) {
        return new CachedResultSet(s, null, type, ResultSet.HOLD_CURSORS_OVER_COMMIT);
    }

    @Test
    void forwardOnlyCursorWalksRowsAndRefusesBackwardMoves() throws SQLException {
        CachedResultSet rs = cursor(TestData.rows(3), ResultSet.TYPE_FORWARD_ONLY);
        assertThat(rs.isBeforeFirst()).isTrue();
        assertThat(rs.getRow()).isZero();
        List<Integer> ids = new ArrayList<>();
        while (rs.next()) {
            ids.add(rs.getInt(1));
            assertThat(rs.getRow()).isEqualTo(ids.size());
        }
        assertThat(ids).containsExactly(1, 2, 3);
        assertThat(rs.isAfterLast()).isTrue();
        assertThat(rs.next()).isFalse();
        assertThat(rs.getRow()).isZero();
        for (ThrowingCall call : List.<ThrowingCall>of(rs::previous, rs::first, rs::last, rs::beforeFirst, rs::afterLast,
                () -> rs.absolute(1), () -> rs.relative(-1), () -> rs.setFetchDirection(ResultSet.FETCH_REVERSE))) {
            assertThatThrownBy(call::run).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("24000");
        }
    }

    interface ThrowingCall {
        void run() throws SQLException;
    }

    @Test
    void scrollableCursorSupportsEveryMove() throws SQLException {
        CachedResultSet rs = cursor(TestData.rows(5), ResultSet.TYPE_SCROLL_INSENSITIVE);
        assertThat(rs.last()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(5);
        assertThat(rs.isLast()).isTrue();
        assertThat(rs.previous()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(4);
        assertThat(rs.first()).isTrue();
        assertThat(rs.isFirst()).isTrue();
        assertThat(rs.absolute(-2)).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(4);
        assertThat(rs.relative(-2)).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.relative(10)).isFalse();
        assertThat(rs.isAfterLast()).isTrue();
        assertThat(rs.absolute(0)).isFalse();
        assertThat(rs.isBeforeFirst()).isTrue();
        assertThat(rs.absolute(-10)).isFalse();
        assertThat(rs.isBeforeFirst()).isTrue();
        assertThat(rs.absolute(3)).isTrue();
        assertThat(rs.getRow()).isEqualTo(3);
        rs.afterLast();
        assertThat(rs.previous()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(5);
        rs.beforeFirst();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
        assertThat(rs.relative(Integer.MAX_VALUE)).isFalse();
        rs.setFetchDirection(ResultSet.FETCH_REVERSE);
        assertThat(rs.getFetchDirection()).isEqualTo(ResultSet.FETCH_REVERSE);
    }

    @Test
    void emptyResultHasNoPositionFlags() throws SQLException {
        CachedResultSet rs = cursor(TestData.rows(0), ResultSet.TYPE_SCROLL_INSENSITIVE);
        assertThat(rs.isBeforeFirst()).isFalse();
        assertThat(rs.isAfterLast()).isFalse();
        assertThat(rs.first()).isFalse();
        assertThat(rs.last()).isFalse();
        assertThat(rs.next()).isFalse();
        assertThat(rs.isFirst()).isFalse();
        assertThat(rs.isLast()).isFalse();
    }

    @Test
    void gettersOffRowOrOutOfRangeFailWithTheirSqlStates() throws SQLException {
        CachedResultSet rs = cursor(TestData.rows(1), ResultSet.TYPE_FORWARD_ONLY);
        assertThatThrownBy(() -> rs.getInt(1)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("24000");
        rs.next();
        assertThatThrownBy(() -> rs.getInt(0)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("07009");
        assertThatThrownBy(() -> rs.getInt(4)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("07009");
        assertThatThrownBy(() -> rs.getInt("nope")).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42703");
        assertThatThrownBy(() -> rs.getInt(2)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22018");
        rs.next();
        assertThatThrownBy(() -> rs.getInt(1)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("24000");
    }

    @Test
    void labelsAreCaseInsensitiveAndTheFirstMatchWins() throws SQLException {
        CachedResultSet rs = cursor(TestData.rows(1), ResultSet.TYPE_FORWARD_ONLY);
        rs.next();
        assertThat(rs.findColumn("id")).isEqualTo(1);
        assertThat(rs.findColumn("Id")).isEqualTo(1);
        assertThat(rs.findColumn("name")).isEqualTo(2);
        assertThat(rs.findColumn("Name")).isEqualTo(2);
        assertThat(rs.getString("NAME")).isEqualTo("row1");
        assertThatThrownBy(() -> rs.findColumn(null)).isInstanceOf(SQLException.class);
    }

    @Test
    void labelLookupScalesToManyColumns() {
        ColumnInfo[] columns = new ColumnInfo[300];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = TestData.column("col_" + i, Types.INTEGER, "INTEGER");
        }
        ResultSnapshot s = ResultSnapshot.of(columns, new Object[0], null, 0);
        for (int i = 0; i < columns.length; i++) {
            assertThat(s.indexOf("COL_" + i)).isEqualTo(i + 1);
        }
        assertThat(s.indexOf("col_300")).isZero();
    }

    @Test
    void numericConversionsFollowTheDrivers() throws SQLException {
        ColumnInfo[] columns = {TestData.column("S", Types.VARCHAR, "VARCHAR"), TestData.column("L", Types.BIGINT, "BIGINT"),
                TestData.column("B", Types.BOOLEAN, "BOOLEAN"), TestData.column("D", Types.DECIMAL, "DECIMAL"),
                TestData.column("X", Types.VARCHAR, "VARCHAR")};
        Object[] values = {"5", 5_000_000_000L, Boolean.TRUE, new BigDecimal("-2.7"), "abc"};
        CachedResultSet rs = cursor(ResultSnapshot.of(columns, values, null, 1), ResultSet.TYPE_FORWARD_ONLY);
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(5);
        assertThat(rs.getLong(2)).isEqualTo(5_000_000_000L);
        assertThatThrownBy(() -> rs.getInt(2)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22003");
        assertThat(rs.getInt(3)).isEqualTo(1);
        assertThat(rs.getDouble(3)).isEqualTo(1.0);
        assertThat(rs.getInt(4)).isEqualTo(-2);
        assertThat(rs.getBigDecimal(4, 0)).isEqualTo(new BigDecimal("-3"));
        assertThatThrownBy(() -> rs.getInt(5)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22018");
        assertThatThrownBy(() -> rs.getBoolean(5)).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22018");
    }

    @Test
    void wasNullTracksTheLastGetter() throws SQLException {
        ColumnInfo[] columns = {TestData.column("A", Types.INTEGER, "INTEGER"), TestData.column("B", Types.INTEGER, "INTEGER")};
        CachedResultSet rs = cursor(ResultSnapshot.of(columns, new Object[] {null, 7}, null, 1), ResultSet.TYPE_FORWARD_ONLY);
        rs.next();
        assertThat(rs.getInt(1)).isZero();
        assertThat(rs.wasNull()).isTrue();
        assertThat(rs.getInt(2)).isEqualTo(7);
        assertThat(rs.wasNull()).isFalse();
        assertThat(rs.getString(1)).isNull();
        assertThat(rs.getObject(1, Integer.class)).isNull();
    }

    @Test
    void mutableValuesAreCopiedOnTheWayOut() throws SQLException {
        ColumnInfo[] columns = {TestData.column("B", Types.VARBINARY, "VARBINARY"), TestData.column("T", Types.TIMESTAMP, "TIMESTAMP"),
                TestData.column("D", Types.DATE, "DATE"), TestData.column("TM", Types.TIME, "TIME")};
        Timestamp ts = Timestamp.valueOf("2024-01-02 03:04:05.123456789");
        Object[] values = {new byte[] {1, 2, 3}, ts, Date.valueOf("2024-01-02"), Time.valueOf("03:04:05")};
        ResultSnapshot s = ResultSnapshot.of(columns, values, null, 1);
        CachedResultSet rs = cursor(s, ResultSet.TYPE_FORWARD_ONLY);
        rs.next();
        rs.getBytes(1)[0] = 9;
        ((byte[]) rs.getObject(1))[0] = 9;
        rs.getObject(1, byte[].class)[0] = 9;
        rs.getTimestamp(2).setNanos(0);
        ((Timestamp) rs.getObject(2)).setTime(0);
        rs.getObject(2, Timestamp.class).setTime(0);
        rs.getDate(3).setTime(0);
        ((Date) rs.getObject(3)).setTime(0);
        rs.getTime(4).setTime(0);
        ((Time) rs.getObject(4)).setTime(0);
        assertThat(rs.getBytes(1)).containsExactly(1, 2, 3);
        assertThat(rs.getTimestamp(2)).isEqualTo(Timestamp.valueOf("2024-01-02 03:04:05.123456789"));
        assertThat(rs.getDate(3)).isEqualTo(Date.valueOf("2024-01-02"));
        assertThat(rs.getTime(4)).isEqualTo(Time.valueOf("03:04:05"));
        assertThat(rs.getBlob(1).getBytes(1, 3)).containsExactly(1, 2, 3);
    }

    @Test
    void closedResultSetRefusesEverythingButCloseAndIsClosed() throws SQLException {
        CachedResultSet rs = cursor(TestData.rows(2), ResultSet.TYPE_FORWARD_ONLY);
        rs.next();
        rs.close();
        rs.close();
        assertThat(rs.isClosed()).isTrue();
        for (ThrowingCall call : List.<ThrowingCall>of(rs::next, () -> rs.getInt(1), () -> rs.getString("ID"), rs::wasNull,
                rs::getMetaData, rs::getRow, rs::isBeforeFirst, rs::getFetchSize, rs::getType, rs::getStatement,
                () -> rs.findColumn("ID"), rs::getWarnings)) {
            assertThatThrownBy(call::run).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("24000");
        }
    }

    @Test
    void everyMutatorThrowsReadOnly() throws Exception {
        CachedResultSet rs = cursor(TestData.rows(1), ResultSet.TYPE_SCROLL_INSENSITIVE);
        rs.next();
        int count = 0;
        for (Method m : ResultSet.class.getMethods()) {
            if (!m.getName().startsWith("update") && !List.of("insertRow", "deleteRow", "moveToInsertRow",
                    "moveToCurrentRow", "cancelRowUpdates").contains(m.getName())) {
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> p = m.getParameterTypes()[i];
                args[i] = p == int.class ? 1 : p == long.class ? 1L : p == boolean.class ? false : p == byte.class ? (byte) 0
                        : p == short.class ? (short) 0 : p == float.class ? 0f : p == double.class ? 0d : p == String.class ? "ID" : null;
            }
            try {
                m.invoke(rs, args);
                throw new AssertionError(m + " did not throw");
            } catch (InvocationTargetException e) {
                assertThat(e.getCause()).as(m.toString()).isInstanceOf(SQLException.class).hasMessage("ResultSet is read-only");
                assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("24000");
            }
            count++;
        }
        assertThat(count).isGreaterThan(80);
        assertThat(rs.rowUpdated()).isFalse();
        assertThat(rs.rowInserted()).isFalse();
        assertThat(rs.rowDeleted()).isFalse();
        rs.refreshRow();
        assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_READ_ONLY);
        assertThatThrownBy(rs::getCursorName).isInstanceOf(SQLFeatureNotSupportedException.class);
    }

    @Test
    void everyResultSetMethodIsImplementedWithoutJdkDefaults() {
        for (Method m : ResultSet.class.getMethods()) {
            try {
                Method impl = CachedResultSet.class.getMethod(m.getName(), m.getParameterTypes());
                assertThat(impl.getDeclaringClass().isInterface()).as(m.toString()).isFalse();
                assertThat(Modifier.isAbstract(impl.getModifiers())).as(m.toString()).isFalse();
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void propertiesStatementAndUnwrap() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:props"); Statement owner = c.createStatement()) {
            CachedResultSet rs = new CachedResultSet(TestData.rows(1), owner, ResultSet.TYPE_SCROLL_SENSITIVE,
                    ResultSet.CLOSE_CURSORS_AT_COMMIT);
            assertThat(rs.getStatement()).isSameAs(owner);
            assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_SCROLL_SENSITIVE);
            assertThat(rs.getHoldability()).isEqualTo(ResultSet.CLOSE_CURSORS_AT_COMMIT);
            rs.setFetchSize(50);
            assertThat(rs.getFetchSize()).isEqualTo(50);
            assertThatThrownBy(() -> rs.setFetchSize(-1)).isInstanceOf(SQLException.class);
            assertThat((Object) rs.getWarnings()).isNull();
            rs.clearWarnings();
            assertThat(rs.isWrapperFor(CachedResultSet.class)).isTrue();
            assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
            assertThatThrownBy(() -> rs.unwrap(Connection.class)).isInstanceOf(SQLException.class);
            assertThat((Object) rs.getMetaData()).isInstanceOf(CachedResultSetMetaData.class).isSameAs(rs.getMetaData());
        }
    }

    @Test
    void metadataAnswersEveryMethodLikeTheOriginal() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:meta"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE m (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(10,2), ts TIMESTAMP)");
            try (ResultSet live = s.executeQuery("SELECT id, name AS label, price, ts FROM m")) {
                ResultSetMetaData original = live.getMetaData();
                Materialization m = ResultMaterializer.materialize(live, null, 10, Long.MAX_VALUE);
                ResultSnapshot snapshot = ((Materialization.Complete) m).snapshot();
                ResultSetMetaData cached = new CachedResultSet(snapshot, null, ResultSet.TYPE_FORWARD_ONLY, 1).getMetaData();
                assertThat(cached).isSameAs(snapshot.metaData());
                assertThat(cached.getColumnCount()).isEqualTo(original.getColumnCount());
                int compared = 0;
                for (Method method : ResultSetMetaData.class.getMethods()) {
                    if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != int.class) {
                        continue;
                    }
                    for (int i = 1; i <= original.getColumnCount(); i++) {
                        assertThat(method.invoke(cached, i)).as(method.getName() + "(" + i + ")").isEqualTo(method.invoke(original, i));
                        compared++;
                    }
                    assertThatThrownBy(() -> method.invoke(cached, 0)).hasCauseInstanceOf(SQLException.class);
                }
                assertThat(compared).isEqualTo(4 * 20);
                assertThat(cached.isWrapperFor(ResultSetMetaData.class)).isTrue();
                assertThat(cached.unwrap(ResultSetMetaData.class)).isSameAs(cached);
            }
        }
    }

    @Test
    void manyThreadsReadOneSnapshotConcurrently() throws Exception {
        ResultSnapshot snapshot = TestData.rows(1000);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> sums = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                sums.add(pool.submit(() -> {
                    start.await();
                    long sum = 0;
                    for (int round = 0; round < 20; round++) {
                        CachedResultSet rs = cursor(snapshot, ResultSet.TYPE_FORWARD_ONLY);
                        while (rs.next()) {
                            sum += rs.getInt("id");
                        }
                    }
                    return sum;
                }));
            }
            start.countDown();
            for (Future<Long> sum : sums) {
                assertThat(sum.get(30, TimeUnit.SECONDS)).isEqualTo(20L * 1000 * 1001 / 2);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
