package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.SqlSyntax;
import io.jdbccache.internal.sql.TableRef;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * PostgreSQL through pgjdbc.
 *
 * <p>The session read-back is one query: {@code current_user}, {@code session_user}, the effective search path
 * ({@code current_schemas(true)} without the temporary schema), the temporary relations, and the values of the
 * settings that change how values are computed, parsed or rendered, plus every setting a row-level-security policy
 * seen so far reads by name (the catalog collects them as it looks relations up) and those the user lists in
 * {@code cache.keySettings}.
 */
final class PostgresDialect implements Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    /**
     * Settings that change a result's values, how literals parse, or how values render. The search path is keyed
     * by its effect ({@code current_schemas}), not its text; the default isolation decides snapshot handling and
     * changes no single statement's result.
     */
    static final List<String> RESULT_SETTINGS = List.of("TimeZone", "DateStyle", "IntervalStyle",
            "extra_float_digits", "bytea_output", "lc_monetary", "lc_numeric", "lc_time",
            "standard_conforming_strings", "backslash_quote", "timezone_abbreviations", "xmloption", "xmlbinary",
            "row_security", "transform_null_equals", "array_nulls", "default_text_search_config", "client_encoding",
            "gin_fuzzy_search_limit", "quote_all_identifiers", "pg_trgm.similarity_threshold", "pg_trgm.word_similarity_threshold",
            "pg_trgm.strict_word_similarity_threshold");

    private PostgresDialect() {
    }

    /** pgjdbc's {@code BaseConnection.getTransactionState()}. */
    private static final PgjdbcMethod TRANSACTION_STATE = new PgjdbcMethod("org.postgresql.core.BaseConnection",
            "getTransactionState",
            pgjdbc -> MethodType.methodType(Class.forName("org.postgresql.core.TransactionState", false, pgjdbc)));

    /**
     * pgjdbc's own view of the transaction (IDLE, OPEN or FAILED, from the server's last ReadyForQuery): a field
     * read, no round trip. Reached through a method handle (pgjdbc is an optional dependency, perhaps in another
     * class loader) and only after statements the cache did not answer.
     */
    @Override
    public ServerTransaction serverTransaction(Connection connection) {
        MethodHandle transactionState = TRANSACTION_STATE.on(connection);
        if (transactionState == null) {
            return null;
        }
        try {
            Object state = transactionState.invoke(connection);
            if (state == null) {
                return null;
            }
            switch (state.toString()) {
                case "IDLE":
                    return ServerTransaction.IDLE;
                case "OPEN":
                    return ServerTransaction.OPEN;
                case "FAILED":
                    return ServerTransaction.FAILED;
                default:
                    return null;
            }
        } catch (Throwable e) {
            return null;
        }
    }

    @Override
    public boolean failureAbortsTransaction() {
        return true;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public SqlSyntax syntax(SessionState state) {
        return state == null || state.standardConformingStrings() ? SqlSyntax.POSTGRESQL
                : SqlSyntax.POSTGRESQL_BACKSLASH_STRINGS;
    }

    @Override
    public boolean backslashDependsOnSession() {
        return true;
    }

    @Override
    public TableRef.IdentifierCase identifierCase() {
        return TableRef.IdentifierCase.LOWER_ASCII;
    }

    @Override
    public boolean readsSessionBack() {
        return true;
    }

    @Override
    public SessionState readSession(Connection connection, Set<String> keySettings) throws SQLException {
        Set<String> names = settingNames(keySettings);
        try (PreparedStatement statement = connection.prepareStatement(readBackSql(names));
                ResultSet row = WithoutBegin.executeQuery(statement)) {
            if (!row.next()) {
                throw new SQLException("jdbc-cache: the session read-back returned no row");
            }
            List<String> path = strings(row.getArray(3));
            Set<String> temporary = new TreeSet<>(strings(row.getArray(4)));
            String isolation = row.getString(6).toLowerCase(Locale.ROOT);
            // pg_catalog is searched first unless the path lists it later: then a schema before it may hold a
            // function or operator of a built-in's name.
            boolean shadowed = !path.isEmpty() && !path.get(0).equals("pg_catalog");
            return new SessionState(row.getString(1), row.getString(2), new SearchPath(path), row.getString(7),
                    names, temporary, "on".equalsIgnoreCase(row.getString(5)),
                    isolation.contains("repeatable") || isolation.contains("serializable"), shadowed);
        }
    }

    /** The settings read back: those that change results, then the others the key needs, sorted. */
    static Set<String> settingNames(Set<String> keySettings) {
        Set<String> names = new LinkedHashSet<>(RESULT_SETTINGS);
        names.addAll(new TreeSet<>(keySettings));
        return names;
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> result = new ArrayList<>();
        if (array != null) {
            for (Object value : (Object[]) array.getArray()) {
                result.add(String.valueOf(value));
            }
            array.free();
        }
        return result;
    }

    /**
     * The read-back query: one round trip, reading only settings and the catalog's schema and relation names (no
     * policy expressions, whose deparsing would wait for locks on their tables).
     */
    static String readBackSql(Set<String> names) {
        StringBuilder settings = new StringBuilder("concat_ws(E'\\n'");
        for (String name : names) {
            String literal = "'" + name.replace("'", "''") + "'";
            String value = "current_setting(" + literal + ", true)";
            if (!RESULT_SETTINGS.contains(name) && name.indexOf('.') < 0) {
                // A server setting some roles may not read (data_directory): current_setting fails for them even
                // with missing_ok, which would abort the caller's transaction. pg_settings shows a role exactly
                // the settings it may read. (Names with a dot are custom settings, which every role may read.)
                value = "CASE WHEN EXISTS (SELECT 1 FROM pg_settings WHERE lower(name) = lower(" + literal + "))"
                        + " THEN " + value + " END";
            }
            settings.append(", ").append(literal).append(" || '=' || coalesce(quote_literal(").append(value)
                    .append("), 'NULL')");
        }
        settings.append(')');
        return "SELECT current_user::text, session_user::text,"
                + " ARRAY(SELECT s::text FROM unnest(current_schemas(true)) WITH ORDINALITY AS u(s, i)"
                + "   WHERE s <> coalesce((SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()), '')"
                + "   ORDER BY i),"
                + " ARRAY(SELECT c.relname::text FROM pg_class c"
                + "   WHERE pg_my_temp_schema() <> 0 AND c.relnamespace = pg_my_temp_schema() ORDER BY 1),"
                + " current_setting('standard_conforming_strings'),"
                // The default, and this transaction's own (SET transaction_isolation, SET TRANSACTION, set_config).
                + " current_setting('default_transaction_isolation') || ' ' || current_setting('transaction_isolation'),"
                + " " + settings;
    }

    @Override
    public String viewDefinition(Connection connection, String schema, String name) throws SQLException {
        return single(connection, "SELECT pg_get_viewdef(c.oid, true) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?", schema, name);
    }

    @Override
    public List<String> viewDependencies(Connection connection, String schema, String name) throws SQLException {
        return Catalog.qualifiedNames(connection, "SELECT DISTINCT rn.nspname, rc.relname FROM pg_class v"
                + " JOIN pg_namespace vn ON vn.oid = v.relnamespace"
                + " JOIN pg_rewrite r ON r.ev_class = v.oid"
                + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                + " AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                + " WHERE vn.nspname = ? AND v.relname = ? AND rc.oid <> v.oid", schema, name);
    }

    @Override
    public List<String> inheritanceFamily(Connection connection, String schema, String name) throws SQLException {
        return Catalog.qualifiedNames(connection, "WITH RECURSIVE t AS (SELECT c.oid FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?),"
                + " up(oid) AS (SELECT i.inhparent FROM pg_inherits i JOIN t ON i.inhrelid = t.oid"
                + " UNION SELECT i.inhparent FROM pg_inherits i JOIN up ON i.inhrelid = up.oid),"
                + " down(oid) AS (SELECT i.inhrelid FROM pg_inherits i JOIN t ON i.inhparent = t.oid"
                + " UNION SELECT i.inhrelid FROM pg_inherits i JOIN down ON i.inhparent = down.oid)"
                + " SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid IN (SELECT oid FROM up UNION SELECT oid FROM down)", schema, name);
    }

    /** Triggers and rules other than a view's own: code the catalog does not describe the effects of. */
    @Override
    public boolean runsServerCode(Connection connection, String schema, String name) {
        String sql = "SELECT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)"
                + " OR EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?";
        try {
            String value = single(connection, sql, schema, name);
            return value == null || !value.equals("f");
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Built-in functions that can change something when an expression calls them: the session's settings, every
     * session's settings, or anything the SQL text they run does. The other built-ins compute, read, or touch only
     * sequences, locks and notifications, none of which a cached result depends on.
     */
    static final List<String> STATE_CHANGING_BUILT_INS = List.of("set_config", "pg_reload_conf", "query_to_xml",
            "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "ts_stat",
            "lo_import", "lo_export", "lo_create", "lo_creat", "lo_unlink", "lo_put", "lo_from_bytea", "lo_truncate",
            "lo_truncate64", "lowrite", "pg_import_system_collations");

    /** See {@link #writeCalls}: (schema, name) in, one function name per row out. */
    private static final String WRITE_CALLS = "WITH RECURSIVE rel AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + "   WHERE n.nspname = ? AND c.relname = ?),"
            + " types(oid) AS (SELECT a.atttypid FROM pg_attribute a JOIN rel ON a.attrelid = rel.oid"
            + "   WHERE a.attnum > 0 AND NOT a.attisdropped"
            // Types built from others: a domain's base, an array's element, a composite's fields, a range's
            // (or multirange's) subtype. Their domains' constraints run on the values written.
            + "   UNION SELECT x.oid FROM types JOIN pg_type t ON t.oid = types.oid CROSS JOIN LATERAL ("
            + "     SELECT t.typbasetype UNION ALL SELECT t.typelem"
            + "     UNION ALL SELECT f.atttypid FROM pg_attribute f WHERE t.typrelid <> 0 AND f.attrelid = t.typrelid"
            + "       AND f.attnum > 0 AND NOT f.attisdropped"
            + "     UNION ALL SELECT g.rngsubtype FROM pg_range g WHERE t.oid IN (g.rngtypid, g.rngmultitypid)) x(oid)"
            + "   WHERE x.oid <> 0),"
            + " trees(tree) AS (SELECT ad.adbin::text FROM pg_attrdef ad JOIN rel ON ad.adrelid = rel.oid"
            + "   UNION ALL SELECT co.conbin::text FROM pg_constraint co"
            + "     WHERE co.conbin IS NOT NULL AND (co.conrelid IN (SELECT oid FROM rel)"
            + "       OR co.contypid IN (SELECT oid FROM types))"
            + "   UNION ALL SELECT p.polqual::text FROM pg_policy p JOIN rel ON p.polrelid = rel.oid"
            + "   UNION ALL SELECT p.polwithcheck::text FROM pg_policy p JOIN rel ON p.polrelid = rel.oid"
            + "   UNION ALL SELECT i.indexprs::text FROM pg_index i JOIN rel ON i.indrelid = rel.oid"
            + "   UNION ALL SELECT i.indpred::text FROM pg_index i JOIN rel ON i.indrelid = rel.oid"
            + "   UNION ALL SELECT pt.partexprs::text FROM pg_partitioned_table pt JOIN rel ON pt.partrelid = rel.oid),"
            + " called(oid) AS (SELECT m[1]::oid FROM trees,"
            + "     regexp_matches(trees.tree, ':(?:funcid|opfuncid|hashfuncid|negfuncid|aggfnoid|winfnoid) ([0-9]+)', 'g') m"
            + "   UNION SELECT o.oprcode::oid FROM pg_operator o WHERE o.oid IN (SELECT m[1]::oid FROM trees,"
            + "     regexp_matches(trees.tree, ':opno ([0-9]+)', 'g') m)"
            // Input functions run on every value written; those declared IMMUTABLE and PARALLEL SAFE (every
            // built-in's and extension type's, citext's say) are taken at their word.
            + "   UNION SELECT f.oid FROM pg_type t JOIN types ON t.oid = types.oid"
            + "     JOIN pg_proc f ON f.oid IN (t.typinput, t.typreceive)"
            + "     WHERE NOT (f.provolatile = 'i' AND f.proparallel = 's'))"
            + " SELECT DISTINCT CASE WHEN p.pronamespace = 'pg_catalog'::regnamespace THEN p.proname::text"
            + "   ELSE p.pronamespace::regnamespace::text || '.' || p.proname END"
            + " FROM pg_proc p JOIN called ON p.oid = called.oid"
            + " WHERE p.pronamespace <> 'pg_catalog'::regnamespace OR p.proname IN (" + builtInList() + ")";

    /**
     * The functions a write to the relation may call, read from the stored expression trees
     * ({@code pg_node_tree}) of its defaults and generated columns, check constraints, the constraints of its
     * columns' domains (through base domains and arrays), all its policies, index expressions and predicates and
     * partition keys, plus its columns' types' input functions. The trees name every function by OID, built-ins
     * included, which {@code pg_depend} never records (they are pinned). Reading the trees takes no lock on the
     * relation (unlike {@code pg_get_expr}).
     */
    @Override
    public Calls writeCalls(Connection connection, String schema, String name) throws SQLException {
        Set<String> functions = new TreeSet<>();
        try (PreparedStatement statement = connection.prepareStatement(WRITE_CALLS)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = WithoutBegin.executeQuery(statement)) {
                while (rows.next()) {
                    functions.add(rows.getString(1));
                }
            }
        }
        return functions.isEmpty() ? Calls.NONE : new Calls(functions, Set.of(), Set.of());
    }

    @Override
    public List<String> ruleTargets(Connection connection, String schema, String name) throws SQLException {
        return Catalog.qualifiedNames(connection, "SELECT DISTINCT rn.nspname, rc.relname FROM pg_rewrite r"
                + " JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                + " AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND r.rulename <> '_RETURN'", schema, name);
    }

    /**
     * The policies that filter reads ({@code FOR SELECT} and {@code FOR ALL}): the relations they read (from
     * {@code pg_depend}, exact), and from their printed expressions the functions they call and the settings they
     * read. A policy whose expression cannot be analyzed, reads a setting by a computed name, or reads a setting the
     * read-back query would not find, makes the table uncacheable.
     */
    @Override
    public RowSecurity rowSecurity(Connection connection, String schema, String name) throws SQLException {
        String enabled = single(connection, "SELECT c.relrowsecurity FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?",
                schema, name);
        if (!"t".equals(enabled)) {
            return RowSecurity.NONE;
        }
        Calls[] calls = {Calls.NONE};
        Set<String> settings = new TreeSet<>();
        String notAnalyzable = null;
        String policies = "SELECT pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)"
                + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND p.polcmd IN ('r', '*')";
        try (PreparedStatement statement = connection.prepareStatement(policies)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = WithoutBegin.executeQuery(statement)) {
                while (rows.next()) {
                    for (int column = 1; column <= 2; column++) {
                        String expression = rows.getString(column);
                        if (expression == null) {
                            continue;
                        }
                        String problem = analyzePolicy(expression, calls, settings);
                        notAnalyzable = notAnalyzable != null ? notAnalyzable : problem;
                    }
                }
            }
        }
        List<String> reads = Catalog.qualifiedNames(connection, "SELECT DISTINCT rn.nspname, rc.relname"
                + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid"
                + " AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND p.polcmd IN ('r', '*') AND rc.oid <> c.oid",
                schema, name);
        return new RowSecurity(calls[0], settings, reads, notAnalyzable);
    }

    /** Adds one policy expression's calls and settings; returns why it cannot be keyed, or null. */
    static String analyzePolicy(String expression, Calls[] calls, Set<String> settings) {
        SqlAnalysis analysis = SqlAnalyzer.analyzeCondition(expression, SqlSyntax.POSTGRESQL);
        boolean readsSessionRole = analysis.kind() == SqlAnalysis.Kind.UNCACHEABLE_READ
                && analysis.bypassDetail() != null && analysis.bypassDetail().matches(
                        "non-deterministic (current_user|session_user|current_role|user)");
        if (analysis.kind() != SqlAnalysis.Kind.QUERY && !readsSessionRole) {
            return "a row-level-security policy (" + abbreviate(expression) + ") is not analyzable: "
                    + analysis.bypassDetail();
        }
        if (analysis.readsUnnamedSetting()) {
            return "a row-level-security policy reads a setting by a computed name";
        }
        calls[0] = calls[0].plus(Calls.of(analysis));
        settings.addAll(analysis.settingsRead());
        return null;
    }

    /**
     * The built-in function names ({@code pg_catalog}), and what users defined beyond them: function names and
     * operator symbols in any other schema, and the types whose casts run user code (domains whose constraints
     * call user functions or state-changing built-ins, directly or through a base domain; types with user input
     * functions not declared IMMUTABLE and PARALLEL SAFE; targets of casts done by user functions), and the user
     * function names declared PARALLEL SAFE. Five small catalog queries (four when the built-ins are known).
     */
    @Override
    public Routines routines(Connection connection, Set<String> builtIns) throws SQLException {
        Set<String> builtIn = builtIns != null ? builtIns : strings(connection, "SELECT DISTINCT proname::text"
                + " FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace");
        Set<String> userFunctions = strings(connection, "SELECT DISTINCT proname::text FROM pg_proc"
                + " WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)");
        Set<String> userOperators = strings(connection, "SELECT DISTINCT oprname::text FROM pg_operator"
                + " WHERE oprnamespace <> 'pg_catalog'::regnamespace");
        // Domain constraints calling a user function (pg_depend) or a state-changing built-in (pinned, so only
        // the expression tree names it).
        // The recursion joins on one precomputed part-of relation: a join on several alternatives (OR, EXISTS)
        // makes the planner's estimate explode, and PostgreSQL then spends half a second JIT-compiling it.
        Set<String> codeTypes = strings(connection, "WITH RECURSIVE parts(part, whole) AS ("
                + "   SELECT typbasetype, oid FROM pg_type WHERE typbasetype <> 0"
                + "   UNION ALL SELECT typelem, oid FROM pg_type WHERE typelem <> 0"
                + "   UNION ALL SELECT a.atttypid, t.oid FROM pg_type t JOIN pg_class k ON k.oid = t.typrelid"
                + "     JOIN pg_attribute a ON a.attrelid = k.oid WHERE k.relkind = 'c' AND a.attnum > 0"
                + "   UNION ALL SELECT rngsubtype, rngtypid FROM pg_range"
                + "   UNION ALL SELECT rngsubtype, rngmultitypid FROM pg_range),"
                + " running(oid) AS ("
                + " SELECT c.contypid FROM pg_constraint c JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass"
                + "   AND d.objid = c.oid AND d.refclassid = 'pg_proc'::regclass WHERE c.contypid <> 0"
                + " UNION SELECT c.contypid FROM pg_constraint c,"
                + "   regexp_matches(c.conbin::text, ':(?:funcid|opfuncid) ([0-9]+)', 'g') m"
                + "   JOIN pg_proc p ON p.oid = m[1]::oid"
                + "   WHERE c.contypid <> 0 AND c.conbin IS NOT NULL AND p.proname IN (" + builtInList() + ")"
                + " UNION SELECT t.oid FROM pg_type t JOIN pg_proc p ON p.oid = t.typinput"
                + "   WHERE p.pronamespace <> 'pg_catalog'::regnamespace"
                + "   AND NOT (p.provolatile = 'i' AND p.proparallel = 's')"
                + " UNION SELECT c.casttarget FROM pg_cast c JOIN pg_proc p ON p.oid = c.castfunc"
                + "   WHERE p.pronamespace <> 'pg_catalog'::regnamespace"
                // and the types built from those: domains over them, arrays, composites and ranges of them
                + " UNION SELECT e.whole FROM parts e JOIN running r ON e.part = r.oid)"
                + " SELECT DISTINCT t.typname::text FROM pg_type t JOIN running r ON r.oid = t.oid");
        Set<String> parallelSafe = strings(connection, "SELECT name FROM (SELECT p.proname::text AS name,"
                + "   p.proparallel FROM pg_proc p"
                + "   WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)"
                + " UNION ALL SELECT p.pronamespace::regnamespace::text || '.' || p.proname, p.proparallel"
                + "   FROM pg_proc p"
                + "   WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)) f"
                + " GROUP BY name HAVING bool_and(proparallel = 's')");
        return new Routines(builtIn, userFunctions, userOperators, codeTypes, parallelSafe);
    }

    /** {@link #STATE_CHANGING_BUILT_INS} as SQL literals (constant names: no quoting needed). */
    private static String builtInList() {
        return "'" + String.join("', '", STATE_CHANGING_BUILT_INS) + "'";
    }

    private static Set<String> strings(Connection connection, String sql) throws SQLException {
        Set<String> result = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = WithoutBegin.executeQuery(statement)) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return result;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String single(Connection connection, String sql, String schema, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = WithoutBegin.executeQuery(statement)) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
