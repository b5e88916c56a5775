package io.jdbccache.internal.result;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.UUID;

/**
 * The value conversions of {@link CachedResultSet}: from a captured {@code getObject} value (never
 * null here) to what a typed getter returns, modelled on what H2 and pgjdbc do.
 *
 * <p>Integral getters truncate fractions toward zero (pgjdbc) and throw SQLState {@code 22003} when
 * the value does not fit; text that is not a number throws {@code 22018}; a value of a type with no
 * conversion throws {@code 22018}. Mutable results are always fresh objects.
 */
final class Conversions {

    static final String INVALID_CAST = "22018";
    static final String OUT_OF_RANGE = "22003";
    static final String BAD_DATETIME = "22007";

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Conversions() {
    }

    static SQLException cannotConvert(Object v, String target) {
        return new SQLException("Cannot convert value of type " + v.getClass().getName() + " to " + target, INVALID_CAST);
    }

    static boolean toBoolean(Object v) throws SQLException {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            if (n instanceof BigDecimal d) {
                return d.signum() != 0;
            }
            return n.doubleValue() != 0;
        }
        if (v instanceof String s) {
            String t = s.trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("t") || t.equalsIgnoreCase("yes")
                    || t.equalsIgnoreCase("y") || t.equalsIgnoreCase("on") || t.equals("1")) {
                return true;
            }
            if (t.equalsIgnoreCase("false") || t.equalsIgnoreCase("f") || t.equalsIgnoreCase("no")
                    || t.equalsIgnoreCase("n") || t.equalsIgnoreCase("off") || t.equals("0")) {
                return false;
            }
            try {
                return new BigDecimal(t).signum() != 0; // H2 accepts numeric text; pgjdbc refuses it
            } catch (NumberFormatException e) {
                // fall through to the conversion error
            }
        }
        throw cannotConvert(v, "boolean");
    }

    /** Converts to a long within [min, max]; {@code target} names the Java type for messages. */
    static long toLong(Object v, long min, long max, String target) throws SQLException {
        long result;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            result = ((Number) v).longValue();
        } else if (v instanceof Boolean b) {
            return b ? 1 : 0;
        } else if (v instanceof String s) {
            String t = s.trim();
            try {
                result = Long.parseLong(t);
            } catch (NumberFormatException e) {
                try {
                    result = truncate(new BigDecimal(t), target);
                } catch (NumberFormatException e2) {
                    throw new SQLException("Bad value for type " + target + ": " + s, INVALID_CAST);
                }
            }
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!(d >= -0x1p63 && d < 0x1p63)) { // also rejects NaN
                throw outOfRange(v, target);
            }
            result = (long) d;
        } else if (v instanceof BigDecimal d) {
            result = truncate(d, target);
        } else if (v instanceof BigInteger i) {
            if (i.bitLength() > 63) {
                throw outOfRange(v, target);
            }
            result = i.longValue();
        } else {
            throw cannotConvert(v, target);
        }
        if (result < min || result > max) {
            throw outOfRange(v, target);
        }
        return result;
    }

    private static long truncate(BigDecimal d, String target) throws SQLException {
        if (d.compareTo(LONG_MIN) < 0 || d.compareTo(LONG_MAX) > 0) {
            throw outOfRange(d, target);
        }
        return d.longValue(); // discards the fraction, i.e. truncates toward zero
    }

    private static SQLException outOfRange(Object v, String target) {
        return new SQLException("Value " + v + " is out of range for type " + target, OUT_OF_RANGE);
    }

    static double toDouble(Object v) throws SQLException {
        if (v instanceof Float f) {
            // Like the drivers, go through the decimal text: 0.1f reads as 0.1, not 0.10000000149011612.
            return Double.parseDouble(f.toString());
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new SQLException("Bad value for type double: " + s, INVALID_CAST);
            }
        }
        throw cannotConvert(v, "double");
    }

    static float toFloat(Object v) throws SQLException {
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof String s) {
            try {
                return Float.parseFloat(s.trim());
            } catch (NumberFormatException e) {
                throw new SQLException("Bad value for type float: " + s, INVALID_CAST);
            }
        }
        return (float) toDouble(v);
    }

    /** @param text the driver's captured getString text, or null; preferred for floating-point values */
    static BigDecimal toBigDecimal(Object v, String text) throws SQLException {
        if (text != null && (v instanceof Double || v instanceof Float)) {
            try {
                return new BigDecimal(text.trim()); // pgjdbc parses its text: "1e-07" -> 1E-7, "-0" -> 0
            } catch (NumberFormatException e) {
                // e.g. "NaN": handled below
            }
        }
        return toBigDecimal(v);
    }

    static BigDecimal toBigDecimal(Object v) throws SQLException {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        try {
            if (v instanceof Double || v instanceof Float) {
                return new BigDecimal(v.toString());
            }
            if (v instanceof String s) {
                return new BigDecimal(s.trim());
            }
        } catch (NumberFormatException e) {
            throw new SQLException("Bad value for type BigDecimal: " + v, INVALID_CAST);
        }
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        throw cannotConvert(v, "BigDecimal");
    }

    /**
     * byte[] is copied; any other value gives the UTF-8 bytes of its getString text, as pgjdbc does
     * (H2 instead returns binary encodings of numbers and UUIDs).
     */
    static byte[] toBytes(Object v, String text) {
        if (v instanceof byte[] b) {
            return b.clone();
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- date and time ----------------------------------------------------------------------------

    /** @param zone the zone of a Calendar argument, or null for the JVM default */
    static Date toDate(Object v, ZoneId zone) throws SQLException {
        LocalDate date;
        if (v instanceof Date d) {
            if (zone == null) {
                return new Date(d.getTime());
            }
            date = d.toLocalDate();
        } else if (v instanceof Timestamp ts) {
            date = ts.toLocalDateTime().toLocalDate();
        } else if (v instanceof LocalDate d) {
            date = d;
        } else if (v instanceof LocalDateTime dt) {
            date = dt.toLocalDate();
        } else if (v instanceof OffsetDateTime odt) {
            date = odt.atZoneSameInstant(ZoneId.systemDefault()).toLocalDate();
        } else if (v instanceof String s) {
            date = parse(s, "date").toLocalDate();
        } else {
            throw cannotConvert(v, "java.sql.Date");
        }
        if (zone == null) {
            return Date.valueOf(date);
        }
        return new Date(date.atStartOfDay(zone).toInstant().toEpochMilli());
    }

    static Time toTime(Object v, ZoneId zone) throws SQLException {
        LocalTime time;
        if (v instanceof Time t) {
            if (zone == null) {
                return new Time(t.getTime());
            }
            time = localTime(t);
        } else if (v instanceof Timestamp ts) {
            time = ts.toLocalDateTime().toLocalTime();
        } else if (v instanceof Date || v instanceof LocalDate) {
            time = LocalTime.MIDNIGHT; // pgjdbc: a date read as a time is midnight
        } else if (v instanceof LocalTime t) {
            time = t;
        } else if (v instanceof LocalDateTime dt) {
            time = dt.toLocalTime();
        } else if (v instanceof OffsetTime ot) {
            return new Time(ot.atDate(LocalDate.EPOCH).toInstant().toEpochMilli());
        } else if (v instanceof OffsetDateTime odt) {
            time = odt.atZoneSameInstant(ZoneId.systemDefault()).toLocalTime();
        } else if (v instanceof String s) {
            time = parse(s, "time").toLocalTime();
        } else {
            throw cannotConvert(v, "java.sql.Time");
        }
        ZoneId z = zone == null ? ZoneId.systemDefault() : zone;
        return new Time(time.atDate(LocalDate.EPOCH).atZone(z).toInstant().toEpochMilli());
    }

    /** @param absolute whether the column holds instants (timestamp with time zone): a zone is then ignored */
    static Timestamp toTimestamp(Object v, ZoneId zone, boolean absolute) throws SQLException {
        LocalDateTime ldt;
        if (v instanceof Timestamp ts) {
            if (zone == null || absolute) {
                return copy(ts);
            }
            ldt = ts.toLocalDateTime();
        } else if (v instanceof OffsetDateTime odt) {
            return Timestamp.from(odt.toInstant());
        } else if (v instanceof Instant i) {
            return Timestamp.from(i);
        } else if (v instanceof Date d) {
            ldt = d.toLocalDate().atStartOfDay();
        } else if (v instanceof Time t) {
            ldt = localTime(t).atDate(LocalDate.EPOCH);
        } else if (v instanceof LocalDateTime dt) {
            ldt = dt;
        } else if (v instanceof LocalDate d) {
            ldt = d.atStartOfDay();
        } else if (v instanceof String s) {
            ldt = parse(s, "timestamp");
        } else {
            throw cannotConvert(v, "java.sql.Timestamp");
        }
        if (zone == null) {
            return Timestamp.valueOf(ldt);
        }
        return Timestamp.from(ldt.atZone(zone).toInstant());
    }

    static Timestamp copy(Timestamp ts) {
        Timestamp c = new Timestamp(ts.getTime());
        c.setNanos(ts.getNanos());
        return c;
    }

    /** Copies the mutable value types, returns the others as they are. */
    static Object copyIfMutable(Object v) {
        if (v instanceof java.util.Date) {
            if (v instanceof Timestamp ts) {
                return copy(ts);
            }
            if (v instanceof Date d) {
                return new Date(d.getTime());
            }
            if (v instanceof Time t) {
                return new Time(t.getTime());
            }
        } else if (v instanceof byte[] b) {
            return b.clone();
        }
        return v;
    }

    /** The local time of a java.sql.Time including its milliseconds (Time.toLocalTime drops them). */
    private static LocalTime localTime(Time t) {
        return new Timestamp(t.getTime()).toLocalDateTime().toLocalTime();
    }

    /** Parses "yyyy-mm-dd", "hh:mm:ss[.f]" (on 1970-01-01) or "yyyy-mm-dd hh:mm:ss[.f]". */
    private static LocalDateTime parse(String s, String target) throws SQLException {
        String t = s.trim();
        try {
            if (t.indexOf('-') < 0) {
                return LocalTime.parse(t).atDate(LocalDate.EPOCH);
            }
            if (t.length() <= 10) {
                return LocalDate.parse(t).atStartOfDay();
            }
            return Timestamp.valueOf(t).toLocalDateTime();
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new SQLException("Bad value for type " + target + ": " + s, BAD_DATETIME);
        }
    }

    // ---- getObject(int, Class) --------------------------------------------------------------------

    /** Converts a non-null value for {@code getObject(i, type)}; string, number and date getters of {@code rs}. */
    @SuppressWarnings("unchecked")
    static <T> T toObject(CachedResultSet rs, int columnIndex, Object v, Class<T> type) throws SQLException {
        Object r;
        if (type == String.class) {
            r = rs.getString(columnIndex);
        } else if (type == Integer.class) {
            r = (int) toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
        } else if (type == Long.class) {
            r = toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long");
        } else if (type == Short.class) {
            r = (short) toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "short");
        } else if (type == Byte.class) {
            r = (byte) toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
        } else if (type == Boolean.class) {
            r = toBoolean(v);
        } else if (type == Double.class) {
            r = v instanceof Double ? v : toDouble(v);
        } else if (type == Float.class) {
            r = toFloat(v);
        } else if (type == BigDecimal.class) {
            r = rs.getBigDecimal(columnIndex);
        } else if (type == BigInteger.class) {
            r = v instanceof BigInteger ? v : toBigDecimal(v).toBigInteger();
        } else if (type == byte[].class) {
            r = v instanceof byte[] b ? b.clone() : toBytes(v, rs.getString(columnIndex));
        } else if (type == Date.class) {
            r = toDate(v, null);
        } else if (type == Time.class) {
            r = toTime(v, null);
        } else if (type == Timestamp.class) {
            r = toTimestamp(v, null, false);
        } else if (type == LocalDate.class) {
            r = v instanceof LocalDate ? v : toDate(v, null).toLocalDate();
        } else if (type == LocalTime.class) {
            r = v instanceof LocalTime ? v : v instanceof Timestamp ts ? ts.toLocalDateTime().toLocalTime()
                    : localTime(toTime(v, null));
        } else if (type == LocalDateTime.class) {
            r = v instanceof LocalDateTime ? v : toTimestamp(v, null, false).toLocalDateTime();
        } else if (type == OffsetDateTime.class) {
            r = v instanceof OffsetDateTime ? v : OffsetDateTime.ofInstant(toTimestamp(v, null, false).toInstant(), ZoneOffset.UTC);
        } else if (type == Instant.class) {
            r = v instanceof OffsetDateTime odt ? odt.toInstant() : toTimestamp(v, null, false).toInstant();
        } else if (type == OffsetTime.class) {
            if (v instanceof OffsetTime) {
                r = v;
            } else if (v instanceof OffsetDateTime odt) {
                r = odt.toOffsetTime();
            } else if (v instanceof Timestamp ts) {
                r = ts.toLocalDateTime().toLocalTime().atOffset(ZoneOffset.UTC);
            } else {
                r = localTime(toTime(v, null)).atOffset(ZoneOffset.UTC);
            }
        } else if (type == UUID.class) {
            r = toUuid(v);
        } else if (type != null && type.isInstance(v)) {
            r = copyIfMutable(v);
        } else {
            throw new SQLException("Cannot convert value of type " + v.getClass().getName() + " to " + type, INVALID_CAST);
        }
        return (T) r;
    }

    private static UUID toUuid(Object v) throws SQLException {
        try {
            if (v instanceof UUID u) {
                return u;
            }
            if (v instanceof String s) {
                return UUID.fromString(s.trim());
            }
            if (v instanceof byte[] b && b.length == 16) {
                ByteBuffer buf = ByteBuffer.wrap(b);
                return new UUID(buf.getLong(), buf.getLong());
            }
        } catch (IllegalArgumentException e) {
            throw new SQLException("Bad value for type UUID: " + v, INVALID_CAST);
        }
        throw cannotConvert(v, "UUID");
    }
}
