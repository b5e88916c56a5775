package io.jdbccache.internal.sql;

import java.util.Locale;

/**
 * A table name as written in SQL: an optional schema and a name, each possibly quoted. Resolution to the name the
 * database stores happens per connection ({@link #resolve}), because case folding and the default schema depend on
 * the database and the session.
 */
public record TableRef(String schema, String name) {

    /** Parses {@code name}, {@code schema.name} or {@code catalog.schema.name} (the catalog is dropped). */
    public static TableRef parse(String qualifiedName) {
        java.util.List<SqlLexer.Token> tokens = SqlLexer.tokenize(qualifiedName);
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (tokens != null) {
            for (SqlLexer.Token token : tokens) {
                if (token.type() == SqlLexer.Type.WORD || token.type() == SqlLexer.Type.QUOTED_IDENTIFIER) {
                    parts.add(token.text());
                }
            }
        }
        if (parts.isEmpty()) {
            return new TableRef(null, qualifiedName);
        }
        String name = parts.get(parts.size() - 1);
        String schema = parts.size() >= 2 ? parts.get(parts.size() - 2) : null;
        return new TableRef(schema, name);
    }

    /**
     * The name the database stores for this table, as {@code schema.name}.
     *
     * @param identifierCase how the database folds unquoted identifiers
     * @param defaultSchema  the schema unqualified names resolve to (already in stored form), or null
     */
    public String resolve(IdentifierCase identifierCase, String defaultSchema) {
        String resolvedSchema = schema == null ? defaultSchema : identifierCase.apply(schema);
        String resolvedName = identifierCase.apply(name);
        return resolvedSchema == null ? resolvedName : resolvedSchema + "." + resolvedName;
    }

    /** Lower-case forms a user may write in the rules file: {@code name} and {@code schema.name}. */
    public boolean matchesAnyOf(java.util.Set<String> lowerCaseNames, String defaultSchema) {
        if (lowerCaseNames.isEmpty()) {
            return false;
        }
        String plainName = unquote(name).toLowerCase(Locale.ROOT);
        String plainSchema = schema != null ? unquote(schema).toLowerCase(Locale.ROOT)
                : defaultSchema == null ? null : defaultSchema.toLowerCase(Locale.ROOT);
        return lowerCaseNames.contains(plainName)
                || (plainSchema != null && lowerCaseNames.contains(plainSchema + "." + plainName));
    }

    static String unquote(String identifier) {
        int length = identifier.length();
        if (length >= 2) {
            char first = identifier.charAt(0);
            char last = identifier.charAt(length - 1);
            if ((first == '"' && last == '"') || (first == '`' && last == '`')) {
                String quote = String.valueOf(first);
                return identifier.substring(1, length - 1).replace(quote + quote, quote);
            }
            if (first == '[' && last == ']') {
                return identifier.substring(1, length - 1);
            }
        }
        return identifier;
    }

    static boolean isQuoted(String identifier) {
        return !identifier.isEmpty() && "\"`[".indexOf(identifier.charAt(0)) >= 0;
    }

    /** How a database folds unquoted identifiers, read from {@link java.sql.DatabaseMetaData}. */
    public enum IdentifierCase {
        LOWER, UPPER, AS_IS;

        public String apply(String identifier) {
            if (isQuoted(identifier)) {
                return unquote(identifier);
            }
            switch (this) {
                case LOWER: return identifier.toLowerCase(Locale.ROOT);
                case UPPER: return identifier.toUpperCase(Locale.ROOT);
                default: return identifier;
            }
        }
    }
}
