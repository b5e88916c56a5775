package io.jdbccache.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Struct;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.util.DateTimeUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.geometric.PGbox;
import org.postgresql.geometric.PGpoint;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGmoney;
import org.postgresql.util.PGobject;

/**
 * A cache hit is indistinguishable from the real driver (pgjdbc, H2): for every column type, every getter (by index
 * and by label), every cursor move and every error case, a hit and the raw driver give the same value, the same
 * {@code wasNull}, the same exception class and SQLState; their {@link ResultSetMetaData} agree on every property;
 * the statement-level state (warnings, closeOnCompletion, fetch size, type, ...) agrees.
 *
 * <p>Each case runs with one JVM default time zone (the "read zone", UTC or America/New_York) while the cache was
 * filled (the miss) under the other zone: a cache must not bake in the zone of the miss. Both sides are read in the
 * same process state (same default zone, connections opened in the same zone), the raw side through the real driver
 * and the cached side through {@code jdbc:cache:...}; every comparison is of a normalized description (class and
 * value; byte arrays, streams and LOBs by content; Calendar by millis and zone; Array by its elements; objects
 * without a useful {@code equals} by class and text). Exceptions compare by class and SQLState; their messages are
 * shown in the report but not compared.
 *
 * <p>The scalar types live in {@code fid_scalars}, whose reads must be hits. Arrays, LOBs, XML and structured types
 * live in {@code fid_others}, which the cache may bypass; either way those reads must match the real driver too.
 *
 * <p>There is no allowlist: every difference fails the test, and the failure message groups them (counts per
 * category and per column, then examples).
 */
@ParameterizedClass(name = "{0}, read in {1}")
@MethodSource("matrix")
class HitFidelityTest {
    private static final List<String> ZONES = List.of("UTC", "America/New_York");
    private static final String SCALARS = "SELECT * FROM fid_scalars ORDER BY id";
    private static final String OTHERS = "SELECT * FROM fid_others ORDER BY id";
    private static final String SPECIALS = "SELECT * FROM fid_specials ORDER BY id";
    private static final String EMPTY = "SELECT * FROM fid_scalars WHERE id < 0 ORDER BY id";
    private static final int ROWS = 8;
    /** The row whose every column (but id) is NULL. */
    private static final int NULL_ROW = 2;
    private static final int MAX_EXAMPLES = 60;
    private static final int EXAMPLES_PER_CATEGORY = 3;

    static Stream<Arguments> matrix() {
        List<Arguments> arguments = new ArrayList<>();
        for (Database database : Database.values()) {
            for (String zone : ZONES) {
                arguments.add(Arguments.of(database, zone));
            }
        }
        return arguments.stream();
    }

    @Parameter(0)
    Database database;

    @Parameter(1)
    String readZoneId;

    private TestDb db;
    private TimeZone originalZone;
    private TimeZone readZone;
    private TimeZone missZone;
    private final List<Connection> connections = new ArrayList<>();

    // ------------------------------------------------------------------------------------------------ fixture

    /** A column of a fixture table: its SQL type and the SQL literals of the non-NULL rows (cycled). */
    private record Column(String name, String type, String... values) {
        String value(int row) {
            int index = row < NULL_ROW ? row - 1 : row - 2;
            return values[index % values.length];
        }
    }

    private static final List<Column> PG_SCALARS = List.of(
            new Column("c_int2", "smallint", "42", "-32768", "32767", "0", "-1"),
            new Column("c_int4", "integer", "42", "-2147483648", "2147483647", "0", "1", "255", "-129"),
            new Column("c_int8", "bigint", "9000000000", "-9223372036854775808", "9223372036854775807", "0", "127",
                    "2147483648", "-1"),
            new Column("c_num", "numeric(40,10)", "123.456", "123456789012345678901234567890.1234567890",
                    "-0.0000000001", "0", "1.5", "-99.99", "2147483648"),
            new Column("c_num_free", "numeric", "'NaN'", "0.000000000000000000000000000001",
                    "-12345678901234567890123456789012345678901234567890.5", "0.00", "100", "1e20", "3.14159"),
            new Column("c_real", "real", "1.5", "'NaN'", "'Infinity'", "'-Infinity'", "'-0'", "3.4028235e38",
                    "1.4e-45"),
            new Column("c_double", "double precision", "0.1", "'-0'", "1.7976931348623157e308", "'NaN'",
                    "'-Infinity'", "'Infinity'", "4.9e-324"),
            new Column("c_money", "money", "'-100.50'", "'92233720368547758.07'", "'0'", "'1234.56'",
                    "'-92233720368547758.08'", "'0.01'", "'1'"),
            new Column("c_bool", "boolean", "true", "false"),
            new Column("c_char", "char(5)", "'ab'", "''", "'abcde'", "' x'", "'12'", "'t'", "'1.5'"),
            new Column("c_varchar", "varchar(20)", "'hello'", "''", "'42'", "'-7'", "'true'", "'2024-02-29'",
                    "'12:34:56'"),
            new Column("c_text", "text", "E'line1\\nline2'", "'ünïcödé ☃ 𝄞'", "'1e3'", "'2024-02-29 13:14:15'",
                    "'NaN'", "'http://example.com/x'", "'123e4567-e89b-12d3-a456-426614174000'"),
            new Column("c_name", "name", "'pg_name'", "''", "'Name With Spaces'", "'0'"),
            new Column("c_qchar", "\"char\"", "'a'", "'Z'", "'1'", "' '"),
            new Column("c_bytea", "bytea", "'\\x0102ff'", "''", "'\\x00'", "'\\xdeadbeef'", "'\\x3132'", "'\\x74'"),
            new Column("c_date", "date", "'2024-02-29'", "'0044-03-15 BC'", "'infinity'", "'-infinity'",
                    "'1970-01-01'", "'1582-10-10'", "'2024-03-10'"),
            new Column("c_time", "time", "'13:14:15.123456'", "'23:59:59.999999'", "'24:00:00'", "'00:00:00'",
                    "'02:30:00'", "'01:30:00'", "'12:00:00.5'"),
            new Column("c_timetz", "timetz", "'12:00:00+05:30'", "'00:00:00-12'", "'23:59:59.999999+14'",
                    "'13:14:15.123456+00'", "'02:30:00-05'", "'01:30:00-04'", "'00:00:00+00'"),
            new Column("c_ts", "timestamp", "'2024-02-29 13:14:15.123456'", "'2024-03-10 02:30:00'",
                    "'2024-11-03 01:30:00'", "'0044-03-15 12:00:00 BC'", "'infinity'", "'-infinity'",
                    "'1969-12-31 23:59:59.999999'"),
            new Column("c_ts0", "timestamp(0)", "'2024-02-29 13:14:15.6'", "'2024-03-10 02:30:00'",
                    "'1582-10-10 12:00:00'"),
            new Column("c_tstz", "timestamptz", "'2024-02-29 13:14:15.123456+05:30'", "'2024-03-10 07:30:00+00'",
                    "'2024-11-03 05:30:00+00'", "'2024-11-03 06:30:00+00'", "'0044-03-15 12:00:00+00 BC'",
                    "'infinity'", "'-infinity'"),
            new Column("c_interval", "interval", "'1 year 2 mons 3 days 04:05:06.789'", "'-1 day'", "'0'",
                    "'178000000 years'", "'1 mon -1 days'", "'-00:00:00.000001'", "'3 days 25:00:00'"),
            new Column("c_uuid", "uuid", "'123e4567-e89b-12d3-a456-426614174000'",
                    "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"),
            new Column("c_json", "json", "'{\"a\": 1,  \"b\": [1, 2]}'", "'[]'", "'null'", "'\"str\"'", "'1.50'",
                    "'true'", "'{}'"),
            new Column("c_jsonb", "jsonb", "'{\"a\": 1,  \"b\": [1, 2]}'", "'[]'", "'null'", "'\"str\"'", "'1.50'",
                    "'true'", "'{}'"),
            new Column("c_inet", "inet", "'192.168.0.1'", "'::1'", "'10.0.0.0/8'", "'192.168.0.1/24'",
                    "'2001:db8::1/64'"),
            new Column("c_cidr", "cidr", "'10.0.0.0/8'", "'2001:db8::/32'", "'192.168.0.0/24'"),
            new Column("c_macaddr", "macaddr", "'08:00:2b:01:02:03'", "'00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff'"),
            new Column("c_point", "point", "'(1,2)'", "'(-1.5,0)'", "'(1e300,-1e-300)'"),
            new Column("c_box", "box", "'((0,0),(1,1))'", "'((-1,-2),(3,4))'"),
            new Column("c_bit", "bit(4)", "B'1010'", "B'0000'", "B'1111'", "B'0001'"),
            new Column("c_varbit", "varbit", "B'1'", "B''", "B'101010101'", "B'0'"),
            new Column("c_enum", "fid_mood", "'happy'", "'sad'", "'ok'"),
            new Column("c_posint", "fid_posint", "1", "2147483647", "0"),
            new Column("c_code", "fid_code", "'abc'", "''", "'42'"),
            new Column("c_int4range", "int4range", "'[1,10)'", "'empty'", "'(,5]'", "'[3,)'", "'(,)'"),
            new Column("c_tsrange", "tsrange", "'[2024-03-10 02:30,2024-11-03 01:30)'", "'empty'",
                    "'(,2024-02-29 00:00]'"),
            new Column("c_daterange", "daterange", "'[2024-02-29,2024-03-01)'", "'empty'", "'[2024-01-01,infinity)'",
                    "'(,)'"),
            new Column("c_oid", "oid", "0", "4294967295", "12345", "1"),
            new Column("c_tsvector", "tsvector", "'a fat cat'", "''", "'''quoted'' x:1A'"),
            new Column("c_bigtext", "text", "repeat('é', 4000)", "'short'"));

    /**
     * Values the real driver's getObject refuses (H2 DECFLOAT NaN/Infinity; PostgreSQL numeric Infinity): the
     * cache, which reads on a miss, must still answer like the driver; kept apart so they do not hide the rest.
     */
    private static final List<Column> PG_SPECIALS = List.of(
            new Column("c_num", "numeric", "'NaN'", "'Infinity'", "'-Infinity'", "1.5"),
            new Column("c_num_typmod", "numeric(10,2)", "'NaN'", "1.5"),
            new Column("c_double", "double precision", "'NaN'", "'Infinity'", "'-Infinity'", "'-0'"));

    private static final List<Column> H2_SPECIALS = List.of(
            new Column("c_decfloat", "DECFLOAT", "CAST('NaN' AS DECFLOAT)", "CAST('Infinity' AS DECFLOAT)",
                    "CAST('-Infinity' AS DECFLOAT)", "1.5"),
            new Column("c_double", "DOUBLE PRECISION", "CAST('NaN' AS DOUBLE PRECISION)",
                    "CAST('Infinity' AS DOUBLE PRECISION)", "CAST('-Infinity' AS DOUBLE PRECISION)",
                    "CAST('-0.0' AS DOUBLE PRECISION)"));

    private static final List<Column> PG_OTHERS = List.of(
            new Column("c_int_arr", "integer[]", "'{1,2,NULL}'", "'{}'", "'{-2147483648,2147483647}'"),
            new Column("c_text_arr", "text[]", "'{\"a\",\"b c\",NULL,\"NULL\"}'", "'{}'", "'{\"é\"}'"),
            new Column("c_int_2d", "integer[]", "'{{1,2},{3,4}}'", "'[0:1]={5,6}'"),
            new Column("c_ts_arr", "timestamp[]", "'{\"2024-03-10 02:30:00\",\"infinity\"}'"),
            new Column("c_tstz_arr", "timestamptz[]", "'{\"2024-11-03 05:30:00+00\"}'"),
            new Column("c_date_arr", "date[]", "'{\"2024-02-29\",\"0044-03-15 BC\"}'"),
            new Column("c_bool_arr", "boolean[]", "'{t,f,NULL}'"),
            new Column("c_num_arr", "numeric[]", "'{1.50,NaN,-0.001}'"),
            new Column("c_float8_arr", "float8[]", "'{NaN,Infinity,-0}'"),
            new Column("c_uuid_arr", "uuid[]", "'{123e4567-e89b-12d3-a456-426614174000}'"),
            new Column("c_xml", "xml", "'<a>1</a>'", "'<b x=\"y\"/>'", "'text only'"),
            new Column("c_pair", "fid_pair", "'(1,\"x y\")'", "'(,)'", "'(-1,\"\")'"));

    private static final List<Column> H2_SCALARS = List.of(
            new Column("c_tinyint", "TINYINT", "42", "-128", "127", "0", "-1"),
            new Column("c_smallint", "SMALLINT", "42", "-32768", "32767", "0", "-1"),
            new Column("c_int", "INT", "42", "-2147483648", "2147483647", "0", "1", "255", "-129"),
            new Column("c_bigint", "BIGINT", "9000000000", "-9223372036854775808", "9223372036854775807", "0", "127",
                    "2147483648", "-1"),
            new Column("c_numeric", "NUMERIC(40,10)", "123.456", "123456789012345678901234567890.1234567890",
                    "-0.0000000001", "0", "1.5", "-99.99", "2147483648"),
            new Column("c_decimal", "DECIMAL(10,2)", "12345678.91", "-0.01", "0.50", "0", "127"),
            new Column("c_numeric_free", "NUMERIC", "0.000000000000000000000000000001",
                    "-12345678901234567890123456789012345678901234567890.5", "0.00", "100", "3.14159"),
            new Column("c_decfloat", "DECFLOAT", "1.5E+300", "-0.001", "0", "123", "1E-100", "2147483648.5"),
            new Column("c_real", "REAL", "CAST('NaN' AS REAL)", "CAST('Infinity' AS REAL)",
                    "CAST('-Infinity' AS REAL)", "CAST('-0.0' AS REAL)", "3.4028235E38", "1.4E-45", "1.5"),
            new Column("c_double", "DOUBLE PRECISION", "CAST('NaN' AS DOUBLE PRECISION)",
                    "CAST('Infinity' AS DOUBLE PRECISION)", "CAST('-Infinity' AS DOUBLE PRECISION)",
                    "CAST('-0.0' AS DOUBLE PRECISION)", "1.7976931348623157E308", "4.9E-324", "0.1"),
            new Column("c_bool", "BOOLEAN", "TRUE", "FALSE"),
            new Column("c_char", "CHAR(5)", "'ab'", "''", "'abcde'", "' x'", "'12'", "'true'", "'1.5'"),
            new Column("c_varchar", "VARCHAR(20)", "'hello'", "''", "'42'", "'-7'", "'true'", "'2024-02-29'",
                    "'12:34:56'"),
            new Column("c_vic", "VARCHAR_IGNORECASE(20)", "'MiXeD'", "''", "'2024-02-29 13:14:15'", "'1'"),
            new Column("c_binary", "BINARY(4)", "X'0102FF00'", "X'00000000'", "X'DEADBEEF'", "X'31320000'"),
            new Column("c_varbinary", "VARBINARY(16)", "X''", "X'0102FF'", "X'00'", "X'3132'"),
            new Column("c_date", "DATE", "DATE '2024-02-29'", "DATE '-0044-03-15'", "DATE '0000-01-01'",
                    "DATE '1582-10-10'", "DATE '9999-12-31'", "DATE '2024-03-10'", "DATE '1970-01-01'"),
            new Column("c_time", "TIME", "TIME '13:14:15'", "TIME '23:59:59'", "TIME '00:00:00'", "TIME '02:30:00'"),
            new Column("c_time9", "TIME(9)", "TIME '23:59:59.999999999'", "TIME '12:00:00.5'",
                    "TIME '13:14:15.123456789'"),
            new Column("c_timetz", "TIME(6) WITH TIME ZONE", "TIME WITH TIME ZONE '12:00:00+05:30'",
                    "TIME WITH TIME ZONE '00:00:00-12:00'", "TIME WITH TIME ZONE '23:59:59.999999+14:00'",
                    "TIME WITH TIME ZONE '02:30:00-05:00'"),
            new Column("c_ts", "TIMESTAMP(9)", "TIMESTAMP '2024-02-29 13:14:15.123456789'",
                    "TIMESTAMP '2024-03-10 02:30:00'", "TIMESTAMP '2024-11-03 01:30:00'",
                    "TIMESTAMP '-0044-03-15 12:00:00'", "TIMESTAMP '1969-12-31 23:59:59.999999999'",
                    "TIMESTAMP '9999-12-31 23:59:59.999999999'", "TIMESTAMP '1582-10-10 00:00:00'"),
            new Column("c_tstz", "TIMESTAMP(9) WITH TIME ZONE",
                    "TIMESTAMP WITH TIME ZONE '2024-02-29 13:14:15.123456789+05:30'",
                    "TIMESTAMP WITH TIME ZONE '2024-03-10 07:30:00+00:00'",
                    "TIMESTAMP WITH TIME ZONE '2024-11-03 05:30:00+00:00'",
                    "TIMESTAMP WITH TIME ZONE '2024-11-03 06:30:00+00:00'",
                    "TIMESTAMP WITH TIME ZONE '-0044-03-15 12:00:00+00:00'",
                    "TIMESTAMP WITH TIME ZONE '2024-03-10 02:30:00-05:00'"),
            new Column("c_iv_ym", "INTERVAL YEAR TO MONTH", "INTERVAL '1-2' YEAR TO MONTH",
                    "INTERVAL '-3-11' YEAR TO MONTH", "INTERVAL '0-0' YEAR TO MONTH"),
            new Column("c_iv_ds", "INTERVAL DAY TO SECOND(6)", "INTERVAL '3 04:05:06.789' DAY TO SECOND",
                    "INTERVAL '-1 00:00:00' DAY TO SECOND", "INTERVAL '0 00:00:00.000001' DAY TO SECOND"),
            new Column("c_iv_h", "INTERVAL HOUR", "INTERVAL '-25' HOUR", "INTERVAL '99' HOUR"),
            new Column("c_uuid", "UUID", "'123e4567-e89b-12d3-a456-426614174000'",
                    "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"),
            new Column("c_json", "JSON", "JSON '{\"a\":1,\"b\":[1,2]}'", "JSON '[]'", "JSON 'null'", "JSON '\"str\"'",
                    "JSON '1.50'", "JSON 'true'"),
            new Column("c_enum", "ENUM('happy','sad','ok')", "'happy'", "'sad'", "'ok'"),
            new Column("c_bigtext", "VARCHAR", "REPEAT('é', 4000)", "'short'"));

    private static final List<Column> H2_OTHERS = List.of(
            new Column("c_int_arr", "INTEGER ARRAY", "ARRAY[1,2,NULL]", "ARRAY[]", "ARRAY[-2147483648,2147483647]"),
            new Column("c_vc_arr", "VARCHAR(10) ARRAY", "ARRAY['a','b c',NULL]", "ARRAY[]"),
            new Column("c_nested", "INTEGER ARRAY ARRAY", "ARRAY[ARRAY[1,2],ARRAY[3]]"),
            new Column("c_ts_arr", "TIMESTAMP ARRAY", "ARRAY[TIMESTAMP '2024-03-10 02:30:00']"),
            new Column("c_row", "ROW(a INT, b VARCHAR(10))", "ROW(1,'x')", "ROW(NULL,NULL)"),
            new Column("c_clob", "CLOB", "'text'", "''", "REPEAT('é', 4000)"),
            new Column("c_blob", "BLOB", "X'0102FF'", "X''"));

    /** GEOMETRY only when JTS is on the class path (H2 cannot return geometry objects without it). */
    private static final boolean JTS = isLoadable("org.locationtech.jts.geom.Geometry");

    private boolean pg() {
        return database == Database.POSTGRESQL;
    }

    private List<Column> scalarColumns() {
        return pg() ? PG_SCALARS : H2_SCALARS;
    }

    private List<Column> otherColumns() {
        List<Column> columns = new ArrayList<>(pg() ? PG_OTHERS : H2_OTHERS);
        if (!pg() && JTS) {
            columns.add(new Column("c_geometry", "GEOMETRY", "'POINT (1 2)'", "'LINESTRING (0 0, 1 1)'"));
        }
        return columns;
    }

    /** CREATE TABLE and one INSERT of all rows (row {@link #NULL_ROW} all NULL but its id). */
    private static List<String> tableSql(String table, List<Column> columns) {
        StringBuilder create = new StringBuilder("CREATE TABLE " + table + " (id INT PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO " + table + " (id");
        for (Column c : columns) {
            create.append(", ").append(c.name()).append(' ').append(c.type());
            insert.append(", ").append(c.name());
        }
        insert.append(") VALUES ");
        for (int row = 1; row <= ROWS; row++) {
            insert.append(row == 1 ? "" : ", ").append('(').append(row);
            for (Column c : columns) {
                insert.append(", ").append(row == NULL_ROW ? "NULL" : c.value(row));
            }
            insert.append(')');
        }
        return List.of(create.append(')').toString(), insert.toString());
    }

    /**
     * Runs setup SQL on a raw connection; on PostgreSQL as one multi-statement execution (one implicit
     * transaction, so one commit instead of one per statement: the fixture costs a fraction of the time).
     */
    private void setup(List<String> sql) throws SQLException {
        if (pg()) {
            db.setup(String.join(";\n", sql));
        } else {
            db.setup(sql.toArray(String[]::new));
        }
    }

    private void createOthers() throws SQLException {
        setup(tableSql("fid_others", otherColumns()));
    }

    private void createSpecials() throws SQLException {
        setup(tableSql("fid_specials", pg() ? PG_SPECIALS : H2_SPECIALS));
    }

    @BeforeEach
    void setUp() throws SQLException {
        originalZone = TimeZone.getDefault();
        readZone = TimeZone.getTimeZone(readZoneId);
        missZone = TimeZone.getTimeZone(ZONES.get(1 - ZONES.indexOf(readZoneId)));
        db = TestDb.open(database);
        List<String> sql = new ArrayList<>();
        if (pg()) {
            sql.addAll(List.of("CREATE TYPE fid_mood AS ENUM ('happy', 'sad', 'ok')",
                    "CREATE DOMAIN fid_posint AS integer CHECK (VALUE >= 0)",
                    "CREATE DOMAIN fid_code AS text CHECK (VALUE <> 'forbidden')",
                    "CREATE TYPE fid_pair AS (a integer, b text)"));
        }
        sql.addAll(tableSql("fid_scalars", scalarColumns()));
        setup(sql);
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing is best effort; the database is dropped below
                }
            }
            connections.clear();
            // TestDb.close drops the whole schema (or H2 database) as well; these are the objects this test made.
            setup(pg()
                    ? List.of("DROP TABLE IF EXISTS fid_scalars, fid_others, fid_specials CASCADE",
                        "DROP TYPE IF EXISTS fid_mood, fid_pair CASCADE",
                        "DROP DOMAIN IF EXISTS fid_posint, fid_code CASCADE")
                    : List.of("DROP TABLE IF EXISTS fid_scalars, fid_others, fid_specials"));
        } finally {
            try {
                db.close();
            } finally {
                useZone(originalZone);
            }
        }
    }

    private static void useZone(TimeZone zone) {
        TimeZone.setDefault(zone);
        // H2 caches the default zone for its java.sql.Date/Time/Timestamp conversions until told to forget it.
        DateTimeUtils.resetCalendar();
    }

    private Connection openRaw() throws SQLException {
        return track(DriverManager.getConnection(db.rawUrl));
    }

    /** Through jdbc-cache itself (no counting proxy in between, so nothing but the cache stands between). */
    private Connection openCached() throws SQLException {
        return track(DriverManager.getConnection(db.plainCachedUrl()));
    }

    private Connection track(Connection connection) {
        connections.add(connection);
        return connection;
    }

    /** Fills the cache for {@code sql} under the miss zone, through its own statement, reading every row. */
    private void miss(Connection cached, String sql) {
        miss(cached, sql, ResultSet.TYPE_FORWARD_ONLY);
    }

    /** A failing miss is only printed: the reads that follow then are not hits, which the comparison reports. */
    private void miss(Connection cached, String sql, int type) {
        TimeZone previous = TimeZone.getDefault();
        useZone(missZone);
        try (Statement statement = cached.createStatement(type, ResultSet.CONCUR_READ_ONLY);
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rs.getString(1);
            }
        } catch (SQLException e) {
            System.out.println("[" + database + "] the miss of " + sql + " failed: " + e);
        } finally {
            useZone(previous);
        }
    }

    // ------------------------------------------------------------------------------------------------ one side

    /**
     * What one side (raw or cached) did: an ordered map from a description of the call to its normalized outcome,
     * with the category and column of each call for the report, exception messages for the report, and whether the
     * executions that had to be hits were.
     */
    private final class Side {
        final boolean cached;
        final Connection connection;
        final LinkedHashMap<String, String> outcomes = new LinkedHashMap<>();
        final Map<String, String> categories = new LinkedHashMap<>();
        final Map<String, String> columns = new LinkedHashMap<>();
        final Map<String, String> messages = new LinkedHashMap<>();
        final List<String> notHits = new ArrayList<>();
        final List<String> info = new ArrayList<>();

        Side(boolean cached, Connection connection) {
            this.cached = cached;
            this.connection = connection;
        }

        void record(String category, String column, String key, Call call) {
            Object[] result = outcome(call);
            String previous = outcomes.put(key, (String) result[0]);
            if (previous != null) {
                throw new IllegalStateException("duplicate key " + key);
            }
            categories.put(key, category);
            if (column != null) {
                columns.put(key, column);
            }
            if (result[1] != null) {
                messages.put(key, (String) result[1]);
            }
        }

        /** Executes {@code sql}; on the cached side it must have been answered from the cache when {@code hit}. */
        ResultSet execute(Statement statement, String sql, String what, boolean mustHit) {
            long hits = cached ? db.statistics().hitCount() : 0;
            long misses = cached ? db.statistics().missCount() : 0;
            long bypasses = cached ? db.statistics().bypassCount() : 0;
            ResultSet[] result = new ResultSet[1];
            // The execution itself is compared: the cached side must not fail where the driver succeeds.
            record("executeQuery", null, what + ": executeQuery", () -> {
                result[0] = statement.executeQuery(sql);
                return "executed";
            });
            ResultSet rs = result[0];
            if (!cached) {
                return rs;
            }
            long hitDelta = db.statistics().hitCount() - hits;
            String kind = hitDelta == 1 ? "hit" : db.statistics().missCount() > misses ? "miss"
                    : db.statistics().bypassCount() > bypasses ? "bypass " + db.statistics().bypassesByReason() : "neither";
            info.add(what + ": " + kind);
            if (mustHit && hitDelta != 1) {
                notHits.add(what + ": expected a cache hit for " + sql + " but it was a " + kind);
            }
            return rs;
        }
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    /** {normalized outcome, exception message or null}. Values are described before the next call is made. */
    private static Object[] outcome(Call call) {
        try {
            return new Object[] {describe(call.call()), null};
        } catch (Throwable t) {
            return new Object[] {describeThrowable(t), String.valueOf(t.getMessage())};
        }
    }

    /** The result of a getter followed by wasNull, both normalized. */
    private static Call getter(ResultSet rs, Call get) {
        return () -> {
            Object value = get.call();
            String wasNull;
            try {
                wasNull = String.valueOf(rs.wasNull());
            } catch (Throwable t) {
                wasNull = describeThrowable(t);
            }
            return new Described(describe(value) + " | wasNull=" + wasNull);
        };
    }

    /** An already normalized description (describe leaves it as it is). */
    private record Described(String text) {
    }

    private static String describeThrowable(Throwable t) {
        return "throws " + t.getClass().getName()
                + (t instanceof SQLException e ? " SQLState=" + e.getSQLState() : "");
    }

    static String describe(Object value) throws Exception {
        if (value == null) {
            return "null";
        }
        if (value instanceof Described d) {
            return d.text();
        }
        if (value instanceof byte[] bytes) {
            return "byte[]:" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof InputStream in) {
            try (in) {
                return "InputStream:" + HexFormat.of().formatHex(in.readAllBytes());
            }
        }
        if (value instanceof Reader reader) {
            return "Reader:" + read(reader);
        }
        if (value instanceof NClob clob) {
            return "NClob(length=" + clob.length() + "):" + read(clob.getCharacterStream());
        }
        if (value instanceof Clob clob) {
            return "Clob(length=" + clob.length() + "):" + read(clob.getCharacterStream());
        }
        if (value instanceof Blob blob) {
            try (InputStream in = blob.getBinaryStream()) {
                return "Blob(length=" + blob.length() + "):" + HexFormat.of().formatHex(in.readAllBytes());
            }
        }
        if (value instanceof Array array) {
            return "java.sql.Array(baseType=" + array.getBaseType() + ", baseTypeName=" + array.getBaseTypeName()
                    + "):" + describe(array.getArray());
        }
        if (value instanceof Struct struct) {
            return "java.sql.Struct(" + struct.getSQLTypeName() + "):" + describe(struct.getAttributes());
        }
        if (value instanceof SQLXML xml) {
            return "java.sql.SQLXML:" + xml.getString();
        }
        if (value instanceof RowId rowId) {
            return "java.sql.RowId:" + HexFormat.of().formatHex(rowId.getBytes());
        }
        if (value instanceof Ref ref) {
            return "java.sql.Ref:" + ref.getBaseTypeName();
        }
        if (value instanceof Calendar calendar) {
            return calendar.getClass().getName() + "(" + calendar.getTimeZone().getID() + "):"
                    + calendar.getTimeInMillis();
        }
        if (value instanceof Timestamp ts) {
            return "java.sql.Timestamp:" + ts + " millis=" + ts.getTime() + " nanos=" + ts.getNanos();
        }
        if (value instanceof java.util.Date date) {
            return date.getClass().getName() + ":" + date + " millis=" + date.getTime();
        }
        if (value instanceof Object[] array) {
            StringBuilder sb = new StringBuilder(value.getClass().getComponentType().getName()).append("[]{");
            for (int i = 0; i < array.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(describe(array[i]));
            }
            return sb.append('}').toString();
        }
        if (value.getClass().isArray()) {
            return value.getClass().getComponentType().getName() + "[]:" + Arrays.deepToString(new Object[] {value});
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder(value.getClass().getName()).append('{');
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(describe(e.getKey())).append('=').append(describe(e.getValue())).append(", ");
            }
            return sb.append('}').toString();
        }
        if (value instanceof ResultSet rs) {
            // H2 returns ROW values as a result set: described by its columns and rows, not its identity.
            StringBuilder sb = new StringBuilder("java.sql.ResultSet(");
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                sb.append(i == 1 ? "" : ", ").append(md.getColumnLabel(i)).append(' ').append(md.getColumnTypeName(i));
            }
            sb.append("):");
            while (rs.next()) {
                sb.append(" [");
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    sb.append(i == 1 ? "" : ", ").append(describe(rs.getObject(i)));
                }
                sb.append(']');
            }
            return sb.toString();
        }
        if (value instanceof URL url) {
            return "java.net.URL:" + url.toExternalForm();
        }
        return value.getClass().getName() + ":" + value;
    }

    private static String read(Reader reader) throws Exception {
        if (reader == null) {
            return "null";
        }
        try (reader) {
            StringBuilder sb = new StringBuilder();
            char[] buffer = new char[4096];
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                sb.append(buffer, 0, n);
            }
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------------------------------------ getters

    @FunctionalInterface
    private interface ByIndex {
        Object get(ResultSet rs, int column) throws Exception;
    }

    @FunctionalInterface
    private interface ByLabel {
        Object get(ResultSet rs, String label) throws Exception;
    }

    private record Probe(String name, ByIndex byIndex, ByLabel byLabel) {
    }

    /** A fresh Calendar per call: a driver may change the one it is given. */
    private static Calendar calendar(String zone) {
        return new GregorianCalendar(TimeZone.getTimeZone(zone));
    }

    @SuppressWarnings("deprecation")
    private static List<Probe> probes(boolean pg) {
        List<Probe> p = new ArrayList<>();
        p.add(new Probe("getString", ResultSet::getString, ResultSet::getString));
        p.add(new Probe("getNString", ResultSet::getNString, ResultSet::getNString));
        p.add(new Probe("getBoolean", ResultSet::getBoolean, ResultSet::getBoolean));
        p.add(new Probe("getByte", ResultSet::getByte, ResultSet::getByte));
        p.add(new Probe("getShort", ResultSet::getShort, ResultSet::getShort));
        p.add(new Probe("getInt", ResultSet::getInt, ResultSet::getInt));
        p.add(new Probe("getLong", ResultSet::getLong, ResultSet::getLong));
        p.add(new Probe("getFloat", ResultSet::getFloat, ResultSet::getFloat));
        p.add(new Probe("getDouble", ResultSet::getDouble, ResultSet::getDouble));
        p.add(new Probe("getBigDecimal", ResultSet::getBigDecimal, ResultSet::getBigDecimal));
        p.add(new Probe("getBigDecimal(scale 2)", (rs, i) -> rs.getBigDecimal(i, 2), (rs, l) -> rs.getBigDecimal(l, 2)));
        p.add(new Probe("getBytes", ResultSet::getBytes, ResultSet::getBytes));
        p.add(new Probe("getDate", ResultSet::getDate, ResultSet::getDate));
        p.add(new Probe("getTime", ResultSet::getTime, ResultSet::getTime));
        p.add(new Probe("getTimestamp", ResultSet::getTimestamp, ResultSet::getTimestamp));
        for (String zone : List.of("Asia/Kolkata", "UTC")) {
            p.add(new Probe("getDate(Calendar " + zone + ")", (rs, i) -> rs.getDate(i, calendar(zone)),
                    (rs, l) -> rs.getDate(l, calendar(zone))));
            p.add(new Probe("getTime(Calendar " + zone + ")", (rs, i) -> rs.getTime(i, calendar(zone)),
                    (rs, l) -> rs.getTime(l, calendar(zone))));
            p.add(new Probe("getTimestamp(Calendar " + zone + ")", (rs, i) -> rs.getTimestamp(i, calendar(zone)),
                    (rs, l) -> rs.getTimestamp(l, calendar(zone))));
        }
        p.add(new Probe("getObject", ResultSet::getObject, ResultSet::getObject));
        p.add(new Probe("getObject(Map.of())", (rs, i) -> rs.getObject(i, Map.of()), (rs, l) -> rs.getObject(l, Map.of())));
        p.add(new Probe("getAsciiStream", ResultSet::getAsciiStream, ResultSet::getAsciiStream));
        p.add(new Probe("getUnicodeStream", ResultSet::getUnicodeStream, ResultSet::getUnicodeStream));
        p.add(new Probe("getBinaryStream", ResultSet::getBinaryStream, ResultSet::getBinaryStream));
        p.add(new Probe("getCharacterStream", ResultSet::getCharacterStream, ResultSet::getCharacterStream));
        p.add(new Probe("getNCharacterStream", ResultSet::getNCharacterStream, ResultSet::getNCharacterStream));
        p.add(new Probe("getClob", ResultSet::getClob, ResultSet::getClob));
        p.add(new Probe("getNClob", ResultSet::getNClob, ResultSet::getNClob));
        p.add(new Probe("getBlob", ResultSet::getBlob, ResultSet::getBlob));
        p.add(new Probe("getArray", ResultSet::getArray, ResultSet::getArray));
        p.add(new Probe("getURL", ResultSet::getURL, ResultSet::getURL));
        p.add(new Probe("getSQLXML", ResultSet::getSQLXML, ResultSet::getSQLXML));
        p.add(new Probe("getRowId", ResultSet::getRowId, ResultSet::getRowId));
        p.add(new Probe("getRef", ResultSet::getRef, ResultSet::getRef));
        List<Class<?>> classes = new ArrayList<>(List.of(String.class, Boolean.class, Byte.class, Short.class,
                Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class, byte[].class,
                java.sql.Date.class, Time.class, Timestamp.class, java.util.Date.class, Calendar.class,
                LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetTime.class, OffsetDateTime.class,
                ZonedDateTime.class, Instant.class, UUID.class, Array.class, Blob.class, Clob.class,
                NClob.class, SQLXML.class, Struct.class, InputStream.class, Reader.class, URL.class, Object.class));
        if (pg) {
            classes.add(PGobject.class);
            classes.add(PGInterval.class);
            classes.add(PGmoney.class);
            classes.add(PGpoint.class);
            classes.add(PGbox.class);
        }
        for (Class<?> type : classes) {
            String name = type.isArray() ? type.getSimpleName() : type.getName().replace("java.lang.", "");
            p.add(new Probe("getObject(" + name + ".class)", (rs, i) -> rs.getObject(i, type),
                    (rs, l) -> rs.getObject(l, type)));
        }
        return p;
    }

    // ------------------------------------------------------------------------------------------------ reading

    private record ColumnRef(int index, String label, String typeName) {
        String display() {
            return label + " (" + typeName + ")";
        }
    }

    private static List<ColumnRef> columnRefs(Connection raw, String sql) throws SQLException {
        List<ColumnRef> refs = new ArrayList<>();
        try (Statement statement = raw.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                refs.add(new ColumnRef(i, md.getColumnLabel(i), md.getColumnTypeName(i)));
            }
        }
        return refs;
    }

    private static final String[] METADATA_PROPERTIES = {"getColumnName", "getColumnLabel", "getColumnType",
        "getColumnTypeName", "getColumnClassName", "getPrecision", "getScale", "getColumnDisplaySize", "isNullable",
        "isAutoIncrement", "isCaseSensitive", "isSearchable", "isCurrency", "isSigned", "isReadOnly", "isWritable",
        "isDefinitelyWritable", "getTableName", "getSchemaName", "getCatalogName"};

    private static Object metadataProperty(ResultSetMetaData md, String property, int i) throws SQLException {
        return switch (property) {
            case "getColumnName" -> md.getColumnName(i);
            case "getColumnLabel" -> md.getColumnLabel(i);
            case "getColumnType" -> md.getColumnType(i);
            case "getColumnTypeName" -> md.getColumnTypeName(i);
            case "getColumnClassName" -> md.getColumnClassName(i);
            case "getPrecision" -> md.getPrecision(i);
            case "getScale" -> md.getScale(i);
            case "getColumnDisplaySize" -> md.getColumnDisplaySize(i);
            case "isNullable" -> md.isNullable(i);
            case "isAutoIncrement" -> md.isAutoIncrement(i);
            case "isCaseSensitive" -> md.isCaseSensitive(i);
            case "isSearchable" -> md.isSearchable(i);
            case "isCurrency" -> md.isCurrency(i);
            case "isSigned" -> md.isSigned(i);
            case "isReadOnly" -> md.isReadOnly(i);
            case "isWritable" -> md.isWritable(i);
            case "isDefinitelyWritable" -> md.isDefinitelyWritable(i);
            case "getTableName" -> md.getTableName(i);
            case "getSchemaName" -> md.getSchemaName(i);
            case "getCatalogName" -> md.getCatalogName(i);
            default -> throw new IllegalArgumentException(property);
        };
    }

    /** The schema name as the raw side sees it differs per test (a fresh schema each time): same on both sides. */
    private static void recordMetadata(Side side, ResultSet rs, List<ColumnRef> refs, String prefix) {
        side.record("metadata", null, prefix + "metadata getColumnCount", () -> rs.getMetaData().getColumnCount());
        for (ColumnRef ref : refs) {
            for (String property : METADATA_PROPERTIES) {
                side.record("metadata " + property, ref.display(), prefix + "metadata " + ref.display() + " "
                        + property, () -> metadataProperty(rs.getMetaData(), property, ref.index()));
            }
        }
        side.record("metadata", null, prefix + "metadata getColumnCount+1 getColumnName",
                () -> rs.getMetaData().getColumnName(refs.size() + 1));
        side.record("metadata", null, prefix + "metadata getColumnName(0)", () -> rs.getMetaData().getColumnName(0));
    }

    /** Every getter on every cell of {@code sql}, by index and by label, with metadata and cursor state. */
    private void readEverything(Side side, String sql, List<ColumnRef> refs, boolean mustHit, boolean byLabel)
            throws SQLException {
        List<Probe> probes = probes(pg());
        try (Statement statement = side.connection.createStatement();
                ResultSet rs = side.execute(statement, sql, "read of " + sql, mustHit)) {
            if (rs == null) {
                return;
            }
            recordMetadata(side, rs, refs, "");
            side.record("cursor", null, "before first: getRow", rs::getRow);
            for (int row = 1; ; row++) {
                String r = "row " + row;
                side.record("cursor", null, r + " next()", rs::next);
                if (!"java.lang.Boolean:true".equals(side.outcomes.get(r + " next()"))) {
                    break;
                }
                side.record("cursor", null, r + " getRow", rs::getRow);
                for (ColumnRef ref : refs) {
                    for (Probe probe : probes) {
                        side.record(probe.name(), ref.display(), r + " " + ref.display() + " " + probe.name(),
                                getter(rs, () -> probe.byIndex().get(rs, ref.index())));
                        if (byLabel) {
                            side.record(probe.name(), ref.display(), r + " " + ref.display() + " " + probe.name()
                                    + " by label", getter(rs, () -> probe.byLabel().get(rs, ref.label())));
                        }
                    }
                }
            }
            side.record("cursor", null, "after last: getRow", rs::getRow);
            side.record("cursor", null, "after last: next() again", rs::next);
        }
    }

    // ------------------------------------------------------------------------------------------------ comparing

    /** Compares the two sides key by key and fails with a grouped, truncated report when anything differs. */
    private void assertSame(String what, Side raw, Side hit) {
        List<String[]> differences = new ArrayList<>(); // {category, column, line}
        for (String notHit : hit.notHits) {
            differences.add(new String[] {"not a hit", null, notHit});
        }
        for (Map.Entry<String, String> e : raw.outcomes.entrySet()) {
            String key = e.getKey();
            String expected = e.getValue();
            String actual = hit.outcomes.get(key);
            if (!expected.equals(actual)) {
                String line = key + ":\n        raw: " + shorten(expected) + message(raw, key) + "\n        hit: "
                        + (actual == null ? "<not called: the hit's calls diverged before this one>"
                            : shorten(actual) + message(hit, key));
                differences.add(new String[] {raw.categories.get(key), raw.columns.get(key), line});
            }
        }
        for (Map.Entry<String, String> e : hit.outcomes.entrySet()) {
            if (!raw.outcomes.containsKey(e.getKey())) {
                differences.add(new String[] {hit.categories.get(e.getKey()), hit.columns.get(e.getKey()),
                    e.getKey() + ":\n        raw: <not called>\n        hit: " + shorten(e.getValue())});
            }
        }
        String title = "[" + database + ", read in " + readZone.getID() + ", miss in " + missZone.getID() + "] "
                + what;
        System.out.println(title + ": " + raw.outcomes.size() + " comparisons, " + differences.size()
                + " differences" + (raw.info.isEmpty() ? "" : "; " + raw.info) + (hit.info.isEmpty() ? "" : "; cached side: " + hit.info));
        if (differences.isEmpty()) {
            return;
        }
        Map<String, Integer> perCategory = new TreeMap<>();
        Map<String, Integer> perColumn = new TreeMap<>();
        for (String[] d : differences) {
            perCategory.merge(d[0], 1, Integer::sum);
            if (d[1] != null) {
                perColumn.merge(d[1], 1, Integer::sum);
            }
        }
        StringBuilder report = new StringBuilder(title).append(": ").append(differences.size())
                .append(" differences between the cache hit and the real driver in ").append(raw.outcomes.size())
                .append(" comparisons\n  per category: ").append(perCategory);
        if (!perColumn.isEmpty()) {
            report.append("\n  per column: ").append(perColumn);
        }
        report.append("\n  examples (up to ").append(EXAMPLES_PER_CATEGORY).append(" per category, ")
                .append(MAX_EXAMPLES).append(" in all):");
        Map<String, Integer> shown = new LinkedHashMap<>();
        int examples = 0;
        for (String[] d : differences) {
            if (examples >= MAX_EXAMPLES) {
                break;
            }
            if (shown.merge(d[0], 1, Integer::sum) <= EXAMPLES_PER_CATEGORY) {
                report.append("\n    [").append(d[0]).append("] ").append(d[2]);
                examples++;
            }
        }
        if (examples < differences.size()) {
            report.append("\n  ... and ").append(differences.size() - examples).append(" more");
        }
        fail(report.toString());
    }

    private static String message(Side side, String key) {
        String message = side.messages.get(key);
        return message == null ? "" : "  (message: " + shorten(message.replace('\n', ' ')) + ")";
    }

    private static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 240) + "...<" + text.length() + " chars>..."
                + text.substring(text.length() - 40);
    }

    // ------------------------------------------------------------------------------------------------ the tests

    /**
     * Connections opened in the read zone (so the database session's zone is the read zone); the cache was filled
     * with the JVM default in the other zone.
     */
    @Test
    void scalarHitsMatchWhenTheMissRanInTheOtherZone() throws SQLException {
        compareValues(SCALARS, true, readZone, true);
    }

    /**
     * Both connections opened, and the miss run, in the other zone; the hit and the raw read in the read zone. The
     * getters by label were compared above (same session state), so by index only here: the test stays fast.
     */
    @Test
    void scalarHitsMatchWhenConnectionsAndMissAreFromTheOtherZone() throws SQLException {
        compareValues(SCALARS, true, missZone, false);
    }

    /** Arrays, LOBs, XML, ROW/composite values: hit or bypass, the answer must be the real driver's. */
    @Test
    void arraysLobsAndStructuredValuesMatchHitOrBypass() throws SQLException {
        createOthers();
        compareValues(OTHERS, false, readZone, true);
    }

    /** NaN and infinite numbers the driver's getObject may refuse: still a hit, still the driver's answers. */
    @Test
    void specialNumbersMatch() throws SQLException {
        createSpecials();
        compareValues(SPECIALS, true, readZone, true);
    }

    private void compareValues(String sql, boolean mustHit, TimeZone connectionZone, boolean byLabel)
            throws SQLException {
        useZone(connectionZone);
        Connection raw = openRaw();
        Connection cached = openCached();
        miss(cached, sql);
        useZone(readZone);
        List<ColumnRef> refs = columnRefs(raw, sql);
        Side rawSide = new Side(false, raw);
        Side hitSide = new Side(true, cached);
        long start = System.nanoTime();
        onShallowStack(() -> readEverything(rawSide, sql, refs, mustHit, byLabel));
        long middle = System.nanoTime();
        onShallowStack(() -> readEverything(hitSide, sql, refs, mustHit, byLabel));
        rawSide.info.add("raw read " + (middle - start) / 1_000_000 + " ms");
        hitSide.info.add("cached read " + (System.nanoTime() - middle) / 1_000_000 + " ms");
        assertSame("every getter on " + sql + " (connections opened in " + connectionZone.getID() + ")", rawSide,
                hitSide);
    }

    /** Getters in the wrong place, bad columns, updates on a read-only result, forward-only moves, closed results. */
    @Test
    void errorCasesMatch() throws SQLException {
        Connection raw = openRaw();
        Connection cached = openCached();
        miss(cached, SCALARS);
        useZone(readZone);
        String label = columnRefs(raw, SCALARS).get(1).label();
        Side rawSide = new Side(false, raw);
        Side hitSide = new Side(true, cached);
        for (Side side : List.of(rawSide, hitSide)) {
            errorCases(side, label);
        }
        assertSame("error cases on " + SCALARS, rawSide, hitSide);
    }

    private void errorCases(Side s, String label) throws SQLException {
        Statement statement = s.connection.createStatement();
        ResultSet rs = s.execute(statement, SCALARS, "error cases", true);
        if (rs == null) {
            return;
        }
        String c = "before next()";
        s.record(c, null, c + ": wasNull", rs::wasNull);
        s.record(c, null, c + ": getString(1)", getter(rs, () -> rs.getString(1)));
        s.record(c, null, c + ": getInt(1)", getter(rs, () -> rs.getInt(1)));
        s.record(c, null, c + ": getObject(1)", getter(rs, () -> rs.getObject(1)));
        s.record(c, null, c + ": getString(label)", getter(rs, () -> rs.getString(label)));
        s.record(c, null, c + ": getRow", rs::getRow);
        s.record(c, null, c + ": isBeforeFirst", rs::isBeforeFirst);
        s.record(c, null, c + ": isFirst", rs::isFirst);
        s.record(c, null, c + ": isLast", rs::isLast);
        s.record(c, null, c + ": isAfterLast", rs::isAfterLast);
        s.record(c, null, c + ": findColumn(label)", () -> rs.findColumn(label));
        s.record(c, null, c + ": next", rs::next);

        c = "bad column";
        s.record(c, null, c + ": getString(0)", getter(rs, () -> rs.getString(0)));
        s.record(c, null, c + ": wasNull after getString(0)", rs::wasNull);
        s.record(c, null, c + ": getString(99)", getter(rs, () -> rs.getString(99)));
        s.record(c, null, c + ": getString(-1)", getter(rs, () -> rs.getString(-1)));
        s.record(c, null, c + ": getObject(0)", getter(rs, () -> rs.getObject(0)));
        s.record(c, null, c + ": getInt(99)", getter(rs, () -> rs.getInt(99)));
        s.record(c, null, c + ": getObject(99, String.class)", getter(rs, () -> rs.getObject(99, String.class)));
        s.record(c, null, c + ": getString(\"no_such_col\")", getter(rs, () -> rs.getString("no_such_col")));
        s.record(c, null, c + ": getInt(\"no_such_col\")", getter(rs, () -> rs.getInt("no_such_col")));
        s.record(c, null, c + ": getString(null label)", getter(rs, () -> rs.getString((String) null)));
        s.record(c, null, c + ": getString(\"\")", getter(rs, () -> rs.getString("")));
        s.record(c, null, c + ": findColumn(\"no_such_col\")", () -> rs.findColumn("no_such_col"));
        s.record(c, null, c + ": findColumn(upper label)", () -> rs.findColumn(label.toUpperCase()));
        s.record(c, null, c + ": findColumn(lower label)", () -> rs.findColumn(label.toLowerCase()));
        s.record(c, null, c + ": findColumn(quoted label)", () -> rs.findColumn("\"" + label + "\""));
        s.record(c, null, c + ": getObject(1, null class)", getter(rs, () -> rs.getObject(1, (Class<?>) null)));
        s.record(c, null, c + ": getString(1) after the errors", getter(rs, () -> rs.getString(1)));

        c = "read-only";
        s.record(c, null, c + ": updateString(2)", () -> {
            rs.updateString(2, "x");
            return "done";
        });
        s.record(c, null, c + ": updateInt(1)", () -> {
            rs.updateInt(1, 1);
            return "done";
        });
        s.record(c, null, c + ": updateNull(2)", () -> {
            rs.updateNull(2);
            return "done";
        });
        s.record(c, null, c + ": updateObject(1)", () -> {
            rs.updateObject(1, 7);
            return "done";
        });
        s.record(c, null, c + ": updateString(label)", () -> {
            rs.updateString(label, "x");
            return "done";
        });
        s.record(c, null, c + ": updateRow", () -> {
            rs.updateRow();
            return "done";
        });
        s.record(c, null, c + ": cancelRowUpdates", () -> {
            rs.cancelRowUpdates();
            return "done";
        });
        s.record(c, null, c + ": refreshRow", () -> {
            rs.refreshRow();
            return "done";
        });
        s.record(c, null, c + ": deleteRow", () -> {
            rs.deleteRow();
            return "done";
        });
        s.record(c, null, c + ": moveToInsertRow", () -> {
            rs.moveToInsertRow();
            return "done";
        });
        s.record(c, null, c + ": insertRow", () -> {
            rs.insertRow();
            return "done";
        });
        s.record(c, null, c + ": moveToCurrentRow", () -> {
            rs.moveToCurrentRow();
            return "done";
        });
        s.record(c, null, c + ": rowUpdated", rs::rowUpdated);
        s.record(c, null, c + ": rowInserted", rs::rowInserted);
        s.record(c, null, c + ": rowDeleted", rs::rowDeleted);
        s.record(c, null, c + ": getString(1) after updates", getter(rs, () -> rs.getString(1)));

        c = "forward-only";
        s.record(c, null, c + ": getType", rs::getType);
        int step = 0;
        for (Move move : MOVES) {
            step++;
            s.record(c, null, c + ": step " + step + " " + move.name(), () -> move.call().apply(rs));
            s.record(c, null, c + ": step " + step + " getRow after " + move.name(), rs::getRow);
        }
        s.record(c, null, c + ": setFetchDirection(FETCH_REVERSE)", () -> {
            rs.setFetchDirection(ResultSet.FETCH_REVERSE);
            return "done";
        });
        s.record(c, null, c + ": getFetchDirection", rs::getFetchDirection);
        s.record(c, null, c + ": setFetchSize(-1)", () -> {
            rs.setFetchSize(-1);
            return "done";
        });
        s.record(c, null, c + ": setFetchSize(3)", () -> {
            rs.setFetchSize(3);
            return "done";
        });
        s.record(c, null, c + ": getFetchSize", rs::getFetchSize);

        c = "after the last row";
        int rows = 0;
        while (rs.next()) {
            rows++;
        }
        int drained = rows;
        s.record(c, null, c + ": rows left", () -> drained);
        s.record(c, null, c + ": getString(1)", getter(rs, () -> rs.getString(1)));
        s.record(c, null, c + ": getInt(label)", getter(rs, () -> rs.getInt(label)));
        s.record(c, null, c + ": getObject(1)", getter(rs, () -> rs.getObject(1)));
        s.record(c, null, c + ": getRow", rs::getRow);
        s.record(c, null, c + ": isAfterLast", rs::isAfterLast);
        s.record(c, null, c + ": isLast", rs::isLast);
        s.record(c, null, c + ": next again", rs::next);
        s.record(c, null, c + ": wasNull", rs::wasNull);

        c = "after close()";
        rs.close();
        s.record(c, null, c + ": isClosed", rs::isClosed);
        s.record(c, null, c + ": getString(1)", getter(rs, () -> rs.getString(1)));
        s.record(c, null, c + ": getString(label)", getter(rs, () -> rs.getString(label)));
        s.record(c, null, c + ": getObject(99)", getter(rs, () -> rs.getObject(99)));
        s.record(c, null, c + ": next", rs::next);
        s.record(c, null, c + ": getMetaData", () -> rs.getMetaData().getColumnCount());
        s.record(c, null, c + ": findColumn(label)", () -> rs.findColumn(label));
        s.record(c, null, c + ": findColumn(\"no_such_col\")", () -> rs.findColumn("no_such_col"));
        s.record(c, null, c + ": wasNull", rs::wasNull);
        s.record(c, null, c + ": getRow", rs::getRow);
        s.record(c, null, c + ": isBeforeFirst", rs::isBeforeFirst);
        s.record(c, null, c + ": getType", rs::getType);
        s.record(c, null, c + ": getConcurrency", rs::getConcurrency);
        s.record(c, null, c + ": getHoldability", rs::getHoldability);
        s.record(c, null, c + ": getFetchSize", rs::getFetchSize);
        s.record(c, null, c + ": getWarnings", () -> warnings(rs.getWarnings()));
        s.record(c, null, c + ": getStatement is the statement", () -> rs.getStatement() == statement);
        s.record(c, null, c + ": absolute(1)", () -> rs.absolute(1));
        s.record(c, null, c + ": updateString(2)", () -> {
            rs.updateString(2, "x");
            return "done";
        });
        s.record(c, null, c + ": close again", () -> {
            rs.close();
            return "done";
        });
        s.record(c, null, c + ": statement isClosed", statement::isClosed);
        statement.close();
    }

    private interface CursorCall {
        Object apply(ResultSet rs) throws SQLException;
    }

    private record Move(String name, CursorCall call) {
    }

    private static final List<Move> MOVES = List.of(
            new Move("next", ResultSet::next),
            new Move("next", ResultSet::next),
            new Move("previous", ResultSet::previous),
            new Move("previous", ResultSet::previous),
            new Move("previous", ResultSet::previous),
            new Move("absolute(3)", rs -> rs.absolute(3)),
            new Move("absolute(-1)", rs -> rs.absolute(-1)),
            new Move("absolute(-100)", rs -> rs.absolute(-100)),
            new Move("absolute(0)", rs -> rs.absolute(0)),
            new Move("absolute(100)", rs -> rs.absolute(100)),
            new Move("relative(-2)", rs -> rs.relative(-2)),
            new Move("first", ResultSet::first),
            new Move("relative(2)", rs -> rs.relative(2)),
            new Move("relative(-1)", rs -> rs.relative(-1)),
            new Move("relative(0)", rs -> rs.relative(0)),
            new Move("last", ResultSet::last),
            new Move("next", ResultSet::next),
            new Move("previous", ResultSet::previous),
            new Move("beforeFirst", rs -> {
                rs.beforeFirst();
                return "done";
            }),
            new Move("next", ResultSet::next),
            new Move("afterLast", rs -> {
                rs.afterLast();
                return "done";
            }),
            new Move("previous", ResultSet::previous),
            new Move("absolute(-" + ROWS + ")", rs -> rs.absolute(-ROWS)),
            new Move("relative(100)", rs -> rs.relative(100)),
            new Move("relative(-100)", rs -> rs.relative(-100)),
            new Move("first", ResultSet::first));

    /** The same moves on a TYPE_SCROLL_INSENSITIVE statement, over the table and over an empty result. */
    @Test
    void scrollableMovesMatch() throws SQLException {
        Connection raw = openRaw();
        Connection cached = openCached();
        for (String sql : List.of(SCALARS, EMPTY)) {
            miss(cached, sql, ResultSet.TYPE_SCROLL_INSENSITIVE);
        }
        useZone(readZone);
        Side rawSide = new Side(false, raw);
        Side hitSide = new Side(true, cached);
        for (Side s : List.of(rawSide, hitSide)) {
            for (String sql : List.of(SCALARS, EMPTY)) {
                String p = (sql.equals(EMPTY) ? "empty result" : "table") + ": ";
                try (Statement statement = s.connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                        ResultSet.CONCUR_READ_ONLY);
                        ResultSet rs = s.execute(statement, sql, "scrollable " + sql, true)) {
                    if (rs == null) {
                        continue;
                    }
                    s.record("scroll", null, p + "getType", rs::getType);
                    s.record("scroll", null, p + "getConcurrency", rs::getConcurrency);
                    s.record("scroll", null, p + "initial state", () -> position(rs));
                    int step = 0;
                    for (Move move : MOVES) {
                        step++;
                        s.record("scroll", null, p + "step " + step + " " + move.name(), () -> move.call().apply(rs));
                        s.record("scroll", null, p + "step " + step + " position after " + move.name(),
                                () -> position(rs));
                        s.record("scroll", null, p + "step " + step + " getString(1) after " + move.name(),
                                getter(rs, () -> rs.getString(1)));
                    }
                    s.record("scroll", null, p + "setFetchDirection(FETCH_REVERSE)", () -> {
                        rs.setFetchDirection(ResultSet.FETCH_REVERSE);
                        return rs.getFetchDirection();
                    });
                    s.record("scroll", null, p + "afterLast then previous loop", () -> {
                        rs.afterLast();
                        StringBuilder ids = new StringBuilder();
                        while (rs.previous()) {
                            ids.append(rs.getString(1)).append('@').append(rs.getRow()).append(' ');
                        }
                        return ids.toString();
                    });
                }
            }
        }
        assertSame("scrollable and empty results", rawSide, hitSide);
    }

    /** getRow, isFirst, isLast, isBeforeFirst, isAfterLast, each normalized on its own. */
    private static Described position(ResultSet rs) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("getRow", "isFirst", "isLast", "isBeforeFirst", "isAfterLast")) {
            Object[] result = outcome(() -> switch (name) {
                case "getRow" -> rs.getRow();
                case "isFirst" -> rs.isFirst();
                case "isLast" -> rs.isLast();
                case "isBeforeFirst" -> rs.isBeforeFirst();
                default -> rs.isAfterLast();
            });
            sb.append(name).append('=').append(result[0]).append(' ');
        }
        return new Described(sb.toString().trim());
    }

    private static Described warnings(SQLWarning warning) {
        StringBuilder sb = new StringBuilder();
        int count = 0;
        for (SQLWarning w = warning; w != null && count < 20; w = w.getNextWarning(), count++) {
            sb.append(w.getClass().getName()).append(" SQLState=").append(w.getSQLState()).append("; ");
        }
        return new Described(count + " warning(s): " + sb);
    }

    /** Warnings, closeOnCompletion, statement and result-set properties around a hit. */
    @Test
    void statementLevelStateMatches() throws SQLException {
        Connection raw = openRaw();
        Connection cached = openCached();
        miss(cached, SCALARS);
        useZone(readZone);
        Side rawSide = new Side(false, raw);
        Side hitSide = new Side(true, cached);
        for (Side s : List.of(rawSide, hitSide)) {
            statementLevel(s);
        }
        assertSame("statement-level state around " + SCALARS, rawSide, hitSide);
    }

    private void statementLevel(Side s) throws SQLException {
        Connection connection = s.connection;
        // Warnings: the statement collects one first; then (after another statement refreshed the cache, as the
        // warning-raising statement may have invalidated it) the same statement's query is a hit.
        try (Statement statement = connection.createStatement()) {
            if (pg()) {
                statement.execute("DO $$BEGIN RAISE WARNING 'fid warning'; END$$");
            }
            s.record("warnings", null, "statement warnings after the warning-raising statement",
                    () -> warnings(statement.getWarnings()));
            try (Statement other = connection.createStatement(); ResultSet rs = other.executeQuery(SCALARS)) {
                while (rs.next()) {
                    rs.getString(1);
                }
            } catch (SQLException e) {
                System.out.println("[" + database + "] refreshing the cache failed: " + e);
            }
            try (ResultSet rs = s.execute(statement, SCALARS, "query after a warning", true)) {
                if (rs == null) {
                    return;
                }
                s.record("warnings", null, "statement warnings after the query", () -> warnings(statement.getWarnings()));
                s.record("warnings", null, "result set warnings", () -> warnings(rs.getWarnings()));
                s.record("statement", null, "getStatement is the statement", () -> rs.getStatement() == statement);
                s.record("statement", null, "statement getResultSet is the result set",
                        () -> statement.getResultSet() == rs);
                s.record("statement", null, "statement getUpdateCount", statement::getUpdateCount);
                recordResultSetProperties(s, rs, "default statement: ");
                int row = 0;
                while (true) {
                    row++;
                    s.record("statement", null, "row " + row + " next", rs::next);
                    if (!"java.lang.Boolean:true".equals(s.outcomes.get("row " + row + " next"))) {
                        break;
                    }
                    s.record("statement", null, "row " + row + " getRow", rs::getRow);
                }
                s.record("statement", null, "getRow at the end", rs::getRow);
                s.record("warnings", null, "result set warnings at the end", () -> warnings(rs.getWarnings()));
                s.record("warnings", null, "clearWarnings", () -> {
                    rs.clearWarnings();
                    return warnings(rs.getWarnings());
                });
                s.record("statement", null, "statement getMoreResults", statement::getMoreResults);
                s.record("statement", null, "result set closed by getMoreResults", rs::isClosed);
                s.record("statement", null, "statement getUpdateCount after getMoreResults", statement::getUpdateCount);
            }
            s.record("statement", null, "statement isClosed after closing its result set", statement::isClosed);
        }

        // closeOnCompletion: closing the hit's result set closes the statement exactly when it does on the driver.
        try (Statement statement = connection.createStatement()) {
            statement.closeOnCompletion();
            s.record("closeOnCompletion", null, "isCloseOnCompletion", statement::isCloseOnCompletion);
            ResultSet rs = s.execute(statement, SCALARS, "closeOnCompletion query", true);
            if (rs == null) {
                return;
            }
            s.record("closeOnCompletion", null, "statement isClosed while the result is open", statement::isClosed);
            s.record("closeOnCompletion", null, "read every row", () -> {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                return rows;
            });
            s.record("closeOnCompletion", null, "statement isClosed after reading every row", statement::isClosed);
            rs.close();
            s.record("closeOnCompletion", null, "statement isClosed after closing the result", statement::isClosed);
            s.record("closeOnCompletion", null, "result isClosed", rs::isClosed);
        }

        // A statement with settings: fetch size, fetch direction, holdability, read-only concurrency.
        try (Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY, ResultSet.HOLD_CURSORS_OVER_COMMIT)) {
            statement.setFetchSize(3);
            try (ResultSet rs = s.execute(statement, SCALARS, "query with fetch size 3", true)) {
                if (rs == null) {
                    return;
                }
                recordResultSetProperties(s, rs, "fetch size 3, holdable: ");
                s.record("statement", null, "fetch size 3: getStatement is the statement",
                        () -> rs.getStatement() == statement);
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                int count = rows;
                s.record("statement", null, "fetch size 3: rows", () -> count);
            }
        }

        // maxRows: the hit must stop where the driver stops (a hit is not required here).
        try (Statement statement = connection.createStatement()) {
            statement.setMaxRows(3);
            try (ResultSet rs = s.execute(statement, SCALARS, "query with maxRows 3", false)) {
                if (rs == null) {
                    return;
                }
                StringBuilder ids = new StringBuilder();
                while (rs.next()) {
                    ids.append(rs.getString(1)).append('@').append(rs.getRow()).append(' ');
                }
                s.record("statement", null, "maxRows 3: rows", ids::toString);
            }
        }
    }

    private static void recordResultSetProperties(Side s, ResultSet rs, String p) {
        s.record("result set properties", null, p + "getType", rs::getType);
        s.record("result set properties", null, p + "getConcurrency", rs::getConcurrency);
        s.record("result set properties", null, p + "getHoldability", rs::getHoldability);
        s.record("result set properties", null, p + "getFetchSize", rs::getFetchSize);
        s.record("result set properties", null, p + "getFetchDirection", rs::getFetchDirection);
        s.record("result set properties", null, p + "getCursorName", rs::getCursorName);
        s.record("result set properties", null, p + "isClosed", rs::isClosed);
        s.record("result set properties", null, p + "getRow before next", rs::getRow);
        s.record("result set properties", null, p + "isBeforeFirst", rs::isBeforeFirst);
        s.record("result set properties", null, p + "statement getFetchSize",
                () -> rs.getStatement().getFetchSize());
        s.record("result set properties", null, p + "statement getResultSetType",
                () -> rs.getStatement().getResultSetType());
        s.record("result set properties", null, p + "statement getResultSetHoldability",
                () -> rs.getStatement().getResultSetHoldability());
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} in a fresh thread and waits for it. Tens of thousands of getters throw here, and an
     * exception costs in proportion to the stack depth: a fresh thread's stack is a few frames instead of the test
     * framework's ~100, which makes the test several times faster. The calls stay strictly sequential.
     */
    private static void onShallowStack(Body body) throws SQLException {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "hit-fidelity-reader");
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure[0] instanceof SQLException e) {
            throw e;
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
    }

    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, HitFidelityTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
