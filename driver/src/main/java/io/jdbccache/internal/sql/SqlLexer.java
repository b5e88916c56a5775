package io.jdbccache.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL into tokens just well enough to normalize it and to find its leading keyword, without a full parse.
 *
 * <p>It understands standard and PostgreSQL quoting ({@code '...'} with doubled quotes, {@code E'...'} with
 * backslash escapes, {@code $tag$...$tag$}), quoted identifiers ({@code "..."}, {@code `...`}, {@code [...]}) and
 * comments ({@code --}, H2's {@code //}, nested {@code /* *&#47;}). Brackets are array syntax (PostgreSQL, H2),
 * not SQL Server's quoted identifiers. A text it cannot tokenize (an unterminated literal) yields
 * {@code null}: the caller then treats the statement as unknown.
 */
final class SqlLexer {
    /** Token categories; only the distinctions the analyzer needs. */
    enum Type { WORD, QUOTED_IDENTIFIER, LITERAL, NUMBER, PARAMETER, PUNCTUATION, OPERATOR, KEPT_COMMENT }

    /** One token: its category and its exact text. */
    record Token(Type type, String text) {
        boolean isWord(String word) {
            return type == Type.WORD && text.equalsIgnoreCase(word);
        }
    }

    private SqlLexer() {
    }

    /** Tokenizes {@code sql}; returns {@code null} if a literal, identifier or comment is unterminated. */
    static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if ((c == '-' && i + 1 < length && sql.charAt(i + 1) == '-')
                    || (c == '/' && i + 1 < length && sql.charAt(i + 1) == '/')) {
                // "--" everywhere, "//" in H2: a comment to the end of the line.
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i);
                if (end < 0) {
                    return null;
                }
                char marker = i + 2 < length ? sql.charAt(i + 2) : ' ';
                if (marker == '!' || marker == '+') {
                    // MySQL executable comments and optimizer hints are part of the statement's meaning.
                    tokens.add(new Token(Type.KEPT_COMMENT, sql.substring(i, end)));
                }
                i = end;
            } else if (c == '\'') {
                int end = skipQuoted(sql, i, '\'', false);
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(Type.LITERAL, sql.substring(i, end)));
                i = end;
            } else if ((c == 'E' || c == 'e') && i + 1 < length && sql.charAt(i + 1) == '\'') {
                int end = skipQuoted(sql, i + 1, '\'', true);
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(Type.LITERAL, sql.substring(i, end)));
                i = end;
            } else if (c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c, false);
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(Type.QUOTED_IDENTIFIER, sql.substring(i, end)));
                i = end;
            } else if (c == '$' && i + 1 < length && (sql.charAt(i + 1) == '$' || isWordStart(sql.charAt(i + 1)))) {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
                if (tag != null && tag.chars().skip(1).limit(tag.length() - 2L).allMatch(SqlLexer::isWordPart)) {
                    int close = sql.indexOf(tag, tagEnd + 1);
                    if (close < 0) {
                        return null;
                    }
                    tokens.add(new Token(Type.LITERAL, sql.substring(i, close + tag.length())));
                    i = close + tag.length();
                } else {
                    int end = i + 1;
                    while (end < length && Character.isDigit(sql.charAt(end))) {
                        end++;
                    }
                    tokens.add(new Token(end > i + 1 ? Type.PARAMETER : Type.OPERATOR, sql.substring(i, end)));
                    i = end;
                }
            } else if (c == '?') {
                tokens.add(new Token(Type.PARAMETER, "?"));
                i++;
            } else if (isWordStart(c)) {
                int end = i + 1;
                while (end < length && isWordPart(sql.charAt(end))) {
                    end++;
                }
                tokens.add(new Token(Type.WORD, sql.substring(i, end)));
                i = end;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < length && Character.isDigit(sql.charAt(i + 1)))) {
                int end = i + 1;
                while (end < length && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.'
                        || ((sql.charAt(end) == '+' || sql.charAt(end) == '-')
                            && (sql.charAt(end - 1) == 'e' || sql.charAt(end - 1) == 'E')))) {
                    end++;
                }
                tokens.add(new Token(Type.NUMBER, sql.substring(i, end)));
                i = end;
            } else if (c == '(' || c == ')' || c == ',' || c == ';' || c == '.' || c == '[' || c == ']') {
                // Brackets are array syntax in PostgreSQL and H2, not quoted identifiers.
                tokens.add(new Token(Type.PUNCTUATION, String.valueOf(c)));
                i++;
            } else {
                int end = i + 1;
                while (end < length && isOperatorChar(sql.charAt(end))
                        && !(sql.charAt(end) == '-' && end + 1 < length && sql.charAt(end + 1) == '-')
                        && !(sql.charAt(end) == '/' && end + 1 < length
                            && (sql.charAt(end + 1) == '*' || sql.charAt(end + 1) == '/'))) {
                    end++;
                }
                tokens.add(new Token(Type.OPERATOR, sql.substring(i, end)));
                i = end;
            }
        }
        return tokens;
    }

    /**
     * Joins tokens into a canonical text: one space between tokens (none after '(' or before ')', ',', '.' and
     * none after '.'), unquoted words lower-cased when the database folds unquoted identifiers. Two statements
     * with the same canonical text have the same token sequence, so they mean the same thing.
     */
    static String canonical(List<Token> tokens, boolean foldCase) {
        StringBuilder out = new StringBuilder(tokens.size() * 6);
        Token previous = null;
        for (Token token : tokens) {
            if (previous != null && needsSpace(previous, token)) {
                out.append(' ');
            }
            out.append(foldCase && token.type() == Type.WORD ? token.text().toLowerCase(Locale.ROOT) : token.text());
            previous = token;
        }
        return out.toString();
    }

    /** Like {@link #canonical}, with every literal and number replaced by {@code ?}. */
    static String shape(List<Token> tokens, boolean foldCase) {
        List<Token> shaped = new ArrayList<>(tokens.size());
        for (Token token : tokens) {
            shaped.add(token.type() == Type.LITERAL || token.type() == Type.NUMBER
                    ? new Token(Type.PARAMETER, "?") : token);
        }
        return canonical(shaped, foldCase);
    }

    private static boolean needsSpace(Token previous, Token next) {
        String p = previous.text();
        String n = next.text();
        if (previous.type() == Type.PUNCTUATION && (p.equals("(") || p.equals("."))) {
            return false;
        }
        return !(next.type() == Type.PUNCTUATION && (n.equals(")") || n.equals(",") || n.equals(".")));
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(int c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '#';
    }

    private static boolean isOperatorChar(char c) {
        return "+-*/<>=~!@#%^&|`:".indexOf(c) >= 0;
    }

    private static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < sql.length()) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Returns the index just after the closing quote, or -1; a doubled quote is an escaped quote. */
    private static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }
}
