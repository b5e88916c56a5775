package io.jdbccache.internal.cache;

import java.util.Objects;

/**
 * Everything about a connection that can change a query's result apart from the SQL and its parameters: the
 * database, the user, the catalog and schema, and session settings changed through the driver. Immutable.
 */
public final class ConnectionContext {
    private final DatabaseScope database;
    private final String user;
    private final String catalog;
    private final String schema;
    private final String sessionSettings;
    private final String urlOptions;
    private final int hash;

    /**
     * @param urlOptions the connection URL's own options (without credentials): pgjdbc's {@code options=-c ...}
     *                   and H2's settings can change results, so connections with different ones never share
     */
    public ConnectionContext(DatabaseScope database, String user, String catalog, String schema,
            String sessionSettings, String urlOptions) {
        this.database = database;
        this.user = user;
        this.catalog = catalog;
        this.schema = schema;
        this.sessionSettings = sessionSettings;
        this.urlOptions = urlOptions;
        this.hash = Objects.hash(database.identity(), user, catalog, schema, sessionSettings, urlOptions);
    }

    public DatabaseScope database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String catalog() {
        return catalog;
    }

    /** The schema unqualified table names resolve to, as the database stores it. */
    public String schema() {
        return schema;
    }

    public String sessionSettings() {
        return sessionSettings;
    }

    public ConnectionContext withCatalog(String newCatalog) {
        return new ConnectionContext(database, user, newCatalog, schema, sessionSettings, urlOptions);
    }

    public ConnectionContext withSchema(String newSchema) {
        return new ConnectionContext(database, user, catalog, newSchema, sessionSettings, urlOptions);
    }

    /** The same context with other session settings (their canonical SET statements, in a stable order). */
    public ConnectionContext withSessionSettings(String settings) {
        return new ConnectionContext(database, user, catalog, schema, settings, urlOptions);
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
        return hash == other.hash && database == other.database && Objects.equals(user, other.user)
                && Objects.equals(catalog, other.catalog) && Objects.equals(schema, other.schema)
                && sessionSettings.equals(other.sessionSettings) && urlOptions.equals(other.urlOptions);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return database.identity() + " as " + user + " in " + catalog + "." + schema;
    }
}
