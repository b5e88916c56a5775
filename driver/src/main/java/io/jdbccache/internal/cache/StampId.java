package io.jdbccache.internal.cache;

import java.util.Objects;

/**
 * Names one version stamp apart from this JVM's counters: the database (its identity, the URL without parameters or
 * credentials), what the stamp stands for, the resolved table ({@code schema.name}, {@code *} for the whole
 * database) and, for one row, its integer key. Equal in every JVM for the same stamp, so a shared tier and an event
 * from another instance can name it; carries no parameter values beyond a row's key.
 */
public record StampId(String database, TableVersion.Kind kind, String table, long rowKey) {
    public StampId {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        if (kind != TableVersion.Kind.ROW && rowKey != 0) {
            throw new IllegalArgumentException("only a row stamp has a key");
        }
    }

    /** The stamp of the whole database, which every entry of it depends on. */
    public static StampId database(String database) {
        return new StampId(database, TableVersion.Kind.DATABASE, "*", 0);
    }

    /** For diagnostics: never holds a parameter value except a row's key. */
    @Override
    public String toString() {
        return switch (kind) {
            case DATABASE -> database + " *";
            case TABLE -> database + " " + table;
            case ANY_ROW -> database + " " + table + " any row";
            case ROW -> database + " " + table + " row " + rowKey;
        };
    }
}
