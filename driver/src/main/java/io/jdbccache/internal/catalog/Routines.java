package io.jdbccache.internal.catalog;

import java.util.Set;

/**
 * What a database defines beyond its built-ins, as far as names go: a call of a name, an operator symbol or a
 * cast the database may resolve to a user's object runs code the driver cannot see into. PostgreSQL resolves a
 * function by its argument types, so a user's {@code lower(int)} is chosen over the built-in {@code lower(text)}
 * for an integer argument: a name is trusted as the built-in only if no user function of that name exists.
 *
 * @param builtInFunctions names of the built-in functions (null: every name on the driver's lists is trusted)
 * @param userFunctions    names of functions outside the built-in schemas, any schema
 * @param userOperators    symbols of operators outside the built-in schemas
 * @param codeTypes        types whose casts run user code: domains with constraints that call user functions,
 *                         types with user input functions, targets of user-function casts
 * @param parallelSafe     user function names (bare and schema-qualified) every function of which is declared
 *                         {@code PARALLEL SAFE}: PostgreSQL's contract for that marking is that the function writes
 *                         nothing, so it is trusted not to write tables or run DDL (it may still change the
 *                         session, and it is not deterministic)
 */
public record Routines(Set<String> builtInFunctions, Set<String> userFunctions, Set<String> userOperators,
        Set<String> codeTypes, Set<String> parallelSafe) {
    /** SQL syntax that looks like a call but names no function a user could replace. */
    private static final Set<String> SYNTAX = Set.of("coalesce", "nullif", "greatest", "least", "cast", "trim",
            "convert", "extract", "position", "substring", "overlay", "any", "all", "some", "exists", "array",
            "row", "values", "in", "interval", "current_user", "session_user", "current_role", "user");

    /** Nothing known beyond the driver's own lists (databases whose catalog is not read for this). */
    public static final Routines TRUST_NAMES = new Routines(null, Set.of(), Set.of(), Set.of(), Set.of());

    public Routines {
        builtInFunctions = builtInFunctions == null ? null : Set.copyOf(builtInFunctions);
        userFunctions = Set.copyOf(userFunctions);
        userOperators = Set.copyOf(userOperators);
        codeTypes = Set.copyOf(codeTypes);
        parallelSafe = Set.copyOf(parallelSafe);
    }

    /** True if every function {@code name} may resolve to is a user's declared {@code PARALLEL SAFE}. */
    public boolean isParallelSafe(String name) {
        return parallelSafe.contains(name);
    }

    /** True if a call of {@code name} (as the analyzer names it) can only be the database's built-in. */
    public boolean isBuiltIn(String name) {
        if (name.indexOf('.') >= 0 || userFunctions.contains(name)) {
            return false;
        }
        return builtInFunctions == null || builtInFunctions.contains(name) || SYNTAX.contains(name);
    }

    /** True if a user's operator of this symbol exists, which the database may choose over the built-in. */
    public boolean isUserOperator(String symbol) {
        return userOperators.contains(symbol);
    }

    /** True if a cast to this type (its name as the analyzer gives it) may run user code. */
    public boolean runsCode(String type) {
        return codeTypes.contains(type);
    }
}
