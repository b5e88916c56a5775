package io.jdbccache.internal.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;

/**
 * The canonical byte form of a {@link CacheKey}, the same in every JVM for equal keys, so that a shared tier can name
 * an entry by it.
 *
 * <h2>Contract</h2>
 * For two keys that both have a byte form, the forms are equal exactly when the keys are equal. A key has none
 * ({@link Optional#empty()}: the key is not shareable and stays in the process's own cache) when one of its parts
 * cannot be written portably and unambiguously:
 * <ul>
 *   <li>a parameter value of a kind not listed below: a {@code java.time} type other than those listed, a subclass
 *       of a listed class (a vendor's {@code Timestamp} may compare more than the instant, so writing only the
 *       instant could name two unequal keys alike), the {@link ParameterValues#UNCACHEABLE} marker;</li>
 *   <li>a string (database identity, role, schema, setting, SQL, parameter) with an unpaired surrogate, which UTF-8
 *       cannot represent: replacing it would give a lone surrogate and {@code "?"} one name.</li>
 * </ul>
 * Such a part is reported rather than guessed at because a guess that merges two keys serves one the other's rows
 * (another tenant's, possibly). The reverse costs only a shared hit: a key holding a BigDecimal subclass equal to a
 * plain BigDecimal has no form while the equal plain key has one.
 *
 * <p>One thing beyond the key's equality is written: for a {@code java.sql.Date}, {@code Time} or {@code Timestamp}
 * parameter, the JVM's default time zone at the time of writing. Drivers render these types in that zone when no
 * Calendar is given, so the same value bound in two JVMs of different zones sends different values and must not
 * share. In one JVM the zone is a constant (unless {@link TimeZone#setDefault} is called, which the in-process cache
 * does not follow either), so equal keys still give equal bytes. It is written under a Calendar's zone too, which
 * costs only sharing between JVMs of different default zones.
 *
 * <h2>Use</h2>
 * For hashing and naming only. The form holds parameter values and session settings in the clear: it is never
 * logged, shown, or used as a name as is; the shared tier hashes it and keeps the bytes to itself. Computed on
 * demand, never on the in-process cache's hit path; not kept in the key (the tier that shares holds its own).
 *
 * <h2>Format version 1</h2>
 * Integers are big-endian two's complement of fixed width; {@code str} is an int32 byte count and that many bytes
 * of UTF-8, a count of -1 meaning null; {@code bytes} is an int32 count and the bytes. Every field is delimited by
 * its type or its count, so no content (a separator byte inside the SQL, say) can shift one field into the next.
 * <pre>
 *   int8   format version (1)
 *   str    database identity (its URL without parameters or credentials)
 *   str    dialect name
 *   str    identifier case (the enum constant's name)
 *   str    current user (nullable)
 *   str    session user (nullable)
 *   int32  search path length, then a str per schema
 *   str    key settings (nullable)
 *   str    JDBC catalog (nullable)
 *   str    URL options
 *   str    canonical SQL
 *   int32  parameter count, then each parameter as a tag and its payload (below)
 *   int64  row limit
 * </pre>
 * Parameters, by tag: the kinds {@link ParameterValues} makes, each of exactly the class named.
 * <pre>
 *    0 null               (nothing)
 *    1 String             str
 *    2 Integer            int32
 *    3 Long               int64
 *    4 Short              int16
 *    5 Byte               int8
 *    6 Boolean            int8, 0 or 1
 *    7 Double             int64 {@link Double#doubleToLongBits} (one NaN, -0.0 apart from 0.0, as equals has it)
 *    8 Float              int32 {@link Float#floatToIntBits}
 *    9 Character          int16 (the UTF-16 unit)
 *   10 BigDecimal         int32 scale, bytes unscaled value ({@link BigInteger#toByteArray}): 1.0 is not 1.00
 *   11 BigInteger         bytes {@link BigInteger#toByteArray}
 *   12 UUID               int64 most, int64 least significant bits
 *   13 byte[] copy        bytes
 *   14 java.sql.Date      str default time zone id, int64 {@code getTime()}
 *   15 java.sql.Time      str default time zone id, int64 {@code getTime()}
 *   16 java.sql.Timestamp str default time zone id, int64 {@code getTime()}, int32 {@code getNanos()}
 *   17 LocalDate          int64 epoch day
 *   18 LocalTime          int64 nano of day
 *   19 LocalDateTime      int64 epoch day, int64 nano of day
 *   20 OffsetTime         int64 nano of day, int32 offset seconds
 *   21 OffsetDateTime     int64 epoch day, int64 nano of day, int32 offset seconds
 *   22 ZonedDateTime      int64 epoch day, int64 nano of day, int32 offset seconds, then the zone: int8 0 and
 *                         int32 seconds for a ZoneOffset, int8 1 and str id for a region
 *   23 Instant            int64 epoch second, int32 nano
 *   24 typed              str type, int32 scale or length, then the value as a parameter (tag and payload)
 *   25 typed null         int32 SQL type, str type name (nullable)
 * </pre>
 * Tags are never renumbered: a new kind takes a new tag, and any other change to this layout a new version.
 */
public final class KeyBytes {
    /** The first byte of every form. */
    public static final byte FORMAT_VERSION = 1;

    private static final byte T_NULL = 0, T_STRING = 1, T_INT = 2, T_LONG = 3, T_SHORT = 4, T_BYTE = 5,
            T_BOOLEAN = 6, T_DOUBLE = 7, T_FLOAT = 8, T_CHAR = 9, T_BIG_DECIMAL = 10, T_BIG_INTEGER = 11,
            T_UUID = 12, T_BYTES = 13, T_SQL_DATE = 14, T_SQL_TIME = 15, T_SQL_TIMESTAMP = 16, T_LOCAL_DATE = 17,
            T_LOCAL_TIME = 18, T_LOCAL_DATE_TIME = 19, T_OFFSET_TIME = 20, T_OFFSET_DATE_TIME = 21,
            T_ZONED_DATE_TIME = 22, T_INSTANT = 23, T_TYPED = 24, T_TYPED_NULL = 25;
    private static final byte ZONE_OFFSET = 0, ZONE_REGION = 1;

    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[256];
    private int len;

    private KeyBytes() {
    }

    /**
     * The canonical form of {@code key} (see the class comment), a new array on each call.
     *
     * @return the form, or empty if the key is not shareable: a part cannot be written portably
     */
    public static Optional<byte[]> of(CacheKey key) {
        KeyBytes out = new KeyBytes();
        return out.key(key) ? Optional.of(Arrays.copyOf(out.buf, out.len)) : Optional.empty();
    }

    private boolean key(CacheKey key) {
        byte1(FORMAT_VERSION);
        if (!context(key.context()) || !string(key.sql())) {
            return false;
        }
        Object[] parameters = key.parameters();
        int4(parameters.length);
        for (Object parameter : parameters) {
            if (!parameter(parameter)) {
                return false;
            }
        }
        int8(key.maxRows());
        return true;
    }

    /** Every field {@link ConnectionContext#equals} compares, the database by what {@code sameDatabase} compares. */
    private boolean context(ConnectionContext context) {
        DatabaseScope database = context.database();
        if (!(string(database.identity()) && string(database.dialect().name())
                && string(database.identifierCase().name()) && string(context.user())
                && string(context.sessionUser()))) {
            return false;
        }
        List<String> schemas = context.searchPath().schemas();
        int4(schemas.size());
        for (String schema : schemas) {
            if (!string(schema)) {
                return false;
            }
        }
        return string(context.settings()) && string(context.catalog()) && string(context.urlOptions());
    }

    /** Writes a key part as {@link ParameterValues} makes it; false if its kind has no portable form. */
    private boolean parameter(Object v) {
        if (v == null) {
            byte1(T_NULL);
            return true;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            byte1(T_STRING);
            return string((String) v);
        } else if (c == Integer.class) {
            byte1(T_INT);
            int4((Integer) v);
        } else if (c == Long.class) {
            byte1(T_LONG);
            int8((Long) v);
        } else if (c == Short.class) {
            byte1(T_SHORT);
            int2((Short) v);
        } else if (c == Byte.class) {
            byte1(T_BYTE);
            byte1((Byte) v);
        } else if (c == Boolean.class) {
            byte1(T_BOOLEAN);
            byte1((Boolean) v ? 1 : 0);
        } else if (c == Double.class) {
            byte1(T_DOUBLE);
            int8(Double.doubleToLongBits((Double) v));
        } else if (c == Float.class) {
            byte1(T_FLOAT);
            int4(Float.floatToIntBits((Float) v));
        } else if (c == Character.class) {
            byte1(T_CHAR);
            int2((Character) v);
        } else if (c == BigDecimal.class) {
            byte1(T_BIG_DECIMAL);
            int4(((BigDecimal) v).scale());
            bytes(((BigDecimal) v).unscaledValue().toByteArray());
        } else if (c == BigInteger.class) {
            byte1(T_BIG_INTEGER);
            bytes(((BigInteger) v).toByteArray());
        } else if (c == UUID.class) {
            byte1(T_UUID);
            int8(((UUID) v).getMostSignificantBits());
            int8(((UUID) v).getLeastSignificantBits());
        } else if (c == ParameterValues.Bytes.class) {
            byte1(T_BYTES);
            bytes(((ParameterValues.Bytes) v).contents());
        } else if (c == ParameterValues.Typed.class) {
            ParameterValues.Typed typed = (ParameterValues.Typed) v;
            byte1(T_TYPED);
            if (!string(typed.type())) {
                return false;
            }
            int4(typed.scaleOrLength());
            return parameter(typed.value());
        } else if (c == ParameterValues.Null.class) {
            byte1(T_TYPED_NULL);
            int4(((ParameterValues.Null) v).sqlType());
            return string(((ParameterValues.Null) v).typeName());
        } else {
            return legacyTime(v, c) || time(v, c);
        }
        return true;
    }

    /** {@code java.sql} dates and times, with the default zone drivers render them in. */
    private boolean legacyTime(Object v, Class<?> c) {
        if (c != Date.class && c != Time.class && c != Timestamp.class) {
            return false;
        }
        byte1(c == Date.class ? T_SQL_DATE : c == Time.class ? T_SQL_TIME : T_SQL_TIMESTAMP);
        if (!string(TimeZone.getDefault().getID())) {
            return false;
        }
        if (c == Date.class) {
            int8(((Date) v).getTime());
        } else if (c == Time.class) {
            int8(((Time) v).getTime());
        } else {
            // getTime() includes the milliseconds of the nanos; Timestamp.equals compares both.
            int8(((Timestamp) v).getTime());
            int4(((Timestamp) v).getNanos());
        }
        return true;
    }

    private boolean time(Object v, Class<?> c) {
        if (c == LocalDate.class) {
            byte1(T_LOCAL_DATE);
            int8(((LocalDate) v).toEpochDay());
        } else if (c == LocalTime.class) {
            byte1(T_LOCAL_TIME);
            int8(((LocalTime) v).toNanoOfDay());
        } else if (c == LocalDateTime.class) {
            byte1(T_LOCAL_DATE_TIME);
            localDateTime((LocalDateTime) v);
        } else if (c == OffsetTime.class) {
            byte1(T_OFFSET_TIME);
            int8(((OffsetTime) v).toLocalTime().toNanoOfDay());
            int4(((OffsetTime) v).getOffset().getTotalSeconds());
        } else if (c == OffsetDateTime.class) {
            byte1(T_OFFSET_DATE_TIME);
            localDateTime(((OffsetDateTime) v).toLocalDateTime());
            int4(((OffsetDateTime) v).getOffset().getTotalSeconds());
        } else if (c == ZonedDateTime.class) {
            ZonedDateTime zoned = (ZonedDateTime) v;
            byte1(T_ZONED_DATE_TIME);
            localDateTime(zoned.toLocalDateTime());
            int4(zoned.getOffset().getTotalSeconds());
            return zone(zoned.getZone());
        } else if (c == Instant.class) {
            byte1(T_INSTANT);
            int8(((Instant) v).getEpochSecond());
            int4(((Instant) v).getNano());
        } else {
            return false;
        }
        return true;
    }

    private void localDateTime(LocalDateTime v) {
        int8(v.toLocalDate().toEpochDay());
        int8(v.toLocalTime().toNanoOfDay());
    }

    /** ZonedDateTime.equals tells a fixed offset from a region, even one of the same rules. */
    private boolean zone(ZoneId zone) {
        if (zone instanceof ZoneOffset) {
            byte1(ZONE_OFFSET);
            int4(((ZoneOffset) zone).getTotalSeconds());
            return true;
        }
        byte1(ZONE_REGION);
        return string(zone.getId());
    }

    /** Writes a nullable string; false if it has an unpaired surrogate. */
    private boolean string(String s) {
        if (s == null) {
            int4(-1);
            return true;
        }
        ByteBuffer encoded;
        try {
            encoded = utf8.encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            return false;
        }
        int n = encoded.remaining();
        int4(n);
        room(n);
        encoded.get(buf, len, n);
        len += n;
        return true;
    }

    private void bytes(byte[] b) {
        int4(b.length);
        room(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void byte1(int v) {
        room(1);
        buf[len++] = (byte) v;
    }

    private void int2(int v) {
        room(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int4(int v) {
        room(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
    }

    private void int8(long v) {
        room(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
