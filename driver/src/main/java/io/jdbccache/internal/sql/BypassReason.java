package io.jdbccache.internal.sql;

/**
 * Why a read did not use the cache. Every bypass is counted under exactly one reason, per cache and per query
 * shape, so an operator can see what keeps the hit rate down.
 */
public enum BypassReason {
    /** {@code cache.enabled=false}. */
    CACHE_DISABLED("cache.enabled=false"),
    /** The parser cannot read the statement, so its tables are not known for sure. */
    NOT_PARSEABLE("SQL the parser cannot read"),
    /** SHOW, EXPLAIN, SAVEPOINT, harmless SETs: statements that read but are never cached. */
    NOT_A_CACHEABLE_READ("a statement that is not a cacheable read (SHOW, EXPLAIN, SAVEPOINT, SET...)"),
    /** A function, clock word, special date input ({@code 'now'}) or operator not known to be deterministic. */
    NON_DETERMINISTIC("calls a function or reads a value not known to be deterministic"),
    /** {@code FOR UPDATE/SHARE} and other locking reads. */
    LOCKING_READ("locking read (FOR UPDATE/SHARE)"),
    /** Reads a system catalog, which the driver never sees written. */
    SYSTEM_CATALOG("reads a system catalog"),
    /** Reads a foreign table, a view over volatile functions or other relations whose changes are invisible. */
    UNCACHEABLE_RELATION("reads a relation whose changes the driver cannot see"),
    /** Reads a name this session has a temporary table (or view) of. */
    TEMPORARY_TABLE("the session has temporary tables, views or types, which change reads that do not name them"),
    /** A row-level-security policy of a table read calls something the driver cannot vouch for. */
    ROW_SECURITY("a row-level-security policy the driver cannot key"),
    /** cache.neverCacheTables / neverCacheQueries / onlyCache*, or a TTL of 0 for a table read. */
    NEVER_CACHE_RULE("excluded by a rule (cache.neverCache*, cache.onlyCache*, a TTL of 0)"),
    /** The session's state could not be read back (or, on other databases, may have changed). */
    SESSION_STATE_UNKNOWN("the session's state is unknown"),
    /** Inside a REPEATABLE READ or SERIALIZABLE transaction. */
    SNAPSHOT_TRANSACTION("inside a REPEATABLE READ or SERIALIZABLE transaction"),
    /** The open transaction failed (PostgreSQL): the database refuses every statement until it ends. */
    TRANSACTION_FAILED("the open transaction failed: the database refuses statements until it ends"),
    /** The open transaction wrote a table this read depends on. */
    WRITTEN_IN_TRANSACTION("reads a table the open transaction wrote"),
    /** An updatable result set, a negative fetch size or a maximum field size. */
    STATEMENT_SETTINGS("statement settings (updatable result set, maxFieldSize, JDBC escapes left unprocessed)"),
    /** A stream, LOB or object of unknown type is bound as a parameter. */
    UNCACHEABLE_PARAMETER("a stream, LOB or unknown object is bound as a parameter"),
    /** A parameter is not bound: the database answers with its own error. */
    UNBOUND_PARAMETER("a parameter is not bound"),
    /** The catalog could not be read to resolve the tables. */
    CATALOG_UNAVAILABLE("the table catalog could not be read"),
    /** The result was larger than cache.maxResultRows or cache.maxResultBytes, so it streamed through. */
    TOO_LARGE("result larger than cache.maxResultRows or cache.maxResultBytes"),
    /** A column of the result has a type that is never cached (an array, a LOB, XML, a structured type). */
    UNCACHEABLE_COLUMN_TYPE("a column type that is not cached (array, LOB, XML, structured)"),
    /** The statement or its connection is closed: the real driver answers with its error. */
    CLOSED("the statement or connection is closed");

    private final String description;

    BypassReason(String description) {
        this.description = description;
    }

    /** One line for operators. */
    public String description() {
        return description;
    }
}
