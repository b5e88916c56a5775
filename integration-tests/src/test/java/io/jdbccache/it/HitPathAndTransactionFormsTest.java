package io.jdbccache.it;

import static io.jdbccache.it.TestDb.exec;
import static io.jdbccache.it.TestDb.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Hits built by the real driver from shared rows (scrolling, overflow, fetch settings, shared bytes, concurrency), isolation set in every form, writes through updatable result sets on every path, cascades through partitions. Each compares with the raw driver, on every database of the matrix that has the statement (a test for one database only assumes it). */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class HitPathAndTransactionFormsTest {

    @Parameter
    Database database;

    private boolean pg() {
        return database == Database.POSTGRESQL;
    }

    @FunctionalInterface
    interface Step {
        Object run() throws Exception;
    }

    private static String outcome(Step step) {
        try {
            return String.valueOf(step.run());
        } catch (SQLException e) {
            return "EX " + e.getClass().getSimpleName() + " " + e.getSQLState();
        } catch (Exception e) {
            return "EX " + e.getClass().getSimpleName();
        }
    }

    private static String plain(TestDb db, String... keyValues) {
        String url = db.plainCachedUrl();
        for (int i = 0; i < keyValues.length; i += 2) {
            url = db.database.withParameter(url, keyValues[i], keyValues[i + 1]);
        }
        return url;
    }

    /** The same cursor moves on a scrollable statement whose result overflows cache.maxResultRows. */
    private static List<String> scrollMoves(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            ResultSet rs = s.executeQuery("SELECT id FROM atk5_scroll ORDER BY id");
            out.add("type " + outcome(rs::getType));
            out.add("last " + outcome(rs::last) + " " + outcome(() -> rs.getInt(1)));
            out.add("first " + outcome(rs::first) + " " + outcome(() -> rs.getInt(1)));
            out.add("abs4 " + outcome(() -> rs.absolute(4)) + " " + outcome(() -> rs.getInt(1)));
            out.add("prev " + outcome(rs::previous) + " " + outcome(() -> rs.getInt(1)));
            rs.close();
        }
        return out;
    }

    @Test
    void scrollableResultOverflowingMaxResultRows() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_scroll (id INT PRIMARY KEY)", pg()
                    ? "INSERT INTO atk5_scroll SELECT g FROM generate_series(1, 5) g"
                    : "INSERT INTO atk5_scroll SELECT X FROM SYSTEM_RANGE(1, 5)");
            try (Connection raw = DriverManager.getConnection(db.rawUrl);
                    Connection cached = DriverManager.getConnection(plain(db, "cache.maxResultRows", "3"))) {
                List<String> expected = scrollMoves(raw);
                List<String> got = scrollMoves(cached);
                assertThat(got).isEqualTo(expected);
            }
        }
    }

    private static final String FMT = "SELECT id, d, n, r, ts FROM atk5_fmt ORDER BY id";

    private static List<String> strings(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            for (int i = 1; i <= 5; i++) {
                out.add(rs.getString(i));
            }
        }
        rs.close();
        return out;
    }

    /**
     * pgjdbc switches a query to binary results once it is server-prepared (prepareThreshold, 5 executions of one
     * SQL on a connection), changing its live field descriptions in place. The misses of one statement share one copy
     * of those descriptions only while they read the same: across the switch each entry keeps the format its bytes
     * were read in. Misses before and after the switch, their hits on the same statement (now binary), and hits on a
     * new connection's first executions (text) all read exactly what the raw driver reads, in step with it.
     */
    @Test
    void missesOfOneStatementAcrossTheSwitchToBinaryTransfer() throws Exception {
        Assumptions.assumeTrue(pg(), "prepareThreshold and binary transfer are pgjdbc's");
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_bin (id INT PRIMARY KEY, n NUMERIC(10,3), f FLOAT8, b BOOLEAN, t TEXT,"
                    + " d DATE, ts TIMESTAMPTZ, by BYTEA, i8 BIGINT)",
                    "INSERT INTO atk5_bin SELECT g, g * 1.5, g / 3.0, g % 2 = 0, 'row ' || g, DATE '2026-01-01' + g,"
                    + " TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 hour', decode(lpad(to_hex(g), 2, '0'),"
                    + " 'hex'), g * 10000000000 FROM generate_series(1, 12) g");
            String sql = "SELECT id, n, f, b, t, d, ts, by, i8, n * 2 AS twice FROM atk5_bin WHERE id = ?";
            try (Connection raw = DriverManager.getConnection(db.rawUrl);
                    Connection cached = DriverManager.getConnection(plain(db));
                    PreparedStatement rawRead = raw.prepareStatement(sql);
                    PreparedStatement cachedRead = cached.prepareStatement(sql)) {
                long hitsBefore = db.statistics().hitCount();
                for (int round = 1; round <= 2; round++) {
                    for (int id = 1; id <= 12; id++) {
                        assertThat(everyValue(cachedRead, id)).as("round %d, id %d", round, id)
                                .isEqualTo(everyValue(rawRead, id));
                    }
                }
                assertThat(db.statistics().hitCount() - hitsBefore).as("the second round's reads are hits")
                        .isEqualTo(12);
                try (Connection raw2 = DriverManager.getConnection(db.rawUrl);
                        Connection cached2 = DriverManager.getConnection(plain(db));
                        PreparedStatement rawRead2 = raw2.prepareStatement(sql);
                        PreparedStatement cachedRead2 = cached2.prepareStatement(sql)) {
                    for (int id = 12; id >= 1; id--) {
                        assertThat(everyValue(cachedRead2, id)).as("new connection, id %d", id)
                                .isEqualTo(everyValue(rawRead2, id));
                    }
                }
                assertThat(db.statistics().hitCount() - hitsBefore).as("the new connection's reads are hits")
                        .isEqualTo(24);
            }
        }
    }

    private static final List<String> FORMAT_DEPENDENT_TEXT = List.of("numeric", "float8", "bytea");

    /** Every column through getString, getObject and its type's getter, and the metadata's type per column. */
    private static List<String> everyValue(PreparedStatement read, int id) throws SQLException {
        read.setInt(1, id);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = read.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            for (int i = 1; i <= columns; i++) {
                out.add(rs.getMetaData().getColumnLabel(i) + " " + rs.getMetaData().getColumnTypeName(i) + " "
                        + rs.getMetaData().getColumnType(i));
            }
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    int column = i;
                    // pgjdbc's getString of a binary numeric, float or bytea differs from the text form's, and a hit
                    // gives the form of the execution that filled the entry (docs/consistency.md): not compared.
                    if (!FORMAT_DEPENDENT_TEXT.contains(rs.getMetaData().getColumnTypeName(column))) {
                        out.add(outcome(() -> rs.getString(column)));
                    }
                    out.add(outcome(() -> {
                        Object value = rs.getObject(column);
                        return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes)
                                : value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
                    }));
                }
                out.add(outcome(() -> rs.getBigDecimal("n")));
                out.add(outcome(() -> rs.getDouble("f")));
                out.add(outcome(() -> rs.getBoolean("b")));
                out.add(outcome(() -> rs.getDate("d")));
                out.add(outcome(() -> rs.getObject("ts", OffsetDateTime.class)));
                out.add(outcome(() -> rs.getTimestamp("ts").getTime()));
                out.add(outcome(() -> HexFormat.of().formatHex(rs.getBytes("by"))));
                out.add(outcome(() -> rs.getLong("i8")));
                out.add(outcome(() -> rs.getInt("n")));
            }
        }
        return out;
    }


    /**
     * A transaction that begins under default_transaction_isolation = repeatable read is REPEATABLE READ even after
     * the default is set back to read committed inside it; the driver only looks at the default lazily (at the
     * first cacheable read), by which time the read-back shows read committed.
     */
    @Test
    void defaultIsolationChangedInsideTransactionBeforeFirstRead() throws Exception {
        Assumptions.assumeTrue(pg(), "default_transaction_isolation is PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_iso (id INT PRIMARY KEY, v INT)", "INSERT INTO atk5_iso VALUES (1, 1)",
                    "CREATE TABLE atk5_other (id INT PRIMARY KEY)", "INSERT INTO atk5_other VALUES (1)");
            try (Connection c = DriverManager.getConnection(plain(db));
                    Connection d = DriverManager.getConnection(plain(db));
                    Connection raw = DriverManager.getConnection(db.rawUrl)) {
                exec(c, "SET default_transaction_isolation = 'repeatable read'");
                c.setAutoCommit(false);
                exec(c, "SET default_transaction_isolation = 'read committed'");
                query(c, "SELECT count(*) FROM atk5_other"); // takes the transaction's snapshot
                String level = String.valueOf(query(c, "SELECT current_setting('transaction_isolation')"));
                exec(d, "UPDATE atk5_iso SET v = 2 WHERE id = 1");
                String inTx = String.valueOf(query(c, "SELECT v FROM atk5_iso"));
                String other = String.valueOf(query(d, "SELECT v FROM atk5_iso"));
                String truth = String.valueOf(query(raw, "SELECT v FROM atk5_iso"));
                c.rollback();
                assertThat(other).as("read on D after D's committed write (c's transaction is " + level
                        + ", saw " + inTx + ")").isEqualTo(truth);
            }
        }
    }

    /** The same with SET SESSION CHARACTERISTICS as the first statement and SET LOCAL inside. */
    @Test
    void sessionCharacteristicsThenSetLocalDefault() throws Exception {
        Assumptions.assumeTrue(pg(), "SET LOCAL default_transaction_isolation is PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_iso (id INT PRIMARY KEY, v INT)", "INSERT INTO atk5_iso VALUES (1, 1)",
                    "CREATE TABLE atk5_other (id INT PRIMARY KEY)", "INSERT INTO atk5_other VALUES (1)");
            try (Connection c = DriverManager.getConnection(plain(db));
                    Connection d = DriverManager.getConnection(plain(db));
                    Connection raw = DriverManager.getConnection(db.rawUrl)) {
                exec(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                c.setAutoCommit(false);
                exec(c, "SET LOCAL default_transaction_isolation = 'read committed'");
                query(c, "SELECT count(*) FROM atk5_other");
                String level = String.valueOf(query(c, "SELECT current_setting('transaction_isolation')"));
                exec(d, "UPDATE atk5_iso SET v = 2 WHERE id = 1");
                String inTx = String.valueOf(query(c, "SELECT v FROM atk5_iso"));
                String other = String.valueOf(query(d, "SELECT v FROM atk5_iso"));
                String truth = String.valueOf(query(raw, "SELECT v FROM atk5_iso"));
                c.rollback();
                assertThat(other).as("read on D after D's committed write (c's transaction is " + level
                        + ", saw " + inTx + ")").isEqualTo(truth);
            }
        }
    }

    private static List<String> cursorAcrossCommit(Connection c, int fetchSize) throws SQLException {
        List<String> out = new ArrayList<>();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.setFetchSize(fetchSize);
            ResultSet rs = s.executeQuery("SELECT id FROM atk5_cur ORDER BY id");
            out.add(outcome(rs::next) + outcome(() -> rs.getInt(1)));
            out.add(outcome(rs::next) + outcome(() -> rs.getInt(1)));
            c.commit();
            out.add(outcome(rs::next) + outcome(() -> rs.getInt(1)));
            out.add(outcome(rs::next) + outcome(() -> rs.getInt(1)));
            out.add("closed " + outcome(rs::isClosed));
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        return out;
    }


    private static List<String> afterConnectionClose(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM atk5_cc ORDER BY id");
        out.add(outcome(rs::next));
        c.close();
        out.add("closed " + outcome(rs::isClosed));
        out.add(outcome(rs::next) + " " + outcome(() -> rs.getInt(1)));
        out.add("stmtclosed " + outcome(s::isClosed));
        out.add("meta " + outcome(() -> rs.getMetaData().getColumnCount()));
        return out;
    }

    @Test
    void connectionClosedWithOpenHit() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_cc (id INT PRIMARY KEY)", "INSERT INTO atk5_cc VALUES (1), (2), (3)");
            List<String> expected = afterConnectionClose(DriverManager.getConnection(db.rawUrl));
            List<String> miss = afterConnectionClose(DriverManager.getConnection(plain(db)));
            List<String> hit = afterConnectionClose(DriverManager.getConnection(plain(db)));
            assertThat(miss).as("miss").isEqualTo(expected);
            assertThat(hit).as("hit").isEqualTo(expected);
        }
    }

    /** Many threads take their first hit of one entry at once (type names filled in lazily). */
    @Test
    void concurrentFirstHits() throws Exception {
        Assumptions.assumeTrue(pg(), "JSONB, UUID, MONEY, INTERVAL and BYTEA columns with PostgreSQL's type names");
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_conc (id INT PRIMARY KEY, b BOOL, j JSONB, u UUID, m MONEY, t TEXT, "
                    + "ts TIMESTAMPTZ, iv INTERVAL, bt BYTEA, e NUMERIC(10,2))",
                    "INSERT INTO atk5_conc SELECT g, g % 2 = 0, ('{\"a\":' || g || '}')::jsonb, "
                            + "md5(g::text)::uuid, g, 'x' || g, '2024-01-01'::timestamptz + g * interval '1 day', "
                            + "g * interval '1 minute', decode(md5(g::text), 'hex'), g / 3.0 "
                            + "FROM generate_series(1, 50) g");
            String sql = "SELECT * FROM atk5_conc ORDER BY id";
            List<String> expected;
            try (Connection raw = DriverManager.getConnection(db.rawUrl)) {
                expected = describe(raw, sql);
            }
            int threads = 12;
            List<Connection> conns = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                conns.add(DriverManager.getConnection(plain(db)));
            }
            try {
                describe(conns.get(0), sql); // the miss
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<String>>> futures = new ArrayList<>();
                for (Connection c : conns) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        return describe(c, sql);
                    }));
                }
                go.countDown();
                for (Future<List<String>> f : futures) {
                    assertThat(f.get()).isEqualTo(expected);
                }
                pool.shutdown();
            } finally {
                for (Connection c : conns) {
                    c.close();
                }
            }
        }
    }

    private static List<String> describe(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    int col = i;
                    Object o = rs.getObject(i);
                    out.add(outcome(() -> rs.getString(col)) + "|"
                            + (o == null ? "null" : o.getClass().getSimpleName()) + "|"
                            + (o instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(o))
                            + "|" + rs.getMetaData().getColumnTypeName(i));
                }
            }
        }
        return out;
    }

    /** Bytes handed out by a hit must not be the shared rows' own (mutate every form, read again). */
    @Test
    void mutatingBytesOfAHit() throws Exception {
        Assumptions.assumeTrue(pg(), "BYTEA and prepareThreshold are PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_bytes (id INT PRIMARY KEY, b BYTEA, t TEXT, i INT)",
                    "INSERT INTO atk5_bytes VALUES (1, '\\x0102'::bytea, 'abc', 7)");
            String sql = "SELECT b, t, i FROM atk5_bytes";
            try (Connection c = DriverManager.getConnection(plain(db, "prepareThreshold", "-1"));
                    Connection raw = DriverManager.getConnection(db.rawUrl + "&prepareThreshold=-1")) {
                String expected = String.valueOf(bytesOf(raw, sql, false));
                bytesOf(c, sql, true);
                bytesOf(c, sql, true);
                String got = String.valueOf(bytesOf(c, sql, false));
                assertThat(got).isEqualTo(expected);
            }
        }
    }

    private static List<String> bytesOf(Connection c, String sql, boolean mutate) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            for (int i = 1; i <= 3; i++) {
                byte[] b = rs.getBytes(i);
                out.add(HexFormat.of().formatHex(b));
                if (mutate) {
                    Arrays.fill(b, (byte) 0x41);
                    Object o = rs.getObject(i);
                    if (o instanceof byte[] ob) {
                        Arrays.fill(ob, (byte) 0x41);
                    }
                }
                if (i > 1) {
                    out.add(rs.getString(i)); // a binary bytea's getString is byte[].toString() in pgjdbc
                }
            }
        }
        return out;
    }

    /** Runs {@code makeSnapshot} with autocommit off, then checks that D's committed write is seen by D. */
    private static void snapshotScenario(TestDb db, String... makeSnapshot) throws Exception {
        db.setup("CREATE TABLE atk5_iso (id INT PRIMARY KEY, v INT)", "INSERT INTO atk5_iso VALUES (1, 1)",
                "CREATE TABLE atk5_other (id INT PRIMARY KEY)", "INSERT INTO atk5_other VALUES (1)");
        try (Connection c = DriverManager.getConnection(plain(db));
                Connection d = DriverManager.getConnection(plain(db));
                Connection raw = DriverManager.getConnection(db.rawUrl)) {
            c.setAutoCommit(false);
            for (String sql : makeSnapshot) {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                }
            }
            query(c, "SELECT count(*) FROM atk5_other"); // takes the transaction's snapshot
            String level = String.valueOf(query(c, "SELECT current_setting('transaction_isolation')"));
            exec(d, "UPDATE atk5_iso SET v = 2 WHERE id = 1");
            String inTx = String.valueOf(query(c, "SELECT v FROM atk5_iso"));
            String other = String.valueOf(query(d, "SELECT v FROM atk5_iso"));
            String truth = String.valueOf(query(raw, "SELECT v FROM atk5_iso"));
            c.rollback();
            assertThat(other).as("read on D after D's committed write (c's transaction is " + level
                    + ", saw " + inTx + ")").isEqualTo(truth);
        }
    }

    @Test
    void setTransactionIsolationGucForm() throws Exception {
        Assumptions.assumeTrue(pg(), "transaction_isolation is PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            snapshotScenario(db, "SET transaction_isolation = 'repeatable read'");
        }
    }

    @Test
    void setLocalTransactionIsolationGucForm() throws Exception {
        Assumptions.assumeTrue(pg(), "transaction_isolation is PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            snapshotScenario(db, "SET LOCAL transaction_isolation TO serializable");
        }
    }

    private static final String W_READ = "SELECT id, v FROM atk5_w ORDER BY id";

    @FunctionalInterface
    interface Opener {
        ResultSet open(Connection c) throws SQLException;
    }

    /** Fills the cache, writes a row through the result set {@code opener} returns, reads again. */
    private void updatableScenario(Opener opener) throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_w (id INT PRIMARY KEY, v INT)", "INSERT INTO atk5_w VALUES (1, 10), (2, 20)");
            try (Connection c = DriverManager.getConnection(plain(db));
                    Connection raw = DriverManager.getConnection(db.rawUrl)) {
                query(c, W_READ);
                query(c, W_READ);
                ResultSet rs = opener.open(c);
                assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_UPDATABLE);
                query(c, W_READ); // cached again, after whatever opening invalidated
                query(c, W_READ);
                rs.next();
                rs.updateInt("v", 99);
                rs.updateRow();
                rs.close();
                assertThat(String.valueOf(query(c, W_READ))).isEqualTo(String.valueOf(query(raw, W_READ)));
            }
        }
    }

    @Test
    void updateRowThroughForUpdateExecuteQuery() throws Exception {
        updatableScenario(c -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)
                .executeQuery("SELECT id, v FROM atk5_w WHERE id = 1 FOR UPDATE"));
    }

    @Test
    void updateRowThroughForUpdatePreparedExecuteQuery() throws Exception {
        updatableScenario(c -> {
            PreparedStatement ps = c.prepareStatement("SELECT id, v FROM atk5_w WHERE id = ? FOR UPDATE",
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
            ps.setInt(1, 1);
            return ps.executeQuery();
        });
    }

    @Test
    void updateRowThroughCallableExecuteQuery() throws Exception {
        updatableScenario(c -> c.prepareCall("SELECT id, v FROM atk5_w WHERE id = 1",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE).executeQuery());
    }

    @Test
    void updateRowThroughNonDeterministicRead() throws Exception {
        updatableScenario(c -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)
                .executeQuery("SELECT id, v FROM atk5_w WHERE id = 1 AND random() >= 0"));
    }

    private void cascadeScenario(String[] setup, String[] reads, String write) throws Exception {
        Assumptions.assumeTrue(pg(), "declarative partitioning is PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            db.setup(setup);
            try (Connection c = DriverManager.getConnection(plain(db));
                    Connection raw = DriverManager.getConnection(db.rawUrl)) {
                for (String r : reads) {
                    query(c, r);
                    query(c, r);
                }
                exec(c, write);
                for (String r : reads) {
                    assertThat(String.valueOf(query(c, r))).as(r + " after " + write)
                            .isEqualTo(String.valueOf(query(raw, r)));
                }
            }
        }
    }

    private static final String[] PARTITIONED_PARENT = {
        "CREATE TABLE atk5_pp (id INT PRIMARY KEY) PARTITION BY RANGE (id)",
        "CREATE TABLE atk5_pp1 PARTITION OF atk5_pp FOR VALUES FROM (0) TO (100)",
        "CREATE TABLE atk5_pc (id INT PRIMARY KEY, pid INT REFERENCES atk5_pp (id) ON DELETE CASCADE)",
        "INSERT INTO atk5_pp VALUES (1), (2)", "INSERT INTO atk5_pc VALUES (10, 1), (20, 2)"};

    @Test
    void cascadeFromPartitionedParent() throws Exception {
        cascadeScenario(PARTITIONED_PARENT, new String[] {"SELECT count(*) FROM atk5_pc"},
                "DELETE FROM atk5_pp WHERE id = 1");
    }

    @Test
    void cascadeFromPartitionOfParent() throws Exception {
        cascadeScenario(PARTITIONED_PARENT, new String[] {"SELECT count(*) FROM atk5_pc"},
                "DELETE FROM atk5_pp1 WHERE id = 1");
    }

    @Test
    void cascadeIntoPartitionedChild() throws Exception {
        cascadeScenario(new String[] {
            "CREATE TABLE atk5_p (id INT PRIMARY KEY)",
            "CREATE TABLE atk5_c (id INT, pid INT REFERENCES atk5_p (id) ON DELETE CASCADE) PARTITION BY RANGE (id)",
            "CREATE TABLE atk5_c1 PARTITION OF atk5_c FOR VALUES FROM (0) TO (100)",
            "INSERT INTO atk5_p VALUES (1), (2)", "INSERT INTO atk5_c VALUES (10, 1), (20, 2)"},
                new String[] {"SELECT count(*) FROM atk5_c1", "SELECT count(*) FROM atk5_c"},
                "DELETE FROM atk5_p WHERE id = 1");
    }

    @Test
    void updateCascadeIntoPartitionedChildLeafRead() throws Exception {
        cascadeScenario(new String[] {
            "CREATE TABLE atk5_p (id INT PRIMARY KEY, k INT UNIQUE)",
            "CREATE TABLE atk5_c (id INT, pk INT REFERENCES atk5_p (k) ON UPDATE CASCADE) PARTITION BY LIST (id)",
            "CREATE TABLE atk5_c1 PARTITION OF atk5_c FOR VALUES IN (10, 20)",
            "INSERT INTO atk5_p VALUES (1, 100), (2, 200)", "INSERT INTO atk5_c VALUES (10, 100), (20, 200)"},
                new String[] {"SELECT pk FROM atk5_c1 ORDER BY id"},
                "UPDATE atk5_p SET k = 101 WHERE id = 1");
    }

    private static List<String> fetchDirection(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchDirection(ResultSet.FETCH_REVERSE);
            try (ResultSet rs = s.executeQuery("SELECT id FROM atk5_fd ORDER BY id")) {
                out.add("direction " + outcome(rs::getFetchDirection));
                out.add("holdability " + outcome(rs::getHoldability));
                out.add("fetchSize " + outcome(rs::getFetchSize));
            }
        }
        return out;
    }

    @Test
    void fetchDirectionOfAHit() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_fd (id INT PRIMARY KEY)", "INSERT INTO atk5_fd VALUES (1), (2)");
            try (Connection raw = DriverManager.getConnection(db.rawUrl);
                    Connection c = DriverManager.getConnection(plain(db))) {
                List<String> expected = fetchDirection(raw);
                List<String> miss = fetchDirection(c);
                List<String> hit = fetchDirection(c);
                assertThat(miss).as("miss").isEqualTo(expected);
                assertThat(hit).as("hit").isEqualTo(expected);
            }
        }
    }

    @Test
    void updateRowThroughGeneratedKeys() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_w (id INT PRIMARY KEY, v INT)", "INSERT INTO atk5_w VALUES (1, 10), (2, 20)");
            try (Connection c = DriverManager.getConnection(plain(db));
                    Connection raw = DriverManager.getConnection(db.rawUrl)) {
                query(c, W_READ);
                query(c, W_READ);
                Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                s.executeUpdate("INSERT INTO atk5_w VALUES (3, 30)", Statement.RETURN_GENERATED_KEYS);
                ResultSet rs = s.getGeneratedKeys();
                query(c, W_READ);
                query(c, W_READ);
                String concurrency = outcome(rs::getConcurrency);
                rs.next();
                String update = outcome(() -> {
                    rs.updateInt("v", 77);
                    rs.updateRow();
                    return "updated";
                });
                rs.close();
                assertThat(String.valueOf(query(c, W_READ))).as(concurrency + " " + update)
                        .isEqualTo(String.valueOf(query(raw, W_READ)));
            }
        }
    }

    @Test
    void updateRowThroughCallableExecuteThenGetResultSet() throws Exception {
        updatableScenario(c -> {
            CallableStatement cs = c.prepareCall("SELECT id, v FROM atk5_w WHERE id = 1",
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
            cs.execute();
            return cs.getResultSet();
        });
    }

    private static List<String> inZone(Connection c, String zone) throws SQLException {
        exec(c, "SET TIME ZONE '" + zone + "'");
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tz, ts, CAST(tz AS TIMESTAMP) FROM atk5_tz")) {
            while (rs.next()) {
                for (int i = 1; i <= 3; i++) {
                    int col = i;
                    out.add(outcome(() -> rs.getString(col)));
                    out.add(outcome(() -> rs.getTimestamp(col)));
                    out.add(outcome(() -> rs.getObject(col, OffsetDateTime.class)));
                    out.add(outcome(() -> rs.getObject(col, Instant.class)));
                }
            }
        }
        return out;
    }

    @Test
    void sessionTimeZoneChangedBetweenMissAndHit() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_tz (tz TIMESTAMP WITH TIME ZONE, ts TIMESTAMP)",
                    "INSERT INTO atk5_tz VALUES (TIMESTAMP WITH TIME ZONE '2024-01-01 12:00:00+00', "
                            + "TIMESTAMP '2024-01-01 12:00:00')");
            try (Connection raw = DriverManager.getConnection(db.rawUrl);
                    Connection a = DriverManager.getConnection(plain(db));
                    Connection b = DriverManager.getConnection(plain(db))) {
                for (String zone : List.of("UTC", "Asia/Tokyo", "UTC", "America/New_York")) {
                    List<String> expected = inZone(raw, zone);
                    assertThat(inZone(a, zone)).as("a " + zone).isEqualTo(expected);
                    assertThat(inZone(b, zone)).as("b " + zone).isEqualTo(expected);
                }
            }
        }
    }

    /** The same in autocommit mode, with an explicit BEGIN. */
    @Test
    void explicitBeginThenTransactionIsolationGuc() throws Exception {
        Assumptions.assumeTrue(pg(), "BEGIN and transaction_isolation are PostgreSQL's");
        try (TestDb db = TestDb.open(database)) {
            db.setup("CREATE TABLE atk5_iso (id INT PRIMARY KEY, v INT)", "INSERT INTO atk5_iso VALUES (1, 1)",
                    "CREATE TABLE atk5_other (id INT PRIMARY KEY)", "INSERT INTO atk5_other VALUES (1)");
            try (Connection c = DriverManager.getConnection(plain(db));
                    Connection d = DriverManager.getConnection(plain(db));
                    Connection raw = DriverManager.getConnection(db.rawUrl)) {
                exec(c, "BEGIN", "SET transaction_isolation = 'repeatable read'");
                query(c, "SELECT count(*) FROM atk5_other");
                exec(d, "UPDATE atk5_iso SET v = 2 WHERE id = 1");
                String inTx = String.valueOf(query(c, "SELECT v FROM atk5_iso"));
                String other = String.valueOf(query(d, "SELECT v FROM atk5_iso"));
                String truth = String.valueOf(query(raw, "SELECT v FROM atk5_iso"));
                exec(c, "COMMIT");
                String afterCommit = String.valueOf(query(d, "SELECT v FROM atk5_iso"));
                assertThat(other).as("D after its own committed write (C saw " + inTx + "; after C's commit D reads "
                        + afterCommit + ")").isEqualTo(truth);
            }
        }
    }

    @Test
    void updateRowThroughForUpdateExecuteThenGetResultSet() throws Exception {
        updatableScenario(c -> {
            Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
            st.execute("SELECT id, v FROM atk5_w WHERE id = 1 FOR UPDATE");
            return st.getResultSet();
        });
    }

}
