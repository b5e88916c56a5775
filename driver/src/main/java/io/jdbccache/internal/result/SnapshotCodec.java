package io.jdbccache.internal.result;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
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
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/**
 * The compact binary form of a {@link ResultSnapshot}, meant for a shared (Redis) tier.
 *
 * <p>Format version 2, all integers as LEB128 varints (signed ones zig-zag encoded), strings as
 * varint (UTF-8 length + 1, 0 meaning null) followed by UTF-8:
 * <pre>
 *   byte    version (= 1)
 *   varint  columnCount, then per column:
 *           7 strings (catalog, schema, table, name, label, typeName, className),
 *           5 signed varints (type, precision, scale, displaySize, nullable),
 *           1 byte of flags (autoIncrement, caseSensitive, searchable, currency, signed, readOnly,
 *           writable, definitelyWritable from bit 0 up)
 *   byte    form: 0 for Java values, as follows; {@code 'P'} for pgjdbc's own form, see {@link PgjdbcRows#encode}
 *   varint  rowCount
 *   byte    1 when texts follow, else 0
 *   cells   rowCount x columnCount values, each a tag byte (T_* below) and its payload
 *   texts   when present, rowCount x columnCount strings
 * </pre>
 * Only the exact classes with a tag are encoded (a subclass, e.g. a vendor Timestamp, is not), so a
 * decoded value always equals the encoded one. Never uses Java serialization.
 */
public final class SnapshotCodec {

    static final byte VERSION = 2;
    /** After the columns: the rows as Java values (below), or in a driver's own form (its {@link DriverRows#encode}). */
    private static final byte FORM_VALUES = 0;

    private static final byte T_NULL = 0, T_STRING = 1, T_INT = 2, T_LONG = 3, T_SHORT = 4, T_BYTE = 5,
            T_TRUE = 6, T_FALSE = 7, T_DOUBLE = 8, T_FLOAT = 9, T_BIG_DECIMAL = 10, T_BIG_INTEGER = 11,
            T_BYTES = 12, T_DATE = 13, T_TIME = 14, T_TIMESTAMP = 15, T_UUID = 16, T_LOCAL_DATE = 17,
            T_LOCAL_TIME = 18, T_LOCAL_DATE_TIME = 19, T_OFFSET_DATE_TIME = 20, T_OFFSET_TIME = 21,
            T_INSTANT = 22;

    private SnapshotCodec() {
    }

    /** @return the encoding, or null when a value (or a string with unpaired surrogates) cannot be encoded */
    public static byte[] encode(ResultSnapshot s) {
        Out out = new Out(64 + s.values.length * 8);
        out.buf[out.len++] = VERSION;
        out.varint(s.columnCount);
        for (ColumnInfo c : s.columns) {
            if (!(out.string(c.catalog()) && out.string(c.schema()) && out.string(c.table())
                    && out.string(c.name()) && out.string(c.label()) && out.string(c.typeName())
                    && out.string(c.className()))) {
                return null;
            }
            out.zigzag(c.type());
            out.zigzag(c.precision());
            out.zigzag(c.scale());
            out.zigzag(c.displaySize());
            out.zigzag(c.nullable());
            out.write(bits(c.autoIncrement(), 0) | bits(c.caseSensitive(), 1) | bits(c.searchable(), 2)
                    | bits(c.currency(), 3) | bits(c.signed(), 4) | bits(c.readOnly(), 5)
                    | bits(c.writable(), 6) | bits(c.definitelyWritable(), 7));
        }
        if (s.driverRows != null) {
            byte[] rows = s.driverRows.encode();
            if (rows == null) {
                return null;
            }
            out.raw(rows);
            return out.toByteArray();
        }
        out.write(FORM_VALUES);
        out.varint(s.rowCount);
        out.write(s.texts == null ? 0 : 1);
        for (Object v : s.values) {
            if (!value(out, v)) {
                return null;
            }
        }
        if (s.texts != null) {
            for (String t : s.texts) {
                if (!out.string(t)) {
                    return null;
                }
            }
        }
        return out.toByteArray();
    }

    private static int bits(boolean flag, int bit) {
        return flag ? 1 << bit : 0;
    }

    private static boolean value(Out out, Object v) {
        if (v == null) {
            out.write(T_NULL);
            return true;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            out.write(T_STRING);
            return out.string((String) v);
        } else if (c == Integer.class) {
            out.write(T_INT);
            out.zigzag((Integer) v);
        } else if (c == Long.class) {
            out.write(T_LONG);
            out.zigzag((Long) v);
        } else if (c == Short.class) {
            out.write(T_SHORT);
            out.zigzag((Short) v);
        } else if (c == Byte.class) {
            out.write(T_BYTE);
            out.write((Byte) v);
        } else if (c == Boolean.class) {
            out.write((Boolean) v ? T_TRUE : T_FALSE);
        } else if (c == Double.class) {
            out.write(T_DOUBLE);
            out.fixed64(Double.doubleToRawLongBits((Double) v));
        } else if (c == Float.class) {
            out.write(T_FLOAT);
            out.varint(Integer.toUnsignedLong(Float.floatToRawIntBits((Float) v)));
        } else if (c == BigDecimal.class) {
            out.write(T_BIG_DECIMAL);
            out.zigzag(((BigDecimal) v).scale());
            out.bytes(((BigDecimal) v).unscaledValue().toByteArray());
        } else if (c == BigInteger.class) {
            out.write(T_BIG_INTEGER);
            out.bytes(((BigInteger) v).toByteArray());
        } else if (c == byte[].class) {
            out.write(T_BYTES);
            out.bytes((byte[]) v);
        } else if (c == Date.class) {
            out.write(T_DATE);
            out.zigzag(((Date) v).getTime());
        } else if (c == Time.class) {
            out.write(T_TIME);
            out.zigzag(((Time) v).getTime());
        } else if (c == Timestamp.class) {
            out.write(T_TIMESTAMP);
            out.zigzag(((Timestamp) v).getTime());
            out.varint(((Timestamp) v).getNanos());
        } else if (c == UUID.class) {
            out.write(T_UUID);
            out.fixed64(((UUID) v).getMostSignificantBits());
            out.fixed64(((UUID) v).getLeastSignificantBits());
        } else if (c == LocalDate.class) {
            out.write(T_LOCAL_DATE);
            out.zigzag(((LocalDate) v).toEpochDay());
        } else if (c == LocalTime.class) {
            out.write(T_LOCAL_TIME);
            out.varint(((LocalTime) v).toNanoOfDay());
        } else if (c == LocalDateTime.class) {
            out.write(T_LOCAL_DATE_TIME);
            out.zigzag(((LocalDateTime) v).toLocalDate().toEpochDay());
            out.varint(((LocalDateTime) v).toLocalTime().toNanoOfDay());
        } else if (c == OffsetDateTime.class) {
            OffsetDateTime odt = (OffsetDateTime) v;
            out.write(T_OFFSET_DATE_TIME);
            out.zigzag(odt.toLocalDate().toEpochDay());
            out.varint(odt.toLocalTime().toNanoOfDay());
            out.zigzag(odt.getOffset().getTotalSeconds());
        } else if (c == OffsetTime.class) {
            out.write(T_OFFSET_TIME);
            out.varint(((OffsetTime) v).toLocalTime().toNanoOfDay());
            out.zigzag(((OffsetTime) v).getOffset().getTotalSeconds());
        } else if (c == Instant.class) {
            out.write(T_INSTANT);
            out.zigzag(((Instant) v).getEpochSecond());
            out.varint(((Instant) v).getNano());
        } else {
            return false;
        }
        return true;
    }

    /** @throws IllegalArgumentException for any input that is not a complete, valid encoding of this version */
    public static ResultSnapshot decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("No snapshot bytes");
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("Unsupported snapshot format version " + version);
            }
            int columnCount = count(in, in.remaining() / 13); // a column takes at least 13 bytes
            ColumnInfo[] columns = new ColumnInfo[columnCount];
            for (int i = 0; i < columnCount; i++) {
                String catalog = string(in), schema = string(in), table = string(in), name = string(in);
                String label = string(in), typeName = string(in), className = string(in);
                int type = (int) unzigzag(in), precision = (int) unzigzag(in), scale = (int) unzigzag(in);
                int displaySize = (int) unzigzag(in), nullable = (int) unzigzag(in);
                int f = in.get();
                columns[i] = new ColumnInfo(catalog, schema, table, name, label, type, typeName, className,
                        precision, scale, displaySize, nullable, (f & 1) != 0, (f & 2) != 0, (f & 4) != 0,
                        (f & 8) != 0, (f & 16) != 0, (f & 32) != 0, (f & 64) != 0, (f & 128) != 0);
            }
            byte form = in.get();
            if (form == PgjdbcRows.ENCODING) {
                ResultSnapshot snapshot = decodePgjdbc(columns, in);
                if (in.hasRemaining()) {
                    throw new IllegalArgumentException(in.remaining() + " trailing bytes after snapshot");
                }
                return snapshot;
            }
            if (form != FORM_VALUES) {
                throw new IllegalArgumentException("Unknown row form " + form);
            }
            int rowCount = count(in, Integer.MAX_VALUE);
            long cells = (long) rowCount * columnCount;
            boolean hasTexts = switch (in.get()) {
                case 0 -> false;
                case 1 -> true;
                default -> throw new IllegalArgumentException("Corrupt texts flag");
            };
            if (cells > in.remaining()) { // every cell takes at least one byte
                throw new IllegalArgumentException("Truncated snapshot: " + cells + " cells announced");
            }
            Object[] values = new Object[(int) cells];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(in);
            }
            String[] texts = null;
            if (hasTexts) {
                if (cells > in.remaining()) {
                    throw new IllegalArgumentException("Truncated snapshot texts");
                }
                texts = new String[(int) cells];
                for (int i = 0; i < texts.length; i++) {
                    texts[i] = string(in);
                }
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after snapshot");
            }
            return ResultSnapshot.of(columns, values, texts, rowCount);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // underflow, DateTimeException, NumberFormatException, ...
            throw new IllegalArgumentException("Corrupt snapshot bytes: " + e, e);
        }
    }

    /** Rows in pgjdbc's form need pgjdbc's classes to hold them; without pgjdbc the bytes are refused as corrupt. */
    private static ResultSnapshot decodePgjdbc(ColumnInfo[] columns, ByteBuffer in) {
        try {
            PgjdbcRows rows = PgjdbcRows.decode(in);
            if (rows.columnCount() != columns.length) {
                throw new IllegalArgumentException("Field count " + rows.columnCount() + " differs from column count");
            }
            return new ResultSnapshot(columns, rows);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("Snapshot in pgjdbc's form but pgjdbc is not available", e);
        }
    }

    private static Object value(ByteBuffer in) {
        byte tag = in.get();
        switch (tag) {
            case T_NULL: return null;
            case T_STRING: return requireNonNull(string(in));
            case T_INT: return Math.toIntExact(unzigzag(in));
            case T_LONG: return unzigzag(in);
            case T_SHORT: return narrow(unzigzag(in), Short.MIN_VALUE, Short.MAX_VALUE).shortValue();
            case T_BYTE: return in.get();
            case T_TRUE: return Boolean.TRUE;
            case T_FALSE: return Boolean.FALSE;
            case T_DOUBLE: return Double.longBitsToDouble(in.getLong());
            case T_FLOAT: return Float.intBitsToFloat(Math.toIntExact(narrow(varint(in), 0, 0xFFFF_FFFFL)));
            case T_BIG_DECIMAL: {
                int scale = Math.toIntExact(unzigzag(in));
                return new BigDecimal(new BigInteger(bytes(in)), scale);
            }
            case T_BIG_INTEGER: return new BigInteger(bytes(in));
            case T_BYTES: return bytes(in);
            case T_DATE: return new Date(unzigzag(in));
            case T_TIME: return new Time(unzigzag(in));
            case T_TIMESTAMP: {
                Timestamp ts = new Timestamp(unzigzag(in));
                ts.setNanos(Math.toIntExact(varint(in)));
                return ts;
            }
            case T_UUID: return new UUID(in.getLong(), in.getLong());
            case T_LOCAL_DATE: return LocalDate.ofEpochDay(unzigzag(in));
            case T_LOCAL_TIME: return LocalTime.ofNanoOfDay(varint(in));
            case T_LOCAL_DATE_TIME: return LocalDateTime.of(LocalDate.ofEpochDay(unzigzag(in)), LocalTime.ofNanoOfDay(varint(in)));
            case T_OFFSET_DATE_TIME: {
                LocalDateTime ldt = LocalDateTime.of(LocalDate.ofEpochDay(unzigzag(in)), LocalTime.ofNanoOfDay(varint(in)));
                return OffsetDateTime.of(ldt, ZoneOffset.ofTotalSeconds(Math.toIntExact(unzigzag(in))));
            }
            case T_OFFSET_TIME: {
                LocalTime lt = LocalTime.ofNanoOfDay(varint(in));
                return OffsetTime.of(lt, ZoneOffset.ofTotalSeconds(Math.toIntExact(unzigzag(in))));
            }
            case T_INSTANT: return Instant.ofEpochSecond(unzigzag(in), varint(in));
            default: throw new IllegalArgumentException("Unknown value tag " + tag);
        }
    }

    static <T> T requireNonNull(T v) {
        if (v == null) {
            throw new IllegalArgumentException("Null string under a String tag");
        }
        return v;
    }

    private static Long narrow(long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("Value " + v + " out of range");
        }
        return v;
    }

    static int count(ByteBuffer in, int max) {
        long n = varint(in);
        if (n > max) {
            throw new IllegalArgumentException("Count " + n + " exceeds what the input can hold");
        }
        return (int) n;
    }

    static long varint(ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("Varint longer than 10 bytes");
    }

    static long unzigzag(ByteBuffer in) {
        long v = varint(in);
        return (v >>> 1) ^ -(v & 1);
    }

    private static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[count(in, in.remaining())];
        in.get(b);
        return b;
    }

    /** The form of {@link Out#bytesOrNull}: length + 1, 0 meaning null, then the bytes. */
    static byte[] bytesOrNull(ByteBuffer in) {
        int n = count(in, in.remaining() + 1);
        if (n == 0) {
            return null;
        }
        byte[] b = new byte[n - 1];
        in.get(b);
        return b;
    }

    static String string(ByteBuffer in) {
        int n = count(in, in.remaining() + 1);
        if (n == 0) {
            return null;
        }
        String s = new String(in.array(), in.position(), n - 1, StandardCharsets.UTF_8);
        in.position(in.position() + n - 1);
        return s;
    }

    /** A growable byte array; cheaper than ByteArrayOutputStream + DataOutputStream and never throws. */
    static final class Out {
        byte[] buf;
        int len;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void fixed64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[len++] = (byte) (v >>> shift);
            }
        }

        void bytesOrNull(byte[] b) {
            if (b == null) {
                varint(0);
                return;
            }
            varint(b.length + 1L);
            raw(b);
        }

        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }

        void bytes(byte[] b) {
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        /** @return false when {@code s} has an unpaired surrogate, which UTF-8 cannot carry losslessly */
        boolean string(String s) {
            if (s == null) {
                varint(0);
                return true;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(++i))) {
                        return false;
                    }
                }
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, len, utf8.length);
            len += utf8.length;
            return true;
        }
    }
}
