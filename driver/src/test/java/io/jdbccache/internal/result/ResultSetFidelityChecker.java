package io.jdbccache.internal.result;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.Objects;
import java.util.TimeZone;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Differential check of a {@link CachedResultSet} against the live driver's result set: for every row,
 * every column and every getter, both must return equal results (and equal {@code wasNull}) or both
 * must throw {@link SQLException}. Database-agnostic, so the same check runs against H2 and PostgreSQL.
 */
final class ResultSetFidelityChecker {

    /** One getter call on one column. */
    interface Getter {
        Object get(ResultSet rs, int column, String label) throws Exception;
    }

    record Probe(String name, Getter getter) {
    }

    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    private static final Calendar KOLKATA = Calendar.getInstance(TimeZone.getTimeZone("Asia/Kolkata"));

    static final List<Probe> PROBES = new ArrayList<>(List.of(
            new Probe("getString", (rs, i, l) -> rs.getString(i)),
            new Probe("getString(label)", (rs, i, l) -> rs.getString(l)),
            new Probe("getNString", (rs, i, l) -> rs.getNString(i)),
            new Probe("getBoolean", (rs, i, l) -> rs.getBoolean(i)),
            new Probe("getByte", (rs, i, l) -> rs.getByte(i)),
            new Probe("getShort", (rs, i, l) -> rs.getShort(i)),
            new Probe("getInt", (rs, i, l) -> rs.getInt(i)),
            new Probe("getInt(label)", (rs, i, l) -> rs.getInt(l)),
            new Probe("getLong", (rs, i, l) -> rs.getLong(i)),
            new Probe("getFloat", (rs, i, l) -> rs.getFloat(i)),
            new Probe("getDouble", (rs, i, l) -> rs.getDouble(i)),
            new Probe("getBigDecimal", (rs, i, l) -> rs.getBigDecimal(i)),
            new Probe("getBytes", (rs, i, l) -> rs.getBytes(i)),
            new Probe("getDate", (rs, i, l) -> rs.getDate(i)),
            new Probe("getTime", (rs, i, l) -> rs.getTime(i)),
            new Probe("getTimestamp", (rs, i, l) -> rs.getTimestamp(i)),
            new Probe("getDate(UTC)", (rs, i, l) -> rs.getDate(i, UTC)),
            new Probe("getTime(UTC)", (rs, i, l) -> rs.getTime(i, UTC)),
            new Probe("getTimestamp(UTC)", (rs, i, l) -> rs.getTimestamp(i, UTC)),
            new Probe("getTimestamp(Kolkata)", (rs, i, l) -> rs.getTimestamp(i, KOLKATA)),
            new Probe("getObject", (rs, i, l) -> rs.getObject(i)),
            new Probe("getObject(label)", (rs, i, l) -> rs.getObject(l)),
            new Probe("getAsciiStream", (rs, i, l) -> read(rs.getAsciiStream(i))),
            new Probe("getBinaryStream", (rs, i, l) -> read(rs.getBinaryStream(i))),
            new Probe("getCharacterStream", (rs, i, l) -> read(rs.getCharacterStream(i))),
            new Probe("getClob", (rs, i, l) -> read(rs.getClob(i))),
            new Probe("getBlob", (rs, i, l) -> read(rs.getBlob(i)))));

    static {
        for (Class<?> type : List.of(String.class, Integer.class, Long.class, Short.class, Byte.class, Boolean.class,
                Double.class, Float.class, BigDecimal.class, BigInteger.class, byte[].class, Date.class, Time.class,
                Timestamp.class, LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
                OffsetTime.class, Instant.class, UUID.class)) {
            PROBES.add(new Probe("getObject(" + type.getSimpleName() + ")", (rs, i, l) -> rs.getObject(i, type)));
        }
    }

    /** Prefix of a difference where the driver refused a conversion that the cache performs. */
    static final String LENIENT = "LENIENT: ";

    private ResultSetFidelityChecker() {
    }

    /** @return the differences that are neither lenient nor matched by one of the {@code known} patterns */
    static List<String> unexplained(List<String> differences, List<String> known) {
        List<String> result = new ArrayList<>();
        for (String d : differences) {
            if (!d.contains(LENIENT) && known.stream().noneMatch(k -> Pattern.compile(k).matcher(d).find())) {
                result.add(d);
            }
        }
        return result;
    }

    /**
     * Runs {@code sql} twice on {@code connection}: once read live, once materialized and read through a
     * {@link CachedResultSet}, and compares them.
     *
     * @return one line per difference; empty when the cached result set is faithful
     */
    static List<String> compare(Connection connection, String sql) throws SQLException {
        List<String> differences = new ArrayList<>();
        try (Statement s1 = connection.createStatement(); Statement s2 = connection.createStatement();
                  ResultSet source = s1.executeQuery(sql); ResultSet live = s2.executeQuery(sql)) {
            Materialization m = ResultMaterializer.materialize(source, null, Integer.MAX_VALUE, Long.MAX_VALUE);
            ResultSnapshot snapshot = ((Materialization.Complete) m).snapshot();
            try (ResultSet cached = new CachedResultSet(snapshot, s1, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CLOSE_CURSORS_AT_COMMIT)) {
                int columns = live.getMetaData().getColumnCount();
                int row = 0;
                while (true) {
                    boolean hasLive = live.next();
                    boolean hasCached = cached.next();
                    if (hasLive != hasCached) {
                        differences.add("row count differs after row " + row);
                        break;
                    }
                    if (!hasLive) {
                        break;
                    }
                    row++;
                    for (int i = 1; i <= columns; i++) {
                        String label = live.getMetaData().getColumnLabel(i);
                        for (Probe p : PROBES) {
                            String d = compare(p, live, cached, i, label);
                            if (d != null) {
                                differences.add("row " + row + " " + label + " (" + live.getMetaData().getColumnTypeName(i) + ") "
                                        + p.name() + ": " + d);
                            }
                        }
                    }
                }
            }
        }
        return differences;
    }

    private static String compare(Probe p, ResultSet live, ResultSet cached, int i, String label) {
        Object expected;
        Object actual;
        Exception expectedError = null;
        Exception actualError = null;
        Boolean expectedNull = null;
        Boolean actualNull = null;
        try {
            expected = p.getter().get(live, i, label);
            expectedNull = live.wasNull();
        } catch (Exception e) {
            expected = null;
            expectedError = e;
        }
        try {
            actual = p.getter().get(cached, i, label);
            actualNull = cached.wasNull();
        } catch (Exception e) {
            actual = null;
            actualError = e;
        }
        if (expectedError != null || actualError != null) {
            if (expectedError != null && actualError instanceof SQLException) {
                return null; // both refuse (a driver bug such as pgjdbc's AIOOBE in getDate counts as refusing)
            }
            if (expectedError != null) {
                return LENIENT + "driver threw " + expectedError + " but cache returned " + describe(actual);
            }
            return "expected " + describe(expected) + " but got " + actualError;
        }
        if (!equal(expected, actual)) {
            return "expected " + describe(expected) + " but got " + describe(actual);
        }
        if (!Objects.equals(expectedNull, actualNull)) {
            return "wasNull expected " + expectedNull + " but got " + actualNull;
        }
        return null;
    }

    static boolean equal(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a != null && b != null && a.getClass() != b.getClass()) {
            return false;
        }
        return Objects.equals(a, b);
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String text = v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v);
        return text + " (" + v.getClass().getSimpleName() + ")";
    }

    private static Object read(Object source) throws Exception {
        if (source == null) {
            return null;
        }
        if (source instanceof InputStream in) {
            return in.readAllBytes();
        }
        if (source instanceof Reader r) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[256];
            for (int n; (n = r.read(buf)) > 0; ) {
                sb.append(buf, 0, n);
            }
            return sb.toString();
        }
        if (source instanceof Clob c) {
            return read(c.getCharacterStream());
        }
        if (source instanceof Blob b) {
            return read(b.getBinaryStream());
        }
        throw new IllegalArgumentException(source.getClass().getName());
    }
}
