package io.jdbccache.internal.result;

import java.sql.SQLException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Field;
import org.postgresql.core.TypeInfo;

/**
 * pgjdbc's field descriptions of a captured result, as copies: the live {@code Field} objects belong to the
 * statement's prepared query, and pgjdbc changes them in place (their format, when the statement switches to binary
 * transfer). One set of copies serves every entry captured while the live fields still read the same (label, type,
 * modifier, table and column, format), so that a miss of a known statement copies nothing.
 *
 * <p>The only writes after construction are pgjdbc's lazily computed type names, filled in once under this object's
 * lock before any result set reads them ({@link #knowTypes}), and the column metadata pgjdbc itself caches in a field
 * when a user asks for it (the same for every entry: it depends on the table column only).
 */
final class PgjdbcColumns implements DriverColumns {
    private final Field[] fields;
    /** Whether every field's type name and JDBC type are filled in; set once, under this object's lock. */
    private volatile boolean typesKnown;

    private PgjdbcColumns(Field[] fields) {
        this.fields = fields;
    }

    /** Copies of {@code live}. */
    static PgjdbcColumns copyOf(Field[] live) {
        Field[] copies = new Field[live.length];
        for (int i = 0; i < copies.length; i++) {
            Field f = live[i];
            copies[i] = new Field(f.getColumnLabel(), f.getOID(), f.getLength(), f.getMod(), f.getTableOid(),
                    f.getPositionInTable());
            copies[i].setFormat(f.getFormat());
        }
        return new PgjdbcColumns(copies);
    }

    /** Fields built by the decoder of a shared tier's bytes: this object's own. */
    static PgjdbcColumns of(Field[] own) {
        return new PgjdbcColumns(own);
    }

    /** True if {@code live} reads exactly as these copies did when they were made. */
    boolean describes(Field[] live) {
        if (live.length != fields.length) {
            return false;
        }
        for (int i = 0; i < live.length; i++) {
            Field a = live[i];
            Field b = fields[i];
            if (a.getOID() != b.getOID() || a.getMod() != b.getMod() || a.getFormat() != b.getFormat()
                    || a.getLength() != b.getLength() || a.getTableOid() != b.getTableOid()
                    || a.getPositionInTable() != b.getPositionInTable()
                    || !a.getColumnLabel().equals(b.getColumnLabel())) {
                return false;
            }
        }
        return true;
    }

    Field[] fields() {
        return fields;
    }

    /**
     * Fills in what pgjdbc computes lazily per field on first use ({@code PgResultSet.initSqlType}), once, before
     * any hit reads the fields: result sets of many threads share them, and two unsynchronized writes could
     * otherwise be seen half done.
     */
    void knowTypes(BaseConnection connection) throws SQLException {
        if (typesKnown) {
            return;
        }
        synchronized (this) {
            if (typesKnown) {
                return;
            }
            TypeInfo types = connection.getTypeInfo();
            for (Field f : fields) {
                if (!f.isTypeInitialized()) {
                    String pgType = types.getPGType(f.getOID());
                    f.setSQLType(types.getSQLType(pgType));
                    f.setPGType(pgType);
                }
            }
            typesKnown = true;
        }
    }

    /**
     * The retained size of the copies: a Field is 56 bytes, plus, for a computed column, the FieldMetadata pgjdbc
     * makes for it at once; the label String is pgjdbc's own, which a server-prepared query shares across its
     * executions.
     */
    long estimatedBytes() {
        long bytes = 16 + 16 + ((16 + 4L * fields.length + 7) & ~7L);
        for (Field f : fields) {
            bytes += 56 + (f.getTableOid() == 0 ? 24 : 0);
        }
        return bytes;
    }
}
