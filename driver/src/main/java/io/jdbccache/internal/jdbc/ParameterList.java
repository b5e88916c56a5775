package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.ParameterValues;
import io.jdbccache.internal.sql.BypassReason;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The key parts of a prepared statement's bound parameters, by 1-based index, and which indexes are bound: an
 * unbound parameter is never keyed (the database answers it with its own error, which a cached result would hide).
 * Grows as needed.
 *
 * <p>It also holds the binds not yet passed to the real statement. A hit never needs the real statement's
 * parameters, and binding them costs more than the rest of a hit (pgjdbc's {@code setInt} encodes the value and
 * looks up the type's wire format: a fifth of a 1-row hit in a profile), so {@code setInt}, {@code setLong} and
 * {@code setString} of a cacheable read are kept here and applied by {@link #applyDeferred} before anything reaches
 * the real statement. Any other bind of the same index, and {@link #clear}, drops the deferred one.
 */
final class ParameterList {
    private static final Object UNBOUND = null;
    private Object[] values = new Object[8];
    private boolean[] bound = new boolean[8];
    private int size;
    private int boundCount;
    private Object[] snapshot = StatementCore.NO_PARAMETERS;
    private int uncacheable;
    /** Per index: the setter whose bind is deferred (NONE, INT, LONG or STRING), and its value. */
    private byte[] deferredSetter = new byte[8];
    private long[] deferredNumber = new long[8];
    private String[] deferredText = new String[8];
    private int deferredCount;
    private static final byte NONE = 0;
    private static final byte INT = 1;
    private static final byte LONG = 2;
    private static final byte STRING = 3;

    void set(int parameterIndex, Object keyPart) {
        int index = parameterIndex - 1;
        if (index < 0) {
            return; // the real driver has already rejected it
        }
        if (index >= values.length) {
            int capacity = Math.max(values.length * 2, index + 1);
            values = Arrays.copyOf(values, capacity);
            bound = Arrays.copyOf(bound, capacity);
            deferredSetter = Arrays.copyOf(deferredSetter, capacity);
            deferredNumber = Arrays.copyOf(deferredNumber, capacity);
            deferredText = Arrays.copyOf(deferredText, capacity);
        }
        if (deferredSetter[index] != NONE) {
            // A bind of the same index after a deferred one: the later is the one that holds.
            deferredSetter[index] = NONE;
            deferredText[index] = null;
            deferredCount--;
        }
        if (bound[index] && values[index] == ParameterValues.UNCACHEABLE) {
            uncacheable--;
        }
        if (keyPart == ParameterValues.UNCACHEABLE) {
            uncacheable++;
        }
        if (!bound[index]) {
            bound[index] = true;
            boundCount++;
        }
        values[index] = keyPart;
        size = Math.max(size, index + 1);
        snapshot = null;
    }

    /** Keeps {@code setInt(parameterIndex, value)} for {@link #applyDeferred}; call after {@link #set}. */
    void deferInt(int parameterIndex, int value) {
        defer(parameterIndex - 1, INT, value, null);
    }

    /** Keeps {@code setLong(parameterIndex, value)} for {@link #applyDeferred}; call after {@link #set}. */
    void deferLong(int parameterIndex, long value) {
        defer(parameterIndex - 1, LONG, value, null);
    }

    /** Keeps {@code setString(parameterIndex, value)} for {@link #applyDeferred}; call after {@link #set}. */
    void deferString(int parameterIndex, String value) {
        defer(parameterIndex - 1, STRING, 0, value);
    }

    private void defer(int index, byte setter, long number, String text) {
        deferredSetter[index] = setter;
        deferredNumber[index] = number;
        deferredText[index] = text;
        deferredCount++;
    }

    /**
     * Passes the deferred binds to the real statement, before anything else reaches it. A bind the real driver
     * refuses throws its own exception here and stays deferred, so the next execution meets it again.
     */
    void applyDeferred(PreparedStatement delegate) throws SQLException {
        if (deferredCount == 0) {
            return;
        }
        for (int index = 0; index < size && deferredCount > 0; index++) {
            switch (deferredSetter[index]) {
                case INT -> delegate.setInt(index + 1, (int) deferredNumber[index]);
                case LONG -> delegate.setLong(index + 1, deferredNumber[index]);
                case STRING -> delegate.setString(index + 1, deferredText[index]);
                default -> {
                    continue;
                }
            }
            deferredSetter[index] = NONE;
            deferredText[index] = null;
            deferredCount--;
        }
    }

    /**
     * After a batch ran (or failed): which values the real statement holds is no longer known. H2 runs a batch by
     * binding each row's values in turn and leaves the last row's bound; pgjdbc keeps the values bound last. Every
     * bound parameter then keys nothing (a read goes to the database, a write may touch any row) until it is bound
     * again. Call after {@link #applyDeferred}, with nothing deferred.
     */
    void forgetValues() {
        for (int index = 0; index < size; index++) {
            if (bound[index] && values[index] != ParameterValues.UNCACHEABLE) {
                values[index] = ParameterValues.UNCACHEABLE;
                uncacheable++;
            }
        }
        snapshot = null;
    }

    void clear() {
        Arrays.fill(deferredSetter, 0, size, NONE);
        Arrays.fill(deferredText, 0, size, null);
        deferredCount = 0;
        Arrays.fill(values, 0, size, UNBOUND);
        Arrays.fill(bound, 0, size, false);
        size = 0;
        boundCount = 0;
        uncacheable = 0;
        snapshot = StatementCore.NO_PARAMETERS;
    }

    /**
     * Whether the bound values may key a cached result.
     *
     * @param expected the statement's placeholder count; -1 when it cannot be counted
     * @return null if they may; otherwise why not (a placeholder is unbound, or a stream, LOB or unknown object is
     *         bound)
     */
    BypassReason state(int expected) {
        if (expected < 0 || boundCount != size || size < expected) {
            return BypassReason.UNBOUND_PARAMETER;
        }
        return uncacheable == 0 ? null : BypassReason.UNCACHEABLE_PARAMETER;
    }

    /**
     * The bound values, as an array the caller must not modify; the same array is returned until a value changes,
     * so re-executing with unchanged parameters copies nothing.
     */
    Object[] values() {
        if (snapshot == null) {
            snapshot = Arrays.copyOf(values, size);
        }
        return snapshot;
    }
}
