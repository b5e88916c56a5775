package io.jdbccache.it;

import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writes through updatable result sets, isolation kept by a transaction, and forms that must not leak. Each compares a cached read with the same read on a raw connection. */
class RowWritesAndIsolationTest {

    private static void check(Connection cached, Connection raw, String sql) throws Exception {
        String expected = String.valueOf(query(raw, sql));
        String got = String.valueOf(query(cached, sql));
        assertThat(got).as(sql).isEqualTo(expected);
    }

    @Test
    void updatableResultSetUpdateRowLeavesStaleRead() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_u (id INT PRIMARY KEY, v INT)", "INSERT INTO atk4_u VALUES (1, 10), (2, 20)");
            Connection c = db.cached();
            Connection raw = db.raw();
            String read = "SELECT id, v FROM atk4_u ORDER BY id";
            query(c, read);
            query(c, read); // cached
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
                    ResultSet rs = s.executeQuery("SELECT id, v FROM atk4_u WHERE id = 1")) {
                rs.next();
                rs.updateInt("v", 99);
                rs.updateRow();
            }
            check(c, raw, read);
        }
    }

    @Test
    void updatableResultSetInsertAndDeleteRow() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_u2 (id INT PRIMARY KEY, v INT)", "INSERT INTO atk4_u2 VALUES (1, 10), (2, 20)");
            Connection c = db.cached();
            Connection raw = db.raw();
            String read = "SELECT id, v FROM atk4_u2 ORDER BY id";
            query(c, read);
            query(c, read);
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
                    ResultSet rs = s.executeQuery("SELECT id, v FROM atk4_u2")) {
                rs.moveToInsertRow();
                rs.updateInt("id", 3);
                rs.updateInt("v", 30);
                rs.insertRow();
            }
            check(c, raw, read);
            query(c, read);
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
                    ResultSet rs = s.executeQuery("SELECT id, v FROM atk4_u2 WHERE id = 2")) {
                rs.next();
                rs.deleteRow();
            }
            check(c, raw, read);
        }
    }

    @Test
    void arrayOfTableSubqueryMissesDependency() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_b (v INT)", "INSERT INTO atk4_b VALUES (1)",
                    "CREATE TABLE atk4_a (v INT)", "INSERT INTO atk4_a VALUES (1), (2)");
            Connection c = db.cached();
            Connection raw = db.raw();
            String[] reads = {"SELECT ARRAY(TABLE atk4_b)",
                "SELECT * FROM atk4_a WHERE v = ANY(ARRAY(TABLE atk4_b)) ORDER BY v",
                "SELECT * FROM (TABLE atk4_b) s",
                "SELECT * FROM atk4_a WHERE v = ANY (TABLE atk4_b) ORDER BY v",
                "SELECT * FROM atk4_a WHERE v > ALL (TABLE atk4_b) ORDER BY v",
                "SELECT * FROM atk4_a, (TABLE atk4_b) x ORDER BY 1, 2",
                "SELECT ARRAY(TABLE atk4_b ORDER BY 1)"};
            for (String r : reads) {
                query(c, r);
                query(c, r);
            }
            exec(c, "INSERT INTO atk4_b VALUES (2)");
            for (String r : reads) {
                check(c, raw, r);
            }
        }
    }

    @Test
    void defaultIsolationChangedInsideSnapshotTransactionStoresSnapshot() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_iso (v INT)", "INSERT INTO atk4_iso VALUES (1)");
            Connection c1 = db.cached();
            Connection c2 = db.cached();
            Connection raw = db.raw();
            String read = "SELECT v FROM atk4_iso ORDER BY v";
            exec(c1, "SET default_transaction_isolation = 'repeatable read'");
            c1.setAutoCommit(false);
            query(c1, read); // the RR snapshot is taken here
            exec(c1, "SET default_transaction_isolation = 'read committed'"); // this transaction stays RR
            exec(c2, "INSERT INTO atk4_iso VALUES (2)");
            query(c1, read); // old snapshot: [[1]]
            check(c2, raw, read);
            c1.rollback();
        }
    }

    @Test
    void sessionCharacteristicsChangedInsideSnapshotTransaction() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_iso2 (v INT)", "INSERT INTO atk4_iso2 VALUES (1)");
            Connection c1 = db.cached();
            Connection c2 = db.cached();
            Connection raw = db.raw();
            String read = "SELECT v FROM atk4_iso2 ORDER BY v";
            exec(c1, "BEGIN ISOLATION LEVEL REPEATABLE READ");
            query(c1, read);
            exec(c1, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
            exec(c2, "INSERT INTO atk4_iso2 VALUES (2)");
            query(c1, read);
            check(c2, raw, read);
            exec(c1, "ROLLBACK");
        }
    }

    @Test
    void batchedSetOfTenant() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            String role = "atk4_r_" + ProcessHandle.current().pid();
            db.setup("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role,
                    "CREATE TABLE atk4_docs (id INT, tenant TEXT)",
                    "INSERT INTO atk4_docs VALUES (1, 'a'), (2, 'b')",
                    "ALTER TABLE atk4_docs ENABLE ROW LEVEL SECURITY",
                    "CREATE POLICY p ON atk4_docs USING (tenant = current_setting('app.tenant', true))",
                    "GRANT USAGE ON SCHEMA " + db.name + " TO " + role,
                    "GRANT SELECT ON atk4_docs TO " + role);
            try {
                Connection c = db.cached();
                Connection raw = db.raw();
                String read = "SELECT id FROM atk4_docs ORDER BY id";
                for (Connection x : List.of(c, raw)) {
                    exec(x, "SET ROLE " + role, "SET app.tenant = 'a'");
                }
                check(c, raw, read);
                check(c, raw, read);
                for (Connection x : List.of(c, raw)) {
                    try (Statement s = x.createStatement()) {
                        s.addBatch("SET app.tenant = 'b'");
                        s.executeBatch();
                    }
                }
                check(c, raw, read);
                for (Connection x : List.of(c, raw)) {
                    try (PreparedStatement s = x.prepareStatement("SELECT set_config('app.tenant', ?, false)")) {
                        s.setString(1, "a");
                        s.addBatch();
                        s.executeBatch();
                    }
                }
                check(c, raw, read);
                for (Connection x : List.of(c, raw)) {
                    exec(x, "RESET ROLE");
                }
            } finally {
                db.setup("DROP OWNED BY " + role, "DROP ROLE " + role);
            }
        }
    }

    @Test
    void commitAndChainKeepsSnapshotIsolation() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_chain (v INT)", "INSERT INTO atk4_chain VALUES (1)");
            Connection c1 = db.cached();
            Connection c2 = db.cached();
            Connection raw = db.raw();
            String read = "SELECT v FROM atk4_chain ORDER BY v";
            exec(c1, "BEGIN ISOLATION LEVEL REPEATABLE READ");
            query(c1, "SELECT 1");
            exec(c1, "COMMIT AND CHAIN"); // the chained transaction is REPEATABLE READ too
            System.out.println("ATK4 chained isolation: " + query(c1, "SHOW transaction_isolation"));
            query(c1, read); // snapshot taken
            exec(c2, "INSERT INTO atk4_chain VALUES (2)");
            query(c1, read); // old snapshot [[1]], stored?
            check(c2, raw, read);
            exec(c1, "ROLLBACK");
        }
    }

    @Test
    void setConfigForms() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            String role = "atk4_s_" + ProcessHandle.current().pid();
            db.setup("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role,
                    "CREATE TABLE atk4_docs2 (id INT, tenant TEXT)",
                    "INSERT INTO atk4_docs2 VALUES (1, 'a'), (2, 'b')",
                    "ALTER TABLE atk4_docs2 ENABLE ROW LEVEL SECURITY",
                    "CREATE POLICY p ON atk4_docs2 USING (tenant = current_setting('app.tenant', true))",
                    "GRANT USAGE ON SCHEMA " + db.name + " TO " + role,
                    "GRANT SELECT ON atk4_docs2 TO " + role);
            String[] forms = {
                "SELECT pg_catalog.set_config('app.tenant', '%s', false)",
                "SELECT \"set_config\"('app.tenant', '%s', false)",
                "SELECT * FROM set_config('app.tenant', '%s', false)",
                "SELECT * FROM pg_catalog.set_config('app.tenant', '%s', false) AS x(y)",
                "SELECT ARRAY(VALUES (set_config('app.tenant', '%s', false)))",
                "SELECT * FROM ROWS FROM (set_config('app.tenant', '%s', false))",
                "VALUES (set_config('app.tenant', '%s', false))",
                "SELECT 1 FROM (VALUES (1)) v(x) WHERE set_config('app.tenant', '%s', false) IS NOT NULL",
                "SELECT CASE WHEN true THEN set_config('app.tenant', '%s', false) END",
                "SELECT (SELECT set_config('app.tenant', '%s', false))",
                "SELECT xmlelement(name x, set_config('app.tenant', '%s', false))",
                "SELECT 1 WHERE ROW(set_config('app.tenant', '%s', false)) IS NOT NULL",
                "SELECT set_config('app.tenant', '%s', false) COLLATE \"C\"",
                "SELECT (set_config('app.tenant', '%s', false))::text",
                "SELECT 'x' || set_config('app.tenant', '%s', false)",
                "SELECT 1 FROM generate_series(1, 1) WHERE EXISTS (SELECT set_config('app.tenant', '%s', false))",
            };
            try {
                Connection c = db.cached();
                Connection raw = db.raw();
                String read = "SELECT id FROM atk4_docs2 ORDER BY id";
                for (Connection x : List.of(c, raw)) {
                    exec(x, "SET ROLE " + role, "SET app.tenant = 'a'");
                }
                String tenant = "a";
                StringBuilder failures = new StringBuilder();
                for (String form : forms) {
                    query(c, read);
                    query(c, read);
                    tenant = tenant.equals("a") ? "b" : "a";
                    String sql = String.format(form, tenant);
                    for (Connection x : List.of(c, raw)) {
                        try (Statement s = x.createStatement()) {
                            s.execute(sql);
                        } catch (SQLException e) {
                            System.out.println("ATK4 form failed on " + (x == c ? "cached" : "raw") + ": " + sql + " " + e.getMessage());
                            if (x == c) { exec(raw, "SELECT set_config('app.tenant', '" + tenant + "', false)"); }
                        }
                    }
                    String e = String.valueOf(query(raw, read));
                    String g = String.valueOf(query(c, read));
                    if (!e.equals(g)) {
                        failures.append(sql).append(" expected ").append(e).append(" got ").append(g).append("\n");
                        exec(c, "SELECT set_config('app.tenant', '" + tenant + "', false)");
                    }
                }
                for (Connection x : List.of(c, raw)) {
                    exec(x, "RESET ROLE");
                }
                assertThat(failures.toString()).isEmpty();
            } finally {
                db.setup("DROP OWNED BY " + role, "DROP ROLE " + role);
            }
        }
    }

    @Test
    void keyedWriteThatMovesTheKey() throws Exception {
        String[] writes = {
            "UPDATE atk4_k SET (id, v) = (2, 5) WHERE id = 1",
            "UPDATE atk4_k SET (v, id) = (5, 2) WHERE id = 1",
            "UPDATE atk4_k SET (v, id) = ROW(5, 2) WHERE id = 1",
            "UPDATE atk4_k SET \"id\" = 2 WHERE id = 1",
            "UPDATE atk4_k SET ID = 2 WHERE id = 1",
            "UPDATE atk4_k x SET id = 2 WHERE x.id = 1",
            "UPDATE atk4_k SET id = id + 1 WHERE id = 1",
            "UPDATE atk4_k SET (id) = (2) WHERE id = 1",
        };
        StringBuilder failures = new StringBuilder();
        for (String write : writes) {
            try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
                db.setup("CREATE TABLE atk4_k (id INT PRIMARY KEY, v INT)", "INSERT INTO atk4_k VALUES (1, 10), (3, 30)");
                Connection c = db.cached();
                Connection raw = db.raw();
                String read = "SELECT id, v FROM atk4_k WHERE id = 2";
                query(c, read);
                query(c, read);
                try {
                    exec(c, write);
                } catch (SQLException e) {
                    System.out.println("ATK4 write failed " + write + ": " + e.getMessage());
                    continue;
                }
                String e = String.valueOf(query(raw, read));
                String g = String.valueOf(query(c, read));
                if (!e.equals(g)) {
                    failures.append(write).append(" expected ").append(e).append(" got ").append(g).append("\n");
                }
            }
        }
        assertThat(failures.toString()).isEmpty();
    }

    @Test
    void rollbackAndChainKeepsSnapshotIsolation() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            db.setup("CREATE TABLE atk4_chain2 (v INT)", "INSERT INTO atk4_chain2 VALUES (1)");
            Connection c1 = db.cached();
            Connection c2 = db.cached();
            Connection raw = db.raw();
            String read = "SELECT v FROM atk4_chain2 ORDER BY v";
            exec(c1, "BEGIN ISOLATION LEVEL REPEATABLE READ");
            query(c1, "SELECT 1");
            exec(c1, "ROLLBACK AND CHAIN");
            query(c1, read);
            exec(c2, "INSERT INTO atk4_chain2 VALUES (2)");
            query(c1, read);
            check(c2, raw, read);
            exec(c1, "ROLLBACK");
        }
    }

    @Test
    void setTransactionIsolationAfterSetAutoCommitFalse() throws Exception {
        try (TestDb db = TestDb.open(Database.POSTGRESQL)) {
            Connection raw = db.raw();
            raw.setAutoCommit(false);
            exec(raw, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            raw.rollback();
            Connection c1 = db.cached();
            c1.setAutoCommit(false);
            exec(c1, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            c1.rollback();
        }
    }
}
