package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.h2.Driver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks the object graph of a real driver (H2) through the delegating classes: every JDBC object handed out is our
 * wrapper, and every back-reference leads to the wrapper it came from, never to a raw H2 object.
 */
class BackReferenceGraphTest {

    private Connection raw;
    private DelegatingConnection connection;

    @BeforeEach
    void open() throws SQLException {
        raw = new Driver().connect("jdbc:h2:mem:", new Properties());
        connection = new DelegatingConnection(raw);
        try (Statement st = raw.createStatement()) {
            st.execute("create table item(id int auto_increment primary key, name varchar(20))");
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
        assertThat(raw.isClosed()).isTrue();
    }

    @Test
    void statementGraph() throws SQLException {
        try (Statement st = connection.createStatement()) {
            assertThat(st).isExactlyInstanceOf(DelegatingStatement.class);
            assertThat(st.getConnection()).isSameAs(connection);

            assertThat(st.execute("select 1")).isTrue();
            try (ResultSet rs = st.getResultSet()) {
                assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                assertThat(rs.getStatement()).isSameAs(st);
            }

            st.executeUpdate("insert into item(name) values ('a')", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = st.getGeneratedKeys()) {
                assertThat(keys).isInstanceOf(DelegatingResultSet.class);
                assertThat(keys.getStatement()).isSameAs(st);
                assertThat(keys.next()).isTrue();
            }
            try (ResultSet rs = st.executeQuery("select id, name from item")) {
                assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                assertThat(rs.getStatement()).isSameAs(st);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("name")).isEqualTo("a");
            }
        }
    }

    @Test
    void preparedAndCallableStatementGraph() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("insert into item(name) values (?)",
                Statement.RETURN_GENERATED_KEYS)) {
            assertThat(ps).isExactlyInstanceOf(DelegatingPreparedStatement.class);
            assertThat(ps.getConnection()).isSameAs(connection);
            ps.setString(1, "b");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys).isInstanceOf(DelegatingResultSet.class);
                assertThat(keys.getStatement()).isSameAs(ps);
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("select name from item where name = ?")) {
            ps.setString(1, "b");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                assertThat(rs.getStatement()).isSameAs(ps);
                assertThat(rs.getStatement().getConnection()).isSameAs(connection);
                assertThat(rs.next()).isTrue();
            }
        }
        try (CallableStatement cs = connection.prepareCall("call 1 + 1")) {
            assertThat(cs).isExactlyInstanceOf(DelegatingCallableStatement.class);
            assertThat(cs.getConnection()).isSameAs(connection);
            try (ResultSet rs = cs.executeQuery()) {
                assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                assertThat(rs.getStatement()).isSameAs(cs);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void metadataGraph() throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        assertThat(md).isExactlyInstanceOf(DelegatingDatabaseMetaData.class);
        assertThat(md.getConnection()).isSameAs(connection);

        List<ResultSet> results = List.of(
                md.getTables(null, null, "ITEM", null),
                md.getColumns(null, null, "ITEM", null),
                md.getPrimaryKeys(null, null, "ITEM"),
                md.getSchemas(),
                md.getCatalogs(),
                md.getTypeInfo());
        for (ResultSet rs : results) {
            try (rs) {
                assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                Statement st = rs.getStatement();
                if (st != null) {
                    assertThat(st).isInstanceOf(DelegatingStatement.class);
                    assertThat(st.getConnection()).isSameAs(connection);
                }
            }
        }
        try (ResultSet tables = md.getTables(null, null, "ITEM", null)) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getString("TABLE_NAME")).isEqualTo("ITEM");
        }
    }
}
