package io.jdbccache.internal.jdbc;

import java.util.Arrays;

/** The key parts of a prepared statement's bound parameters, by 1-based index. Grows as needed. */
final class ParameterList {
    private Object[] values = new Object[8];
    private int size;
    private Object[] snapshot = StatementCore.NO_PARAMETERS;
    private int uncacheable;

    void set(int parameterIndex, Object keyPart) {
        int index = parameterIndex - 1;
        if (index < 0) {
            return; // the real driver has already rejected it
        }
        if (index >= values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, index + 1));
        }
        if (values[index] == io.jdbccache.internal.cache.ParameterValues.UNCACHEABLE) {
            uncacheable--;
        }
        if (keyPart == io.jdbccache.internal.cache.ParameterValues.UNCACHEABLE) {
            uncacheable++;
        }
        values[index] = keyPart;
        size = Math.max(size, index + 1);
        snapshot = null;
    }

    void clear() {
        Arrays.fill(values, 0, size, null);
        size = 0;
        uncacheable = 0;
        snapshot = StatementCore.NO_PARAMETERS;
    }

    /** False while a stream, LOB or unknown object is bound: such an execution is not cached. */
    boolean cacheable() {
        return uncacheable == 0;
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
