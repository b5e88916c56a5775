package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.catalog.SessionState;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** Builds scopes, contexts and keys for key tests without a database: each call makes new instances. */
final class Keys {
    private Keys() {
    }

    /**
     * The dialect {@link Dialect#of} picks for a database of this product name whose metadata reports
     * {@code identifierCase} (ignored for PostgreSQL, whose dialect fixes it).
     */
    static Dialect dialect(String product, String identifierCase) {
        DatabaseMetaData metaData = (DatabaseMetaData) Proxy.newProxyInstance(Keys.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDatabaseProductName" -> product;
                    case "supportsMixedCaseQuotedIdentifiers" -> !identifierCase.equals("CASE_INSENSITIVE");
                    case "storesLowerCaseIdentifiers" -> identifierCase.equals("LOWER");
                    case "storesUpperCaseIdentifiers" -> identifierCase.equals("UPPER");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        try {
            return Dialect.of(metaData);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static DatabaseScope scope(String identity, Dialect dialect) {
        return new DatabaseScope(identity, dialect, 100, 1 << 20, 0);
    }

    static DatabaseScope h2(String identity) {
        return scope(identity, dialect("H2", "UPPER"));
    }

    static ConnectionContext context(DatabaseScope database, String user, String sessionUser, List<String> searchPath,
            String settings, String catalog, String urlOptions) {
        SessionState state = new SessionState(user, sessionUser, new SearchPath(searchPath), settings, Set.of(),
                Set.of(), true, false, false);
        return new ConnectionContext(database, state, catalog, urlOptions);
    }

    /**
     * A context on {@code database} followed by contexts that each differ from it in one field: the database's
     * identity, dialect or identifier case, the user, the session user, the search path, the settings, the catalog
     * or the URL options (some by null against a value).
     */
    static List<ConnectionContext> contextsDifferingInOneField(DatabaseScope database) {
        List<String> path = List.of("PUBLIC");
        String identity = database.identity();
        return List.of(
                context(database, "app", "app", path, "TimeZone=UTC", "ONE", ""),
                context(h2(identity + "-other"), "app", "app", path, "TimeZone=UTC", "ONE", ""),
                context(scope(identity, dialect("Other", "UPPER")), "app", "app", path, "TimeZone=UTC", "ONE", ""),
                context(scope(identity, dialect("H2", "LOWER")), "app", "app", path, "TimeZone=UTC", "ONE", ""),
                context(database, "tenant", "app", path, "TimeZone=UTC", "ONE", ""),
                context(database, null, "app", path, "TimeZone=UTC", "ONE", ""),
                context(database, "app", "tenant", path, "TimeZone=UTC", "ONE", ""),
                context(database, "app", "app", List.of("APP", "PUBLIC"), "TimeZone=UTC", "ONE", ""),
                context(database, "app", "app", List.of(), "TimeZone=UTC", "ONE", ""),
                context(database, "app", "app", path, "TimeZone=Europe/Paris", "ONE", ""),
                context(database, "app", "app", path, null, "ONE", ""),
                context(database, "app", "app", path, "TimeZone=UTC", "TWO", ""),
                context(database, "app", "app", path, "TimeZone=UTC", null, ""),
                context(database, "app", "app", path, "TimeZone=UTC", "ONE", "MODE=PostgreSQL"));
    }

    /** A typical context on a new scope of {@code jdbc:h2:mem:keys}. */
    static ConnectionContext context() {
        return context(h2("jdbc:h2:mem:keys"), "app", "app", List.of("PUBLIC"), "TimeZone=UTC", "KEYS", "");
    }

    static CacheKey key(ConnectionContext context, String sql, long maxRows, Object... parameters) {
        return new CacheKey(context, sql, parameters, maxRows);
    }
}
