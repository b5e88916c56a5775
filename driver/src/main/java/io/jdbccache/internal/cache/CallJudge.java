package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.Calls;
import io.jdbccache.internal.catalog.Routines;
import io.jdbccache.internal.sql.DeterministicFunctions;
import io.jdbccache.internal.sql.DeterministicFunctions.Effect;
import java.util.Set;

/**
 * Judges what a statement's (or a view's, or a policy's) calls can do, with the user's declarations and what the
 * catalog says is really the built-in: a call of a user function, of a user operator, or a cast to a type whose
 * input runs user code, can do anything, except that a user function declared {@code PARALLEL SAFE} (which
 * PostgreSQL defines as writing nothing) is trusted not to write tables or run DDL.
 */
public final class CallJudge {
    private CallJudge() {
    }

    /**
     * The first call that is not deterministic, in words, or null if all are.
     *
     * @param allowed names accepted besides deterministic ones (a policy's {@code current_setting}, whose setting
     *                the key holds)
     */
    public static String nonDeterministic(Calls calls, Set<String> declared, Routines routines, Set<String> allowed) {
        for (String function : calls.functions()) {
            if (allowed.contains(function) && routines.isBuiltIn(function)) {
                continue;
            }
            if (DeterministicFunctions.effect(function, declared, routines.isBuiltIn(function)) != Effect.DETERMINISTIC) {
                return routines.isBuiltIn(function) || function.startsWith("operator")
                        ? "function " + function + " is not known to be deterministic"
                        : "function " + function + " may be a user's function (one of that name exists, or the"
                                + " database has no built-in of that name)";
            }
        }
        for (String operator : calls.operators()) {
            if (routines.isUserOperator(operator) && !declared.contains(operator)) {
                return "operator " + operator + " may be a user's operator";
            }
        }
        for (String type : calls.types()) {
            if (routines.runsCode(type)) {
                return "a cast to " + type + " runs user code";
            }
        }
        return null;
    }

    /** True if some call may write a table (or anything else the driver cannot see). */
    public static boolean mayWrite(Calls calls, Set<String> declared, Routines routines) {
        for (String function : calls.functions()) {
            Effect effect = DeterministicFunctions.effect(function, declared, routines.isBuiltIn(function));
            if (effect == Effect.UNKNOWN && !routines.isParallelSafe(function)) {
                return true;
            }
        }
        return usesUserOperatorsOrCasts(calls, declared, routines);
    }

    /**
     * True if some call may run user code (a function, operator or cast the user defined and did not declare
     * deterministic), which may do anything a user can, DDL included. Built-ins never run DDL.
     */
    public static boolean runsUserCode(Calls calls, Set<String> declared, Routines routines) {
        for (String function : calls.functions()) {
            if (!routines.isBuiltIn(function) && !declared.contains(function) && !routines.isParallelSafe(function)) {
                return true;
            }
        }
        return usesUserOperatorsOrCasts(calls, declared, routines);
    }

    /** True if some call may change the session's state. */
    public static boolean mayChangeSession(Calls calls, Set<String> declared, Routines routines) {
        for (String function : calls.functions()) {
            Effect effect = DeterministicFunctions.effect(function, declared, routines.isBuiltIn(function));
            // PARALLEL SAFE is not trusted here: a session change missed would key one tenant's rows as another's,
            // and reading the session back is one round trip.
            if (effect == Effect.UNKNOWN || effect == Effect.CHANGES_SESSION) {
                return true;
            }
        }
        return usesUserOperatorsOrCasts(calls, declared, routines);
    }

    private static boolean usesUserOperatorsOrCasts(Calls calls, Set<String> declared, Routines routines) {
        for (String operator : calls.operators()) {
            if (routines.isUserOperator(operator) && !declared.contains(operator)) {
                return true;
            }
        }
        for (String type : calls.types()) {
            if (routines.runsCode(type)) {
                return true;
            }
        }
        return false;
    }
}
