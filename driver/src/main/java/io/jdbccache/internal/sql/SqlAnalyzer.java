package io.jdbccache.internal.sql;

import io.jdbccache.internal.sql.SqlAnalysis.Kind;
import io.jdbccache.internal.sql.SqlLexer.Token;
import io.jdbccache.internal.sql.SqlLexer.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Decides what a SQL string does to the cache: a cacheable read and the tables it reads, a write and the tables it
 * writes, transaction control, or a session change. When in doubt it answers with the safer kind: an unknown
 * statement is a write to unknown tables, an unparseable read is not cached, an unknown function may write.
 *
 * <p>Design: the database's own lexical rules ({@link SqlSyntax}) split the text into tokens first; statements,
 * leading keywords, literals and function calls the parser might miss are read from the tokens. The parser
 * (JSqlParser) sees a rewritten text without comments or literal contents ({@link SqlLexer#parserText}), so that
 * its own idea of comments and escapes can never disagree with the database's. Any failure of the parser, including
 * a {@link StackOverflowError} on a deeply nested expression, means "unparseable", never a failed statement.
 *
 * <p>Stateless and thread-safe; callers keep its results in a bounded cache keyed by the SQL string, so each
 * distinct string is parsed once.
 */
public final class SqlAnalyzer {
    /** Longer statements are not handed to the parser (its cost grows with the text): they are unparseable. */
    static final int MAX_PARSED_LENGTH = 100_000;
    private static final Set<String> READ_KEYWORDS = Set.of("select", "with", "values", "table", "show", "explain",
            "describe", "desc");
    /** H2 settings that belong to the session; every other SET reaches all sessions of the database. */
    private static final Set<String> H2_SESSION_SETTINGS = Set.of("schema", "schema_search_path", "timezone",
            "autocommit", "lock_timeout", "query_timeout", "throttle", "variable_binary", "non_keywords",
            "truncate_large_length", "lazy_query_execution", "builtin_alias_override", "query_statistics",
            "query_statistics_max_entries");
    /** Leading words of statements that change the catalog (DDL): they invalidate everything of the database. */
    private static final Set<String> DDL_WORDS = Set.of("create", "alter", "drop", "comment", "grant", "revoke",
            "rename", "security", "import", "reassign");
    /** Words that read the clock or a session-varying value when they appear bare (not as a call). */
    private static final Set<String> VOLATILE_WORDS = Set.of("current_date", "current_time", "current_timestamp",
            "localtime", "localtimestamp", "sysdate", "systimestamp", "sysdatetime", "rownum", "unix_timestamp");
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema", "sys",
            "performance_schema", "mysql", "pg_toast");
    /**
     * Keywords and type names that are followed by a parenthesis without being a function call, for reading calls
     * from the tokens of a statement the parser cannot read. Anything else followed by {@code (} is a call.
     */
    private static final Set<String> PARENTHESIZED_KEYWORDS = Set.of("select", "from", "where", "in", "exists",
            "values", "as", "on", "using", "and", "or", "not", "any", "all", "some", "array", "row", "over", "filter",
            "within", "group", "cast", "extract", "position", "substring", "overlay", "trim", "case", "when",
            "then", "else", "end", "join", "lateral", "union", "intersect", "except", "with", "recursive",
            "insert", "into", "update", "set", "delete", "returning", "order", "by", "partition", "window", "rows",
            "range", "groups", "limit", "offset", "fetch", "for", "table", "only", "like", "ilike", "similar",
            "between", "is", "distinct", "interval", "varchar", "char", "character", "numeric", "decimal",
            "timestamp", "timestamptz", "time", "timetz", "date", "float", "double", "precision", "bit", "varying",
            "grouping", "sets", "cube", "rollup", "conflict", "do", "nothing", "constraint", "key", "primary",
            "references", "check", "default", "unique", "index", "create", "alter", "drop", "view", "if",
            "collate", "at", "zone", "tablesample", "coalesce", "nullif", "greatest", "least", "merge", "matched",
            "having", "escape", "unnest", "ordinality", "nulls", "first", "last", "asc", "desc", "full",
            "left", "right", "inner", "outer", "cross", "natural", "keys", "foreign", "match", "cascade",
            "restrict", "include", "generated", "always", "stored", "identity", "owned", "inherits", "tablespace",
            "type", "enum", "domain", "array_agg", "json", "jsonb", "xml", "text", "integer", "int", "bigint",
            "smallint", "real", "boolean", "bool", "uuid", "bytea", "money", "inet", "cidr", "macaddr", "serial",
            "bigserial", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle",
            "int2", "int4", "int8", "float4", "float8", "varbinary", "binary", "blob", "clob", "nchar",
            "nvarchar", "tinyint", "number", "datetime", "smalldatetime", "geometry", "geography", "uescape");
    /** PostgreSQL's built-in operators (of built-in types); any other operator may be a user function. */
    private static final Set<String> BUILT_IN_OPERATORS = Set.of("=", "<>", "!=", "<", ">", "<=", ">=", "+", "-",
            "*", "/", "%", "^", "||", "|/", "||/", "@", "&", "|", "#", "~", "<<", ">>", "&&", "@>", "<@", "->",
            "->>", "#>", "#>>", "?|", "?&", "@?", "@@", "@@@", "~~", "~~*", "!~~", "!~~*", "~*", "!~", "!~*",
            "<->", "<#>", "::", ":", ":=", "=>", "-|-", "&<", "&>", "<<|", "|>>", "&<|", "|&>", "<^", ">^", "?#",
            "?-", "?-|", "?||", "~=", "##", "#-", "@-@", "<<=", ">>=", "^@", "??", "!!", "!");

    private SqlAnalyzer() {
    }

    /**
     * Analyzes one SQL string.
     *
     * @param sql    the statement as the application wrote it
     * @param syntax the database's lexical rules
     */
    public static SqlAnalysis analyze(String sql, SqlSyntax syntax) {
        try {
            List<Token> tokens = SqlLexer.tokenize(sql, syntax);
            if (tokens == null) {
                return new SqlAnalysis(Kind.WRITE_UNKNOWN, sql);
            }
            tokens = withoutTrailingSemicolons(tokens);
            SqlAnalysis analysis = analyzeTokens(sql, sql.length(), tokens, syntax);
            analysis.shape(SqlLexer.shape(tokens, syntax));
            analysis.parameterCount(parameterCount(tokens));
            return analysis;
        } catch (StackOverflowError e) {
            // Pathological nesting the analysis itself cannot follow: the statement is unknown, never a failure.
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, sql);
        }
    }

    /**
     * A statement whose meaning cannot be known (its lexical rules depend on a session state that could not be
     * read): a write to unknown tables that may change the session, never cached.
     */
    public static SqlAnalysis unknown(String sql) {
        return new SqlAnalysis(Kind.WRITE_UNKNOWN, sql);
    }

    /**
     * Analyzes a boolean expression (a row-security policy's USING clause, as the catalog prints it) as the WHERE
     * clause of a read: its tables, its functions and the settings it reads by name.
     */
    public static SqlAnalysis analyzeCondition(String expression, SqlSyntax syntax) {
        return analyze("SELECT 1 WHERE (" + expression + ")", syntax);
    }

    /**
     * @param raw the statement's own text when it is a whole statement (null for one of several): a statement with
     *            JDBC escapes ({@code {fn ...}}) keeps it as its canonical form, because the driver recognizes an
     *            escape only with exactly the whitespace it expects ({@code {fn\n...}} is an error)
     */
    private static SqlAnalysis analyzeTokens(String raw, int textLength, List<Token> tokens, SqlSyntax syntax) {
        String normalized = raw != null && tokens.stream().anyMatch(t -> t.isPunctuation("{")) ? raw
                : SqlLexer.canonical(tokens, syntax);
        if (tokens.isEmpty()) {
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, BypassReason.NOT_A_CACHEABLE_READ,
                    "empty statement", null);
        }
        if (!splitPoints(tokens, syntax).isEmpty()) {
            return multiple(tokens, normalized, syntax);
        }
        String first = firstWord(tokens);
        SqlAnalysis control = transactionOrSession(first, tokens, normalized, syntax);
        if (control != null) {
            return control;
        }
        if (first.equals("explain")) {
            return explain(tokens, normalized, syntax);
        }
        SqlAnalysis command = serverCommand(first, normalized);
        if (command != null) {
            return command;
        }
        SqlAnalysis analysis = null;
        if (textLength <= MAX_PARSED_LENGTH) {
            try {
                Map<String, String> aliases = new HashMap<>();
                Statement statement = CCJSqlParserUtil.newParser(SqlLexer.parserText(tokens, aliases)).Statement();
                if (statement != null && !(statement instanceof UnsupportedStatement)) {
                    analysis = analyzeParsed(statement, tokens, normalized, syntax);
                    if (!aliases.isEmpty()) {
                        analysis.restoreNames(aliases);
                    }
                    analysis = crossChecked(analysis, statement, first, tokens, normalized, syntax);
                }
            } catch (Exception | StackOverflowError e) {
                // A parser failure, or a visitor overflowing its stack on a deep expression: unparseable.
                analysis = null;
            } catch (Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                // JavaCC reports some failures as Errors (TokenMgrError); neither may escape into the application.
                analysis = null;
            }
        }
        if (analysis == null) {
            analysis = unparseable(first, tokens, normalized, syntax);
        }
        recordSettingsRead(analysis, tokens, syntax);
        analysis.castTypes(castTypes(tokens, syntax));
        analysis.operators(operators(tokens, syntax));
        if (DDL_WORDS.contains(first)) {
            analysis.changesSchema(true);
        }
        analysis.hasJdbcEscapes(tokens.stream().anyMatch(t -> t.isPunctuation("{")));
        return analysis;
    }

    /**
     * The parse tree checked against the tokens, because the parser's visitor does not reach every corner of
     * every expression (PostgreSQL's {@code substring(x FROM (SELECT ...))}, {@code position(a IN f())}, an
     * aggregate's {@code ORDER BY}, a window's {@code PARTITION BY}, {@code xmlexists(... PASSING ...)}, say): a
     * statement with more SELECTs in its text than its tree shows hides a subquery, and is treated as unparseable
     * (its relations and calls read from the tokens); a call in the text that the tree does not show is added to
     * its calls, to be judged like the others.
     */
    private static SqlAnalysis crossChecked(SqlAnalysis analysis, Statement statement, String first,
            List<Token> tokens, String normalized, SqlSyntax syntax) {
        ReferenceCollector collector = new ReferenceCollector();
        collector.getTables(statement);
        if (collector.selectsVisited.size() < countWords(tokens, "select")) {
            return unparseable(first, tokens, normalized, syntax);
        }
        Set<String> unseen = callsFromTokens(tokens, syntax, collector.cteNames);
        unseen.removeAll(analysis.functions());
        unseen.removeAll(castTypes(tokens, syntax));
        if (!unseen.isEmpty()) {
            analysis.addFunctions(unseen);
        }
        return analysis;
    }

    /** Words before a name followed by "(" that make it a relation or an alias with columns, not a call. */
    private static final Set<String> DECLARING_WORDS = Set.of("as", "into", "table", "update", "only", "with",
            "references", "recursive");

    /**
     * The names the text calls ({@code name(}), leaving out relations and aliases declared with a column list
     * ({@code INSERT INTO t (a)}, {@code AS g(n)}, {@code WITH c(a) AS}).
     */
    private static Set<String> callsFromTokens(List<Token> tokens, SqlSyntax syntax, List<TableRef> cteNames) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> ctes = new HashSet<>();
        for (TableRef cte : cteNames) {
            ctes.add(TableRef.unquote(cte.name()).toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (!isIdentifier(tokens.get(i)) || (i > 0 && tokens.get(i - 1).isPunctuation("."))) {
                continue;
            }
            int end = i;
            while (end + 2 < tokens.size() && tokens.get(end + 1).isPunctuation(".")
                    && isIdentifier(tokens.get(end + 2))) {
                end += 2;
            }
            if (end + 1 >= tokens.size() || !tokens.get(end + 1).isPunctuation("(")) {
                continue;
            }
            Token before = i > 0 ? tokens.get(i - 1) : null;
            if (before != null && before.type() == Type.WORD
                    && DECLARING_WORDS.contains(before.text().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (end == i && (ctes.contains(identifierText(tokens.get(i)).toLowerCase(Locale.ROOT))
                    || (tokens.get(i).type() == Type.WORD
                        && PARENTHESIZED_KEYWORDS.contains(tokens.get(i).text().toLowerCase(Locale.ROOT))))) {
                continue;
            }
            StringBuilder name = new StringBuilder();
            for (int part = i; part <= end; part += 2) {
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(functionPart(tokens.get(part), syntax));
            }
            names.add(withoutCatalogSchema(name.toString()));
        }
        return names;
    }

    /**
     * Several statements in one string: each is analyzed on its own (from its own tokens), so transaction control
     * inside the string is seen and each write names its own tables.
     */
    private static SqlAnalysis multiple(List<Token> tokens, String normalized, SqlSyntax syntax) {
        List<SqlAnalysis> parts = new ArrayList<>();
        int start = 0;
        boolean sessionMayHaveChanged = false;
        Set<Integer> splits = new HashSet<>(splitPoints(tokens, syntax));
        for (int i = 0; i <= tokens.size(); i++) {
            if (i == tokens.size() || splits.contains(i)) {
                if (i > start) {
                    List<Token> part = new ArrayList<>(tokens.subList(start, i));
                    part.set(0, part.get(0).withGap(SqlLexer.Gap.NONE));
                    SqlAnalysis analysis;
                    if (sessionMayHaveChanged && syntax.isPostgres()
                            && part.stream().anyMatch(t -> t.text().indexOf('\\') >= 0)) {
                        // An earlier statement may have turned standard_conforming_strings off: PostgreSQL reads
                        // this one's backslashes with the new rule, which cannot be known here.
                        analysis = new SqlAnalysis(Kind.WRITE_UNKNOWN, SqlLexer.canonical(part, syntax));
                    } else {
                        analysis = analyzeTokens(null, textLength(part), part, syntax);
                    }
                    analysis.shape(SqlLexer.shape(part, syntax));
                    parts.add(analysis);
                    sessionMayHaveChanged |= analysis.mayChangeSession() || !analysis.functions().isEmpty();
                }
                start = i + 1;
            }
        }
        SqlAnalysis analysis = new SqlAnalysis(Kind.MULTIPLE, normalized);
        analysis.parts(parts);
        return analysis;
    }

    /**
     * Where a text of several statements is split, as the driver that sends it splits it: at every {@code ;} on H2
     * and elsewhere; on PostgreSQL as pgjdbc does, never inside parentheses and never again after the
     * {@code BEGIN ATOMIC} of a CREATE (the body of a SQL-standard function holds its own semicolons).
     */
    private static List<Integer> splitPoints(List<Token> tokens, SqlSyntax syntax) {
        List<Integer> points = new ArrayList<>();
        int depth = 0;
        boolean statementIsCreate = false;
        boolean atStatementStart = true;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (atStatementStart && token.type() == Type.WORD) {
                statementIsCreate = token.isWord("create");
                atStatementStart = false;
            }
            if (!syntax.isPostgres()) {
                if (token.isPunctuation(";")) {
                    points.add(i);
                    atStatementStart = true;
                }
                continue;
            }
            if (token.isPunctuation("(")) {
                depth++;
            } else if (token.isPunctuation(")")) {
                depth--;
            } else if (statementIsCreate && token.isWord("atomic") && i > 0 && tokens.get(i - 1).isWord("begin")) {
                return points; // pgjdbc sends the rest as one statement
            } else if (token.isPunctuation(";") && depth == 0) {
                points.add(i);
                atStatementStart = true;
            }
        }
        return points;
    }

    /**
     * EXPLAIN is treated as the statement it explains: with ANALYZE (in any form, even {@code ANALYZE false}) it
     * runs it, so its writes and function calls count; without it, planning may still call functions, which count
     * the same way. It is never cached itself.
     */
    private static SqlAnalysis explain(List<Token> tokens, String normalized, SqlSyntax syntax) {
        int i = 1;
        boolean analyze = false;
        // Options in parentheses, ANALYZE/VERBOSE words, and repeated EXPLAINs (a syntax error for the database),
        // all skipped in one loop: a text of 20,000 EXPLAINs must not recurse or copy itself 20,000 times.
        while (i < tokens.size()) {
            Token token = tokens.get(i);
            if (token.isWord("explain")) {
                i++;
            } else if (token.isWord("analyze") || token.isWord("analyse") || token.isWord("verbose")) {
                analyze |= !token.isWord("verbose");
                i++;
            } else if (token.isPunctuation("(")) {
                int depth = 0;
                for (; i < tokens.size(); i++) {
                    Token option = tokens.get(i);
                    analyze |= option.isWord("analyze") || option.isWord("analyse");
                    if (option.isPunctuation("(")) {
                        depth++;
                    } else if (option.isPunctuation(")") && --depth == 0) {
                        i++;
                        break;
                    }
                }
            } else {
                break;
            }
        }
        if (i >= tokens.size()) {
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, BypassReason.NOT_A_CACHEABLE_READ,
                    "EXPLAIN", null);
        }
        List<Token> explained = new ArrayList<>(tokens.subList(i, tokens.size()));
        explained.set(0, explained.get(0).withGap(SqlLexer.Gap.NONE));
        SqlAnalysis inner = analyzeTokens(null, textLength(explained), explained, syntax);
        if (analyze && inner.kind() != Kind.QUERY && inner.kind() != Kind.UNCACHEABLE_READ) {
            return inner;
        }
        SqlAnalysis analysis = new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, inner.tables(),
                BypassReason.NOT_A_CACHEABLE_READ, analyze ? "EXPLAIN ANALYZE" : "EXPLAIN", inner.functions());
        analysis.mayChangeSession(inner.mayChangeSession());
        return analysis;
    }

    /** Statements that run server code the driver cannot see into, or that only prepare or listen. */
    private static SqlAnalysis serverCommand(String first, String normalized) {
        switch (first) {
            case "do":
            case "call":
            case "execute":
            case "exec":
                // Anything may happen: writes to unknown tables, and session changes.
                return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized);
            case "load":
                // A library may define settings that change results.
                return new SqlAnalysis(Kind.SESSION_CHANGE, normalized);
            case "prepare":
            case "deallocate":
            case "listen":
            case "unlisten":
                return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, BypassReason.NOT_A_CACHEABLE_READ,
                        first.toUpperCase(Locale.ROOT), null);
            default:
                return null;
        }
    }

    private static SqlAnalysis analyzeParsed(Statement statement, List<Token> tokens, String normalized,
            SqlSyntax syntax) {
        if (statement instanceof Select) {
            return analyzeSelect((Select) statement, tokens, normalized, syntax);
        }
        List<Table> targets = writeTargets(statement);
        if (targets == null) {
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized);
        }
        List<TableRef> tables = new ArrayList<>();
        for (Table table : targets) {
            if (table != null && table.getName() != null) {
                tables.add(new TableRef(table.getSchemaName(), table.getName()));
            }
        }
        if (tables.isEmpty() || changesInheritance(tokens)) {
            // ALTER TABLE ... INHERIT / ATTACH PARTITION moves rows into another table's family.
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized);
        }
        // The functions a write calls may write other tables: the connection decides with the rules.
        ReferenceCollector collector = new ReferenceCollector();
        Set<String> named = collector.getTables(statement);
        Set<String> functions = new LinkedHashSet<>(collector.functions);
        functions.addAll(unknownOperators(tokens, syntax));
        SqlAnalysis analysis = new SqlAnalysis(Kind.WRITE, normalized, tables, null, null, functions);
        // What it reads too (INSERT ... SELECT FROM a view): the code behind those relations runs as well.
        Set<TableRef> mentioned = new LinkedHashSet<>(tables);
        for (String name : named) {
            mentioned.add(TableRef.parse(name));
        }
        analysis.relationsMentioned(new ArrayList<>(mentioned));
        analysis.rowKey(writtenRow(statement, tokens));
        if (statement instanceof Update && ((Update) statement).getUpdateSets() != null) {
            List<String> columns = new ArrayList<>();
            for (UpdateSet set : ((Update) statement).getUpdateSets()) {
                for (Column column : set.getColumns()) {
                    columns.add(column.getColumnName());
                }
            }
            analysis.updatedColumns(columns);
        }
        return analysis;
    }

    /** The row key of a single-table UPDATE or DELETE without joins or subqueries, or null. */
    private static RowKey writtenRow(Statement statement, List<Token> tokens) {
        if (countWords(tokens, "select") > 0) {
            return null;
        }
        if (statement instanceof Update) {
            Update update = (Update) statement;
            boolean plain = update.getFromItem() == null && empty(update.getJoins()) && empty(update.getStartJoins())
                    && empty(update.getWithItemsList());
            return plain ? RowKey.find(update.getWhere(), update.getTable()) : null;
        }
        if (statement instanceof Delete) {
            Delete delete = (Delete) statement;
            boolean plain = empty(delete.getTables()) && empty(delete.getJoins()) && empty(delete.getUsingList())
                    && empty(delete.getUsingFromItemList()) && empty(delete.getWithItemsList());
            return plain ? RowKey.find(delete.getWhere(), delete.getTable()) : null;
        }
        return null;
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static int countWords(List<Token> tokens, String word) {
        int count = 0;
        for (Token token : tokens) {
            if (token.isWord(word)) {
                count++;
            }
        }
        return count;
    }

    private static boolean changesInheritance(List<Token> tokens) {
        return tokens.stream().anyMatch(t -> t.isWord("inherit") || t.isWord("inherits") || t.isWord("attach")
                || t.isWord("detach") || (t.isWord("partition") && tokens.get(0).isWord("create")));
    }

    private static SqlAnalysis analyzeSelect(Select select, List<Token> tokens, String normalized,
            SqlSyntax syntax) {
        ReferenceCollector collector = new ReferenceCollector();
        Set<String> tableNames = collector.getTables((Statement) select);
        List<TableRef> tables = new ArrayList<>();
        for (String name : tableNames) {
            tables.add(TableRef.parse(name));
        }
        Set<String> functions = new LinkedHashSet<>(collector.functions);
        functions.addAll(unknownOperators(tokens, syntax));
        if (containsDataChange(tokens)) {
            // WITH x AS (UPDATE ... RETURNING ...) SELECT ..., or a data-change delta table: a write to every
            // table it names, and to everything when it names none.
            return tables.isEmpty() ? new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized)
                    : new SqlAnalysis(Kind.WRITE, normalized, tables, null, null, functions);
        }
        if (select instanceof PlainSelect) {
            PlainSelect plain = (PlainSelect) select;
            if (plain.getIntoTables() != null && !plain.getIntoTables().isEmpty()) {
                if (createsTemporaryTable(tokens)) {
                    // Its query runs like any read: the functions it calls are judged, and the code of the
                    // relations it reads (a view calling a writing function).
                    SqlAnalysis create = new SqlAnalysis(Kind.SESSION_CHANGE, normalized, null, null, null, functions);
                    create.relationsMentioned(tables);
                    return create;
                }
                List<TableRef> into = new ArrayList<>();
                for (Table table : plain.getIntoTables()) {
                    into.add(new TableRef(table.getSchemaName(), table.getName()));
                }
                SqlAnalysis create = new SqlAnalysis(Kind.WRITE, normalized, into, null, null, functions);
                create.changesSchema(true); // it creates a table: DDL
                return create;
            }
        }
        String[] reason = structuralBypassReason(tokens, tables, collector);
        BypassReason bypass = reason == null ? null : BypassReason.valueOf(reason[0]);
        SqlAnalysis analysis = new SqlAnalysis(reason == null ? Kind.QUERY : Kind.UNCACHEABLE_READ, normalized,
                tables, bypass, reason == null ? null : reason[1], functions);
        analysis.cteNames(collector.cteNames);
        if (select instanceof PlainSelect && tables.size() == 1 && collector.cteNames.isEmpty()
                && countWords(tokens, "select") == 1) {
            PlainSelect plain = (PlainSelect) select;
            if (plain.getFromItem() instanceof Table && (plain.getJoins() == null || plain.getJoins().isEmpty())) {
                analysis.rowKey(RowKey.find(plain.getWhere(), (Table) plain.getFromItem()));
            }
        }
        return analysis;
    }

    /** Why a parsed read is not cacheable, as {reason name, detail}, or null. */
    private static String[] structuralBypassReason(List<Token> tokens, List<TableRef> tables,
            ReferenceCollector collector) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isWord("for") && (tokens.get(i + 1).isWord("update") || tokens.get(i + 1).isWord("share")
                    || tokens.get(i + 1).isWord("no") || tokens.get(i + 1).isWord("key"))) {
                return new String[] {"LOCKING_READ", "locking read (FOR UPDATE/SHARE)"};
            }
            if (tokens.get(i).isWord("lock") && tokens.get(i + 1).isWord("in")) {
                return new String[] {"LOCKING_READ", "locking read (LOCK IN SHARE MODE)"};
            }
        }
        if (collector.volatileExpression != null) {
            return new String[] {"NON_DETERMINISTIC", "non-deterministic " + collector.volatileExpression};
        }
        String clock = clockReading(tokens);
        if (clock != null) {
            return new String[] {"NON_DETERMINISTIC", "non-deterministic " + clock};
        }
        for (Token token : tokens) {
            if (token.isWord("tablesample")) {
                return new String[] {"NON_DETERMINISTIC", "TABLESAMPLE draws rows at random"};
            }
        }
        String catalogCast = catalogCast(tokens);
        if (catalogCast != null) {
            return new String[] {"SYSTEM_CATALOG", "reads the catalog through a cast to " + catalogCast};
        }
        String computedClock = computedDateCast(tokens);
        if (computedClock != null) {
            return new String[] {"NON_DETERMINISTIC", "a computed string cast to " + computedClock
                    + " may be a clock input ('now')"};
        }
        for (TableRef table : tables) {
            String schema = table.schema() == null ? null : TableRef.unquote(table.schema()).toLowerCase(Locale.ROOT);
            String name = TableRef.unquote(table.name()).toLowerCase(Locale.ROOT);
            if ((schema != null && SYSTEM_SCHEMAS.contains(schema)) || name.startsWith("pg_")) {
                return new String[] {"SYSTEM_CATALOG", "system catalog " + (schema == null ? name : schema + "." + name)};
            }
        }
        return null;
    }

    /**
     * A token that reads the clock or the session without being a function call: {@code CURRENT_DATE} and its
     * kin, or a literal that PostgreSQL reads as a moving date ({@code 'now'}, {@code 'today'}, {@code 'tomorrow'},
     * {@code 'yesterday'}, in any case and combined with a time); null if none.
     */
    private static String clockReading(List<Token> tokens) {
        for (int index = 0; index < tokens.size(); index++) {
            Token token = tokens.get(index);
            if (token.type() == Type.WORD && VOLATILE_WORDS.contains(token.text().toLowerCase(Locale.ROOT))) {
                return token.text().toLowerCase(Locale.ROOT);
            }
            if (token.type() == Type.LITERAL) {
                for (String value : SqlLexer.literalReadings(tokens, index)) {
                    if (readsClock(value)) {
                        return "date input '" + value.trim() + "'";
                    }
                }
                String continued = continuedLiteral(tokens, index);
                if (continued != null && (readsClock(continued) || readsClock(SqlLexer.decodeBackslashes(continued)))) {
                    return "date input '" + continued.trim() + "'";
                }
            }
        }
        return null;
    }

    /**
     * The value of string literals that PostgreSQL joins into one ({@code 'n'} and {@code 'ow'} separated by
     * whitespace holding a newline), starting at {@code index}; null if no literal continues it.
     */
    private static String continuedLiteral(List<Token> tokens, int index) {
        if (index + 1 >= tokens.size() || !continues(tokens.get(index + 1))
                || (index > 0 && tokens.get(index).gap() == SqlLexer.Gap.NEWLINE && continues(tokens.get(index))
                        && tokens.get(index - 1).type() == Type.LITERAL)) {
            return null; // nothing follows, or this literal is itself a continuation (checked from the first)
        }
        StringBuilder value = new StringBuilder();
        for (int i = index; i < tokens.size() && (i == index || continues(tokens.get(i))); i++) {
            String part = SqlLexer.literalValue(tokens.get(i));
            if (part == null) {
                return null;
            }
            value.append(part);
        }
        return value.toString();
    }

    private static boolean continues(Token token) {
        return token.type() == Type.LITERAL && token.gap() == SqlLexer.Gap.NEWLINE && token.text().startsWith("'");
    }

    /** Casts that look a name up in the catalog when they run: their result follows DDL and the search path. */
    private static final Set<String> CATALOG_TYPES = Set.of("regclass", "regtype", "regproc", "regprocedure",
            "regoper", "regoperator", "regnamespace", "regrole", "regconfig", "regdictionary", "regcollation");
    /**
     * PostgreSQL rejects a date/time input longer than this once its whitespace is skipped (MAXDATELEN and the
     * field buffer): a longer string cannot be a clock input however many spaces pad it.
     */
    private static final int MAX_DATE_INPUT = 256;
    /** Date/time types, whose input accepts the clock words. */
    private static final Set<String> DATE_TYPES = Set.of("date", "timestamp", "timestamptz", "time", "timetz",
            "abstime", "smalldatetime", "datetime");

    /**
     * Where each parenthesis of a statement opens and whether it is a CAST's, computed in one forward pass (a
     * statement of 20,000 aliases must not be scanned 20,000 times).
     */
    private static final class Parentheses {
        /** For a ")" token, the index of its "("; else -1. */
        final int[] opening;
        /** For an "AS" token directly inside a CAST( ... ), the index of that "("; else -1. */
        final int[] castOpening;

        Parentheses(List<Token> tokens) {
            opening = new int[tokens.size()];
            castOpening = new int[tokens.size()];
            Arrays.fill(opening, -1);
            Arrays.fill(castOpening, -1);
            ArrayDeque<Integer> open = new ArrayDeque<>();
            for (int i = 0; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                if (token.isPunctuation("(")) {
                    open.push(i);
                } else if (token.isPunctuation(")") && !open.isEmpty()) {
                    opening[i] = open.pop();
                } else if (token.isWord("as") && !open.isEmpty()) {
                    int at = open.peek();
                    if (at > 0 && (tokens.get(at - 1).isWord("cast") || tokens.get(at - 1).isWord("try_cast"))) {
                        castOpening[i] = at;
                    }
                }
            }
        }
    }

    /**
     * The type names of every cast: {@code x::type}, {@code CAST(x AS type)}, and {@code type 'literal'} (a word
     * right before a string, which may also be a keyword: the caller only looks for names it knows). Each is the
     * last part of a qualified name, unquoted names folded as the database folds them.
     */
    static Set<String> castTypes(List<Token> tokens, SqlSyntax syntax) {
        Set<String> types = new LinkedHashSet<>();
        Parentheses parentheses = null;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            int nameAt = -1;
            if (token.type() == Type.OPERATOR && token.text().endsWith("::")) {
                nameAt = i + 1;
            } else if (token.isWord("as")) {
                parentheses = parentheses == null ? new Parentheses(tokens) : parentheses;
                nameAt = parentheses.castOpening[i] >= 0 ? i + 1 : -1;
            } else if (isIdentifier(token) && i + 1 < tokens.size() && tokens.get(i + 1).type() == Type.LITERAL
                    && tokens.get(i + 1).text().startsWith("'")) {
                nameAt = i;
            }
            if (nameAt < 0 || nameAt >= tokens.size() || !isIdentifier(tokens.get(nameAt))) {
                continue;
            }
            int last = nameAt;
            while (last + 2 < tokens.size() && tokens.get(last + 1).isPunctuation(".")
                    && isIdentifier(tokens.get(last + 2))) {
                last += 2;
            }
            types.add(functionPart(tokens.get(last), syntax));
        }
        return types;
    }

    private static String catalogCast(List<Token> tokens) {
        for (String type : castTypes(tokens, SqlSyntax.POSTGRESQL)) {
            if (CATALOG_TYPES.contains(type)) {
                return type;
            }
        }
        return null;
    }

    /**
     * A date/time cast of something computed from strings ({@code ('n' || 'ow')::timestamptz},
     * {@code CAST(concat('to', 'day') AS date)}): its input may be a clock word the literal check cannot see.
     * A cast of a column ({@code created_at::date}) or of a single literal (checked as a literal) is not one.
     */
    private static String computedDateCast(List<Token> tokens) {
        Parentheses parentheses = new Parentheses(tokens);
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token token = tokens.get(i);
            String type = tokens.get(i + 1).text().toLowerCase(Locale.ROOT);
            if (!DATE_TYPES.contains(type)) {
                continue;
            }
            if (token.type() == Type.OPERATOR && token.text().endsWith("::") && i > 0
                    && tokens.get(i - 1).isPunctuation(")") && parentheses.opening[i - 1] >= 0) {
                int opening = parentheses.opening[i - 1];
                // (... || ...)::date, or a call's own parentheses: reverse('won')::timestamptz
                boolean call = opening > 0 && isIdentifier(tokens.get(opening - 1));
                if (computed(tokens, opening, i - 1) || (call && holdsLiteral(tokens, opening, i - 1))) {
                    return type;
                }
            }
            if (token.isWord("as") && parentheses.castOpening[i] >= 0
                    && computed(tokens, parentheses.castOpening[i], i)) {
                return type;
            }
        }
        return null;
    }

    private static boolean holdsLiteral(List<Token> tokens, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (tokens.get(i).type() == Type.LITERAL) {
                return true;
            }
        }
        return false;
    }

    /** True if the tokens strictly between {@code from} and {@code to} build a string: {@code ||} or a call with a literal. */
    private static boolean computed(List<Token> tokens, int from, int to) {
        boolean literal = false;
        boolean call = false;
        for (int i = from + 1; i < to; i++) {
            Token token = tokens.get(i);
            if (token.type() == Type.OPERATOR && token.text().contains("||")) {
                return true;
            }
            literal |= token.type() == Type.LITERAL;
            call |= token.isPunctuation("(") && i > 0 && isIdentifier(tokens.get(i - 1));
        }
        return literal && call;
    }

    /**
     * True if a string, bound as a parameter or written as a literal, is one of PostgreSQL's special date/time
     * inputs that read the clock ({@code 'now'}, {@code 'today'}, {@code 'tomorrow'}, {@code 'yesterday'}, in any
     * case, possibly with a time): a result read with it must not be cached.
     */
    public static boolean readsClock(String value) {
        if (value.length() < 3) {
            return false;
        }
        int start = -1;
        int content = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i < value.length() && !Character.isWhitespace(value.charAt(i)) && ++content > MAX_DATE_INPUT) {
                return false; // longer than any date/time input PostgreSQL accepts (whitespace aside)
            }
            boolean letter = i < value.length() && Character.isLetter(value.charAt(i));
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                int length = i - start;
                if ((length == 3 && value.regionMatches(true, start, "now", 0, 3))
                        || (length == 5 && value.regionMatches(true, start, "today", 0, 5))
                        || (length == 8 && value.regionMatches(true, start, "tomorrow", 0, 8))
                        || (length == 9 && value.regionMatches(true, start, "yesterday", 0, 9))) {
                    return true;
                }
                start = -1;
            }
        }
        return false;
    }

    /**
     * True if a read-looking statement contains a data-changing statement anywhere (a data-modifying CTE, H2's
     * {@code FINAL TABLE (UPDATE ...)}): its words are reserved, so they cannot be names. {@code FOR UPDATE} and
     * {@code FOR NO KEY UPDATE} are locking clauses, not writes.
     */
    private static boolean containsDataChange(List<Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.isWord("insert") || token.isWord("delete") || token.isWord("merge") || token.isWord("truncate")) {
                return true;
            }
            if (token.isWord("update") && !(i > 0 && (tokens.get(i - 1).isWord("for") || tokens.get(i - 1).isWord("key")
                    || tokens.get(i - 1).isWord("on")))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code CREATE [OR REPLACE] [GLOBAL|LOCAL] TEMP|TEMPORARY TABLE|VIEW|SEQUENCE ...}, or such a relation named
     * in {@code pg_temp}: only the grammar's own places count ({@code CREATE POLICY temp ...} and
     * {@code CREATE TABLE temp.items} are DDL).
     */
    private static boolean createsTemporaryRelation(List<Token> tokens) {
        int i = 1;
        if (i + 1 < tokens.size() && tokens.get(i).isWord("or") && tokens.get(i + 1).isWord("replace")) {
            i += 2;
        }
        return temporaryAt(tokens, i);
    }

    /**
     * True if the relation declared from {@code index} on is temporary: {@code [GLOBAL|LOCAL] TEMP|TEMPORARY},
     * or {@code [TABLE|VIEW|SEQUENCE] pg_temp.name}.
     */
    private static boolean temporaryAt(List<Token> tokens, int index) {
        int i = index;
        if (i < tokens.size() && (tokens.get(i).isWord("global") || tokens.get(i).isWord("local"))) {
            i++;
        }
        if (i < tokens.size() && (tokens.get(i).isWord("temp") || tokens.get(i).isWord("temporary"))) {
            return true;
        }
        if (i < tokens.size() && (tokens.get(i).isWord("unlogged") || tokens.get(i).isWord("recursive"))) {
            i++;
        }
        if (i < tokens.size() && (tokens.get(i).isWord("table") || tokens.get(i).isWord("view")
                || tokens.get(i).isWord("sequence"))) {
            i++;
        }
        if (i + 2 < tokens.size() && tokens.get(i).isWord("if") && tokens.get(i + 1).isWord("not")) {
            i += 3;
        }
        return i + 1 < tokens.size() && tokens.get(i).isWord("pg_temp") && tokens.get(i + 1).isPunctuation(".");
    }

    /** {@code SELECT ... INTO [GLOBAL|LOCAL] TEMP [TABLE] t} or {@code INTO pg_temp.t}. */
    private static boolean createsTemporaryTable(List<Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isWord("into")) {
                return temporaryAt(tokens, i + 1);
            }
        }
        return false;
    }

    /** The tables a write statement changes, or null when the statement's effect is unknown. */
    private static List<Table> writeTargets(Statement statement) {
        List<Table> tables = new ArrayList<>();
        if (statement instanceof Insert) {
            Insert insert = (Insert) statement;
            if (insert.getWithItemsList() != null && !insert.getWithItemsList().isEmpty()) {
                return allTables(statement);
            }
            tables.add(insert.getTable());
        } else if (statement instanceof Update) {
            Update update = (Update) statement;
            if ((update.getWithItemsList() != null && !update.getWithItemsList().isEmpty())
                    || (update.getStartJoins() != null && !update.getStartJoins().isEmpty())) {
                return allTables(statement);
            }
            tables.add(update.getTable());
        } else if (statement instanceof Delete) {
            Delete delete = (Delete) statement;
            if ((delete.getWithItemsList() != null && !delete.getWithItemsList().isEmpty())
                    || (delete.getTables() != null && !delete.getTables().isEmpty())) {
                return allTables(statement);
            }
            tables.add(delete.getTable());
        } else if (statement instanceof Merge) {
            tables.add(((Merge) statement).getTable());
        } else if (statement instanceof Upsert) {
            tables.add(((Upsert) statement).getTable());
        } else if (statement instanceof Truncate) {
            Truncate truncate = (Truncate) statement;
            if (truncate.getCascade()) {
                // TRUNCATE ... CASCADE empties every referencing table, whatever its foreign keys' rules.
                return null;
            }
            if (truncate.getTables() != null) {
                tables.addAll(truncate.getTables());
            } else {
                tables.add(truncate.getTable());
            }
        } else if (statement instanceof Drop) {
            Drop drop = (Drop) statement;
            String type = drop.getType() == null ? "" : drop.getType().toLowerCase(Locale.ROOT);
            if (!type.contains("table") && !type.contains("view")) {
                return null;
            }
            tables.add(drop.getName());
        } else if (statement instanceof Alter) {
            tables.add(((Alter) statement).getTable());
        } else if (statement instanceof CreateTable) {
            tables.add(((CreateTable) statement).getTable());
        } else if (statement instanceof CreateView) {
            tables.add(((CreateView) statement).getView());
        } else if (statement instanceof AlterView) {
            tables.add(((AlterView) statement).getView());
        } else if (statement instanceof CreateIndex) {
            tables.add(((CreateIndex) statement).getTable());
        } else if (statement instanceof RefreshMaterializedViewStatement) {
            tables.add(((RefreshMaterializedViewStatement) statement).getView());
        } else {
            return null;
        }
        return tables;
    }

    private static List<Table> allTables(Statement statement) {
        List<Table> tables = new ArrayList<>();
        for (String name : new TablesNamesFinder<Void>().getTables(statement)) {
            TableRef ref = TableRef.parse(name);
            tables.add(new Table(ref.schema(), ref.name()));
        }
        return tables;
    }

    /**
     * A statement the parser cannot read. Its calls are read from its tokens (a name followed by a parenthesis,
     * an operator that is not a built-in), so that it counts as a possible write exactly as a parsed one would.
     */
    private static SqlAnalysis unparseable(String first, List<Token> tokens, String normalized, SqlSyntax syntax) {
        Set<String> functions = functionsFromTokens(tokens, syntax);
        TableRef target = lexicalWriteTarget(first, tokens);
        if (target != null) {
            return new SqlAnalysis(Kind.WRITE, normalized, List.of(target), null, null, functions);
        }
        boolean read = READ_KEYWORDS.contains(first);
        boolean into = tokens.stream().anyMatch(t -> t.isWord("into"));
        if (read && into && createsTemporaryTable(tokens) && !containsDataChange(tokens)) {
            SqlAnalysis create = new SqlAnalysis(Kind.SESSION_CHANGE, normalized, null, null, null, functions);
            create.relationsMentioned(relationsAfterFrom(tokens));
            return create;
        }
        if (read && !containsDataChange(tokens) && !into) {
            SqlAnalysis analysis = new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null,
                    BypassReason.NOT_PARSEABLE, null, functions);
            analysis.relationsMentioned(relationsAfterFrom(tokens));
            return analysis;
        }
        return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized);
    }

    /**
     * The target of a write the parser could not read, from its leading tokens: {@code INSERT/MERGE/REPLACE INTO t}
     * (H2's {@code MERGE INTO t KEY (...)}, say), {@code UPDATE [ONLY] t [[AS] alias] SET} and {@code DELETE FROM
     * [ONLY] t}, when no other data change appears in it. Such a statement can only change that table (cascades
     * come from the catalog; its calls are checked separately). Anything less certain returns null.
     */
    private static TableRef lexicalWriteTarget(String first, List<Token> tokens) {
        int i;
        switch (first) {
            case "insert":
            case "merge":
            case "replace":
                if (tokens.size() < 3 || !tokens.get(0).isWord(first) || !tokens.get(1).isWord("into")) {
                    return null;
                }
                i = 2;
                break;
            case "update":
                i = 1;
                break;
            case "delete":
                if (tokens.size() < 3 || !tokens.get(1).isWord("from")) {
                    return null;
                }
                i = 2;
                break;
            default:
                return null;
        }
        if (!tokens.get(0).isWord(first)) {
            return null;
        }
        if (i < tokens.size() && tokens.get(i).isWord("only")) {
            i++;
        }
        if (i >= tokens.size() || !isIdentifier(tokens.get(i))) {
            return null;
        }
        String schema = null;
        String name = identifierText(tokens.get(i));
        while (i + 2 < tokens.size() && tokens.get(i + 1).isPunctuation(".") && isIdentifier(tokens.get(i + 2))) {
            schema = name;
            i += 2;
            name = identifierText(tokens.get(i));
        }
        if (first.equals("update") || first.equals("delete")) {
            for (int j = 1; j < tokens.size(); j++) {
                Token token = tokens.get(j);
                boolean change = token.isWord("insert") || token.isWord("delete") || token.isWord("merge")
                        || token.isWord("truncate") || (token.isWord("update") && !(tokens.get(j - 1).isWord("for")
                                || tokens.get(j - 1).isWord("key") || tokens.get(j - 1).isWord("on")));
                if (change) {
                    return null;
                }
            }
            int next = i + 1;
            if (next < tokens.size() && tokens.get(next).text().equals("*")) {
                next++;
            }
            if (first.equals("update")) {
                if (next < tokens.size() && tokens.get(next).isWord("as")) {
                    next++;
                }
                if (next < tokens.size() && isIdentifier(tokens.get(next)) && !tokens.get(next).isWord("set")) {
                    next++;
                }
                if (next >= tokens.size() || !tokens.get(next).isWord("set")) {
                    return null; // UPDATE a, b or UPDATE a JOIN b: other tables may be written
                }
            } else if (next < tokens.size() && tokens.get(next).isPunctuation(",")) {
                return null;
            }
        }
        return new TableRef(schema, name);
    }

    /** The names after FROM and JOIN, and after commas in a FROM list, as written (for unparseable reads). */
    private static List<TableRef> relationsAfterFrom(List<Token> tokens) {
        List<TableRef> relations = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isWord("from") && !tokens.get(i).isWord("join")) {
                continue;
            }
            int j = i + 1;
            while (j < tokens.size()) {
                while (j < tokens.size() && (tokens.get(j).isWord("only") || tokens.get(j).isWord("lateral"))) {
                    j++;
                }
                if (j >= tokens.size() || !isIdentifier(tokens.get(j))) {
                    break;
                }
                String schema = null;
                String name = identifierText(tokens.get(j));
                while (j + 2 < tokens.size() && tokens.get(j + 1).isPunctuation(".") && isIdentifier(tokens.get(j + 2))) {
                    schema = name;
                    j += 2;
                    name = identifierText(tokens.get(j));
                }
                relations.add(new TableRef(schema, name));
                j++;
                if (j < tokens.size() && tokens.get(j).isWord("as")) {
                    j++;
                }
                if (j < tokens.size() && isIdentifier(tokens.get(j)) && !tokens.get(j).isPunctuation(",")) {
                    j++; // an alias
                }
                if (j < tokens.size() && tokens.get(j).isPunctuation(",")) {
                    j++;
                    continue;
                }
                break;
            }
        }
        return relations;
    }

    private static boolean isIdentifier(Token token) {
        return token.type() == Type.WORD || token.type() == Type.QUOTED_IDENTIFIER;
    }

    /** The identifier as TableRef expects it: a word as written, a quoted name re-quoted in double quotes. */
    private static String identifierText(Token token) {
        return token.type() == Type.QUOTED_IDENTIFIER
                ? '"' + token.identifier().replace("\"", "\"\"") + '"' : token.text();
    }

    /**
     * Functions called by a statement the parser cannot read: every name followed by {@code (} that is not a
     * keyword or type taking parentheses (a table's column list after INTO/TABLE counts too, which only makes the
     * statement more suspect), plus unknown operators.
     */
    static Set<String> functionsFromTokens(List<Token> tokens, SqlSyntax syntax) {
        Set<String> functions = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!isIdentifier(tokens.get(i)) || (i > 0 && tokens.get(i - 1).isPunctuation("."))) {
                continue;
            }
            int end = i;
            while (end + 2 < tokens.size() && tokens.get(end + 1).isPunctuation(".")
                    && isIdentifier(tokens.get(end + 2))) {
                end += 2;
            }
            if (end + 1 >= tokens.size() || !tokens.get(end + 1).isPunctuation("(")) {
                continue;
            }
            if (end == i && tokens.get(i).type() == Type.WORD
                    && PARENTHESIZED_KEYWORDS.contains(tokens.get(i).text().toLowerCase(Locale.ROOT))) {
                continue;
            }
            StringBuilder name = new StringBuilder();
            for (int part = i; part <= end; part += 2) {
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(functionPart(tokens.get(part), syntax));
            }
            functions.add(withoutCatalogSchema(name.toString()));
        }
        functions.addAll(unknownOperators(tokens, syntax));
        return functions;
    }

    private static String functionPart(Token token, SqlSyntax syntax) {
        if (token.type() == Type.QUOTED_IDENTIFIER) {
            return token.identifier();
        }
        return syntax.isPostgres() ? syntax.foldWord(token.text()) : token.text().toLowerCase(Locale.ROOT);
    }

    private static String withoutCatalogSchema(String name) {
        return name.startsWith("pg_catalog.") ? name.substring("pg_catalog.".length()) : name;
    }

    /**
     * PostgreSQL operators that are not built-in, as {@code operator <symbol>}: a user-defined operator runs a
     * function like any call. {@code OPERATOR(schema.op)} counts as unknown too. A run of operator characters is
     * split as PostgreSQL splits it (a trailing {@code +} or {@code -} is its own operator unless the run holds one
     * of {@code ~!@#%^&|`?}).
     */
    private static Set<String> unknownOperators(List<Token> tokens, SqlSyntax syntax) {
        Set<String> unknown = new LinkedHashSet<>();
        if (!syntax.isPostgres()) {
            return unknown;
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.isWord("operator") && i + 1 < tokens.size() && tokens.get(i + 1).isPunctuation("(")) {
                unknown.add("operator(" + (i + 2 < tokens.size() ? tokens.get(i + 2).text() : "") + ")");
            }
            if (token.type() != Type.OPERATOR) {
                continue;
            }
            String run = token.text();
            while (!run.isEmpty()) {
                String operator = leadingOperator(run);
                if (!BUILT_IN_OPERATORS.contains(operator)) {
                    unknown.add("operator " + operator);
                }
                run = run.substring(operator.length());
            }
        }
        return unknown;
    }

    /** Every operator of a PostgreSQL statement, runs split as PostgreSQL splits them; empty elsewhere. */
    private static Set<String> operators(List<Token> tokens, SqlSyntax syntax) {
        Set<String> operators = new LinkedHashSet<>();
        if (!syntax.isPostgres()) {
            return operators;
        }
        for (Token token : tokens) {
            if (token.type() != Type.OPERATOR) {
                continue;
            }
            String run = token.text();
            while (!run.isEmpty()) {
                String operator = leadingOperator(run);
                operators.add(operator);
                run = run.substring(operator.length());
            }
        }
        return operators;
    }

    private static String leadingOperator(String run) {
        String operator = run;
        while (operator.length() > 1 && (operator.endsWith("+") || operator.endsWith("-"))
                && operator.chars().noneMatch(c -> "~!@#%^&|`?".indexOf(c) >= 0)) {
            operator = operator.substring(0, operator.length() - 1);
        }
        return operator;
    }

    /** Records {@code current_setting('<name>')} calls, and whether any names its setting otherwise. */
    private static void recordSettingsRead(SqlAnalysis analysis, List<Token> tokens, SqlSyntax syntax) {
        Set<String> names = new LinkedHashSet<>();
        boolean unnamed = false;
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token token = tokens.get(i);
            boolean call = (token.type() == Type.WORD && token.text().equalsIgnoreCase("current_setting"))
                    || (token.type() == Type.QUOTED_IDENTIFIER && token.identifier().equals("current_setting"));
            if (!call || !tokens.get(i + 1).isPunctuation("(")) {
                continue;
            }
            String name = i + 2 < tokens.size() ? SqlLexer.literalValue(tokens.get(i + 2)) : null;
            boolean literalOnly = i + 3 < tokens.size() && (tokens.get(i + 3).isPunctuation(",")
                    || tokens.get(i + 3).isPunctuation(")") || tokens.get(i + 3).text().equals("::"));
            if (name != null && literalOnly) {
                names.add(name);
            } else {
                unnamed = true;
            }
        }
        analysis.settingsRead(names);
        analysis.readsUnnamedSetting(unnamed);
    }

    /**
     * The number of JDBC placeholders. A {@code ?} directly followed by digits is H2's numbered placeholder
     * ({@code ?1}), whose count cannot be checked: -1.
     */
    private static int parameterCount(List<Token> tokens) {
        int count = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.type() == Type.PARAMETER && token.text().equals("?")) {
                if (i + 1 < tokens.size() && tokens.get(i + 1).type() == Type.NUMBER
                        && tokens.get(i + 1).gap() == SqlLexer.Gap.NONE) {
                    return -1;
                }
                count++;
            }
        }
        return count;
    }

    /** Transaction control and session commands, recognized from their leading words alone. */
    private static SqlAnalysis transactionOrSession(String first, List<Token> tokens, String normalized,
            SqlSyntax syntax) {
        String second = tokens.size() > 1 ? tokens.get(1).text().toLowerCase(Locale.ROOT) : "";
        switch (first) {
            case "begin":
            case "start":
                if (first.equals("start") && !second.equals("transaction")) {
                    return null;
                }
                if (syntax.isPostgres() || !second.equals("atomic")) {
                    SqlAnalysis begin = new SqlAnalysis(Kind.BEGIN, normalized);
                    begin.snapshotIsolation(snapshotIsolation(tokens));
                    return begin;
                }
                return null;
            case "commit":
            case "end":
                if (second.equals("prepared")) {
                    return finishesPreparedTransaction(normalized);
                }
                return chained(new SqlAnalysis(Kind.COMMIT, normalized), tokens);
            case "rollback":
            case "abort":
                if (second.equals("prepared")) {
                    return finishesPreparedTransaction(normalized);
                }
                if (tokens.stream().anyMatch(t -> t.isWord("to"))) {
                    return new SqlAnalysis(Kind.ROLLBACK_TO_SAVEPOINT, normalized);
                }
                return chained(new SqlAnalysis(Kind.ROLLBACK, normalized), tokens);
            case "prepare":
                if (second.equals("transaction")) {
                    // Two-phase commit: the transaction ends here (its SET LOCALs end; a refused PREPARE rolls it
                    // back), and what it wrote becomes visible at a COMMIT PREPARED, perhaps from another session.
                    return new SqlAnalysis(Kind.COMMIT, normalized);
                }
                return null;
            case "savepoint":
            case "release":
                return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, BypassReason.NOT_A_CACHEABLE_READ,
                        "savepoint", null);
            case "show":
                return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, BypassReason.NOT_A_CACHEABLE_READ,
                        "SHOW", null);
            case "use":
            case "discard":
                return new SqlAnalysis(Kind.SESSION_CHANGE, normalized);
            case "set":
            case "reset":
                if (tokens.size() > 1 && tokens.get(1).isWord("autocommit")) {
                    return new SqlAnalysis(Kind.AUTOCOMMIT_CHANGE, normalized);
                }
                return sessionSetting(tokens, normalized, syntax);
            case "create":
                // A temporary table shadows a permanent one of the same name for this session only.
                if (!createsTemporaryRelation(tokens)) {
                    return null;
                }
                if (containsDataChange(tokens)) {
                    // CREATE TEMP TABLE x AS WITH d AS (DELETE ...) SELECT ...: a write too.
                    return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized);
                }
                // Its query (CREATE TEMP TABLE x AS SELECT f()) runs like any read: its calls are judged, and
                // the code of the relations it reads (a view calling a writing function).
                SqlAnalysis create = new SqlAnalysis(Kind.SESSION_CHANGE, normalized, null, null, null,
                        callsFromTokens(tokens, syntax, List.of()));
                create.relationsMentioned(relationsAfterFrom(tokens));
                return create;
            default:
                return null;
        }
    }

    /**
     * {@code COMMIT PREPARED} and {@code ROLLBACK PREPARED} finish a transaction prepared earlier, by any session:
     * what it wrote, including DDL, is unknown here, so it counts as writing everything and changing the schema.
     */
    private static SqlAnalysis finishesPreparedTransaction(String normalized) {
        return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized); // WRITE_UNKNOWN changes the schema too
    }

    private static boolean snapshotIsolation(List<Token> tokens) {
        // Also as a quoted value: SET default_transaction_isolation = 'repeatable read'.
        return tokens.stream().anyMatch(t -> t.isWord("repeatable") || t.isWord("serializable")
                || t.isWord("snapshot") || (t.type() == Type.LITERAL
                        && (t.text().toLowerCase(Locale.ROOT).contains("repeatable")
                            || t.text().toLowerCase(Locale.ROOT).contains("serializable"))));
    }

    /** {@code COMMIT AND CHAIN} ends the transaction and starts the next one at once. */
    private static SqlAnalysis chained(SqlAnalysis analysis, List<Token> tokens) {
        for (int i = 1; i < tokens.size(); i++) {
            if (tokens.get(i).isWord("chain") && !tokens.get(i - 1).isWord("no")) {
                analysis.chained(true);
            }
        }
        return analysis;
    }

    /**
     * SET and RESET: a session change that the connection reads back. On H2 a setting that is not the session's
     * own reaches every session of the database.
     */
    private static SqlAnalysis sessionSetting(List<Token> tokens, String normalized, SqlSyntax syntax) {
        int index = 1;
        while (index < tokens.size() && (tokens.get(index).isWord("session") || tokens.get(index).isWord("local"))
                && index + 1 < tokens.size() && !tokens.get(index + 1).isWord("authorization")
                && !tokens.get(index + 1).isWord("characteristics")) {
            index++;
        }
        String setting = index < tokens.size() ? tokens.get(index).name().toLowerCase(Locale.ROOT) : "";
        String next = index + 1 < tokens.size() ? tokens.get(index + 1).text().toLowerCase(Locale.ROOT) : "";
        if (setting.equals("time") && next.equals("zone")) {
            setting = "timezone";
        }
        // Every setting is a session change, even application_name: a row-level-security policy may read it.
        SqlAnalysis analysis = new SqlAnalysis(Kind.SESSION_CHANGE, normalized);
        // SET TRANSACTION ISOLATION LEVEL ... changes the open transaction (the session's default is read back).
        analysis.snapshotIsolation(setting.equals("transaction") && snapshotIsolation(tokens));
        if (syntax == SqlSyntax.H2 && !setting.startsWith("@") && !H2_SESSION_SETTINGS.contains(setting)
                && !(tokens.get(index).text().equals("@"))) {
            analysis.affectsAllSessions(true);
        }
        return analysis;
    }

    private static int textLength(List<Token> tokens) {
        int length = 0;
        for (Token token : tokens) {
            length += token.text().length() + 1;
        }
        return length;
    }

    private static String firstWord(List<Token> tokens) {
        for (Token token : tokens) {
            if (token.type() == Type.WORD) {
                return token.text().toLowerCase(Locale.ROOT);
            }
            if (!token.isPunctuation("(")) {
                return "";
            }
        }
        return "";
    }

    private static List<Token> withoutTrailingSemicolons(List<Token> tokens) {
        int end = tokens.size();
        while (end > 0 && tokens.get(end - 1).isPunctuation(";")) {
            end--;
        }
        return end == tokens.size() ? tokens : new ArrayList<>(tokens.subList(0, end));
    }

    /** Collects table names, called function names and clock/sequence expressions of a statement. */
    private static final class ReferenceCollector extends TablesNamesFinder<Void> {
        final Set<String> functions = new LinkedHashSet<>();
        /** Every SELECT the visitor reached (by identity). */
        final Set<Object> selectsVisited = Collections.newSetFromMap(new IdentityHashMap<>());

        @Override
        public <S> Void visit(PlainSelect plainSelect, S context) {
            selectsVisited.add(plainSelect);
            return super.visit(plainSelect, context);
        }
        final List<TableRef> cteNames = new ArrayList<>();
        String volatileExpression;

        @Override
        public <S> Void visit(WithItem<?> withItem, S context) {
            if (withItem.getAliasName() != null) {
                TableRef name = TableRef.parse(withItem.getAliasName());
                if (!cteNames.contains(name)) {
                    cteNames.add(name);
                }
            }
            return super.visit(withItem, context);
        }

        @Override
        public <S> Void visit(Function function, S context) {
            functions.add(functionName(function.getName()));
            return super.visit(function, context);
        }

        @Override
        public <S> Void visit(AnalyticExpression expression, S context) {
            functions.add(functionName(expression.getName()));
            return super.visit(expression, context);
        }

        @Override
        public <S> Void visit(TimeKeyExpression expression, S context) {
            volatileExpression = expression.getStringValue().toLowerCase(Locale.ROOT);
            return super.visit(expression, context);
        }

        @Override
        public <S> Void visit(NextValExpression expression, S context) {
            volatileExpression = "NEXT VALUE FOR";
            return super.visit(expression, context);
        }

        @Override
        public <S> Void visit(UserVariable variable, S context) {
            // H2's @variables: reads of them are not cached (a per-request variable would make every key unique).
            volatileExpression = "session variable @" + variable.getName();
            return super.visit(variable, context);
        }

        /**
         * A function's name as the database resolves it: unquoted parts in lower case, quoted parts exactly as
         * written ({@code "LOWER"} is not {@code lower}), {@code pg_catalog.} dropped.
         */
        private static String functionName(String name) {
            if (name == null) {
                return "";
            }
            TableRef parts = TableRef.parse(name);
            String last = part(parts.name());
            String qualified = parts.schema() == null ? last : part(parts.schema()) + "." + last;
            return withoutCatalogSchema(qualified);
        }

        /** ASCII folding only: a Unicode lower case could turn a user's name into a built-in's (Kelvin sign K). */
        private static String part(String identifier) {
            return TableRef.isQuoted(identifier) ? TableRef.unquote(identifier)
                    : SqlSyntax.POSTGRESQL.foldWord(identifier);
        }
    }
}
