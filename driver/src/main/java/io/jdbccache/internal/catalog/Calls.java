package io.jdbccache.internal.catalog;

import io.jdbccache.internal.sql.SqlAnalysis;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The code a statement or a relation runs: the functions it calls, the operators it uses, the types it casts to.
 * Whether any of it is a user's (which may write, change the session or vary) is for {@link Routines} to say.
 *
 * @param functions names as the analyzer gives them (unquoted lower case, quoted exact, qualified with a schema)
 * @param operators operator symbols (PostgreSQL)
 * @param types     cast target type names
 */
public record Calls(Set<String> functions, Set<String> operators, Set<String> types) {
    public static final Calls NONE = new Calls(Set.of(), Set.of(), Set.of());
    /**
     * Code the catalog could not read (a view's text, a relation the lookup failed on): judged as a user's function
     * that may write, change the session and run DDL. Its name holds a NUL, which no database identifier can.
     */
    public static final Calls UNKNOWN = new Calls(Set.of("\u0000code the catalog could not read"), Set.of(), Set.of());

    public Calls {
        functions = Set.copyOf(functions);
        operators = Set.copyOf(operators);
        types = Set.copyOf(types);
    }

    /** What one analyzed statement (or view definition, or policy expression) calls. */
    public static Calls of(SqlAnalysis analysis) {
        if (analysis.functions().isEmpty() && analysis.operators().isEmpty() && analysis.castTypes().isEmpty()) {
            return NONE;
        }
        return new Calls(analysis.functions(), analysis.operators(), analysis.castTypes());
    }

    public Calls plus(Calls other) {
        if (other == NONE || other.equals(this)) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        Set<String> f = new LinkedHashSet<>(functions);
        f.addAll(other.functions);
        Set<String> o = new LinkedHashSet<>(operators);
        o.addAll(other.operators);
        Set<String> t = new LinkedHashSet<>(types);
        t.addAll(other.types);
        return new Calls(f, o, t);
    }

    public boolean isEmpty() {
        return functions.isEmpty() && operators.isEmpty() && types.isEmpty();
    }
}
