package io.jdbccache.internal.cache;

import io.jdbccache.internal.sql.RowKey;

/**
 * A statement's row key resolved against the catalog: the table whose integer primary key it names, and where the
 * key value comes from (a parameter or a literal).
 */
public record KeyedRow(TableVersion table, RowKey key) {

    /**
     * The stamp of the row one execution names, or null when its key value is not integral (a string parameter on
     * an integer key, say): the statement then counts as touching any row. No boxing: this runs on every miss and
     * every keyed write.
     */
    public TableVersion row(Object[] parameters) {
        if (key.parameterIndex() == 0) {
            return table.row(key.literal());
        }
        if (parameters == null || key.parameterIndex() > parameters.length) {
            return null;
        }
        Object part = parameters[key.parameterIndex() - 1];
        if (part instanceof Integer || part instanceof Long || part instanceof Short || part instanceof Byte) {
            return table.row(((Number) part).longValue());
        }
        return null;
    }
}
