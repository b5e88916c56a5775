package io.jdbccache.internal.cache;

import java.util.Arrays;

/**
 * Identifies one cached result: who asked (database, user, schema, session settings), the canonical SQL, the bound
 * parameter values with their types, and the row limit. Immutable; the hash is computed once. Equal by value; its
 * portable byte form, for naming an entry in a shared tier, is {@link KeyBytes#of}, computed only on demand.
 */
public final class CacheKey {
    private final ConnectionContext context;
    private final String sql;
    private final Object[] parameters;
    private final long maxRows;
    private final int hash;

    /**
     * @param parameters parameter values already made immutable and type-distinguishing (see
     *                   {@link ParameterValues}); the array is owned by the key from now on
     */
    public CacheKey(ConnectionContext context, String sql, Object[] parameters, long maxRows) {
        this.context = context;
        this.sql = sql;
        this.parameters = parameters;
        this.maxRows = maxRows;
        int h = context.hashCode();
        h = 31 * h + sql.hashCode();
        h = 31 * h + Arrays.hashCode(parameters);
        this.hash = 31 * h + Long.hashCode(maxRows);
    }

    public ConnectionContext context() {
        return context;
    }

    public String sql() {
        return sql;
    }

    /** The parameters' key parts, in order: the key's own array, which the caller must not modify. */
    Object[] parameters() {
        return parameters;
    }

    /** The row limit the result was read under (0: none). */
    long maxRows() {
        return maxRows;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CacheKey)) {
            return false;
        }
        CacheKey other = (CacheKey) o;
        return hash == other.hash && maxRows == other.maxRows && sql.equals(other.sql)
                && context.equals(other.context) && Arrays.equals(parameters, other.parameters);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Shows the SQL and the number of parameters, never their values. */
    @Override
    public String toString() {
        return "CacheKey[" + sql + ", " + parameters.length + " parameters]";
    }
}
