package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * What the driver must know about one kind of database: its lexical rules, how it folds identifiers, how to read a
 * session's state back, and the catalog queries behind views, partitions, server code and row-level security.
 * Chosen once per connection from the product name; stateless and thread-safe.
 */
public interface Dialect {

    /** The dialect of the database behind {@code metaData}. */
    static Dialect of(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return PostgresDialect.INSTANCE;
        }
        // Quoted names that are not case-sensitive (H2 with CASE_INSENSITIVE_IDENTIFIERS=TRUE): "t" and T are one
        // table, so every name folds, quoted or not.
        TableRef.IdentifierCase identifierCase = !metaData.supportsMixedCaseQuotedIdentifiers()
                ? TableRef.IdentifierCase.CASE_INSENSITIVE
                : metaData.storesLowerCaseIdentifiers()
                ? TableRef.IdentifierCase.LOWER
                : metaData.storesUpperCaseIdentifiers() ? TableRef.IdentifierCase.UPPER
                : TableRef.IdentifierCase.AS_IS;
        if (product.equals("h2")) {
            return new H2Dialect(identifierCase);
        }
        return new GenericDialect(identifierCase);
    }

    /** The server's transaction on a connection, as its driver last heard it. */
    enum ServerTransaction {
        /** No transaction is open. */
        IDLE,
        /** A transaction is open. */
        OPEN,
        /** A transaction is open and failed: the database refuses every statement until it ends. */
        FAILED
    }

    /**
     * The server's transaction on this connection right now, as the driver last heard it (no round trip), or null
     * where the driver does not say. Lets the connection catch a BEGIN or COMMIT it could not see (one sent through
     * {@code executeQuery}, which then fails; one inside a text it could not split), and a failed transaction.
     */
    default ServerTransaction serverTransaction(Connection connection) {
        return null;
    }

    /**
     * True if a failed statement aborts the open transaction, so that the database refuses every statement until
     * it ends (PostgreSQL); false if only the statement fails.
     */
    default boolean failureAbortsTransaction() {
        return false;
    }

    /** A short name for logs and keys ({@code postgresql}, {@code h2}, {@code generic}). */
    String name();

    /** The lexical rules for a session in {@code state} (null: the default state). */
    SqlSyntax syntax(SessionState state);

    /**
     * True if a backslash in a string may mean different things depending on the session's state (PostgreSQL's
     * {@code standard_conforming_strings}): such a statement needs the current state to be analyzed.
     */
    default boolean backslashDependsOnSession() {
        return false;
    }

    TableRef.IdentifierCase identifierCase();

    /**
     * True if {@link #readSession} reads the state back from the database; false if the state is known only at
     * connect and any statement that may change it leaves it unknown for the rest of the connection.
     */
    boolean readsSessionBack();

    /**
     * Reads the session's state in one round trip.
     *
     * @param connection  the physical connection (not a wrapper), inside whatever transaction it is in
     * @param keySettings extra settings the user declared as changing results ({@code cache.keySettings})
     * @throws SQLException if the database refuses (an aborted transaction, say): the state is then unknown
     */
    SessionState readSession(Connection connection, Set<String> keySettings) throws SQLException;

    /**
     * The schema name that stands for the session's own temporary schema in {@link #relation} (PostgreSQL's
     * {@code pg_temp}), or null where the catalog cannot look into it: a statement naming a temporary relation
     * then runs code the driver cannot see.
     */
    default String temporarySchema() {
        return null;
    }

    /**
     * What the catalog says about the relation {@code schema.name}, or null if there is none. Besides its kind: the
     * relations a write to it changes (cascading foreign keys, rules), its inheritance family, its single integer
     * primary key, whether writing it runs triggers or rules, its read policies, a view's text and dependencies, and
     * the functions writing it calls through its defaults, generated columns, constraints, the constraints of its
     * columns' domains, its policies (for any command), index expressions and partition keys: every user function
     * by its qualified name, and the built-ins that can change something ({@code set_config}, those that run SQL
     * text), judged like a statement's own calls. By default read through {@link DatabaseMetaData} and
     * INFORMATION_SCHEMA, which know no inheritance, rules, policies or stored expressions.
     *
     * @throws SQLException if the database refuses: the catalog then reports the relation as unknown
     */
    default Relation relation(Connection connection, String schema, String name) throws SQLException {
        return MetaDataRelations.read(connection, schema, name);
    }

    /**
     * The functions, operators and types the database defines beyond its built-ins.
     *
     * @param builtIns the built-in function names read before (they change only with the server), or null to read
     *                 them too
     */
    default Routines routines(Connection connection, Set<String> builtIns) throws SQLException {
        return Routines.TRUST_NAMES;
    }
}
