package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.SessionState;
import java.util.Objects;

/**
 * Everything about a connection that can change a query's result apart from the SQL and its parameters: the
 * database, the session's state as read back from it (roles, search path, key settings), the JDBC catalog and the
 * connection's URL options. Immutable and compared by value; interned per database so that comparing the contexts
 * of two keys on the hit path is almost always an identity check, which is only a fast path.
 */
public final class ConnectionContext {
    private final DatabaseScope database;
    private final String user;
    private final String sessionUser;
    private final SearchPath searchPath;
    private final String settings;
    private final String catalog;
    private final String urlOptions;
    private final int hash;

    /**
     * @param urlOptions the connection URL's own options (without credentials): pgjdbc's {@code options=-c ...}
     *                   and H2's settings can change results, so connections with different ones never share
     */
    public ConnectionContext(DatabaseScope database, SessionState state, String catalog, String urlOptions) {
        this.database = database;
        this.user = state.currentUser();
        this.sessionUser = state.sessionUser();
        this.searchPath = state.searchPath();
        this.settings = state.settings();
        this.catalog = catalog;
        this.urlOptions = urlOptions;
        this.hash = Objects.hash(database.identity(), user, sessionUser, searchPath, settings, catalog, urlOptions);
    }

    public DatabaseScope database() {
        return database;
    }

    /** The role queries run as ({@code current_user}). */
    public String user() {
        return user;
    }

    /** Where unqualified table names resolve. */
    public SearchPath searchPath() {
        return searchPath;
    }

    /** The schema a table named without one would be created in: the search path's first schema. */
    public String schema() {
        return searchPath.first();
    }

    public String catalog() {
        return catalog;
    }

    /** The role the session logged in as. */
    String sessionUser() {
        return sessionUser;
    }

    /** The key settings as {@code name=value} lines; values may name a tenant, so never logged. */
    String settings() {
        return settings;
    }

    String urlOptions() {
        return urlOptions;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectionContext)) {
            return false;
        }
        ConnectionContext other = (ConnectionContext) o;
        return hash == other.hash && database.sameDatabase(other.database) && Objects.equals(user, other.user)
                && Objects.equals(sessionUser, other.sessionUser) && searchPath.equals(other.searchPath)
                && Objects.equals(settings, other.settings) && Objects.equals(catalog, other.catalog)
                && urlOptions.equals(other.urlOptions);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Names the database, role and search path; never setting values (they may carry tenant identifiers). */
    @Override
    public String toString() {
        return database.identity() + " as " + user + " on " + searchPath;
    }
}
