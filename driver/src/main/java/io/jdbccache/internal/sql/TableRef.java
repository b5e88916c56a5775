package io.jdbccache.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A table name as written in SQL: an optional schema and a name, each possibly quoted. Resolution to the name the
 * database stores happens per connection, because case folding and the search path depend on the database and the
 * session.
 */
public record TableRef(String schema, String name) {

    /**
     * Parses {@code name}, {@code schema.name} or {@code catalog.schema.name} (the catalog is dropped): parts are
     * separated by dots outside double quotes, backticks or brackets.
     */
    public static TableRef parse(String qualifiedName) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < qualifiedName.length(); i++) {
            char c = qualifiedName.charAt(i);
            if (quote != 0) {
                part.append(c);
                char close = quote == '[' ? ']' : quote;
                if (c == close) {
                    if (close != ']' && i + 1 < qualifiedName.length() && qualifiedName.charAt(i + 1) == close) {
                        part.append(close);
                        i++;
                    } else {
                        quote = 0;
                    }
                }
            } else if (c == '"' || c == '`' || c == '[') {
                quote = c;
                part.append(c);
            } else if (c == '.') {
                parts.add(part.toString().trim());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString().trim());
        parts.removeIf(String::isEmpty);
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
    public boolean matchesAnyOf(Set<String> lowerCaseNames, String defaultSchema) {
        if (lowerCaseNames.isEmpty()) {
            return false;
        }
        String plainName = unquote(name).toLowerCase(Locale.ROOT);
        String plainSchema = schema != null ? unquote(schema).toLowerCase(Locale.ROOT)
                : defaultSchema == null ? null : defaultSchema.toLowerCase(Locale.ROOT);
        return lowerCaseNames.contains(plainName)
                || (plainSchema != null && lowerCaseNames.contains(plainSchema + "." + plainName));
    }

    /** The identifier without its quotes (and with doubled quotes undoubled); an unquoted one as it is. */
    public static String unquote(String identifier) {
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

    /** True if the identifier is written in quotes (double quotes, backticks or brackets). */
    public static boolean isQuoted(String identifier) {
        return !identifier.isEmpty() && "\"`[".indexOf(identifier.charAt(0)) >= 0;
    }

    /** How a database folds unquoted identifiers. */
    public enum IdentifierCase {
        /** PostgreSQL: ASCII letters to lower case, every other character kept ({@code Ä} stays {@code Ä}). */
        LOWER_ASCII,
        /** Lower case (databases that report storing lower-case identifiers, other than PostgreSQL). */
        LOWER,
        /** Upper case (H2, Oracle, DB2). */
        UPPER,
        /** Kept as written. */
        AS_IS;

        public String apply(String identifier) {
            if (isQuoted(identifier)) {
                return unquote(identifier);
            }
            switch (this) {
                case LOWER_ASCII: return SqlSyntax.POSTGRESQL.foldWord(identifier);
                case LOWER: return identifier.toLowerCase(Locale.ROOT);
                case UPPER: return identifier.toUpperCase(Locale.ROOT);
                default: return identifier;
            }
        }
    }
}
