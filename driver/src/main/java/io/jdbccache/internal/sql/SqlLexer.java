package io.jdbccache.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits SQL into tokens with the database's own lexical rules ({@link SqlSyntax}), well enough to normalize it, to
 * find its statements and leading keywords, and to hand the parser a text without comments or tricky literals.
 *
 * <p>Design: the canonical text is the cache key, so two texts may share it only if the database reads them as the
 * same token sequence. The lexer therefore removes only what the database itself ignores (comments, the amount of
 * whitespace) and folds only what the database folds; everything else, including where tokens touch without
 * whitespace and whether whitespace holds a newline (PostgreSQL joins {@code 'a'} and {@code 'b'} only across a
 * newline), survives into the canonical text. A text it cannot tokenize (an unterminated literal or comment) yields
 * {@code null}: the caller then treats the statement as unknown.
 */
final class SqlLexer {
    /** Token categories; only the distinctions the analyzer needs. */
    enum Type { WORD, QUOTED_IDENTIFIER, LITERAL, NUMBER, PARAMETER, PUNCTUATION, OPERATOR, KEPT_COMMENT }

    /** What separated a token from the one before it. */
    enum Gap { NONE, SPACE, NEWLINE }

    /**
     * One token.
     *
     * @param text       its exact text (a literal with its quotes and prefix, an identifier with its quotes)
     * @param gap        what separated it from the previous token
     * @param identifier for a quoted identifier: the name it denotes (quotes and escapes removed); else null
     */
    record Token(Type type, String text, Gap gap, String identifier) {
        Token(Type type, String text, Gap gap) {
            this(type, text, gap, null);
        }

        boolean isWord(String word) {
            return type == Type.WORD && text.equalsIgnoreCase(word);
        }

        boolean isPunctuation(String punctuation) {
            return type == Type.PUNCTUATION && text.equals(punctuation);
        }

        /** The identifier this token names: a quoted identifier's name, or an unquoted word as written. */
        String name() {
            return identifier != null ? identifier : text;
        }

        Token withGap(Gap newGap) {
            return new Token(type, text, newGap, identifier);
        }
    }

    private SqlLexer() {
    }

    /** Tokenizes {@code sql}; returns {@code null} if a literal, identifier or comment is unterminated. */
    static List<Token> tokenize(String sql, SqlSyntax syntax) {
        List<Token> tokens = new ArrayList<>();
        int length = sql.length();
        int i = 0;
        boolean sawSpace = false;
        boolean sawNewline = false;
        boolean sawBlockComment = false;
        while (i < length) {
            char c = sql.charAt(i);
            char next = i + 1 < length ? sql.charAt(i + 1) : '\0';
            if (syntax.isWhitespace(c)) {
                sawSpace = true;
                sawNewline |= c == '\n' || c == '\r';
                i++;
                continue;
            }
            if ((c == '-' && next == '-') || (c == '/' && next == '/' && syntax.slashSlashComments())) {
                // A line comment ends at \n or \r, which the database (and pgjdbc) treat alike.
                int end = i + 2;
                while (end < length && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
                    end++;
                }
                sawSpace = true;
                i = end;
                continue;
            }
            if (c == '/' && next == '*') {
                int end = skipBlockComment(sql, i);
                if (end < 0) {
                    return null;
                }
                char marker = i + 2 < length ? sql.charAt(i + 2) : ' ';
                sawSpace = true;
                sawBlockComment = true;
                if (syntax == SqlSyntax.GENERIC && (marker == '!' || marker == '+')) {
                    // MySQL executable comments and optimizer hints are part of the statement's meaning.
                    tokens.add(new Token(Type.KEPT_COMMENT, sql.substring(i, end), gap(sawSpace, false)));
                    sawSpace = false;
                    sawNewline = false;
                    sawBlockComment = false;
                }
                i = end;
                continue;
            }
            // A newline counts only in whitespace and line comments: PostgreSQL's string continuation rule.
            Gap gap = gap(sawSpace, sawNewline && !sawBlockComment);
            sawSpace = false;
            sawNewline = false;
            sawBlockComment = false;
            int end;
            if (c == '\'') {
                end = skipQuoted(sql, i, '\'', syntax.backslashInPlainStrings());
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(Type.LITERAL, sql.substring(i, end), gap));
            } else if ((c == 'E' || c == 'e') && next == '\'' && syntax != SqlSyntax.H2) {
                end = skipQuoted(sql, i + 1, '\'', true);
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(Type.LITERAL, sql.substring(i, end), gap));
            } else if ((c == 'B' || c == 'b' || c == 'X' || c == 'x') && next == '\'' && syntax.isPostgres()) {
                // Bit strings: a backslash is never an escape in them, whatever standard_conforming_strings says.
                end = skipQuoted(sql, i + 1, '\'', false);
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(Type.LITERAL, sql.substring(i, end), gap));
            } else if ((c == 'U' || c == 'u') && next == '&' && i + 2 < length
                    && (sql.charAt(i + 2) == '\'' || sql.charAt(i + 2) == '"')) {
                // Unicode escapes: U&'...' is a string and U&"..." an identifier; a backslash never escapes the
                // closing quote. The name is decoded once the optional UESCAPE clause is known (see below).
                char quote = sql.charAt(i + 2);
                end = skipQuoted(sql, i + 2, quote, false);
                if (end < 0) {
                    return null;
                }
                tokens.add(new Token(quote == '\'' ? Type.LITERAL : Type.QUOTED_IDENTIFIER, sql.substring(i, end),
                        gap, quote == '"' ? unquoteDoubled(sql.substring(i + 2, end), '"') : null));
            } else if (c == '"' || (c == '`' && syntax.backtickIdentifiers())) {
                end = skipQuoted(sql, i, c, false);
                if (end < 0) {
                    return null;
                }
                String text = sql.substring(i, end);
                tokens.add(new Token(Type.QUOTED_IDENTIFIER, text, gap, unquoteDoubled(text, c)));
            } else if (c == '$' && (next == '$' || (syntax.taggedDollarQuotes() && syntax.isWordStart(next)
                    && !Character.isDigit(next)))) {
                end = dollarQuoteEnd(sql, i, syntax);
                if (end == -1) {
                    return null;
                }
                if (end >= 0) {
                    tokens.add(new Token(Type.LITERAL, sql.substring(i, end), gap));
                } else {
                    end = i + 1;
                    tokens.add(new Token(Type.OPERATOR, "$", gap));
                }
            } else if (c == '$' && Character.isDigit(next)) {
                end = i + 1;
                while (end < length && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                tokens.add(new Token(Type.PARAMETER, sql.substring(i, end), gap));
            } else if (c == '?') {
                if (next == '?' && syntax.doubledQuestionMarkIsOperator()) {
                    end = i + 2;
                    tokens.add(new Token(Type.OPERATOR, "??", gap));
                } else {
                    end = i + 1;
                    tokens.add(new Token(Type.PARAMETER, "?", gap));
                }
            } else if (syntax.isWordStart(c)) {
                end = i + 1;
                while (end < length && syntax.isWordPart(sql.charAt(end))) {
                    end++;
                }
                tokens.add(new Token(Type.WORD, sql.substring(i, end), gap));
            } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(next))) {
                end = i + 1;
                while (end < length && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.'
                        || sql.charAt(end) == '_'
                        || ((sql.charAt(end) == '+' || sql.charAt(end) == '-')
                            && (sql.charAt(end - 1) == 'e' || sql.charAt(end - 1) == 'E')))) {
                    end++;
                }
                tokens.add(new Token(Type.NUMBER, sql.substring(i, end), gap));
            } else if ("(),;.[]{}".indexOf(c) >= 0) {
                end = i + 1;
                tokens.add(new Token(Type.PUNCTUATION, String.valueOf(c), gap));
            } else if (isOperatorChar(c)) {
                end = i + 1;
                while (end < length && isOperatorChar(sql.charAt(end))
                        && !(sql.charAt(end) == '-' && end + 1 < length && sql.charAt(end + 1) == '-')
                        && !(sql.charAt(end) == '/' && end + 1 < length
                            && (sql.charAt(end + 1) == '*'
                                || (sql.charAt(end + 1) == '/' && syntax.slashSlashComments())))) {
                    end++;
                }
                tokens.add(new Token(Type.OPERATOR, sql.substring(i, end), gap));
            } else {
                // A character these rules do not classify: kept verbatim, as a token of its own.
                end = i + Character.charCount(sql.codePointAt(i));
                tokens.add(new Token(Type.OPERATOR, sql.substring(i, end), gap));
            }
            i = end;
        }
        return decodeUnicodeIdentifiers(tokens);
    }

    private static Gap gap(boolean space, boolean newline) {
        return newline ? Gap.NEWLINE : space ? Gap.SPACE : Gap.NONE;
    }

    /**
     * Joins tokens into a canonical text: each token as written (unquoted words folded as the database folds them),
     * separated by one space where the original had whitespace or a comment, a newline where its whitespace held
     * one, and nothing where the tokens touched. Two texts with the same canonical form are the same token sequence
     * to the database.
     */
    static String canonical(List<Token> tokens, SqlSyntax syntax) {
        StringBuilder out = new StringBuilder(estimateLength(tokens));
        Token previous = null;
        for (Token token : tokens) {
            if (previous != null) {
                out.append(separator(previous, token));
            }
            previous = token;
            out.append(token.type() == Type.WORD ? syntax.foldWord(token.text()) : token.text());
        }
        return out.toString();
    }

    /**
     * What stands between two tokens in canonical text. Around {@code (}, {@code )} and {@code ,} whitespace never
     * matters (they are always tokens of their own), so it is normalized; elsewhere the original's choice is kept,
     * because {@code a - -1} and {@code a--1}, or {@code 1 .5} and {@code 1.5}, are different statements. A newline
     * is kept only between two literals, where PostgreSQL reads it as string continuation.
     */
    private static String separator(Token previous, Token next) {
        if (next.isPunctuation(")") || next.isPunctuation(",") || previous.isPunctuation("(")) {
            return "";
        }
        if (previous.isPunctuation(",")) {
            return " ";
        }
        switch (next.gap()) {
            case NONE:
                return "";
            case NEWLINE:
                return previous.type() == Type.LITERAL && next.type() == Type.LITERAL ? "\n" : " ";
            default:
                return " ";
        }
    }

    /** Like {@link #canonical}, with every literal and number replaced by {@code ?}: the query's shape. */
    static String shape(List<Token> tokens, SqlSyntax syntax) {
        StringBuilder out = new StringBuilder(estimateLength(tokens));
        Token previous = null;
        for (Token token : tokens) {
            if (previous != null) {
                String separator = separator(previous, token);
                out.append(separator.equals("\n") ? " " : separator);
            }
            previous = token;
            if (token.type() == Type.LITERAL || token.type() == Type.NUMBER) {
                out.append('?');
            } else {
                out.append(token.type() == Type.WORD ? syntax.foldWord(token.text()) : token.text());
            }
        }
        return out.toString();
    }

    /**
     * The text handed to the parser: no comments, every string literal replaced by {@code '0'} (a literal's content
     * never names a table, and the parser's own string rules may differ from the database's), every quoted
     * identifier re-quoted in plain double quotes with its decoded name (so {@code U&"\0072el"} is {@code "rel"}),
     * and pgjdbc's {@code ??} operator written as {@code =} so that the parser numbers placeholders as pgjdbc does.
     * A quoted name holding a dot or a quote is replaced by a placeholder recorded in {@code aliases}.
     */
    static String parserText(List<Token> tokens, Map<String, String> aliases) {
        StringBuilder out = new StringBuilder(estimateLength(tokens));
        boolean first = true;
        for (int index = 0; index < tokens.size(); index++) {
            Token token = tokens.get(index);
            if (!first && token.gap() != Gap.NONE) {
                out.append(' ');
            }
            first = false;
            switch (token.type()) {
                case LITERAL:
                    out.append("'0'");
                    if (isUnicodeEscaped(token) && hasUescape(tokens, index)) {
                        index += 2; // the UESCAPE clause belongs to the literal
                    }
                    break;
                case QUOTED_IDENTIFIER:
                    String name = token.identifier();
                    if (name.indexOf('.') >= 0 || name.indexOf('"') >= 0) {
                        // The parser splits a quoted name at its dots ("odd.parent" would be odd . parent): it
                        // gets a placeholder instead, mapped back to the real name afterwards.
                        String alias = ALIAS_PREFIX + aliases.size();
                        aliases.put(alias, name);
                        name = alias;
                    }
                    out.append('"').append(name.replace("\"", "\"\"")).append('"');
                    if (isUnicodeEscaped(token) && hasUescape(tokens, index)) {
                        index += 2;
                    }
                    break;
                case OPERATOR:
                    out.append(token.text().equals("??") ? "=" : token.text());
                    break;
                default:
                    out.append(token.text());
                    break;
            }
        }
        return out.toString();
    }

    /** Placeholder names of quoted identifiers the parser would misread ({@link #parserText}). */
    static final String ALIAS_PREFIX = "jdbccache_quoted_name_";

    private static int estimateLength(List<Token> tokens) {
        return Math.min(1 << 20, tokens.size() * 6 + 16);
    }

    /** The decoded value of a plain or E'' string literal token, or null for other literal forms. */
    static String literalValue(Token token) {
        String text = token.text();
        if (token.type() != Type.LITERAL || text.length() < 2) {
            return null;
        }
        if (text.charAt(0) == '\'') {
            return unquoteDoubled(text, '\'');
        }
        if ((text.charAt(0) == 'E' || text.charAt(0) == 'e') && text.charAt(1) == '\'') {
            return decodeBackslashes(unquoteDoubled(text.substring(1), '\''));
        }
        if ((text.charAt(0) == 'N' || text.charAt(0) == 'n') && text.charAt(1) == '\'') {
            return unquoteDoubled(text.substring(1), '\'');
        }
        if (isUnicodeEscaped(token) && text.charAt(2) == '\'') {
            return decodeUnicodeEscapes(unquoteDoubled(text.substring(2), '\''), '\\');
        }
        if (text.charAt(0) == '$') {
            int tagEnd = text.indexOf('$', 1);
            return text.substring(tagEnd + 1, text.length() - (tagEnd + 1));
        }
        return null;
    }

    /**
     * Every value a literal may denote, for checks that must not miss one: a plain string read both with and
     * without backslash escapes (standard_conforming_strings off and on), the others as {@link #literalValue}.
     */
    static List<String> literalReadings(List<Token> tokens, int index) {
        Token token = tokens.get(index);
        if (isUnicodeEscaped(token) && token.text().charAt(2) == '\'' && hasUescape(tokens, index)) {
            String escape = literalValue(tokens.get(index + 2));
            String decoded = escape == null || escape.length() != 1 ? null
                    : decodeUnicodeEscapes(unquoteDoubled(token.text().substring(2), '\''), escape.charAt(0));
            return decoded == null ? List.of() : List.of(decoded);
        }
        String value = literalValue(token);
        if (value == null) {
            return List.of();
        }
        if (token.text().charAt(0) == '\'' || token.text().charAt(0) == 'N' || token.text().charAt(0) == 'n') {
            String escaped = decodeBackslashes(value);
            return escaped.equals(value) ? List.of(value) : List.of(value, escaped);
        }
        return List.of(value);
    }

    /** PostgreSQL's backslash escapes: \b \f \n \r \t, octal \ooo, hex \xhh, \\uXXXX, \\UXXXXXXXX, else the character. */
    static String decodeBackslashes(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c != '\\' || i >= text.length()) {
                out.append(c);
                continue;
            }
            char e = text.charAt(i++);
            switch (e) {
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'x': {
                    int end = i;
                    while (end < text.length() && end < i + 2 && Character.digit(text.charAt(end), 16) >= 0) {
                        end++;
                    }
                    if (end > i) {
                        out.append((char) Integer.parseInt(text.substring(i, end), 16));
                        i = end;
                    } else {
                        out.append('x');
                    }
                    break;
                }
                case 'u':
                case 'U': {
                    int digits = e == 'u' ? 4 : 8;
                    if (i + digits <= text.length()) {
                        try {
                            out.appendCodePoint(Integer.parseInt(text.substring(i, i + digits), 16));
                            i += digits;
                            break;
                        } catch (IllegalArgumentException ignored) {
                            // not an escape: the character itself
                        }
                    }
                    out.append(e);
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        int end = i - 1;
                        while (end < text.length() && end < i + 2 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
                            end++;
                        }
                        out.append((char) (Integer.parseInt(text.substring(i - 1, end), 8) & 0xFF));
                        i = end;
                    } else {
                        out.append(e);
                    }
                    break;
            }
        }
        return out.toString();
    }

    private static boolean isUnicodeEscaped(Token token) {
        String text = token.text();
        return text.length() > 2 && (text.charAt(0) == 'U' || text.charAt(0) == 'u') && text.charAt(1) == '&';
    }

    private static boolean hasUescape(List<Token> tokens, int index) {
        return index + 2 < tokens.size() && tokens.get(index + 1).isWord("uescape")
                && tokens.get(index + 2).type() == Type.LITERAL;
    }

    /** Decodes the names of {@code U&"..."} identifiers, with the escape character of a following UESCAPE. */
    private static List<Token> decodeUnicodeIdentifiers(List<Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.type() != Type.QUOTED_IDENTIFIER || !isUnicodeEscaped(token)) {
                continue;
            }
            char escape = '\\';
            if (hasUescape(tokens, i)) {
                String value = literalValue(tokens.get(i + 2));
                if (value == null || value.length() != 1) {
                    return null; // the database rejects it too
                }
                escape = value.charAt(0);
            }
            String decoded = decodeUnicodeEscapes(token.identifier(), escape);
            if (decoded == null) {
                return null;
            }
            tokens.set(i, new Token(Type.QUOTED_IDENTIFIER, token.text(), token.gap(), decoded));
        }
        return tokens;
    }

    /** {@code \XXXX}, {@code \+XXXXXX} and a doubled escape character, as PostgreSQL and H2 read them; null if bad. */
    static String decodeUnicodeEscapes(String text, char escape) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != escape) {
                out.append(c);
                i++;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == escape) {
                out.append(escape);
                i += 2;
            } else {
                boolean longForm = i + 1 < text.length() && text.charAt(i + 1) == '+';
                int digits = longForm ? 6 : 4;
                int start = i + (longForm ? 2 : 1);
                if (start + digits > text.length()) {
                    return null;
                }
                try {
                    int codePoint = Integer.parseInt(text.substring(start, start + digits), 16);
                    out.appendCodePoint(codePoint);
                } catch (IllegalArgumentException e) {
                    return null;
                }
                i = start + digits;
            }
        }
        return out.toString();
    }

    /** {@code "a""b"} to {@code a"b}: strips the quotes and undoubles the quote character. */
    private static String unquoteDoubled(String quoted, char quote) {
        String inner = quoted.substring(1, quoted.length() - 1);
        String q = String.valueOf(quote);
        return inner.replace(q + q, q);
    }

    private static boolean isOperatorChar(char c) {
        return "+-*/<>=~!@#%^&|`:\\".indexOf(c) >= 0;
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

    /**
     * The end of a dollar-quoted string starting at {@code start}: {@code -1} if unterminated, {@code -2} if the
     * {@code $} does not open one (H2's {@code $$} only; a tag must be identifier characters).
     */
    private static int dollarQuoteEnd(String sql, int start, SqlSyntax syntax) {
        int tagEnd = start + 1;
        while (tagEnd < sql.length() && sql.charAt(tagEnd) != '$') {
            if (!syntax.isWordPart(sql.charAt(tagEnd)) || sql.charAt(tagEnd) == '$') {
                return -2;
            }
            tagEnd++;
        }
        if (tagEnd >= sql.length()) {
            return -2;
        }
        String tag = sql.substring(start, tagEnd + 1);
        if (!syntax.taggedDollarQuotes() && tag.length() > 2) {
            return -2;
        }
        int close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? -1 : close + tag.length();
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
