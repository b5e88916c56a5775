package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlAnalysis;
import io.jdbccache.internal.sql.SqlAnalyzer;
import io.jdbccache.internal.sql.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one database's catalog says about its relations, looked up once per relation and remembered: base table or
 * view, what a view reads, cascading foreign keys, inheritance, server code run by writes, row-level security, the
 * integer primary key; and where an unqualified name resolves on a given search path.
 *
 * <p>Facts are forgotten after DDL through the driver ({@link #forget}) and at the latest after the refresh
 * interval, so DDL made elsewhere (a policy created from psql, say) is seen within that bound. Every forgetting
 * moves the {@link #epoch()}, which invalidates every decision derived from the facts. Thread-safe.
 */
public final class Catalog {
    private final Dialect dialect;
    private final long refreshNanos;
    private final Map<String, TableInfo> facts = new ConcurrentHashMap<>();
    private final Map<SearchPath, Map<String, String>> resolutions = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile long loadedAt = System.nanoTime();
    /** What the database defines beyond its built-ins; null until first needed, forgotten with the facts. */
    private volatile Routines routines;
    /** The built-in function names: kept across epochs (DDL does not change them), read again at each refresh. */
    private volatile Set<String> builtIns;
    /**
     * Every setting a row-level-security policy seen so far reads by name: sessions read their values back with
     * their state, so that keys hold them. Only grows (a name no policy reads any more costs one more value).
     */
    private final Set<String> policySettings = ConcurrentHashMap.newKeySet();

    /**
     * @param refreshNanos how long facts are trusted without DDL through the driver; 0 or less for ever
     */
    public Catalog(Dialect dialect, long refreshNanos) {
        this.dialect = dialect;
        this.refreshNanos = refreshNanos;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The settings row-level-security policies read, as far as the relations looked up so far tell. */
    public Set<String> policySettings() {
        return Collections.unmodifiableSet(policySettings);
    }

    /** Moves whenever facts are forgotten, so decisions derived from them are made again. */
    public long epoch() {
        return epoch.get();
    }

    /** Forgets all facts (after DDL): views, tables, policies and foreign keys may have changed. */
    public void forget() {
        epoch.incrementAndGet();
        facts.clear();
        resolutions.clear();
        routines = null;
        loadedAt = System.nanoTime();
    }

    /**
     * The database's functions, operators and types beyond its built-ins, read once per catalog epoch. If they
     * cannot be read, no name is trusted as a built-in.
     *
     * @param remember false inside a transaction that ran DDL: what it sees is not what others see
     */
    public Routines routines(Connection connection, boolean remember) {
        Routines known = routines;
        if (known != null && remember) {
            return known;
        }
        try {
            Routines read = dialect.routines(connection, builtIns);
            if (remember) {
                routines = read;
                builtIns = read.builtInFunctions();
            }
            return read;
        } catch (SQLException | RuntimeException e) {
            return UNTRUSTED;
        }
    }

    /** When the catalog cannot tell: no name is the built-in. */
    private static final Routines UNTRUSTED = new Routines(Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

    /** Forgets all facts if they are older than the refresh interval; true if it did. */
    public boolean forgetIfStale() {
        if (refreshNanos > 0 && System.nanoTime() - loadedAt > refreshNanos) {
            builtIns = null;
            forget();
            return true;
        }
        return false;
    }

    /**
     * The stored {@code schema.name} of a table as written, on a session's search path: a qualified name folds as
     * the database folds it; an unqualified one is the first schema of the path that holds a relation of that name
     * (the database's own rule), or the path's first schema when none does.
     *
     * @param connection the physical connection for catalog lookups
     */
    public String resolve(TableRef table, SearchPath path, Connection connection) {
        return resolve(table, path, connection, true);
    }

    /** As {@link #resolve(TableRef, SearchPath, Connection)}, remembering nothing unless {@code remember}. */
    public String resolve(TableRef table, SearchPath path, Connection connection, boolean remember) {
        TableRef.IdentifierCase identifierCase = dialect.identifierCase();
        if (table.schema() != null || path.schemas().size() <= 1) {
            return table.resolve(identifierCase, path.first());
        }
        String name = identifierCase.apply(table.name());
        Map<String, String> resolved = remember ? resolutions.computeIfAbsent(path, p -> new ConcurrentHashMap<>())
                : new HashMap<>();
        String known = resolved.get(name);
        if (known != null) {
            return known;
        }
        String result = TableRef.qualify(path.first(), name);
        boolean certain = true;
        for (String schema : path.schemas()) {
            TableInfo info = tableInfo(TableRef.qualify(schema, name), connection, remember);
            if (!info.known()) {
                certain = false; // cannot tell: fall back, and decide again next time
                break;
            }
            if (info.exists()) {
                result = TableRef.qualify(schema, name);
                break;
            }
        }
        if (certain) {
            resolved.put(name, result);
        }
        return result;
    }

    /**
     * What the catalog says about a resolved relation, looked up once through {@code connection} and remembered.
     * A failed lookup is not remembered and reports an unknown relation.
     */
    public TableInfo tableInfo(String resolvedName, Connection connection) {
        return tableInfo(resolvedName, connection, true);
    }

    /** As {@link #tableInfo(String, Connection)}, remembering nothing unless {@code remember}. */
    public TableInfo tableInfo(String resolvedName, Connection connection, boolean remember) {
        return tableInfo(resolvedName, connection, 0, remember);
    }

    private TableInfo tableInfo(String resolvedName, Connection connection, int depth, boolean remember) {
        // A session's temporary schema is its own: pg_temp is another relation in every session, and a pg_temp_N
        // is reused by later backends.
        remember &= !inTemporarySchema(resolvedName);
        TableInfo info = remember ? facts.get(resolvedName) : null;
        if (info == null) {
            info = lookUp(resolvedName, connection, depth, remember);
            if (info.known() && remember) {
                facts.put(resolvedName, info);
            }
        }
        return info;
    }

    private TableInfo lookUp(String resolvedName, Connection connection, int depth, boolean remember) {
        String[] parts = TableRef.split(resolvedName);
        String schema = parts[0];
        try {
            Relation relation = dialect.relation(connection, schema, parts[1]);
            if (relation == null) {
                return TableInfo.ABSENT;
            }
            String upper = relation.type().toUpperCase(Locale.ROOT);
            if (upper.equals("VIEW") || upper.equals("TEMPORARY VIEW")) {
                // A temporary view is never cached, but what reading it runs is judged as a view's.
                return view(resolvedName, schema, upper, relation, connection, depth, remember);
            }
            // A materialized view holds its own rows, changed only by REFRESH: it is cached like a table.
            boolean cacheable = upper.equals("TABLE") || upper.equals("BASE TABLE")
                    || upper.equals("PARTITIONED TABLE") || upper.equals("MATERIALIZED VIEW");
            // Partitions and inheritance: a row written through the parent lands in a child and is read through
            // both, so each depends on the whole family.
            List<String> family = relation.family();
            List<String> children = new ArrayList<>(relation.changedByWrites());
            children.addAll(family);
            boolean serverCode = relation.runsServerCode();
            RowSecurity rowSecurity = relation.rowSecurity();
            // Known before the facts are: a session whose state lacks them reads it again before using them.
            policySettings.addAll(rowSecurity.settingsRead());
            Calls writeCalls = relation.writeCalls();
            if (upper.equals("MATERIALIZED VIEW")) {
                // Its only write, REFRESH, runs its query: that query's code is the write's.
                Calls refresh = refreshCalls(schema, relation.definition(), connection, depth, remember);
                serverCode |= refresh == null;
                writeCalls = refresh == null ? writeCalls : writeCalls.plus(refresh);
            }
            return new TableInfo(true, true, upper, cacheable, children, family,
                    family.isEmpty() && !serverCode ? relation.integerKey() : null, serverCode, writeCalls,
                    rowSecurity, Calls.NONE);
        } catch (SQLException | RuntimeException e) {
            return TableInfo.UNKNOWN;
        }
    }

    /**
     * A view is cacheable when its definition is a plain read of cacheable relations; what it calls (and what the
     * views behind it call) is its {@link TableInfo#readCalls}, judged by the reader. Its results depend on every
     * relation it reads, transitively, and on their row-level-security policies.
     */
    private TableInfo view(String resolvedName, String schema, String type, Relation relation, Connection connection,
            int depth, boolean remember) {
        String definition = relation.definition();
        boolean serverCode = relation.runsServerCode();
        Calls writeCalls = relation.writeCalls();
        if (definition == null || depth > 8) {
            // Code that cannot be read is code that may do anything.
            return new TableInfo(true, true, type, false, List.of(), List.of(), null, serverCode, writeCalls,
                    RowSecurity.NONE, Calls.UNKNOWN);
        }
        SqlAnalysis analysis = SqlAnalyzer.analyze(definition, dialect.syntax(null));
        boolean cacheable = type.equals("VIEW") && analysis.kind() == SqlAnalysis.Kind.QUERY;
        Calls calls = Calls.of(analysis);
        Set<String> readsFrom = new LinkedHashSet<>();
        RowSecurity rowSecurity = RowSecurity.NONE;
        if (analysis.tables() != null) {
            for (TableRef table : analysis.tables()) {
                String base = table.resolve(dialect.identifierCase(), schema);
                if (base.equals(resolvedName)) {
                    continue;
                }
                TableInfo info = tableInfo(base, connection, depth + 1, remember);
                cacheable &= info.known() && info.exists() && info.cacheable();
                readsFrom.add(base);
                readsFrom.addAll(info.readsFrom());
                rowSecurity = merge(rowSecurity, info.rowSecurity());
                calls = calls.plus(info.readCalls());
            }
        }
        // The catalog's dependency graph is exact where the text may be ambiguous (search_path at creation).
        for (String base : relation.viewDependencies()) {
            if (readsFrom.add(base)) {
                TableInfo info = tableInfo(base, connection, depth + 1, remember);
                cacheable &= info.known() && info.cacheable();
                readsFrom.addAll(info.readsFrom());
                rowSecurity = merge(rowSecurity, info.rowSecurity());
                calls = calls.plus(info.readCalls());
            }
        }
        return new TableInfo(true, true, type, cacheable, List.of(), List.copyOf(readsFrom), null, serverCode,
                writeCalls, rowSecurity, calls);
    }

    /**
     * What refreshing a materialized view runs: the calls of its query ({@code definition}) and of the views and
     * policies behind the relations it reads; null if its query cannot be read (then the refresh counts as unknown
     * server code).
     */
    private Calls refreshCalls(String schema, String definition, Connection connection, int depth, boolean remember) {
        if (definition == null || depth > 8) {
            return null;
        }
        SqlAnalysis analysis = SqlAnalyzer.analyze(definition, dialect.syntax(null));
        if (analysis.kind() != SqlAnalysis.Kind.QUERY && analysis.kind() != SqlAnalysis.Kind.UNCACHEABLE_READ
                || analysis.tables() == null) {
            return null;
        }
        Calls calls = Calls.of(analysis);
        for (TableRef table : analysis.tables()) {
            TableInfo info = tableInfo(table.resolve(dialect.identifierCase(), schema), connection, depth + 1,
                    remember);
            calls = calls.plus(info.readCalls()).plus(info.rowSecurity().calls());
        }
        return calls;
    }

    private boolean inTemporarySchema(String resolvedName) {
        String temporary = dialect.temporarySchema();
        if (temporary == null) {
            return false;
        }
        String schema = TableRef.split(resolvedName)[0];
        return schema != null && (schema.equals(temporary) || schema.startsWith(temporary + "_"));
    }

    private static RowSecurity merge(RowSecurity a, RowSecurity b) {
        if (!b.enabled()) {
            return a;
        }
        if (!a.enabled()) {
            return b;
        }
        Set<String> settings = new LinkedHashSet<>(a.settingsRead());
        settings.addAll(b.settingsRead());
        List<String> reads = new ArrayList<>(a.reads());
        reads.addAll(b.reads());
        return new RowSecurity(a.calls().plus(b.calls()), settings, reads,
                a.notAnalyzable() != null ? a.notAnalyzable() : b.notAnalyzable());
    }
}
