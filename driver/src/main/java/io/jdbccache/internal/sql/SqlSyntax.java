package io.jdbccache.internal.sql;

/**
 * The lexical rules of one database (and its JDBC driver): which characters are whitespace, where comments end,
 * how strings escape, how unquoted words fold. The lexer follows exactly these rules, because a statement it splits
 * or folds differently from the database can be answered with another statement's result or hide a write.
 *
 * <p>Where this class is unsure (a character it does not classify), the lexer keeps the character verbatim in the
 * canonical text, so two texts it cannot tell apart are never merged into one key.
 */
public enum SqlSyntax {
    /**
     * PostgreSQL through pgjdbc with {@code standard_conforming_strings = on} (the default since 9.1): whitespace is
     * {@code [ \t\n\r\f]}, {@code --} comments end at {@code \n} or {@code \r}, block comments nest, every character
     * from U+0080 on is an identifier character, unquoted words fold to lower case in ASCII only, adjacent string
     * literals concatenate only across a newline, {@code $tag$} quotes, and pgjdbc reads {@code ??} as a literal
     * {@code ?} operator rather than two parameters.
     */
    POSTGRESQL(false),
    /** PostgreSQL with {@code standard_conforming_strings = off}: a backslash escapes the next character in '...'. */
    POSTGRESQL_BACKSLASH_STRINGS(true),
    /**
     * H2: Java whitespace, {@code --} and {@code //} comments ending at {@code \n} or {@code \r}, nesting block
     * comments, {@code $$} quotes without tags. Canonical text keeps the case of unquoted words (H2's own folding
     * is Unicode upper case, which lower-casing cannot mirror exactly).
     */
    H2(false),
    /** Any other database: the union of the common rules, and no case folding in the canonical text. */
    GENERIC(false);

    private final boolean backslashInPlainStrings;

    SqlSyntax(boolean backslashInPlainStrings) {
        this.backslashInPlainStrings = backslashInPlainStrings;
    }

    boolean isPostgres() {
        return this == POSTGRESQL || this == POSTGRESQL_BACKSLASH_STRINGS;
    }

    /** True when a backslash escapes the next character inside a plain {@code '...'} string. */
    boolean backslashInPlainStrings() {
        return backslashInPlainStrings;
    }

    /** {@code //} starts a line comment (H2; also kept for unknown databases, where it is the safer reading). */
    boolean slashSlashComments() {
        return !isPostgres();
    }

    /** {@code $tag$...$tag$} quotes with a tag (PostgreSQL); H2 knows only {@code $$...$$}. */
    boolean taggedDollarQuotes() {
        return this != H2;
    }

    /** Backticks quote identifiers (MySQL and compatibility modes); PostgreSQL reads them as an operator. */
    boolean backtickIdentifiers() {
        return !isPostgres();
    }

    /** pgjdbc reads {@code ??} in a prepared statement as the {@code ?} operator, not as two placeholders. */
    boolean doubledQuestionMarkIsOperator() {
        return isPostgres();
    }

    boolean isWhitespace(char c) {
        if (isPostgres()) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        }
        return Character.isWhitespace(c);
    }

    boolean isWordStart(char c) {
        if (isPostgres()) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
        }
        return Character.isLetter(c) || c == '_';
    }

    boolean isWordPart(char c) {
        if (isPostgres()) {
            return isWordStart(c) || (c >= '0' && c <= '9') || c == '$';
        }
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '#';
    }

    /**
     * The canonical form of an unquoted word: PostgreSQL folds ASCII letters only (so {@code Ä} and {@code ä} stay
     * two identifiers); other databases keep the text as written.
     */
    String foldWord(String word) {
        if (!isPostgres()) {
            return word;
        }
        char[] chars = null;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = word.toCharArray();
                }
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return chars == null ? word : new String(chars);
    }
}
