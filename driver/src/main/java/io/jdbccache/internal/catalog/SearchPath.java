package io.jdbccache.internal.catalog;

import java.util.List;

/**
 * The schemas an unqualified table name is looked up in, in order, as the session resolves it (PostgreSQL's
 * {@code current_schemas(true)} without the temporary schema, H2's schema followed by its search path).
 *
 * @param schemas stored names, first match wins; never empty for a known session
 */
public record SearchPath(List<String> schemas) {
    public SearchPath {
        schemas = List.copyOf(schemas);
    }

    public static SearchPath of(String... schemas) {
        return new SearchPath(List.of(schemas));
    }

    /** The schema a new unqualified table would be created in, and the fallback when a name is found nowhere. */
    public String first() {
        return schemas.isEmpty() ? null : schemas.get(0);
    }

    // Written out: a record's generated equals and hashCode bootstrap method handles at their first call, which on a
    // new JVM's first query costs milliseconds.
    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof SearchPath && schemas.equals(((SearchPath) other).schemas);
    }

    @Override
    public int hashCode() {
        return schemas.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", schemas);
    }
}
