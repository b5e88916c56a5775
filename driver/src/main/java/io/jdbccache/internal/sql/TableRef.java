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
        return qualify(resolvedSchema, resolvedName);
    }

    /**
     * Stored schema and name as one string, {@code schema.name}; a part holding a dot or a double quote is written
     * in double quotes, so that {@link #split} gets the parts back ({@code "odd.parent"} is one table).
     *
     * @param schema null for none
     */
    public static String qualify(String schema, String name) {
        return schema == null ? quoteIfNeeded(name) : quoteIfNeeded(schema) + "." + quoteIfNeeded(name);
    }

    /** The stored schema (or null) and name of a {@link #qualify qualified} name. */
    public static String[] split(String qualified) {
        TableRef ref = parse(qualified);
        return new String[] {ref.schema == null ? null : unquote(ref.schema), unquote(ref.name)};
    }

    private static String quoteIfNeeded(String part) {
        return part.indexOf('.') < 0 && part.indexOf('"') < 0 ? part : '"' + part.replace("\"", "\"\"") + '"';
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
        AS_IS,
        /**
         * Quoted or not, names are not case-sensitive ({@code "t"} is {@code T}): all fold to upper case. Names the
         * catalog stores otherwise are then not found there, and reads of them are not cached.
         */
        CASE_INSENSITIVE;

        public String apply(String identifier) {
            if (this == LOWER_ASCII) {
                // PostgreSQL also truncates every identifier, quoted or not, to 63 bytes of UTF-8.
                return truncateToBytes(isQuoted(identifier) ? unquote(identifier)
                        : SqlSyntax.POSTGRESQL.foldWord(identifier), MAX_POSTGRES_IDENTIFIER_BYTES);
            }
            if (this == CASE_INSENSITIVE) {
                return (isQuoted(identifier) ? unquote(identifier) : identifier).toUpperCase(Locale.ROOT);
            }
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

    /** PostgreSQL's NAMEDATALEN - 1. */
    static final int MAX_POSTGRES_IDENTIFIER_BYTES = 63;

    /** The longest prefix of {@code text} whose UTF-8 form fits {@code maxBytes}, never splitting a character. */
    static String truncateToBytes(String text, int maxBytes) {
        if (text.length() * 3 <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                return text.substring(0, i);
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return text;
    }
}
