package io.jdbccache.internal.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResultMaterializerTest {

    private static Connection connection;

    @BeforeAll
    static void setUp() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:materializer;DB_CLOSE_DELAY=-1");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE big (id INT PRIMARY KEY, name VARCHAR(40))");
            s.execute("INSERT INTO big SELECT x, 'name-' || x FROM SYSTEM_RANGE(1, 10000)");
            s.execute("CREATE TABLE lobs (id INT, b BLOB, c CLOB, a INT ARRAY)");
            s.execute("INSERT INTO lobs VALUES (1, X'01', 'c', ARRAY[1, 2])");
            s.execute("CREATE TABLE small (id INT, flag BOOLEAN, amount DECIMAL(10,2), raw VARBINARY(4))");
            s.execute("INSERT INTO small VALUES (1, TRUE, 1.50, X'0102'), (2, NULL, NULL, NULL)");
        }
    }

    @AfterAll
    static void tearDown() throws SQLException {
        connection.close();
    }

    @Test
    void smallResultIsComplete() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM small ORDER BY id")) {
            Materialization m = ResultMaterializer.materialize(rs, null, 100, 1 << 20);
            ResultSnapshot snapshot = ((Materialization.Complete) m).snapshot();
            assertThat(snapshot.rowCount()).isEqualTo(2);
            assertThat(snapshot.columnCount()).isEqualTo(4);
            assertThat(snapshot.estimatedBytes()).isPositive();
            // H2 writes booleans as "TRUE": captured because it differs from String.valueOf(true).
            CachedResultSet cached = new CachedResultSet(snapshot, null, ResultSet.TYPE_FORWARD_ONLY, 1);
            cached.next();
            assertThat(cached.getString("flag")).isEqualTo("TRUE");
            assertThat(cached.getBoolean("flag")).isTrue();
            assertThat(cached.getString("raw")).isEqualTo("\u0001\u0002"); // H2 2.x decodes binary as UTF-8 text
            assertThat(rs.isClosed()).isFalse();
        }
    }

    @Test
    void byteArraysAreClonedOnCapture() throws SQLException {
        byte[] shared = {1, 2};
        ColumnInfo[] columns = {TestData.column("B", Types.VARBINARY, "VARBINARY")};
        ResultSnapshot source = ResultSnapshot.of(columns, new Object[] {shared}, null, 1);
        boolean[] consumed = {false};
        // A driver that hands out its internal array (CachedResultSet itself would already copy).
        ResultSet rs = (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getMetaData" -> source.metaData();
                    case "next" -> !consumed[0] && (consumed[0] = true);
                    case "getObject" -> shared;
                    case "getString" -> "0102";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ResultSnapshot copy = ((Materialization.Complete) ResultMaterializer.materialize(rs, null, 10, Long.MAX_VALUE)).snapshot();
        assertThat(copy.values[0]).isNotSameAs(shared).isEqualTo(shared);
    }

    @Test
    void previousColumnsAreReusedWhenTheyStillMatch() throws SQLException {
        ColumnInfo[] first;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name FROM big WHERE id < 3")) {
            first = ((Materialization.Complete) ResultMaterializer.materialize(rs, null, 10, Long.MAX_VALUE)).snapshot().columns;
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name FROM big WHERE id < 5")) {
            ResultSnapshot second = ((Materialization.Complete) ResultMaterializer.materialize(rs, first, 10, Long.MAX_VALUE)).snapshot();
            assertThat(second.columns).isSameAs(first);
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT name, id FROM big WHERE id < 5")) {
            ResultSnapshot swapped = ((Materialization.Complete) ResultMaterializer.materialize(rs, first, 10, Long.MAX_VALUE)).snapshot();
            assertThat(swapped.columns).isNotSameAs(first);
            assertThat(swapped.columns[0].label()).isEqualTo("NAME");
        }
    }

    @Test
    void rowLimitOverflowReplaysEveryRowExactlyOnce() throws SQLException {
        assertOverflowReplaysAllRows(100, Long.MAX_VALUE, 101);
    }

    @Test
    void byteLimitOverflowReplaysEveryRowExactlyOnce() throws SQLException {
        assertOverflowReplaysAllRows(Integer.MAX_VALUE, 20_000, -1);
    }

    private static void assertOverflowReplaysAllRows(int maxRows, long maxBytes, int expectedPrefixRows) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name FROM big ORDER BY id")) {
            Materialization m = ResultMaterializer.materialize(rs, null, maxRows, maxBytes);
            assertThat(m).isInstanceOf(Materialization.Overflow.class);
            Materialization.Overflow overflow = (Materialization.Overflow) m;
            assertThat(overflow.live()).isSameAs(rs);
            if (expectedPrefixRows > 0) {
                assertThat(overflow.prefix().rowCount()).isEqualTo(expectedPrefixRows);
            } else {
                assertThat(overflow.prefix().estimatedBytes()).isGreaterThan(maxBytes);
                assertThat(overflow.prefix().rowCount()).isBetween(2, 9999);
            }
            List<Integer> ids = new ArrayList<>();
            try (ReplayingResultSet replay = new ReplayingResultSet(s, overflow.prefix(), overflow.live())) {
                assertThat(replay.getStatement()).isSameAs(s);
                assertThat(replay.isBeforeFirst()).isTrue();
                assertThatThrownBy(replay::previous).isInstanceOf(SQLException.class);
                while (replay.next()) {
                    ids.add(replay.getInt("ID"));
                    assertThat(replay.getString(2)).isEqualTo("name-" + ids.get(ids.size() - 1));
                    assertThat(replay.getRow()).isEqualTo(ids.size());
                }
                assertThat(replay.getMetaData().getColumnCount()).isEqualTo(2);
            }
            assertThat(rs.isClosed()).isTrue();
            assertThat(ids).hasSize(10_000);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(ids.get(i)).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void lobAndArrayColumnsAreUnsupportedWithoutReadingARow() throws SQLException {
        for (String column : List.of("b", "c", "a")) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT id, " + column + " FROM lobs")) {
                Materialization m = ResultMaterializer.materialize(rs, null, 100, Long.MAX_VALUE);
                assertThat(m).isInstanceOf(Materialization.Unsupported.class);
                assertThat(((Materialization.Unsupported) m).reason()).containsIgnoringCase(column);
                assertThat(rs.isBeforeFirst()).isTrue();
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void columnInfoToleratesFailingProperties() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM small")) {
            ResultSetMetaData real = rs.getMetaData();
            ResultSetMetaData failing = (ResultSetMetaData) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ResultSetMetaData.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getColumnCount") || method.getName().equals("getColumnName")) {
                            return method.invoke(real, args);
                        }
                        throw new SQLFeatureNotSupportedException(method.getName());
                    });
            ColumnInfo c = ColumnInfo.readAll(failing)[0];
            assertThat(c.name()).isEqualTo("ID");
            assertThat(c.label()).isEqualTo("ID");
            assertThat(c.type()).isEqualTo(Types.OTHER);
            assertThat(c.nullable()).isEqualTo(ResultSetMetaData.columnNullableUnknown);
            assertThat(c.table()).isEmpty();
            assertThat(c.signed()).isFalse();
        }
    }
}
