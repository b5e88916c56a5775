package io.jdbccache.internal.jdbc;

import io.jdbccache.internal.cache.ParameterValues;
import io.jdbccache.internal.sql.BypassReason;
import java.util.Arrays;

/**
 * The key parts of a prepared statement's bound parameters, by 1-based index, and which indexes are bound: an
 * unbound parameter is never keyed (the database answers it with its own error, which a cached result would hide).
 * Grows as needed.
 */
final class ParameterList {
    private static final Object UNBOUND = null;
    private Object[] values = new Object[8];
    private boolean[] bound = new boolean[8];
    private int size;
    private int boundCount;
    private Object[] snapshot = StatementCore.NO_PARAMETERS;
    private int uncacheable;

    void set(int parameterIndex, Object keyPart) {
        int index = parameterIndex - 1;
        if (index < 0) {
            return; // the real driver has already rejected it
        }
        if (index >= values.length) {
            int capacity = Math.max(values.length * 2, index + 1);
            values = Arrays.copyOf(values, capacity);
            bound = Arrays.copyOf(bound, capacity);
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

    void clear() {
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
