package io.jdbccache.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The application only ever sees jdbc-cache's wrappers, and can still unwrap to the real driver's classes. */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class WrappersTest {
    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDb.open(database);
        db.createProducts();
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    private Class<?> realConnectionClass() throws ClassNotFoundException {
        return Class.forName(database == Database.POSTGRESQL ? "org.postgresql.PGConnection" : "org.h2.jdbc.JdbcConnection");
    }

    private Class<?> realStatementClass() throws ClassNotFoundException {
        return Class.forName(database == Database.POSTGRESQL ? "org.postgresql.PGStatement" : "org.h2.jdbc.JdbcStatement");
    }

    @Test
    void backReferencesReturnWrappersOnMissAndHit() throws Exception {
        Connection c = db.cached();
        assertThat(c.getClass().getName()).startsWith("io.jdbccache.");
        for (String kind : new String[] {"miss", "hit"}) {
            try (Statement statement = c.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT id FROM products ORDER BY id")) {
                assertThat(statement.getConnection()).as(kind).isSameAs(c);
                assertThat(rs.getStatement()).as(kind).isSameAs(statement);
                assertThat(statement.getResultSet()).as(kind).isSameAs(rs);
                assertThat(rs.next()).isTrue();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM products WHERE id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(ps.getConnection()).as(kind).isSameAs(c);
                    assertThat(rs.getStatement()).as(kind).isSameAs(ps);
                }
            }
        }
        assertThat(db.statistics().hitCount()).isEqualTo(2);
        // A bypassed read and a write hand out wrappers too.
        try (Statement statement = c.createStatement()) {
            assertThat(statement.execute("SELECT id, CURRENT_TIMESTAMP FROM products")).isTrue();
            assertThat(statement.getResultSet().getStatement()).isSameAs(statement);
            assertThat(statement.execute("UPDATE products SET price = 1 WHERE id = 1")).isFalse();
            assertThat(statement.getResultSet()).isNull();
            assertThat(statement.getUpdateCount()).isEqualTo(1);
        }
        DatabaseMetaData metaData = c.getMetaData();
        assertThat(metaData.getConnection()).isSameAs(c);
        try (ResultSet tables = metaData.getTables(null, null, "%", null)) {
            assertThat(tables.getStatement() == null || tables.getStatement().getConnection() == c).isTrue();
        }
    }

    @Test
    void unwrapReachesTheRealDriver() throws Exception {
        // Without the counting driver: its test proxy re-wraps whatever unwrap returns.
        Connection c = DriverManager.getConnection(db.plainCachedUrl());
        Class<?> realConnection = realConnectionClass();
        assertThat(c.isWrapperFor(realConnection)).isTrue();
        assertThat(realConnection.isInstance(c.unwrap(realConnection))).isTrue();
        assertThat(c.unwrap(Connection.class)).isNotNull();
        try (Statement statement = c.createStatement()) {
            Class<?> realStatement = realStatementClass();
            assertThat(statement.isWrapperFor(realStatement)).isTrue();
            assertThat(realStatement.isInstance(statement.unwrap(realStatement))).isTrue();
        }
        c.close();
    }

    @Test
    void statementExecuteOfACachedQueryExposesTheResult() throws SQLException {
        Connection c = db.cached();
        for (int i = 0; i < 2; i++) {
            try (Statement statement = c.createStatement()) {
                assertThat(statement.execute("SELECT count(*) FROM products")).isTrue();
                try (ResultSet rs = statement.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(3);
                }
                assertThat(statement.getUpdateCount()).isEqualTo(-1);
                assertThat(statement.getMoreResults()).isFalse();
                assertThat(statement.getUpdateCount()).isEqualTo(-1);
            }
        }
        assertThat(TestDb.executions()).isEqualTo(1);
    }
}
