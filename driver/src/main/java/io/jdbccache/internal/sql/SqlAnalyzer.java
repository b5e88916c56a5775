package io.jdbccache.internal.sql;

import io.jdbccache.internal.sql.SqlAnalysis.Kind;
import io.jdbccache.internal.sql.SqlLexer.Token;
import io.jdbccache.internal.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ExplainStatement;
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
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Decides what a SQL string does to the cache: a cacheable read and the tables it reads, a write and the tables it
 * writes, transaction control, or a session change. When in doubt it answers with the safer kind: an unknown
 * statement is a write to unknown tables, an unparseable read is not cached.
 *
 * <p>Stateless and thread-safe; callers keep its results in a bounded cache keyed by the SQL string, so each
 * distinct string is parsed once.
 */
public final class SqlAnalyzer {
    private static final Set<String> READ_KEYWORDS = Set.of("select", "with", "values", "table", "show", "explain",
            "describe", "desc");
    /** Settings that change how names resolve or who is asking: caching is off for the connection afterwards. */
    private static final Set<String> SCOPE_SETTINGS = Set.of("search_path", "schema", "role", "session",
            "session_authorization", "current_schema");
    /** Settings that cannot change any query result. */
    private static final Set<String> HARMLESS_SETTINGS = Set.of("application_name", "statement_timeout",
            "lock_timeout", "idle_in_transaction_session_timeout", "client_min_messages", "log_statement",
            "transaction", "synchronous_commit", "work_mem", "maintenance_work_mem", "query_timeout",
            "jit", "enable_seqscan", "enable_indexscan", "random_page_cost");
    /** Words that read the clock or a session-varying value when they appear bare (not as a call). */
    private static final Set<String> VOLATILE_WORDS = Set.of("current_date", "current_time", "current_timestamp",
            "localtime", "localtimestamp", "sysdate", "systimestamp", "sysdatetime", "rownum", "unix_timestamp");
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema", "sys",
            "performance_schema", "mysql", "pg_toast");

    private SqlAnalyzer() {
    }

    /**
     * Analyzes one SQL string.
     *
     * @param sql            the statement as the application wrote it
     * @param identifierCase how the database folds unquoted identifiers (used for the canonical text)
     */
    public static SqlAnalysis analyze(String sql, TableRef.IdentifierCase identifierCase) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        SqlAnalysis analysis = analyzeTokens(sql, tokens, identifierCase);
        if (tokens != null) {
            analysis.shape(SqlLexer.shape(withoutTrailingSemicolons(tokens),
                    identifierCase != TableRef.IdentifierCase.AS_IS));
        }
        return analysis;
    }

    private static SqlAnalysis analyzeTokens(String sql, List<Token> tokens, TableRef.IdentifierCase identifierCase) {
        if (tokens == null) {
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, sql, null, null, null);
        }
        tokens = withoutTrailingSemicolons(tokens);
        String normalized = SqlLexer.canonical(tokens, identifierCase != TableRef.IdentifierCase.AS_IS);
        if (tokens.isEmpty()) {
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "empty statement", null);
        }
        if (tokens.stream().anyMatch(t -> t.type() == Type.PUNCTUATION && t.text().equals(";"))) {
            return multiple(tokens, normalized, identifierCase);
        }
        String first = firstWord(tokens);
        SqlAnalysis control = transactionOrSession(first, tokens, normalized);
        if (control != null) {
            return control;
        }
        Statement statement;
        try {
            statement = CCJSqlParserUtil.newParser(sql).Statement();
        } catch (Exception | Error e) {
            // JavaCC reports some failures as Errors (TokenMgrError); neither may escape into the application.
            statement = null;
        }
        if (statement == null || statement instanceof UnsupportedStatement) {
            return unparseable(first, tokens, normalized);
        }
        return analyzeParsed(statement, tokens, normalized);
    }

    /**
     * Several statements in one string: each is analyzed on its own (from its canonical text), so transaction
     * control inside the string is seen and each write names its own tables.
     */
    private static SqlAnalysis multiple(List<Token> tokens, String normalized, TableRef.IdentifierCase identifierCase) {
        List<SqlAnalysis> parts = new ArrayList<>();
        int start = 0;
        boolean fold = identifierCase != TableRef.IdentifierCase.AS_IS;
        for (int i = 0; i <= tokens.size(); i++) {
            boolean end = i == tokens.size()
                    || (tokens.get(i).type() == Type.PUNCTUATION && tokens.get(i).text().equals(";"));
            if (end) {
                if (i > start) {
                    parts.add(analyze(SqlLexer.canonical(tokens.subList(start, i), fold), identifierCase));
                }
                start = i + 1;
            }
        }
        SqlAnalysis analysis = new SqlAnalysis(Kind.MULTIPLE, normalized, null, null, null);
        analysis.parts(parts);
        return analysis;
    }

    private static SqlAnalysis analyzeParsed(Statement statement, List<Token> tokens, String normalized) {
        if (statement instanceof Select) {
            return analyzeSelect((Select) statement, tokens, normalized);
        }
        if (statement instanceof ExplainStatement) {
            boolean executes = tokens.stream().anyMatch(t -> t.isWord("analyze") || t.isWord("analyse"));
            Statement inner = ((ExplainStatement) statement).getStatement();
            if (executes && containsDataChange(tokens)) {
                return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized, null, null, null);
            }
            if (executes && inner != null && !(inner instanceof Select)) {
                return analyzeParsed(inner, tokens, normalized);
            }
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "EXPLAIN", null);
        }
        List<Table> targets = writeTargets(statement);
        if (targets == null) {
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized, null, null, null);
        }
        List<TableRef> tables = new ArrayList<>();
        for (Table table : targets) {
            if (table != null && table.getName() != null) {
                tables.add(new TableRef(table.getSchemaName(), table.getName()));
            }
        }
        if (tables.isEmpty()) {
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized, null, null, null);
        }
        if (changesInheritance(tokens)) {
            // ALTER TABLE ... INHERIT / ATTACH PARTITION moves rows into another table's family.
            return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized, null, null, null);
        }
        // The functions a write calls may write other tables: the connection decides with the rules.
        SqlAnalysis analysis = new SqlAnalysis(Kind.WRITE, normalized, tables, null, functionsCalled(statement));
        analysis.rowKey(writtenRow(statement, tokens));
        if (statement instanceof Update && ((Update) statement).getUpdateSets() != null) {
            List<String> columns = new ArrayList<>();
            for (net.sf.jsqlparser.statement.update.UpdateSet set : ((Update) statement).getUpdateSets()) {
                for (net.sf.jsqlparser.schema.Column column : set.getColumns()) {
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

    private static Set<String> functionsCalled(Statement statement) {
        try {
            ReferenceCollector collector = new ReferenceCollector();
            collector.getTables(statement);
            return collector.functions;
        } catch (RuntimeException e) {
            // Unknown functions: treat as one that may write.
            return Set.of("<unknown>");
        }
    }

    private static boolean changesInheritance(List<Token> tokens) {
        return tokens.stream().anyMatch(t -> t.isWord("inherit") || t.isWord("inherits") || t.isWord("attach")
                || t.isWord("detach") || (t.isWord("partition") && tokens.get(0).isWord("create")));
    }

    private static SqlAnalysis analyzeSelect(Select select, List<Token> tokens, String normalized) {
        ReferenceCollector collector = new ReferenceCollector();
        Set<String> tableNames;
        try {
            tableNames = collector.getTables((Statement) select);
        } catch (RuntimeException e) {
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "tables not determinable", null);
        }
        List<TableRef> tables = new ArrayList<>();
        for (String name : tableNames) {
            tables.add(TableRef.parse(name));
        }
        if (containsDataChange(tokens)) {
            // WITH x AS (UPDATE ... RETURNING ...) SELECT ..., or a data-change delta table: a write to every
            // table it names, and to everything when it names none.
            return tables.isEmpty() ? new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized, null, null, null)
                    : new SqlAnalysis(Kind.WRITE, normalized, tables, null, null);
        }
        if (select instanceof PlainSelect) {
            PlainSelect plain = (PlainSelect) select;
            if (plain.getIntoTables() != null && !plain.getIntoTables().isEmpty()) {
                if (createsTemporaryTable(tokens)) {
                    return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
                }
                List<TableRef> into = new ArrayList<>();
                for (Table table : plain.getIntoTables()) {
                    into.add(new TableRef(table.getSchemaName(), table.getName()));
                }
                return new SqlAnalysis(Kind.WRITE, normalized, into, null, null);
            }
        }
        String reason = structuralBypassReason(tokens, tables, collector);
        SqlAnalysis analysis = new SqlAnalysis(reason == null ? Kind.QUERY : Kind.UNCACHEABLE_READ, normalized,
                tables, reason, collector.functions);
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

    private static String structuralBypassReason(List<Token> tokens, List<TableRef> tables,
            ReferenceCollector collector) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isWord("for") && (tokens.get(i + 1).isWord("update") || tokens.get(i + 1).isWord("share")
                    || tokens.get(i + 1).isWord("no") || tokens.get(i + 1).isWord("key"))) {
                return "locking read (FOR UPDATE/SHARE)";
            }
            if (tokens.get(i).isWord("lock") && tokens.get(i + 1).isWord("in")) {
                return "locking read (LOCK IN SHARE MODE)";
            }
        }
        if (collector.volatileExpression != null) {
            return "non-deterministic " + collector.volatileExpression;
        }
        for (Token token : tokens) {
            if (token.type() == Type.WORD && VOLATILE_WORDS.contains(token.text().toLowerCase(Locale.ROOT))) {
                return "non-deterministic " + token.text().toLowerCase(Locale.ROOT);
            }
        }
        for (TableRef table : tables) {
            String schema = table.schema() == null ? null : TableRef.unquote(table.schema()).toLowerCase(Locale.ROOT);
            String name = TableRef.unquote(table.name()).toLowerCase(Locale.ROOT);
            if ((schema != null && SYSTEM_SCHEMAS.contains(schema)) || name.startsWith("pg_")) {
                return "system catalog " + (schema == null ? name : schema + "." + name);
            }
        }
        return null;
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

    private static boolean createsTemporaryTable(List<Token> tokens) {
        return tokens.stream().anyMatch(t -> t.isWord("temp") || t.isWord("temporary") || t.isWord("pg_temp"));
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
        try {
            List<Table> tables = new ArrayList<>();
            for (String name : new TablesNamesFinder<Void>().getTables(statement)) {
                TableRef ref = TableRef.parse(name);
                tables.add(new Table(ref.schema(), ref.name()));
            }
            return tables;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static SqlAnalysis unparseable(String first, List<Token> tokens, String normalized) {
        TableRef target = insertOrMergeTarget(first, tokens);
        if (target != null) {
            return new SqlAnalysis(Kind.WRITE, normalized, List.of(target), null, null);
        }
        boolean read = READ_KEYWORDS.contains(first);
        if (read && tokens.stream().anyMatch(t -> t.isWord("into")) && createsTemporaryTable(tokens)) {
            return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
        }
        if (read && !containsDataChange(tokens) && tokens.stream().noneMatch(t -> t.isWord("into"))
                && !(first.equals("explain") && tokens.stream().anyMatch(t -> t.isWord("analyze")))) {
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "not parseable", null);
        }
        return new SqlAnalysis(Kind.WRITE_UNKNOWN, normalized, null, null, null);
    }

    /**
     * The target of an INSERT, MERGE or REPLACE the parser could not read (H2's {@code MERGE INTO t KEY (...)}, say):
     * such a statement can only change the table after INTO (cascades are added from the catalog), so the name is
     * enough. Anything less certain returns null and is treated as a write to unknown tables.
     */
    private static TableRef insertOrMergeTarget(String first, List<Token> tokens) {
        if (!(first.equals("insert") || first.equals("merge") || first.equals("replace")) || tokens.size() < 3
                || !tokens.get(0).isWord(first) || !tokens.get(1).isWord("into")) {
            return null;
        }
        int i = 2;
        String schema = null;
        String name = identifier(tokens.get(i));
        while (name != null && i + 2 < tokens.size() && tokens.get(i + 1).text().equals(".")) {
            schema = name;
            i += 2;
            name = identifier(tokens.get(i));
        }
        return name == null ? null : new TableRef(schema, name);
    }

    private static String identifier(Token token) {
        return token.type() == Type.WORD || token.type() == Type.QUOTED_IDENTIFIER ? token.text() : null;
    }

    /** Transaction control and session settings, recognized from their leading words alone. */
    private static SqlAnalysis transactionOrSession(String first, List<Token> tokens, String normalized) {
        String second = tokens.size() > 1 ? tokens.get(1).text().toLowerCase(Locale.ROOT) : "";
        switch (first) {
            case "begin":
            case "start":
                if (first.equals("start") && !second.equals("transaction")) {
                    return null;
                }
                // The reason marks a transaction whose snapshot a cache hit could break.
                return new SqlAnalysis(Kind.BEGIN, normalized, null,
                        snapshotIsolation(tokens) ? "snapshot isolation" : null, null);
            case "commit":
            case "end":
                if (second.equals("prepared")) {
                    return null;
                }
                return chained(new SqlAnalysis(Kind.COMMIT, normalized, null, null, null), tokens);
            case "rollback":
            case "abort":
                if (tokens.stream().anyMatch(t -> t.isWord("to"))) {
                    return new SqlAnalysis(Kind.ROLLBACK_TO_SAVEPOINT, normalized, null, null, null);
                }
                if (second.equals("prepared")) {
                    return null;
                }
                return chained(new SqlAnalysis(Kind.ROLLBACK, normalized, null, null, null), tokens);
            case "savepoint":
            case "release":
                return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "savepoint", null);
            case "show":
                return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "SHOW", null);
            case "use":
                return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
            case "set":
            case "reset":
                if (snapshotIsolation(tokens)) {
                    return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
                }
                if (tokens.size() > 1 && tokens.get(1).isWord("autocommit")) {
                    return new SqlAnalysis(Kind.AUTOCOMMIT_CHANGE, normalized, null, null, null);
                }
                return sessionSetting(tokens, normalized);
            case "create":
                // A temporary table shadows a permanent one of the same name for this session only.
                for (int i = 1; i < Math.min(tokens.size(), 5); i++) {
                    if (tokens.get(i).isWord("temp") || tokens.get(i).isWord("temporary")
                            || tokens.get(i).isWord("pg_temp")) {
                        return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
                    }
                }
                return null;
            case "discard":
                return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
            default:
                return null;
        }
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

    private static SqlAnalysis sessionSetting(List<Token> tokens, String normalized) {
        int index = 1;
        boolean local = false;
        while (index < tokens.size() && (tokens.get(index).isWord("session") || tokens.get(index).isWord("local"))
                && index + 1 < tokens.size() && !tokens.get(index + 1).isWord("authorization")) {
            local |= tokens.get(index).isWord("local");
            index++;
        }
        String setting = index < tokens.size() ? TableRef.unquote(tokens.get(index).text()).toLowerCase(Locale.ROOT)
                : "";
        String next = index + 1 < tokens.size() ? tokens.get(index + 1).text().toLowerCase(Locale.ROOT) : "";
        // Two spellings of one parameter must be one entry of the key, or their order would not matter.
        if (setting.equals("time") && next.equals("zone")) {
            setting = "timezone";
        } else if (setting.equals("names")) {
            setting = "client_encoding";
        } else if (setting.equals("xml") && next.equals("option")) {
            setting = "xmloption";
        }
        if (setting.equals("all") || SCOPE_SETTINGS.contains(setting)
                || (setting.equals("session") && tokens.size() > index + 1)) {
            return new SqlAnalysis(Kind.SESSION_SCOPE_CHANGE, normalized, null, null, null);
        }
        if (HARMLESS_SETTINGS.contains(setting)) {
            return new SqlAnalysis(Kind.UNCACHEABLE_READ, normalized, null, "session setting", null);
        }
        if (local) {
            // Lasts until the transaction ends, which the key cannot follow: no caching until then.
            return new SqlAnalysis(Kind.TRANSACTION_SCOPE_CHANGE, normalized, null, null, null);
        }
        SqlAnalysis analysis = new SqlAnalysis(Kind.SESSION_SETTING, normalized, null, null, null);
        analysis.settingName(setting);
        return analysis;
    }

    private static String firstWord(List<Token> tokens) {
        for (Token token : tokens) {
            if (token.type() == Type.WORD) {
                return token.text().toLowerCase(Locale.ROOT);
            }
            if (!(token.type() == Type.PUNCTUATION && token.text().equals("("))) {
                return "";
            }
        }
        return "";
    }

    private static List<Token> withoutTrailingSemicolons(List<Token> tokens) {
        int end = tokens.size();
        while (end > 0 && tokens.get(end - 1).type() == Type.PUNCTUATION && tokens.get(end - 1).text().equals(";")) {
            end--;
        }
        return end == tokens.size() ? tokens : tokens.subList(0, end);
    }

    /** Collects table names, called function names and clock/sequence expressions of a read. */
    private static final class ReferenceCollector extends TablesNamesFinder<Void> {
        final Set<String> functions = new LinkedHashSet<>();
        final List<TableRef> cteNames = new ArrayList<>();
        String volatileExpression;

        @Override
        public <S> Void visit(net.sf.jsqlparser.statement.select.WithItem<?> withItem, S context) {
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

        private static String functionName(String name) {
            String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
            return lower.startsWith("pg_catalog.") ? lower.substring("pg_catalog.".length()) : lower;
        }
    }
}
