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

    /** The name PostgreSQL itself accepts for the session's temporary schema. */
    static final String TEMPORARY_SCHEMA = "pg_temp";

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
            Object state = (Object) transactionState.invokeExact((Object) connection);
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
                // The session's temporary objects: relations by name, and (marked, so that no relation name
                // matches them) the types, functions, operators, collations and text search objects whose names
                // PostgreSQL also looks up in the temporary schema first or that a statement may name there.
                // (pg_my_temp_schema() is 0 until the session's first temporary object: no object is in it then.)
                + " ARRAY(SELECT temp_objects.name FROM (SELECT c.relname::text FROM pg_class c"
                + "   WHERE c.relnamespace = pg_my_temp_schema()"
                + "   UNION ALL SELECT ' type ' || t.typname FROM pg_type t"
                + "     WHERE t.typnamespace = pg_my_temp_schema() AND t.typrelid = 0"
                + "   UNION ALL SELECT ' function ' || p.proname FROM pg_proc p"
                + "     WHERE p.pronamespace = pg_my_temp_schema()"
                + "   UNION ALL SELECT ' operator ' || o.oprname FROM pg_operator o"
                + "     WHERE o.oprnamespace = pg_my_temp_schema()"
                + "   UNION ALL SELECT ' collation ' || l.collname FROM pg_collation l"
                + "     WHERE l.collnamespace = pg_my_temp_schema()"
                + "   UNION ALL SELECT ' text search ' || f.cfgname FROM pg_ts_config f"
                + "     WHERE f.cfgnamespace = pg_my_temp_schema()"
                + "   UNION ALL SELECT ' text search ' || d.dictname FROM pg_ts_dict d"
                + "     WHERE d.dictnamespace = pg_my_temp_schema()) temp_objects(name) ORDER BY 1),"
                + " current_setting('standard_conforming_strings'),"
                // The default, and this transaction's own (SET transaction_isolation, SET TRANSACTION, set_config).
                + " current_setting('default_transaction_isolation') || ' ' || current_setting('transaction_isolation'),"
                + " " + settings;
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

    /**
     * The functions a write to the relation {@code rel} may call, read from the stored expression trees
     * ({@code pg_node_tree}) of its defaults and generated columns, check constraints, the constraints of its
     * columns' domains (through base domains and arrays), all its policies, index expressions and predicates and
     * partition keys, plus its columns' types' input functions. The trees name every function by OID, built-ins
     * included, which {@code pg_depend} never records (they are pinned). Reading the trees takes no lock on the
     * relation (unlike {@code pg_get_expr}). Common table expressions over {@code rel(oid)}, ending in
     * {@code called(oid)}.
     */
    private static final String WRITE_CALLS = " types(oid) AS (SELECT a.atttypid FROM pg_attribute a JOIN rel ON a.attrelid = rel.oid"
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
            + "     WHERE NOT (f.provolatile = 'i' AND f.proparallel = 's'))";

    /**
     * Everything {@link #relation} reads, in one statement: (schema, name) in, one fact per row out as (what, a, b).
     * No row: no such relation.
     */
    private static final String RELATION = "WITH RECURSIVE rel AS (SELECT c.oid, c.relkind, c.relrowsecurity,"
            + "   n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            // pg_temp: this session's temporary schema, whatever its number (no other schema may be so named).
            + "   WHERE (n.nspname = ? OR ? = 'pg_temp' AND pg_my_temp_schema() <> 0"
            + "     AND c.relnamespace = pg_my_temp_schema()) AND c.relname = ?),"
            + " up(oid) AS (SELECT i.inhparent FROM pg_inherits i JOIN rel ON i.inhrelid = rel.oid"
            + "   UNION SELECT i.inhparent FROM pg_inherits i JOIN up ON i.inhrelid = up.oid),"
            + " down(oid) AS (SELECT i.inhrelid FROM pg_inherits i JOIN rel ON i.inhparent = rel.oid"
            + "   UNION SELECT i.inhrelid FROM pg_inherits i JOIN down ON i.inhparent = down.oid),"
            + WRITE_CALLS
            // The type as DatabaseMetaData.getTables names it (pgjdbc's names): system and temporary relations
            // have types of their own, which are neither cached nor analyzed as views.
            + " SELECT 'type', CASE WHEN rel.nspname IN ('pg_catalog', 'information_schema')"
            + "     THEN CASE rel.relkind WHEN 'r' THEN 'SYSTEM TABLE' WHEN 'v' THEN 'SYSTEM VIEW'"
            + "       WHEN 'i' THEN 'SYSTEM INDEX' END"
            + "   WHEN rel.nspname = 'pg_toast' THEN CASE rel.relkind WHEN 'r' THEN 'SYSTEM TOAST TABLE'"
            + "       WHEN 'i' THEN 'SYSTEM TOAST INDEX' END"
            + "   WHEN rel.nspname ~ '^pg_' THEN CASE rel.relkind WHEN 'r' THEN 'TEMPORARY TABLE'"
            + "       WHEN 'p' THEN 'TEMPORARY TABLE' WHEN 'i' THEN 'TEMPORARY INDEX' WHEN 'S' THEN 'TEMPORARY SEQUENCE'"
            + "       WHEN 'v' THEN 'TEMPORARY VIEW' END"
            + "   ELSE CASE rel.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'i' THEN 'INDEX'"
            + "       WHEN 'I' THEN 'PARTITIONED INDEX' WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'c' THEN 'TYPE'"
            + "       WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' END END, rel.nspname::text FROM rel"
            // Triggers and rules other than a view's own: code the catalog does not describe the effects of.
            + " UNION ALL SELECT 'code', (EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = rel.oid"
            + "     AND NOT t.tgisinternal)"
            + "   OR EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = rel.oid AND r.rulename <> '_RETURN'))::text,"
            + "   NULL FROM rel"
            + " UNION ALL SELECT 'rls', rel.relrowsecurity::text, NULL FROM rel"
            // Foreign keys referencing it whose action writes the referencing rows.
            + " UNION ALL (SELECT DISTINCT 'child', fn.nspname::text, fc.relname::text FROM pg_constraint k"
            + "   JOIN rel ON k.confrelid = rel.oid JOIN pg_class fc ON fc.oid = k.conrelid"
            + "   JOIN pg_namespace fn ON fn.oid = fc.relnamespace"
            + "   WHERE k.contype = 'f' AND (k.confdeltype IN ('c', 'n', 'd') OR k.confupdtype IN ('c', 'n', 'd')))"
            // Rules may write other relations (or this one again) whenever this one is written.
            + " UNION ALL (SELECT DISTINCT 'rule', rn.nspname::text, rc.relname::text FROM pg_rewrite r"
            + "   JOIN rel ON r.ev_class = rel.oid"
            + "   JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
            + "     AND d.refclassid = 'pg_class'::regclass"
            + "   JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
            + "   WHERE r.rulename <> '_RETURN' AND rel.relkind <> 'v')"
            + " UNION ALL SELECT 'family', n.nspname::text, c.relname::text FROM pg_class c"
            + "   JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid IN (SELECT oid FROM up UNION SELECT oid FROM down)"
            // A primary key of one column (INCLUDE columns are stored, not part of the key) of a built-in integer
            // type (not a domain over one: DatabaseMetaData calls it DISTINCT), and not generated.
            + " UNION ALL SELECT 'key', a.attname::text, NULL FROM rel"
            + "   JOIN pg_index i ON i.indrelid = rel.oid AND i.indisprimary AND i.indnkeyatts = 1"
            + "   JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum = i.indkey[0]"
            + "   WHERE a.attgenerated = '' AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)"
            + " UNION ALL (SELECT DISTINCT 'call', CASE WHEN p.pronamespace = 'pg_catalog'::regnamespace"
            + "   THEN p.proname::text ELSE p.pronamespace::regnamespace::text || '.' || p.proname END, NULL"
            + "   FROM pg_proc p JOIN called ON p.oid = called.oid"
            + "   WHERE p.pronamespace <> 'pg_catalog'::regnamespace OR p.proname IN (" + builtInList() + "))"
            + " UNION ALL SELECT 'definition', pg_get_viewdef(rel.oid, true), NULL FROM rel WHERE rel.relkind IN ('v', 'm')"
            // The catalog's dependency graph is exact where a view's text may be ambiguous (search_path at creation).
            + " UNION ALL (SELECT DISTINCT 'depends', rn.nspname::text, rc.relname::text FROM pg_rewrite r"
            + "   JOIN rel ON r.ev_class = rel.oid"
            + "   JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
            + "     AND d.refclassid = 'pg_class'::regclass"
            + "   JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
            + "   WHERE rel.relkind = 'v' AND rc.oid <> rel.oid)";

    /**
     * One statement reads the relation's kind, foreign keys, rules, family, key, server code, write calls and (for
     * a view) text and dependencies; a second one its policies, if row-level security is on. An unqualified name
     * (no schema: never on PostgreSQL, whose search path always has a first schema) is read the standard way.
     */
    @Override
    public String temporarySchema() {
        return TEMPORARY_SCHEMA;
    }

    @Override
    public Relation relation(Connection connection, String schema, String name) throws SQLException {
        if (schema == null) {
            return Dialect.super.relation(connection, schema, name);
        }
        String type = null;
        String stored = schema; // the schema's own name (pg_temp_3 for pg_temp)
        boolean exists = false;
        boolean serverCode = true;
        boolean rowSecurity = false;
        String integerKey = null;
        String definition = null;
        List<String> changed = new ArrayList<>();
        List<String> family = new ArrayList<>();
        List<String> dependencies = new ArrayList<>();
        Set<String> calls = new TreeSet<>();
        try (PreparedStatement statement = connection.prepareStatement(RELATION)) {
            statement.setString(1, schema);
            statement.setString(2, schema);
            statement.setString(3, name);
            try (ResultSet rows = WithoutBegin.executeQuery(statement)) {
                while (rows.next()) {
                    String a = rows.getString(2);
                    switch (rows.getString(1)) {
                        case "type":
                            exists = true;
                            type = a;
                            stored = rows.getString(3);
                            break;
                        case "code":
                            serverCode = !"false".equals(a);
                            break;
                        case "rls":
                            rowSecurity = "true".equals(a);
                            break;
                        case "child":
                        case "rule":
                            changed.add(TableRef.qualify(a, rows.getString(3)));
                            break;
                        case "family":
                            family.add(TableRef.qualify(a, rows.getString(3)));
                            break;
                        case "key":
                            integerKey = a;
                            break;
                        case "call":
                            calls.add(a);
                            break;
                        case "definition":
                            definition = a;
                            break;
                        case "depends":
                            dependencies.add(TableRef.qualify(a, rows.getString(3)));
                            break;
                        default:
                            throw new SQLException("jdbc-cache: unexpected catalog fact " + rows.getString(1));
                    }
                }
            }
        }
        if (!exists || type == null) {
            return null;
        }
        return new Relation(type, changed, family, integerKey, serverCode,
                calls.isEmpty() ? Calls.NONE : new Calls(calls, Set.of(), Set.of()),
                rowSecurity ? policies(connection, stored, name) : RowSecurity.NONE, definition, dependencies);
    }

    /**
     * The policies that filter reads ({@code FOR SELECT} and {@code FOR ALL}) of a relation with row-level security
     * on: the relations they read (from {@code pg_depend}, exact), and from their printed expressions the functions
     * they call and the settings they read. A policy whose expression cannot be analyzed, reads a setting by a
     * computed name, or reads a setting the read-back query would not find, makes the table uncacheable.
     */
    private static RowSecurity policies(Connection connection, String schema, String name) throws SQLException {
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
        List<String> reads = qualifiedNames(connection, "SELECT DISTINCT rn.nspname, rc.relname"
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
     * The routines query: one row of five arrays (the first null unless its parameter is true). The recursion
     * joins on one precomputed part-of relation: a join on several alternatives (OR, EXISTS) makes the planner's
     * estimate explode, and PostgreSQL then spends half a second JIT-compiling it.
     */
    private static final String ROUTINES = "WITH RECURSIVE parts(part, whole) AS ("
            + "   SELECT typbasetype, oid FROM pg_type WHERE typbasetype <> 0"
            + "   UNION ALL SELECT typelem, oid FROM pg_type WHERE typelem <> 0"
            + "   UNION ALL SELECT a.atttypid, t.oid FROM pg_type t JOIN pg_class k ON k.oid = t.typrelid"
            + "     JOIN pg_attribute a ON a.attrelid = k.oid WHERE k.relkind = 'c' AND a.attnum > 0"
            + "   UNION ALL SELECT rngsubtype, rngtypid FROM pg_range"
            + "   UNION ALL SELECT rngsubtype, rngmultitypid FROM pg_range),"
            // Domain constraints calling a user function (pg_depend) or a state-changing built-in (pinned, so only
            // the expression tree names it), types with user input functions, targets of casts by user functions.
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
            + " SELECT CASE WHEN ?::boolean THEN ARRAY(SELECT DISTINCT proname::text FROM pg_proc"
            + "     WHERE pronamespace = 'pg_catalog'::regnamespace) END,"
            + " ARRAY(SELECT DISTINCT proname::text FROM pg_proc"
            + "   WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)),"
            + " ARRAY(SELECT DISTINCT oprname::text FROM pg_operator WHERE oprnamespace <> 'pg_catalog'::regnamespace),"
            + " ARRAY(SELECT DISTINCT t.typname::text FROM pg_type t JOIN running r ON r.oid = t.oid),"
            + " ARRAY(SELECT name FROM (SELECT p.proname::text AS name, p.proparallel FROM pg_proc p"
            + "   WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)"
            + "   UNION ALL SELECT p.pronamespace::regnamespace::text || '.' || p.proname, p.proparallel"
            + "   FROM pg_proc p"
            + "   WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)) f"
            + "   GROUP BY name HAVING bool_and(proparallel = 's'))";

    /**
     * The built-in function names ({@code pg_catalog}), and what users defined beyond them: function names and
     * operator symbols in any other schema, and the types whose casts run user code (domains whose constraints
     * call user functions or state-changing built-ins, directly or through a base domain; types with user input
     * functions not declared IMMUTABLE and PARALLEL SAFE; targets of casts done by user functions), and the user
     * function names declared PARALLEL SAFE. One catalog query.
     */
    @Override
    public Routines routines(Connection connection, Set<String> builtIns) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ROUTINES)) {
            statement.setBoolean(1, builtIns == null);
            try (ResultSet row = WithoutBegin.executeQuery(statement)) {
                if (!row.next()) {
                    throw new SQLException("jdbc-cache: the routines query returned no row");
                }
                Set<String> builtIn = builtIns != null ? builtIns : new HashSet<>(strings(row.getArray(1)));
                return new Routines(builtIn, new HashSet<>(strings(row.getArray(2))),
                        new HashSet<>(strings(row.getArray(3))), new HashSet<>(strings(row.getArray(4))),
                        new HashSet<>(strings(row.getArray(5))));
            }
        }
    }

    /** {@link #STATE_CHANGING_BUILT_INS} as SQL literals (constant names: no quoting needed). */
    private static String builtInList() {
        return "'" + String.join("', '", STATE_CHANGING_BUILT_INS) + "'";
    }

    /** Runs a catalog query taking (schema, name) and returning (schema, name) rows, as {@code schema.name}. */
    private static List<String> qualifiedNames(Connection connection, String sql, String schema, String name)
            throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = WithoutBegin.executeQuery(statement)) {
                while (rows.next()) {
                    result.add(TableRef.qualify(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return result;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
