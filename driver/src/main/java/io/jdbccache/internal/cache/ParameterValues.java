package io.jdbccache.internal.cache;

import io.jdbccache.internal.sql.SqlAnalyzer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Calendar;
import java.util.UUID;

/**
 * Turns bound parameter values into immutable key parts that keep their type: {@code setInt(1, 5)} and
 * {@code setString(1, "5")} must make different keys, and a caller mutating a Timestamp or byte[] after binding it
 * must not change a stored key. Values of types we cannot compare safely make the statement uncacheable.
 */
public final class ParameterValues {
    /** Marks a parameter whose value cannot be part of a key (a stream, a LOB, an unknown object). */
    public static final Object UNCACHEABLE = new Object() {
        @Override
        public String toString() {
            return "<uncacheable>";
        }
    };

    private ParameterValues() {
    }

    /**
     * Key part for a string: the string itself, unless it is a clock input ({@code 'now'}, {@code 'today'}...)
     * that PostgreSQL would read as a moving date.
     */
    public static Object ofString(String value) {
        return value != null && SqlAnalyzer.readsClock(value) ? UNCACHEABLE : value;
    }

    /** Key part for a value bound with a typed setter or {@code setObject(index, value)}. */
    public static Object of(Object value) {
        if (value instanceof String) {
            return ofString((String) value);
        }
        if (value == null || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof Boolean
                || value instanceof Double || value instanceof Float || value instanceof BigDecimal
                || value instanceof BigInteger || value instanceof Character || value instanceof UUID
                || value instanceof TemporalAccessor) {
            // java.time types are immutable value classes.
            return value;
        }
        // java.util.Date.equals compares instants across its subclasses, so a DATE and a TIME of the same
        // instant would be one key: tag each with its type.
        if (value instanceof Timestamp) {
            return new Typed(((Timestamp) value).clone(), "TIMESTAMP", 0);
        }
        if (value instanceof Date) {
            return new Typed(new Date(((Date) value).getTime()), "DATE", 0);
        }
        if (value instanceof Time) {
            return new Typed(new Time(((Time) value).getTime()), "TIME", 0);
        }
        if (value instanceof byte[]) {
            return new Bytes((byte[]) value);
        }
        return UNCACHEABLE;
    }

    /** Key part for {@code setObject(index, value, targetSqlType[, scaleOrLength])}. */
    public static Object typed(Object value, Object targetType, int scaleOrLength) {
        Object part = of(value);
        return part == UNCACHEABLE ? UNCACHEABLE : new Typed(part, String.valueOf(targetType), scaleOrLength);
    }

    /** Key part for {@code setNull(index, sqlType[, typeName])}. */
    public static Object nullOf(int sqlType, String typeName) {
        return new Null(sqlType, typeName);
    }

    /**
     * Key part for a null bound through a typed setter: drivers send it with the setter's type (pgjdbc binds
     * {@code setBytes(i, null)} as a bytea NULL, {@code setString(i, null)} as an untyped one), which can change
     * the result ({@code SELECT pg_typeof(?)}, a function overload), so each setter's null is its own key part.
     */
    public static Object nullSetBy(String setter) {
        return new Null(Types.NULL, setter);
    }

    /** Key part for a date/time bound with a Calendar, whose time zone changes the value sent. */
    public static Object withCalendar(Object value, Calendar calendar) {
        Object part = of(value);
        if (part == UNCACHEABLE) {
            return UNCACHEABLE;
        }
        return calendar == null ? part : new Typed(part, "calendar:" + calendar.getTimeZone().getID(), 0);
    }

    /** Key part for a string bound with {@code setNString}, which some drivers send differently. */
    public static Object national(String value) {
        return ofString(value) == UNCACHEABLE ? UNCACHEABLE : new Typed(value, "NSTRING", 0);
    }

    /**
     * Binds a key part back onto a statement (for diagnostics: EXPLAIN with the last parameters seen).
     *
     * @throws SQLException from the driver, or if the part cannot be bound
     */
    public static void bind(PreparedStatement statement, int index, Object part) throws SQLException {
        if (part instanceof Null) {
            statement.setNull(index, ((Null) part).sqlType());
        } else if (part instanceof Typed) {
            bind(statement, index, ((Typed) part).value());
        } else if (part instanceof Bytes) {
            statement.setBytes(index, ((Bytes) part).bytes.clone());
        } else if (part == UNCACHEABLE) {
            throw new SQLException("parameter " + index + " was a stream or LOB and was not kept");
        } else {
            statement.setObject(index, part);
        }
    }

    /** A value bound with an explicit target type. */
    record Typed(Object value, String type, int scaleOrLength) {
        /** Names the type, never the value. */
        @Override
        public String toString() {
            return "Typed[" + type + ", " + scaleOrLength + "]";
        }
    }

    /** A NULL bound with its declared type. */
    record Null(int sqlType, String typeName) {
    }

    /** A copied byte array compared by content. */
    static final class Bytes {
        private final byte[] bytes;

        Bytes(byte[] source) {
            this.bytes = source.clone();
        }

        /** The copy itself, for encoding: the caller must not modify it. */
        byte[] contents() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes && Arrays.equals(bytes, ((Bytes) o).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        /** Gives the length, never the content. */
        @Override
        public String toString() {
            return "Bytes[" + bytes.length + "]";
        }
    }
}
