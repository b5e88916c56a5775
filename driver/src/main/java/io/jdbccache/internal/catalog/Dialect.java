package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
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
        TableRef.IdentifierCase identifierCase = metaData.storesLowerCaseIdentifiers()
                ? TableRef.IdentifierCase.LOWER
                : metaData.storesUpperCaseIdentifiers() ? TableRef.IdentifierCase.UPPER
                : TableRef.IdentifierCase.AS_IS;
        if (product.equals("h2")) {
            return new H2Dialect(identifierCase);
        }
        return new GenericDialect(identifierCase);
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

    /** A view's definition as SQL, or null. */
    String viewDefinition(Connection connection, String schema, String name) throws SQLException;

    /** Relations a view depends on according to the catalog's dependency graph (empty where there is none). */
    List<String> viewDependencies(Connection connection, String schema, String name) throws SQLException;

    /** Ancestors and descendants of a partitioned or inherited table (empty where there is no inheritance). */
    List<String> inheritanceFamily(Connection connection, String schema, String name) throws SQLException;

    /** True if writing the relation runs triggers, rules or functions in defaults and constraints (or unknown). */
    boolean runsServerCode(Connection connection, String schema, String name);

    /** Relations the relation's rules read or write (PostgreSQL {@code CREATE RULE}); empty elsewhere. */
    List<String> ruleTargets(Connection connection, String schema, String name) throws SQLException;

    /** The read policies of the relation, or {@link RowSecurity#NONE} when row-level security is off. */
    RowSecurity rowSecurity(Connection connection, String schema, String name) throws SQLException;

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
